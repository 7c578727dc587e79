// The public HTTP schemas, as the app applies them: for any body or query, a request the schema
// accepts gets its 200 in the documented response shape, and anything else a 4xx {error:{code,message}}
// — never a 5xx. The whole app is served in process on loopback over the answer fixture.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskRequest, AskResponseSchema } from '../src/answer/routes.ts';
import { startStaffApp, type StaffApp } from './support/staff.ts';

const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', '   ', '\u0000', 'a\u0000b', '\uD800', '\u{E0041}\u{E0042}', '\u202Eabc', 'Gia hạn tạm trú cần giấy tờ gì?', 'CCCD 001203004567', 'x'.repeat(20_001)),
);
const askBody = fc.oneof(
  fc.record(
    {
      question: fc.oneof({ weight: 4, arbitrary: hostile }, fc.jsonValue()),
      conversationId: fc.oneof(fc.uuid(), hostile),
      lang: fc.constantFrom('vi', 'en', 'fr', '', 1),
      channel: fc.constantFrom('web', 'zalo', 'voice', 'api', 'sms'),
      alternatives: fc.oneof(fc.array(fc.record({ text: hostile, confidence: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.jsonValue()) }), { maxLength: 11 }), fc.jsonValue()),
      extra: fc.jsonValue(),
    },
    { requiredKeys: ['question'] },
  ),
  fc.jsonValue(),
);

/** The body as JSON; null for a request line or headers too long for Node's parser (431, no body, the app never sees it). */
async function jsonOf(res: Response): Promise<unknown> {
  if (res.status === 431) return null;
  return res.json();
}

function errorShape(status: number, body: unknown) {
  expect(status >= 400 && status < 500, `status ${status}: ${JSON.stringify(body).slice(0, 300)}`).toBe(true);
  const e = (body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(typeof e?.code).toBe('string');
  expect(typeof e?.message).toBe('string');
}

describe('public HTTP schemas, any input', () => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp('pglite');
  }, 120_000);
  afterAll(async () => app?.close());

  const post = (path: string, body: unknown) => fetch(`${app.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('POST /v1/ask: 200 in the AskResponse shape exactly when AskRequest accepts the body, else a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(askBody, async (body) => {
        const res = await post('/v1/ask', body);
        const json = (await res.json()) as unknown;
        const ok = AskRequest.safeParse(body);
        if (ok.success && ok.data.question.trim() && !ok.data.conversationId) {
          expect(res.status, JSON.stringify(json).slice(0, 300)).toBe(200);
          AskResponseSchema.parse(json);
        } else if (res.status !== 200) errorShape(res.status, json);
        // An unknown conversation id is the only way an accepted body can still be refused.
        if (res.status === 404) expect(ok.success && ok.data.conversationId).toBeTruthy();
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('GET /v1/search: ranked results, at most k, for any accepted query; a 4xx for the rest', async () => {
    const q = fc.record({ q: hostile, k: fc.oneof(fc.integer({ min: -5, max: 60 }).map(String), hostile), kind: fc.oneof(fc.constantFrom('law_article', 'procedure,qa', 'qa,,', 'nope'), hostile) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(q, async (params) => {
        const res = await fetch(`${app.base}/v1/search?${new URLSearchParams(params as Record<string, string>)}`);
        const json = (await jsonOf(res)) as { k?: number; results?: { rank: number }[] } | null;
        if (json === null) return;
        if (res.status !== 200) return errorShape(res.status, json);
        expect(json.results!.length).toBeLessThanOrEqual(json.k!);
        json.results!.forEach((r, i) => expect(r.rank).toBe(i + 1));
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('POST /v1/answers/:id/feedback: a 4xx for any id or body that is not an existing answer and {helpful, reason?}', async () => {
    const { answerId } = await app.ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?' });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(answerId), fc.uuid(), hostile.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?')))), fc.oneof(fc.record({ helpful: fc.oneof(fc.boolean(), fc.jsonValue()), reason: hostile }, { requiredKeys: [] }), fc.jsonValue()), async (id, body) => {
        const res = await post(`/v1/answers/${id}/feedback`, body);
        const json = await jsonOf(res);
        if (json === null) return;
        if (res.status === 200) expect(id).toBe(answerId);
        else errorShape(res.status, json);
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('POST /staff/login: a 4xx {error} for any JSON that is not a staff member’s login', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ email: hostile, password: hostile }, { requiredKeys: [] }), fc.jsonValue()), async (body) => {
        const res = await post('/staff/login', body);
        errorShape(res.status, await res.json());
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
