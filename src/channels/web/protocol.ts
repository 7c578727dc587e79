// The widget's WebSocket protocol at /v1/chat/ws: JSON text frames, validated with zod on the
// server. The widget imports only the types (it ships no zod).
//
// Client → server
//   hello     {type, conversationId?, lastDeliveryId?, lang?}  first frame; resumes a conversation and
//                                                              replays officer messages after lastDeliveryId
//   ask       {type, id, question, lang?, channel?, alternatives?}
//   escalate  {type, id, lang?}                                 the "Gặp cán bộ" button
//   feedback  {type, answerId, helpful, reason?}
//   ping      {type}
// Server → client
//   ready          {type, conversationId | null, resumed}
//   answer_start   {type, id}
//   answer_delta   {type, id, seq, text}                        the verified answer, in pieces
//   answer_done    {type, id, seq, answerId, conversationId, status, answer, citations, ticket?, …}
//   ticket_update  {type, deliveryId, ticketCode, text, createdAt}   an officer's message, live
//   feedback_ok    {type, answerId, offerOfficer}
//   error          {type, id?, code, message, retryAfter?}       retryAfter (s) with code rate_limited
//   pong           {type}
import { z } from 'zod';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a conversation id');
const requestId = z.string().min(1).max(64);
const lang = z.enum(['vi', 'en']);

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), conversationId: uuid.optional(), lastDeliveryId: z.number().int().min(0).max(2 ** 31 - 1).optional(), lang: lang.optional() }),
  z.object({
    type: z.literal('ask'),
    id: requestId,
    question: z.string().max(20_000),
    lang: lang.optional(),
    channel: z.enum(['web', 'voice']).optional(),
    alternatives: z.array(z.object({ text: z.string().max(2000), confidence: z.number().min(0).max(1).optional() })).max(10).optional(),
  }),
  z.object({ type: z.literal('escalate'), id: requestId, lang: lang.optional() }),
  z.object({ type: z.literal('feedback'), answerId: z.string().uuid(), helpful: z.boolean(), reason: z.string().max(1000).optional() }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

// The answer's citation, as /v1/ask returns it (a type only: the widget bundles no server code).
export type { Citation } from '../../answer/types.ts';
import type { Citation } from '../../answer/types.ts';

export type ServerFrame =
  | { type: 'ready'; conversationId: string | null; resumed: boolean }
  | { type: 'answer_start'; id: string }
  | { type: 'answer_delta'; id: string; seq: number; text: string }
  | {
      type: 'answer_done';
      id: string;
      seq: number;
      answerId: string;
      conversationId: string;
      status: 'answered' | 'escalated' | 'refused';
      answer: string;
      citations: Citation[];
      ticket?: { code: string; agency: string; agencyName?: string; dueAt: string };
      lang: 'vi' | 'en';
      rewrittenQuestion?: string;
    }
  | { type: 'ticket_update'; deliveryId: number; ticketCode: string | null; text: string; createdAt: string }
  | { type: 'feedback_ok'; answerId: string; offerOfficer: boolean }
  | { type: 'error'; id?: string; code: string; message: string; /** Seconds, with code 'rate_limited'. */ retryAfter?: number }
  | { type: 'pong' };

/** Largest frame the server reads; anything bigger is refused with an error frame. */
export const MAX_FRAME_BYTES = 64 * 1024;
