package zai

// AudioService groups the audio endpoints.
//
// Z.ai API docs: https://docs.z.ai/api-reference/audio/audio-transcriptions
type AudioService struct {
	// Transcriptions turns speech into text (ASR).
	Transcriptions *TranscriptionService
	// Speech turns text into speech (TTS).
	Speech *SpeechService
}
