import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../../test/support/db.ts';
import { loadConfig } from '../../config/index.ts';
import { onError } from '../../http/errors.ts';
import { zaloMac, verifyZaloSignature } from './signature.ts';
import { REPLAY_WINDOW_MS, zaloWebhookRoutes } from './webhook.ts';

const APP_ID = '4143927346023457012';
const SECRET = 'oa-secret-key-for-tests';
const USER = '8123456789012345678'; // 19 digits: more than a JavaScript number holds exactly
const NOW = new Date('2026-11-24T01:00:00Z');

function event(over: Record<string, unknown> = {}, msgId = 'msg-0001'): string {
  // Written by hand, as Zalo sends it: every id and the timestamp are strings.
  return JSON.stringify({
    app_id: APP_ID,
    user_id_by_app: '5521',
    event_name: 'user_send_text',
    timestamp: String(NOW.getTime()),
    sender: { id: USER },
    recipient: { id: '579745863508352884' },
    message: { msg_id: msgId, text: 'Gia hạn tạm trú cần giấy tờ gì?' },
    ...over,
  });
}
const sign = (raw: string, ts = String(NOW.getTime())) => `mac=${zaloMac(APP_ID, raw, ts, SECRET)}`;

describe('the Zalo signature', () => {
  it('is sha256(app id + raw body + timestamp + OA secret key), with or without "mac="', () => {
    const raw = event();
    const mac = zaloMac(APP_ID, raw, String(NOW.getTime()), SECRET);
    expect(verifyZaloSignature(`mac=${mac}`, APP_ID, raw, String(NOW.getTime()), SECRET)).toBe(true);
    expect(verifyZaloSignature(mac.toUpperCase(), APP_ID, raw, String(NOW.getTime()), SECRET)).toBe(true);
    expect(verifyZaloSignature(`mac=${mac}`, APP_ID, `${raw} `, String(NOW.getTime()), SECRET)).toBe(false);
    expect(verifyZaloSignature(`mac=${mac}`, APP_ID, raw, String(NOW.getTime()), 'another key')).toBe(false);
    expect(verifyZaloSignature('mac=xyz', APP_ID, raw, String(NOW.getTime()), SECRET)).toBe(false);
    expect(verifyZaloSignature(undefined, APP_ID, raw, String(NOW.getTime()), SECRET)).toBe(false);
  });
});

describe('POST /webhooks/zalo', () => {
  let t: TestDb;
  let app: Hono;
  let events = 0;
  beforeAll(async () => {
    t = await openTestDb('pglite');
    app = new Hono();
    app.route('/', zaloWebhookRoutes({ db: t.db, config: loadConfig({ ZALO_APP_ID: APP_ID, ZALO_OA_SECRET_KEY: SECRET }), now: () => NOW, onEvent: () => events++ }));
    app.onError(onError(() => {}));
  }, 60_000);
  afterAll(async () => t?.close());

  const post = (raw: string, signature?: string) =>
    app.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-zevent-signature': signature } : {}) }, body: raw });

  it('stores a verified event under its msg_id, keeping the 19-digit user id exact, and answers 200', async () => {
    const raw = event();
    const res = await post(raw, sign(raw));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: false });
    const [row] = await t.db.query<{ event_name: string; user_id: string; status: string; payload: { sender: { id: string } } }>('SELECT * FROM zalo_inbox WHERE event_key = $1', ['msg-0001']);
    expect(row).toMatchObject({ event_name: 'user_send_text', user_id: USER, status: 'new' });
    expect(row!.payload.sender.id).toBe(USER);
    expect(events).toBe(1);
  });

  it('acknowledges a redelivered event and ignores it', async () => {
    const raw = event();
    const res = await post(raw, sign(raw));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: true });
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM zalo_inbox'))[0]!.n).toBe(1);
    expect(events).toBe(1);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const raw = event({}, 'msg-0002');
    for (const sig of [undefined, 'mac=0000', sign(event({}, 'msg-0003')), `mac=${zaloMac(APP_ID, raw, String(NOW.getTime()), 'wrong secret')}`]) {
      const res = await post(raw, sig);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_signature');
    }
    expect((await t.db.query('SELECT 1 FROM zalo_inbox WHERE event_key = $1', ['msg-0002'])).length).toBe(0);
  });

  it('refuses a correctly signed event outside the replay window', async () => {
    const old = String(NOW.getTime() - REPLAY_WINDOW_MS - 1000);
    const raw = event({ timestamp: old }, 'msg-0004');
    const res = await post(raw, sign(raw, old));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('stale_event');
  });

  it('keys events without a msg_id (follow) by event, user and time; the OA’s own echoes are stored against the citizen', async () => {
    const follow = JSON.stringify({ app_id: APP_ID, event_name: 'follow', timestamp: String(NOW.getTime()), follower: { id: USER }, oa_id: '579745863508352884' });
    expect((await post(follow, sign(follow))).status).toBe(200);
    const echo = event({ event_name: 'oa_send_text', sender: { id: '579745863508352884' }, recipient: { id: USER } }, 'msg-echo');
    expect((await post(echo, sign(echo))).status).toBe(200);
    const rows = await t.db.query<{ event_key: string; event_name: string; user_id: string }>(`SELECT event_key, event_name, user_id FROM zalo_inbox WHERE event_name IN ('follow', 'oa_send_text') ORDER BY event_name`);
    expect(rows).toEqual([
      { event_key: `follow:${USER}:${NOW.getTime()}`, event_name: 'follow', user_id: USER },
      { event_key: 'msg-echo', event_name: 'oa_send_text', user_id: USER },
    ]);
  });

  it('answers bad input with 4xx JSON: not JSON, a signed event of the wrong shape, a huge body; 503 when Zalo is not configured', async () => {
    expect((await post('{not json', 'mac=00')).status).toBe(400);
    const wrong = JSON.stringify({ app_id: APP_ID, timestamp: String(NOW.getTime()), sender: { id: 8123456789012345678 } });
    const res = await post(wrong, sign(wrong));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_event');
    const huge = event({ message: { msg_id: 'm', text: 'x'.repeat(70_000) } });
    expect((await post(huge, sign(huge))).status).toBe(413);
    const bare = new Hono();
    bare.route('/', zaloWebhookRoutes({ db: t.db, config: loadConfig({}), now: () => NOW }));
    bare.onError(onError(() => {}));
    const off = await bare.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: event() });
    expect(off.status).toBe(503);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe('zalo_not_configured');
  });
});
