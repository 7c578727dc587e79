import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnswerService } from '../../answer/pipeline.ts';
import type { AskResponse } from '../../answer/types.ts';
import type { Db } from '../../db/index.ts';
import { createChatSession } from './chat.ts';
import { clientFrameSchema, MAX_FRAME_BYTES, type ServerFrame } from './protocol.ts';

const uuid = fc.uuid();
const lang = fc.constantFrom('vi', 'en');
/** Frames the widget may send, all valid. */
const validFrame = fc.oneof(
  fc.record({ type: fc.constant('hello'), conversationId: uuid, lastDeliveryId: fc.integer({ min: 0, max: 2 ** 31 - 1 }), lang }, { requiredKeys: ['type'] }),
  fc.record(
    {
      type: fc.constant('ask'),
      id: fc.string({ minLength: 1, maxLength: 64 }),
      question: fc.string({ maxLength: 300 }),
      lang,
      channel: fc.constantFrom('web', 'voice'),
      alternatives: fc.array(fc.record({ text: fc.string({ maxLength: 50 }), confidence: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 10 }),
    },
    { requiredKeys: ['type', 'id', 'question'] },
  ),
  fc.record({ type: fc.constant('escalate'), id: fc.string({ minLength: 1, maxLength: 64 }), lang }, { requiredKeys: ['type', 'id'] }),
  fc.record({ type: fc.constant('feedback'), answerId: uuid, helpful: fc.boolean(), reason: fc.string({ maxLength: 200 }) }, { requiredKeys: ['type', 'answerId', 'helpful'] }),
  fc.constant({ type: 'ping' }),
);
/** Text with what databases and parsers choke on: NUL, lone surrogates, tag characters. */
const hostile = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\uD800', '\u{E0041}', '\u202E')).map(([a, b]) => a + b));
/** Anything a socket can carry: junk text, junk bytes, JSON of any shape, valid frames with a field broken. */
const rawFrame = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.tuple(validFrame, fc.string({ maxLength: 12 }), fc.jsonValue()).map(([f, k, v]) => JSON.stringify({ ...f, [k]: v })),
  validFrame.map((f) => JSON.stringify(f)),
  hostile.map((q) => JSON.stringify({ type: 'ask', id: 'q', question: q })),
  hostile.map((r) => JSON.stringify({ type: 'feedback', answerId: '3f2c1d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f', helpful: false, reason: r })),
);

describe('clientFrameSchema', () => {
  it('accepts every valid frame as it is', () => {
    fc.assert(fc.property(validFrame, (f) => void expect(clientFrameSchema.parse(f)).toEqual(f)));
  });

  it('decides on any JSON value without throwing', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void expect(typeof clientFrameSchema.safeParse(v).success).toBe('boolean')));
  });
});

/**
 * A database that answers like an empty PostgreSQL, including its refusals: text with a NUL
 * character cannot be stored (SQLSTATE 22021), as PGlite and PostgreSQL both say.
 */
function emptyDb(): Db {
  const query = async (_sql: string, params: unknown[] = []) => {
    for (const p of params) {
      if (typeof p === 'string' && p.includes('\u0000')) throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    }
    return [];
  };
  return { query, exec: async () => {}, transaction: async (fn: (tx: unknown) => unknown) => fn({ query }), close: async () => {}, driver: 'pglite' } as unknown as Db;
}

const answer: AskResponse = { conversationId: '3f2c1d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f', answerId: '4f2c1d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f', status: 'answered', answer: 'Trả lời.\nDòng hai [1].', citations: [], lang: 'vi', reason: 'answered' } as unknown as AskResponse;

describe('a chat session', () => {
  it('answers every frame, whatever it holds, with at least one frame and never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawFrame, { minLength: 1, maxLength: 4 }), async (frames) => {
        const sent: ServerFrame[] = [];
        const answers: AnswerService = { ask: async () => answer };
        const session = createChatSession({ db: emptyDb(), answers, log: () => {} }, (f) => sent.push(f));
        for (const f of frames) {
          const before = sent.length;
          await session.receive(f);
          expect(sent.length).toBeGreaterThan(before);
        }
        session.close();
        expect(sent.filter((f) => f.type === 'error' && f.code === 'internal')).toEqual([]);
      }),
    );
  });

  it('refuses a frame above the limit with frame_too_large', async () => {
    const sent: ServerFrame[] = [];
    const session = createChatSession({ db: emptyDb(), answers: { ask: async () => answer }, log: () => {} }, (f) => sent.push(f));
    await session.receive(JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect(sent).toEqual([expect.objectContaining({ type: 'error', code: 'frame_too_large' })]);
  });
});
