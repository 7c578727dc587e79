// POST /v1/ask and feedback on answers.
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { createRouter, errorResponses } from '../http/openapi.ts';
import { t } from '../messages.ts';
import type { AnswerService } from './pipeline.ts';
import { conversationExists, recordFeedback } from './store.ts';

/** Bodies larger than this are refused before they are read (413). */
const MAX_BODY_BYTES = 64 * 1024;
/** Longer questions are refused at the door; the pipeline replies to 2,001–this many characters. */
const MAX_RAW_QUESTION = 20_000;

export const AskRequest = z
  .object({
    question: z.string().max(MAX_RAW_QUESTION).openapi({ example: 'Gia hạn tạm trú cần những giấy tờ gì?' }),
    conversationId: z.string().uuid().optional().openapi({ description: 'Continue a conversation (follow-up questions).' }),
    lang: z.enum(['vi', 'en']).optional().openapi({ description: 'Answer language; detected from the question when absent.' }),
    channel: z.enum(['web', 'zalo', 'voice', 'api']).optional(),
    alternatives: z
      .array(z.object({ text: z.string().max(MAX_RAW_QUESTION), confidence: z.number().min(0).max(1) }))
      .max(10)
      .optional()
      .openapi({ description: 'Other recognitions of a voice question, with confidences.' }),
  })
  .strict()
  .openapi('AskRequest');

const CitationSchema = z
  .object({
    n: z.number().int(),
    sourceId: z.string(),
    kind: z.string(),
    title: z.string(),
    ref: z.string().openapi({ example: 'Khoản 2 Điều 20, Luật Cư trú (68/2020/QH14)' }),
    url: z.string().optional(),
    quote: z.string(),
  })
  .openapi('Citation');

export const AskResponseSchema = z
  .object({
    conversationId: z.string(),
    answerId: z.string(),
    status: z.enum(['answered', 'escalated', 'refused']),
    answer: z.string(),
    citations: z.array(CitationSchema),
    ticket: z.object({ code: z.string(), agency: z.string(), agencyName: z.string(), dueAt: z.string() }).optional(),
    lang: z.enum(['vi', 'en']),
    rewrittenQuestion: z.string().optional(),
    reason: z.string(),
    transcript: z
      .object({
        raw: z.string(),
        text: z.string().openapi({ description: 'Normalised: numbers and legal references as digits, fillers removed; what was searched.' }),
        display: z.string().openapi({ description: 'Punctuated and capitalised, diacritics restored: what to show the citizen.' }),
        confidence: z.number(),
        confirm: z.boolean().openapi({ description: 'The assistant asked “Có phải bạn hỏi: …?” instead of answering.' }),
      })
      .optional()
      .openapi({ description: 'For a spoken question (channel "voice"): what was understood.' }),
  })
  .openapi('AskResponse');

const FeedbackRequest = z
  .object({ helpful: z.boolean(), reason: z.string().trim().max(1000).optional() })
  .strict()
  .openapi('FeedbackRequest');

const FeedbackResponse = z.object({ ok: z.literal(true), message: z.string(), offerOfficer: z.boolean() }).openapi('FeedbackResponse');

const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError(413, 'payload_too_large', t('bodyTooLarge'));
  },
});

const askRoute = createRoute({
  method: 'post',
  path: '/v1/ask',
  summary: 'Answer a question with citations, or escalate it to the responsible agency',
  middleware: [limit] as const,
  request: { body: { content: { 'application/json': { schema: AskRequest } }, required: true } },
  responses: { 200: { description: 'The answer', content: { 'application/json': { schema: AskResponseSchema } } }, ...errorResponses(400, 404, 413) },
});

const feedbackRoute = createRoute({
  method: 'post',
  path: '/v1/answers/{id}/feedback',
  summary: 'Say whether an answer helped; "no" offers an officer',
  middleware: [limit] as const,
  request: {
    params: z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }) }),
    body: { content: { 'application/json': { schema: FeedbackRequest } }, required: true },
  },
  responses: { 200: { description: 'Recorded', content: { 'application/json': { schema: FeedbackResponse } } }, ...errorResponses(400, 404, 413) },
});

export function answerRoutes(deps: { db: Db; answers: AnswerService }) {
  return createRouter()
    .openapi(askRoute, async (c) => {
      const body = c.req.valid('json');
      if (!body.question.trim()) throw new AppError(400, 'empty_question', t('emptyQuestionField', body.lang ?? 'vi'));
      if (body.conversationId && !(await conversationExists(deps.db, body.conversationId))) {
        throw new AppError(404, 'conversation_not_found', `${t('notFound', body.lang ?? 'vi')} conversationId`);
      }
      const r = await deps.answers.ask({ ...body, channel: body.channel ?? 'api' });
      return c.json(r, 200);
    })
    .openapi(feedbackRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { helpful, reason } = c.req.valid('json');
      if (!(await recordFeedback(deps.db, id, helpful, reason || null))) throw new AppError(404, 'answer_not_found', t('answerNotFound'));
      return c.json({ ok: true as const, message: helpful ? t('feedbackThanks') : t('feedbackOfferOfficer'), offerOfficer: !helpful }, 200);
    });
}
