// Package zaitest is a fake Z.ai server for testing code that uses zai-go,
// with no network and no API key.
//
// It speaks the wire format recorded from the live API, for every endpoint
// the SDK has, and checks the Authorization header as the real server does
// (401, code 1000, for a wrong key; JWTs signed as zai.WithJWTAuth signs
// are accepted).
//
//	srv := zaitest.NewServer(t)
//	client := srv.Client()                     // a *zai.Client for the fake
//	srv.ReplyError(429, "1302", "High concurrency") // the next request fails
//	... // call your code with client
//	req := srv.Requests()[0]                   // what was sent
//
// NewServer closes the server when the test ends. Start runs one outside a
// test, and RealOrFake gives a program (a demo, an example to copy) the real
// API when ZAI_API_KEY is set and a fake server otherwise.
//
// # Defaults
//
// Without a script every endpoint answers deterministically. Ids are
// numbered per kind in the order objects are made ("file_001",
// "batch_001", ...); each response's X-Log-Id is "zaitest-<n>", n counting
// requests; timestamps are Created. A request the API would refuse gets the
// API's error envelope: no model is 400/1211, a missing field 400/1214,
// an unknown id or path 404/1222.
//
// Chat (POST /chat/completions) echoes the last user message:
// "Echo: <text>". When the request offers a function tool and the last
// message is the user's, it calls the first function tool instead
// (id "call_zaitest_1", finish_reason "tool_calls"), with arguments that
// fill the schema's required properties as a model would from the user's
// words: a string is the property's first enum value, else the last
// capitalised word after the first ("Paris" in "What's the weather in
// Paris?"), else the last word; a number is 1, a boolean true. After a tool
// message it answers "The tool returned: <content>". Tool parameters that
// use $ref, anyOf or oneOf get what GLM answers them: HTTP 500, code 1234
// (the SDK's FunctionTool never sends them). Reasoning ("The user wrote: ...") comes
// with every reply unless thinking is disabled. Usage counts words. Streams
// send a chunk per word (reasoning first), "role":"assistant" on each, the
// finish reason and usage on the last chunk, then [DONE]; with tool_stream
// the arguments arrive in 8-byte fragments keyed by index.
//
// Async tasks (POST /async/chat/completions, /async/images/generations,
// /videos/generations; GET /async-result/{id}) answer PROCESSING for
// WithTaskPolls polls (default 1), then SUCCESS with the chat reply, an
// image URL or a video and cover URL under https://zaitest.invalid/.
// Images (POST /images/generations) return one URL derived from the prompt.
// Embeddings are normalised bags of hashed words (256 dimensions unless
// asked), so texts that share words are similar. Web search
// (POST /web_search) returns min(count, 3) results. Web-search-pro
// (POST /tools, tool "web-search-pro") searches for the last user message
// and answers with the same three pages as three tool calls of a "tool"
// message: search_intent (call_1), search_result (call_2) and
// search_recommend (call_3, "More about <query>"); streamed, one call per
// chunk, finish_reason "stop" on the last, then [DONE].
//
// Audio. Speech (POST /audio/speech) is a 440 Hz Tone, 24 kHz 16-bit mono,
// 20 ms per character of input (100 ms to 2 s): raw PCM (audio/pcm) by
// default, a WAV file (audio/wav) for response_format "wav", or with
// "stream": true base64 (or hex) PCM chunks of 100 ms and [DONE]. The
// voice must be one of the eight official glm-tts voices of the recorded
// voice list (by name or id) or a cloned one. A WAV carries its text in an
// INFO comment (see WAV), and transcription (POST /audio/transcriptions)
// reads it back, so speech transcribes to its input; other audio transcribes
// to "Transcript of <file name>: <n> bytes of audio.". Streamed, the
// transcript comes as one transcript.text.delta per word, then
// transcript.text.done and [DONE]. Custom speech (POST /audio/customization,
// multipart) needs model, input, voice_text and a voice_data file, and
// answers as speech does (WAV for "wav", PCM otherwise; never streamed).
//
// Voices. GET /voice/list lists the official voices, then cloned ones,
// filtered by voiceName and voiceType. POST /voice/clone needs a file_id in
// the file store; it adds a PRIVATE voice "voice_clone_<n>" and stores its
// preview (a WAV of "input") as a file with purpose voice-clone-output.
// POST /voice/delete removes a cloned voice.
//
// Files. POST /files stores the upload (a "batch" file must be JSONL and
// within WithBatchLimits' bytes); GET /files lists in upload order
// (order=desc reverses it), filtered by purpose, paged by after and limit
// (20 by default, at most 100) with has_more; GET /files/{id}/content
// downloads; DELETE /files/{id} deletes. (*Server).File reads the store. A
// file over 1 MiB is kept on disk, in a temporary directory that Close
// removes, and an upload over 1 MiB is stored as it arrives and recorded in
// Requests without its Body, so runs of any size cost the server little
// memory. The JSON form of POST /files (Files.UploadURLs) adds each
// document with a URL and a knowledge_type of 1-5 to successInfos, and
// lists the others in failedInfos.
//
// Batches. POST /batches takes a stored batch file and endpoint
// /v4/chat/completions; the batch is "validating", then "in_progress" for
// WithTaskPolls looks (GET /batches/{id}), then "completed": every input
// line is answered by the chat default, one line at a time, into a real
// output file,
// {"custom_id","id","response":{"status_code":200,"request_id","body":<chat.completion>}}
// per line, and lines that fail go to an error file (WithBatchOutputReversed
// writes them last line first). A file with more lines than WithBatchLimits
// allows, or an empty or repeated custom_id, makes the batch "failed" at its
// first look, with the lines in "errors". auto_delete_input_file (true
// unless sent false) deletes the input file when the batch ends. Cancel
// turns a running batch "cancelling", then "cancelled" without output. GET
// /batches lists in creation order with first_id, last_id and has_more.
// What the server keeps per batch is its wire form; its input and output
// live in the file store.
//
// OCR. Layout parsing (POST /layout_parsing) returns one text element per
// page (start_page_id..end_page_id, one by default) reading
// "Page <n> of <file>", and the Markdown. Handwriting (POST /files/ocr,
// tool_type hand_write) and the file parser read the uploaded file: a UTF-8
// text file is "recognised" line by line, anything else is
// "Text of <name> (<n> bytes)". The parser's create task
// (POST /files/parser/create) is "processing" for WithTaskPolls polls of
// GET /files/parser/result/{id}/{format}, then "succeeded" with the text
// (format text) or a parsing_result_url (download_link);
// POST /files/parser/sync answers at once. Without file_type the parser
// answers HTTP 200 with the Spring-style {"msg","code":500} body the live
// API sends.
//
// Agents (POST /v1/agents under the agents root). general_translation
// answers in the target language (zh-CN by default) for a few phrases it
// knows in English, Chinese, French, German, Spanish and Japanese ("Good
// morning", "Thank you", "Where is the train station?" and "The quick
// brown fox jumps over the lazy dog."), and "[<target_lang>] <text>" for
// any other text, whole or streamed word by word. vidu_template_agent (custom variable "template" required)
// answers "pending" with an async_id; POST /v1/agents/async-result is
// "pending" for WithTaskPolls polls, then "success" with a video_url.
// slides_glm_agent adds a slide per call to a conversation: a thinking, a
// tool (insert_page, with the slide's HTML) and an answer phase, streamed
// or whole; POST /v1/agents/conversation exports it as a .pptx (and .pdf
// with include_pdf) file_url and one image_url per slide. Failures arrive
// as the API sends them: HTTP 200, "status":"failed", code 400.
//
// Tools. Moderations return one result per input item: text containing
// "unsafe" is REJECT, "review" is REVIEW, the rest PASS. Rerank scores each
// document by the share of the query's words it contains, best first, cut
// to top_n. The tokenizer counts words (plus one per message), 256 tokens
// per image and 1024 per video. The reader returns a page titled
// "Page at <host>". GET /models lists glm-4.5, glm-4.5-air, glm-4.6,
// glm-4.7, glm-4.7-flash, glm-5.1 and glm-5.3, owned by "z-ai".
//
// Coding Plan (GET /api/monitor/usage/..., Request.Path "/monitor/...").
// Every answer is wrapped in {"code":200,"msg","data","success":true}. The
// quota (quota/limit) is a "pro" plan: a 5-hour TOKENS_LIMIT window 30 %
// used, a weekly one 12 % used and a monthly TIME_LIMIT of 1000 tool calls
// with 42 used (30 search-prime, 10 web-reader, 2 zread), resetting 5 hours,
// 7 days and 31 days after Created. Usage (model-usage, tool-usage) cuts
// startTime..endTime (UTC+8, both required, else 400 with "success":false)
// into hourly buckets, or daily ones for a window over 24 hours (at most
// 100). Bucket n (hours or days since the epoch, UTC+8) holds 2 + n%7
// GLM-4.7 calls of 1500 tokens each, n%3 web searches, n%2 web reads and
// one zread call when n%5 is 0, so overlapping windows agree.
//
// The Coding Plan feedback (POST /api/monitor/feedback/case) needs feedback
// and context and answers the monitor's envelope without data. The monitor
// takes the key with or without "Bearer ", as the official plugins send it
// bare.
//
// Knowledge (under the /api root: /llm-application/open/..., /zrag/...).
// An in-memory store answers in the envelope
// {"code":200,"message":"请求成功","data":...,"timestamp":...}, failures as
// {"code":<status>,"message"} with that status (404 for an unknown id).
// Knowledge bases ("kb_001", embedding_id 3, 11 or 12 and a name required)
// list in creation order, paged by page and size. An uploaded file of a
// document format (txt, md, pdf, doc(x), ppt(x), xls(x), csv; others go to
// failedInfos) becomes a document ("doc_001") whose text is the file when
// it is UTF-8, cut into slices by knowledge_type: at blank lines by
// default, at lines (3), whole (7), at form feeds (6), or at
// custom_separator into pieces of sentence_size characters (5). A URL
// becomes a document whose text names the address. A document over its
// word_num_limit fails its embedding (embedding_stat 2, code 10002);
// others are embedded at once (1). parse_image gives one image per slice.
// Retrieval (knowledge/retrieve, zrag/retrieval/retrieve) scores each slice
// by the share of the query's distinct words (each Han character counts as
// one) it holds, keeps those of at least the threshold (fractional_threshold;
// similarity_threshold, 0.2 by default), best first, top_k (8) of them; the
// omni-modal search adds the file-name words of image URLs to the query.
// The Q&A agent (zrag/agent/chat) streams session_created for a new
// session, reasoning with enable_thinking, a thought, a knowledge_search
// tool_call and tool_result, the answer word by word ("According to <doc>:
// <best slice>"), then done with usage, and ends the body without [DONE];
// an X-Session-Id it did not make ends the stream with an error event.
//
// # Scripts
//
// Reply, ReplyStream, ReplyError and ReplyDefault queue replies, taken in
// order by the requests they match (On limits one to a route, Times repeats
// it). A server of NewServer fails the test at its end for every scripted
// reply no request took, naming it and the line that queued it; mark one
// that may go unused with AllowUnused. (A server of Start belongs to no test
// and checks nothing.) Their methods bend a reply into the wire's quirks
// that a client must survive:
//
//	srv.ReplyDefault().ArgumentsAsObject()        // tool-call arguments as a JSON object
//	srv.ReplyError(200, "1301", "unsafe")         // an error envelope with HTTP 200
//	srv.ReplyDefault().On("POST", "/v1/agents").AgentFailed("1113", "no balance") // status 200, "failed"
//	srv.ReplyDefault().AsJSON()                   // a stream request answered as plain JSON
//	srv.ReplyDefault().StallAfterHeaders()        // headers, then silence
//	srv.ReplyDefault().DropMidBody()              // half the body, then a reset connection
//	srv.ReplyStream(zaitest.Text("a"), zaitest.Text("b")).DropAfter(1)
//
// ErrorInBody, StallAfterHeaders, DropMidBody and the stream faults work on
// every endpoint; AsJSON on every stream (chat, transcription, speech,
// agents, web-search-pro); ArgumentsAsObject on chat tool calls;
// AgentStatusFailed on the agents endpoints.
//
// # Record and replay
//
// Replay serves the exchanges of a cassette file; with ZAI_RECORD=1 and a
// key it records them from the real API instead:
//
//	srv := zaitest.Replay(t, "testdata/summarize.json")
//	client := srv.Client()
//
// Run once with ZAI_RECORD=1 ZAI_API_KEY=... to write the file; later runs
// need no key and no network.
package zaitest
