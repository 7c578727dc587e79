// POST /v1/voice: a recorded question (multipart/form-data, field "audio") → transcript + answer.
// The audio is checked here (size before it is read, then type from its bytes, and a WAV's length),
// transcribed by the configured speech-to-text, and answered as a spoken question (channel
// "voice"): normalised, n-best alternatives weighed by retrieval, confirmed first when unsure.
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AnswerService } from '../answer/pipeline.ts';
import { AskResponseSchema } from '../answer/routes.ts';
import { conversationExists } from '../answer/store.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { createRouter, errorResponses } from '../http/openapi.ts';
import { fmt, t, type Lang, type MessageKey } from '../messages.ts';
import { checkAudio, VoiceError } from './audio.ts';
import type { SpeechToText } from './stt.ts';

/** Room for the multipart envelope and the small fields around the audio. */
const FORM_OVERHEAD = 64 * 1024;

const VoiceForm = z
  .object({
    audio: z.any().openapi({ type: 'string', format: 'binary', description: 'The recording: aac, m4a, mp3, ogg, wav or webm.' }),
    conversationId: z.string().optional().openapi({ description: 'Continue a conversation.' }),
    lang: z.string().optional().openapi({ description: '"vi" (default) or "en".' }),
  })
  .openapi('VoiceRequest');

export interface VoiceRouteDeps {
  db: Db;
  answers: AnswerService;
  stt: SpeechToText;
  limits: { maxBytes: number; maxSeconds: number };
}

/** A VoiceError as the one error shape, in the citizen's language. */
export function voiceAppError(e: VoiceError, lang: Lang, limits: VoiceRouteDeps['limits']): AppError {
  const message = fmt(`voiceError_${e.code}` as MessageKey, lang, { mb: Math.round(limits.maxBytes / 1024 / 1024), seconds: limits.maxSeconds });
  return new AppError(e.status, e.code, message);
}

export function voiceRoutes(deps: VoiceRouteDeps) {
  const route = createRoute({
    method: 'post',
    path: '/v1/voice',
    summary: 'Answer a recorded question: transcribe it, then answer it as a spoken question',
    middleware: [
      bodyLimit({
        maxSize: deps.limits.maxBytes + FORM_OVERHEAD,
        onError: () => {
          throw new AppError(413, 'audio_too_large', fmt('voiceError_audio_too_large', 'vi', { mb: Math.round(deps.limits.maxBytes / 1024 / 1024) }));
        },
      }),
    ] as const,
    request: { body: { content: { 'multipart/form-data': { schema: VoiceForm } }, required: true } },
    responses: {
      200: { description: 'The transcript (in `transcript`) and the answer', content: { 'application/json': { schema: AskResponseSchema } } },
      ...errorResponses(400, 404, 413, 415, 422, 502, 503, 504),
    },
  });

  return createRouter().openapi(route, async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) throw new AppError(415, 'unsupported_media_type', t('voiceAudioMissing'));
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = (await c.req.parseBody({ all: true })) as typeof form;
    } catch {
      throw new AppError(400, 'invalid_form', t('voiceAudioMissing'));
    }
    const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
    const langField = one(form.lang);
    if (langField !== undefined && langField !== 'vi' && langField !== 'en') throw new AppError(400, 'invalid_lang', `${t('badInput')} lang: "vi" | "en"`);
    const lang: Lang = langField === 'en' ? 'en' : 'vi';
    const audio = one(form.audio);
    if (!(audio instanceof File)) throw new AppError(400, 'audio_missing', t('voiceAudioMissing', lang));
    const conversationId = one(form.conversationId);
    if (conversationId !== undefined) {
      if (typeof conversationId !== 'string' || !/^[0-9a-f-]{36}$/i.test(conversationId) || !(await conversationExists(deps.db, conversationId)))
        throw new AppError(404, 'conversation_not_found', `${t('notFound', lang)} conversationId`);
    }
    const bytes = new Uint8Array(await audio.arrayBuffer());
    let transcript;
    try {
      const checked = checkAudio(bytes, { maxBytes: deps.limits.maxBytes, maxDurationSec: deps.limits.maxSeconds });
      transcript = await deps.stt.transcribe({ bytes, type: checked.type, filename: audio.name }, { lang });
    } catch (e) {
      if (e instanceof VoiceError) throw voiceAppError(e, lang, deps.limits);
      throw e;
    }
    if (!transcript.text) throw new AppError(422, 'no_speech', t('voiceNothingHeard', lang));
    const r = await deps.answers.ask({
      question: transcript.text,
      alternatives: transcript.alternatives,
      channel: 'voice',
      ...(langField ? { lang } : {}),
      ...(typeof conversationId === 'string' ? { conversationId } : {}),
    });
    return c.json(r, 200);
  });
}
