// Property tests at the Zalo webhook's edge, over a real (embedded) PostgreSQL: whatever body
// arrives, signed correctly or not, the answer is a 200 or a 4xx with the error shape — never a 5xx.
import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../../test/support/db.ts';
import { loadConfig } from '../../config/index.ts';
import { onError } from '../../http/errors.ts';
import { zaloMac } from './signature.ts';
import { zaloWebhookRoutes } from './webhook.ts';

const APP_ID = '4143927346023457012';
const SECRET = 'oa-secret-key-for-property-tests';
const NOW = new Date('2026-11-24T01:00:00Z');

/** Text with what databases and parsers choke on. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\u{E0041}', '\u202E', '0912345678')).map(([a, b]) => a + b),
);
const event = fc.record(
  {
    app_id: fc.oneof({ weight: 4, arbitrary: fc.constant(APP_ID) }, fc.jsonValue()),
    event_name: fc.oneof(fc.constantFrom('user_send_text', 'user_send_audio', 'follow', 'unfollow', 'oa_send_text'), hostile),
    timestamp: fc.oneof({ weight: 4, arbitrary: fc.constant(String(NOW.getTime())) }, fc.constant(NOW.getTime()), fc.constant(String(NOW.getTime() / 1000)), fc.jsonValue()),
    sender: fc.oneof(fc.record({ id: hostile }), fc.jsonValue()),
    recipient: fc.record({ id: fc.constant('579745863508352884') }),
    follower: fc.record({ id: hostile }),
    message: fc.oneof(fc.record({ msg_id: hostile, text: hostile }, { requiredKeys: [] }), fc.jsonValue()),
    user_id_by_app: fc.oneof(hostile, fc.jsonValue()),
  },
  { requiredKeys: ['app_id', 'event_name', 'timestamp'] },
);
const body = fc.oneof(
  { weight: 4, arbitrary: event.map((e) => JSON.stringify(e)) },
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  event.map((e) => JSON.stringify(e)).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n))),
);
/** The timestamp the server hashes: the body's, when it parses and has one. */
function timestampOf(raw: string): string {
  try {
    const ts = (JSON.parse(raw) as { timestamp?: unknown } | null)?.timestamp;
    return typeof ts === 'string' || typeof ts === 'number' ? String(ts) : '';
  } catch {
    return '';
  }
}

describe('POST /webhooks/zalo, any body', () => {
  let t: TestDb;
  let app: Hono;
  beforeAll(async () => {
    t = await openTestDb('pglite');
    app = new Hono();
    app.route('/', zaloWebhookRoutes({ db: t.db, config: loadConfig({ ZALO_APP_ID: APP_ID, ZALO_OA_SECRET_KEY: SECRET }), now: () => NOW }));
    app.onError(onError(() => {}));
  }, 60_000);
  afterAll(async () => t?.close());

  const post = (raw: string, signature: string | null) =>
    app.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-zevent-signature': signature } : {}) }, body: raw });

  it('answers 200 or a 4xx with {error:{code,message}}, signed correctly or not', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('valid', 'valid-upper', 'wrong-secret', 'garbage', 'none'), async (raw, how) => {
        const mac = zaloMac(APP_ID, raw, timestampOf(raw), how === 'wrong-secret' ? 'another secret' : SECRET);
        const sig = how === 'valid' ? `mac=${mac}` : how === 'valid-upper' ? mac.toUpperCase() : how === 'wrong-secret' ? `mac=${mac}` : how === 'garbage' ? 'mac=xyz' : null;
        const res = await post(raw, sig);
        expect(res.status === 200 || (res.status >= 400 && res.status < 500), `${res.status} for ${JSON.stringify(raw)}`).toBe(true);
        const json = (await res.json()) as { error?: { code: unknown; message: unknown } };
        if (res.status !== 200) {
          expect(typeof json.error?.code).toBe('string');
          expect(typeof json.error?.message).toBe('string');
        }
        // Without the right signature nothing gets in (a body that is not JSON is refused before the check).
        if (!how.startsWith('valid')) expect([400, 401]).toContain(res.status);
      }),
      { numRuns: 120 },
    );
  }, 60_000);

  it('accepts every well-formed, correctly signed, fresh event', async () => {
    const good = fc.record({
      event_name: fc.constantFrom('user_send_text', 'user_send_audio', 'follow', 'oa_send_text'),
      sender: fc.record({ id: fc.stringMatching(/^\d{1,19}$/) }),
      message: fc.record({ msg_id: fc.uuid(), text: fc.string({ maxLength: 200 }).filter((s) => !s.includes('\u0000')) }),
    });
    await fc.assert(
      fc.asyncProperty(good, async (e) => {
        const raw = JSON.stringify({ app_id: APP_ID, timestamp: String(NOW.getTime()), recipient: { id: '579745863508352884' }, ...e });
        const res = await post(raw, `mac=${zaloMac(APP_ID, raw, String(NOW.getTime()), SECRET)}`);
        expect(res.status).toBe(200);
      }),
    );
  }, 60_000);
});
