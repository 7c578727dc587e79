// Voice as configured: the speech-to-text adapter (an OpenAI-compatible endpoint when STT_BASE_URL
// and STT_MODEL are set, otherwise one that says voice is not enabled) and the audio limits.
import type { Config } from '../config/index.ts';
import { AUDIO_LIMITS } from './audio.ts';
import { createOpenAiStt, createUnconfiguredStt, type SpeechToText } from './stt.ts';

export function createConfiguredStt(config: Pick<Config, 'stt'>, fetchImpl?: typeof fetch): SpeechToText {
  const { baseUrl, model, apiKey, timeoutMs, maxSeconds } = config.stt;
  if (!baseUrl || !model) return createUnconfiguredStt();
  return createOpenAiStt({ baseUrl, model, apiKey, timeoutMs, maxDurationSec: maxSeconds, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

export function voiceLimits(config: Pick<Config, 'stt'>) {
  return { maxBytes: AUDIO_LIMITS.maxBytes, maxSeconds: config.stt.maxSeconds };
}
