// Speech-to-text through any OpenAI-compatible `POST /audio/transcriptions`: OpenAI itself, or a
// self-hosted Whisper (faster-whisper-server, whisper.cpp server, LocalAI). Audio is checked here
// first, so oversized or non-audio bytes never leave the service. Whisper gives one hypothesis;
// its confidence is estimated from the segments' average log-probabilities.
import { z } from 'zod';
import { AUDIO_LIMITS, checkAudio, VoiceError, type AudioType } from './audio.ts';

export interface TranscriptAlternative {
  text: string;
  confidence: number;
}

export interface Transcript {
  /** Trimmed; '' when nothing was heard (the caller decides what to say). */
  text: string;
  /** Best first; empty when `text` is ''. */
  alternatives: TranscriptAlternative[];
  /** As the server reported it, with `vietnamese`/`english` turned into `vi`/`en`. */
  language?: string;
  durationSec?: number;
}

export interface SpeechToText {
  /** `audio.type` is the caller's belief; the bytes decide (see `checkAudio`). Throws VoiceError. */
  transcribe(audio: { bytes: Uint8Array; type: AudioType; filename?: string }, opts?: { lang?: 'vi' | 'en'; signal?: AbortSignal }): Promise<Transcript>;
}

export interface OpenAiSttConfig {
  /** Up to the API version, e.g. `https://api.openai.com/v1` or `http://whisper:8000/v1`; a trailing slash is fine. */
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
  maxDurationSec?: number;
  maxBytes?: number;
}

export const STT_TIMEOUT_MS = 30_000;
/** When the server gives no log-probabilities (plain json or text): trusted, but not blindly. */
export const DEFAULT_CONFIDENCE = 0.8;

const verbose = z.object({
  text: z.string(),
  language: z.string().optional(),
  duration: z.number().optional(),
  segments: z.array(z.object({ text: z.string().optional(), avg_logprob: z.number().optional() }).passthrough()).optional(),
});

const LANGUAGE_NAMES: Record<string, string> = { vietnamese: 'vi', english: 'en' };

/** Mean per-token probability, weighted by each segment's length in characters. */
export function segmentConfidence(segments: { text?: string | undefined; avg_logprob?: number | undefined }[] | undefined): number {
  let weighted = 0;
  let weights = 0;
  for (const s of segments ?? []) {
    if (typeof s.avg_logprob !== 'number' || !Number.isFinite(s.avg_logprob)) continue;
    const w = Math.max(1, (s.text ?? '').trim().length);
    weighted += w * Math.exp(Math.min(0, s.avg_logprob));
    weights += w;
  }
  return weights ? Math.min(1, Math.max(0, weighted / weights)) : DEFAULT_CONFIDENCE;
}

/** `base` + `/audio/transcriptions`, keeping any path the base has (a `/v1` must not be dropped). */
export function transcriptionsUrl(baseUrl: string): URL {
  return new URL('audio/transcriptions', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

const EXTENSION: Record<AudioType, string> = { aac: 'aac', m4a: 'm4a', mp3: 'mp3', ogg: 'ogg', wav: 'wav', webm: 'webm' };

/** A safe file name whose extension matches the sniffed type: servers pick the decoder by it. */
function fileName(type: AudioType, given: string | undefined): string {
  const base = (given ?? '').split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '').replace(/[^\w-]/g, '').slice(0, 64);
  return `${base || 'audio'}.${EXTENSION[type]}`;
}

/** Whether a 400/415 body says the audio's format is the problem (rather than, say, the model name). */
const FORMAT_COMPLAINT = /format|codec|decod|unsupported|invalid (audio|file|media)|could not (read|process|open)/i;

/** A speech-to-text that is not configured: every call fails with stt_not_configured (503). */
export function createUnconfiguredStt(): SpeechToText {
  return {
    transcribe: () => Promise.reject(new VoiceError('stt_not_configured', 'speech-to-text is not configured (STT_BASE_URL, STT_MODEL)')),
  };
}

export function createOpenAiStt(cfg: OpenAiSttConfig): SpeechToText {
  const url = transcriptionsUrl(cfg.baseUrl);
  const timeoutMs = cfg.timeoutMs ?? STT_TIMEOUT_MS;
  const doFetch = cfg.fetch ?? ((input, init) => fetch(input, init));
  const maxDurationSec = cfg.maxDurationSec ?? AUDIO_LIMITS.maxDurationSec;
  const limits = { maxDurationSec, ...(cfg.maxBytes ? { maxBytes: cfg.maxBytes } : {}) };
  // Upstream error bodies are logged; a server that echoes the request must not leak the key.
  const scrub = (s: string) => (cfg.apiKey ? s.split(cfg.apiKey).join('***') : s).replace(/\s+/g, ' ').trim().slice(0, 300);

  return {
    async transcribe(audio, opts = {}) {
      const checked = checkAudio(audio.bytes, limits);
      const form = new FormData();
      // A copy in a plain ArrayBuffer: Blob does not take views of shared memory.
      form.append('file', new Blob([audio.bytes.slice()], { type: checked.mime }), fileName(checked.type, audio.filename));
      form.append('model', cfg.model);
      form.append('language', opts.lang ?? 'vi');
      form.append('response_format', 'verbose_json');
      form.append('temperature', '0');
      const headers: Record<string, string> = { accept: 'application/json, text/plain' };
      if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;

      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const onCallerAbort = () => controller.abort();
      opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
      if (opts.signal?.aborted) controller.abort();
      let status: number;
      let contentType: string;
      let body: string;
      try {
        const res = await doFetch(url, { method: 'POST', body: form, headers, signal: controller.signal });
        status = res.status;
        contentType = res.headers.get('content-type') ?? '';
        body = await res.text();
      } catch (e) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? e;
        if (controller.signal.aborted) throw new VoiceError('stt_timeout', `no transcript from ${url.host} within ${timeoutMs} ms`);
        throw new VoiceError('stt_failed', `speech-to-text request to ${url.host} failed: ${scrub(e instanceof Error ? e.message : String(e))}`);
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onCallerAbort);
      }

      if (status === 413) throw new VoiceError('audio_too_large', `speech-to-text server answered 413: ${scrub(body)}`);
      if (status === 415 || (status === 400 && FORMAT_COMPLAINT.test(body)))
        throw new VoiceError('unsupported_audio_type', `speech-to-text server refused the ${checked.type} audio (${status}): ${scrub(body)}`);
      if (status < 200 || status > 299) throw new VoiceError('stt_failed', `speech-to-text server answered ${status}: ${scrub(body)}`);

      let parsed: z.infer<typeof verbose>;
      if (/json/i.test(contentType) || /^\s*\{/.test(body)) {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          throw new VoiceError('stt_failed', `speech-to-text server sent JSON that does not parse: ${scrub(body)}`);
        }
        const r = verbose.safeParse(json);
        if (!r.success) throw new VoiceError('stt_failed', `speech-to-text server sent JSON without a text: ${scrub(body)}`);
        parsed = r.data;
      } else {
        parsed = { text: body };
      }

      const durationSec = parsed.duration ?? checked.durationSec ?? undefined;
      if (durationSec !== undefined && durationSec > maxDurationSec)
        throw new VoiceError('audio_too_long', `the audio lasts ${durationSec.toFixed(1)} s, over the limit of ${maxDurationSec} s`);
      const text = parsed.text.trim();
      const language = parsed.language ? (LANGUAGE_NAMES[parsed.language.toLowerCase()] ?? parsed.language) : undefined;
      return {
        text,
        alternatives: text ? [{ text, confidence: segmentConfidence(parsed.segments) }] : [],
        ...(language ? { language } : {}),
        ...(durationSec !== undefined ? { durationSec } : {}),
      };
    },
  };
}
