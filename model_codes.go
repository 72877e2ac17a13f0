package zai

// Model codes. Any string is accepted where a model is asked for; these are
// the codes documented at the time of this release.
const (
	// Text models.
	ModelGLM5_3           = "glm-5.3"
	ModelGLM5_2           = "glm-5.2"
	ModelGLM5_1           = "glm-5.1"
	ModelGLM5             = "glm-5"
	ModelGLM5Turbo        = "glm-5-turbo"
	ModelGLM4_7           = "glm-4.7"
	ModelGLM4_7Flash      = "glm-4.7-flash"
	ModelGLM4_7FlashX     = "glm-4.7-flashx"
	ModelGLM4_6           = "glm-4.6"
	ModelGLM4_5           = "glm-4.5"
	ModelGLM4_5Air        = "glm-4.5-air"
	ModelGLM4_5X          = "glm-4.5-x"
	ModelGLM4_5AirX       = "glm-4.5-airx"
	ModelGLM4_5Flash      = "glm-4.5-flash"
	ModelGLM4_32B0414     = "glm-4-32b-0414-128k"
	ModelGLM4Flash        = "glm-4-flash"
	ModelGLM4Plus         = "glm-4-plus"
	ModelCharGLM4         = "charglm-4"
	ModelGLM4Voice        = "glm-4-voice"
	ModelAutoGLMPhoneMult = "autoglm-phone-multilingual"
	// ModelCodeGeeX4 completes code; it reads ChatCompletionRequest.Extra
	// (BigModel).
	ModelCodeGeeX4 = "codegeex-4"

	// Vision models.
	ModelGLM5_3Flash   = "glm-5.3-flash"
	ModelGLM5_3FlashX  = "glm-5.3-flashx"
	ModelGLM4_6V       = "glm-4.6v"
	ModelGLM4_6VFlash  = "glm-4.6v-flash"
	ModelGLM4_6VFlashX = "glm-4.6v-flashx"
	ModelGLM4_5V       = "glm-4.5v"
	// ModelGLM5VTurbo is BigModel's default vision model, and the default
	// model of the Q&A agent (QAAgent).
	ModelGLM5VTurbo = "glm-5v-turbo"

	// Image models.
	ModelGLMImage      = "glm-image"
	ModelCogView4      = "cogview-4-250304"
	ModelCogView3Flash = "cogview-3-flash"

	// Video models.
	ModelCogVideoX3     = "cogvideox-3"
	ModelViduQ1Text     = "viduq1-text"
	ModelViduQ1Image    = "viduq1-image"
	ModelViduQ1StartEnd = "viduq1-start-end"
	ModelVidu2Image     = "vidu2-image"
	ModelVidu2StartEnd  = "vidu2-start-end"
	ModelVidu2Reference = "vidu2-reference"

	// Audio models.
	ModelGLMASR      = "glm-asr-2512"
	ModelGLMTTS      = "glm-tts"
	ModelGLMTTSClone = "glm-tts-clone"

	// Realtime models (Realtime.Connect).
	ModelGLMRealtimeFlash = "glm-realtime-flash"
	ModelGLMRealtimeAir   = "glm-realtime-air"

	// Embedding, rerank, moderation and OCR models.
	ModelEmbedding3 = "embedding-3"
	ModelEmbedding2 = "embedding-2"
	ModelRerank     = "rerank"
	// ModelRerankPro reranks in knowledge retrieval
	// (KnowledgeRetrieveRequest.RerankModel) only.
	ModelRerankPro  = "rerank-pro"
	ModelModeration = "moderation"
	ModelGLMOCR     = "glm-ocr"
)
