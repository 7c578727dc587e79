import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDb, type TestDb } from '../../../test/support/db.ts';
import { loadConfig } from '../../config/index.ts';
import type { Db } from '../../db/index.ts';
import { createZaloClient, RATE_LIMIT_BACKOFF_MS, ZaloAuthError } from './client.ts';
import { splitForZalo } from './split.ts';
import { planReply } from './window.ts';

const API = 'https://zalo-api.test';
const OAUTH = 'https://zalo-oauth.test';
const APP_ID = '4143927346023457012';
const APP_SECRET = 'app-secret-for-tests';
const USER = '8123456789012345678'; // 19 digits: more than a JavaScript number holds exactly
const T0 = new Date('2026-11-24T01:00:00Z');

const config = loadConfig({
  ZALO_APP_ID: APP_ID,
  ZALO_APP_SECRET: APP_SECRET,
  ZALO_OA_SECRET_KEY: 'oa-secret',
  ZALO_ACCESS_TOKEN: 'AT-0',
  ZALO_REFRESH_TOKEN: 'RT-0',
  ZALO_API_BASE_URL: API,
  ZALO_OAUTH_BASE_URL: OAUTH,
});

/** A fake Zalo: single-use refresh tokens, access tokens that die when the next one is issued. */
const zalo = {
  validAccess: new Set<string>(),
  validRefresh: new Set<string>(),
  issued: 0,
  oauthDelayMs: 0,
  oauthReply: null as null | (() => Response),
  oauthCalls: [] as { secretKey: string | null; contentType: string | null; form: Record<string, string> }[],
  apiCalls: [] as { accessToken: string | null; contentType: string | null; raw: string }[],
  /** Replies to the next API calls, in order, instead of the default behaviour. */
  apiScript: [] as (() => Response | Promise<Response>)[],
  /** The conversation history GET v2.0/oa/conversation serves, newest first; a function to script a reply. */
  history: [] as { from_id: string; to_id: string; message: string; time: number; type: string }[],
  historyReply: null as null | (() => Response),
  historyCalls: [] as { accessToken: string | null; data: Record<string, unknown> }[],
  reset() {
    this.validAccess = new Set(['AT-0']);
    this.validRefresh = new Set(['RT-0']);
    this.issued = 0;
    this.oauthDelayMs = 0;
    this.oauthReply = null;
    this.oauthCalls = [];
    this.apiCalls = [];
    this.apiScript = [];
    this.history = [];
    this.historyReply = null;
    this.historyCalls = [];
  },
};

const server = setupServer(
  http.post(`${OAUTH}/v4/oa/access_token`, async ({ request }) => {
    const form = Object.fromEntries(new URLSearchParams(await request.text()));
    zalo.oauthCalls.push({ secretKey: request.headers.get('secret_key'), contentType: request.headers.get('content-type'), form });
    if (zalo.oauthDelayMs) await delay(zalo.oauthDelayMs);
    if (zalo.oauthReply) return zalo.oauthReply();
    if (request.headers.get('secret_key') !== APP_SECRET || form.app_id !== APP_ID || form.grant_type !== 'refresh_token')
      return HttpResponse.json({ error: -14002, message: 'Invalid app' });
    if (!form.refresh_token || !zalo.validRefresh.delete(form.refresh_token)) return HttpResponse.json({ error: -14020, error_description: 'Invalid refresh token' });
    const n = ++zalo.issued;
    zalo.validAccess = new Set([`AT-${n}`]);
    zalo.validRefresh.add(`RT-${n}`);
    return HttpResponse.json({ access_token: `AT-${n}`, refresh_token: `RT-${n}`, expires_in: '90000' });
  }),
  http.post(`${API}/v3.0/oa/message/cs`, async ({ request }) => {
    const raw = await request.text();
    const accessToken = request.headers.get('access_token');
    zalo.apiCalls.push({ accessToken, contentType: request.headers.get('content-type'), raw });
    const scripted = zalo.apiScript.shift();
    if (scripted) return scripted();
    if (!accessToken || !zalo.validAccess.has(accessToken)) return HttpResponse.json({ error: -216, message: 'Access token is invalid' });
    // A bare 19-digit number on purpose: the client must keep every digit.
    const id = `90000000000000000${String(zalo.apiCalls.length).padStart(2, '0')}`;
    return new HttpResponse(`{"data":{"message_id":${id},"user_id":"${USER}"},"error":0,"message":"Success"}`, { headers: { 'content-type': 'application/json' } });
  }),
  http.get(`${API}/v2.0/oa/conversation`, ({ request }) => {
    const data = JSON.parse(new URL(request.url).searchParams.get('data') ?? '{}') as { user_id?: string; offset?: number; count?: number };
    const accessToken = request.headers.get('access_token');
    zalo.historyCalls.push({ accessToken, data });
    if (zalo.historyReply) return zalo.historyReply();
    if (!accessToken || !zalo.validAccess.has(accessToken)) return HttpResponse.json({ error: -216, message: 'Access token is invalid' });
    const page = zalo.history.filter((m) => m.from_id === data.user_id || m.to_id === data.user_id).slice(data.offset ?? 0, (data.offset ?? 0) + Math.min(data.count ?? 10, 10));
    return HttpResponse.json({ error: 0, message: 'Success', data: page.map((m, i) => ({ src: m.from_id === OA_ID ? 0 : 1, message_id: `h${i}`, ...m })) });
  }),
);

const OA_ID = '2233445566778899001';

const H = 3_600_000;

/** The citizen's message to the OA, `ago` ms before `now`, as the webhook stored it. */
const citizenWrote = (db: Db, now: Date, ago: number, msgId = 'citizen-msg-1', event = 'user_send_text') =>
  db.query(`INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, status, received_at) VALUES ($1, $2, $3, $4, 'done', $5)`, [
    msgId,
    event,
    USER,
    JSON.stringify({ event_name: event, message: { msg_id: msgId, text: 'hỏi' } }),
    new Date(now.getTime() - ago),
  ]);

const zaloError = (error: number, message: string) => () => HttpResponse.json({ error, message });
const texts = () => zalo.apiCalls.map((c) => (JSON.parse(c.raw) as { message: { text: string } }).message.text);
const silent = () => {};

describe('the Zalo OA client (mocked Zalo, embedded database)', () => {
  let t: TestDb;
  let now = T0;
  const client = (over: { timeoutMs?: number; db?: Db } = {}) => createZaloClient({ db: over.db ?? t.db, config, now: () => now, log: silent, ...(over.timeoutMs ? { timeoutMs: over.timeoutMs } : {}) });
  const stored = async () => (await t.db.query<{ access_token: string; refresh_token: string; expires_at: Date }>('SELECT access_token, refresh_token, expires_at FROM zalo_tokens WHERE id = 1'))[0];

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    t = await openTestDb('pglite');
  }, 60_000);
  beforeEach(async () => {
    zalo.reset();
    now = T0;
    await t.db.query('DELETE FROM zalo_tokens');
    await t.db.query('DELETE FROM zalo_inbox');
    await t.db.query('DELETE FROM zalo_sent');
  });
  /** The citizen wrote to the OA `ago` ms before now. */
  const wrote = (ago: number, msgId?: string) => citizenWrote(t.db, now, ago, msgId);
  afterEach(() => server.resetHandlers());
  afterAll(async () => {
    server.close();
    await t?.close();
  });

  it('sends a customer-service text with the access_token header, keeping the 19-digit user id and message id exact', async () => {
    const r = await client().sendText({ userId: USER }, 'Lệ phí đăng ký tạm trú là 7.000 đồng [1].');
    expect(r).toEqual({ status: 'sent', detail: '9000000000000000001' });
    expect(zalo.apiCalls).toHaveLength(1);
    const call = zalo.apiCalls[0]!;
    expect(call.accessToken).toBe('AT-0');
    expect(call.contentType).toBe('application/json');
    expect(call.raw).toContain(`"user_id":"${USER}"`);
    expect(JSON.parse(call.raw)).toEqual({ recipient: { user_id: USER }, message: { text: 'Lệ phí đăng ký tạm trú là 7.000 đồng [1].' } });
    expect(zalo.oauthCalls).toHaveLength(0);
    // Seeded from the configuration, expiry unknown: treated as one hour.
    expect(await stored()).toMatchObject({ access_token: 'AT-0', refresh_token: 'RT-0', expires_at: new Date(T0.getTime() + 3_600_000) });
  });

  it('answers a citizen message by its message_id when one is given', async () => {
    await client().sendText({ userId: USER, messageId: 'a1b2c3d4e5' }, 'Chào bạn');
    expect(JSON.parse(zalo.apiCalls[0]!.raw)).toEqual({ recipient: { message_id: 'a1b2c3d4e5' }, message: { text: 'Chào bạn' } });
  });

  it('sends a long message as several parts, in order, to the same user', async () => {
    const paragraphs = Array.from({ length: 5 }, (_, i) => `Đoạn ${i + 1}: ${'Hồ sơ đăng ký tạm trú gồm tờ khai và giấy tờ chứng minh chỗ ở hợp pháp [1]. '.repeat(8).trim()}`);
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(2000);
    await wrote(3 * H);
    const r = await client().channel().send({ deliveryId: 7, ticketCode: 'HD-1', conversationId: 'c1', channel: 'zalo', recipient: USER, text });
    expect(r).toMatchObject({ status: 'sent', detail: 'reply', partsSent: zalo.apiCalls.length });
    expect(zalo.apiCalls.length).toBeGreaterThan(1);
    for (const c of zalo.apiCalls) expect(JSON.parse(c.raw).recipient).toEqual({ message_id: 'citizen-msg-1' });
    // Every part is counted against the citizen's free replies, with Zalo's id of the message, all digits kept.
    const sent = await t.db.query<{ mode: string; reply_to: string; message_id: string }>('SELECT mode, reply_to, message_id FROM zalo_sent ORDER BY id');
    expect(sent).toEqual(zalo.apiCalls.map((_, i) => ({ mode: 'reply', reply_to: 'citizen-msg-1', message_id: `90000000000000000${String(i + 1).padStart(2, '0')}` })));
    expect(texts().every((p) => p.length <= 2000)).toBe(true);
    expect(texts().join('\n\n')).toBe(text);
  });

  it('stops a split message at the first part that fails and says how far it got', async () => {
    const text = `${'Câu một [1]. '.repeat(200).trim()}\n\n${'Câu hai [2]. '.repeat(200).trim()}\n\n${'Câu ba. '.repeat(100).trim()}`;
    zalo.apiScript = [() => HttpResponse.json({ error: 0, message: 'Success', data: { message_id: 'm1' } }), zaloError(-230, 'User has not interacted with the OA in the past 7 days')];
    await wrote(H);
    const r = await client().channel().send({ deliveryId: 8, ticketCode: null, conversationId: 'c1', channel: 'zalo', recipient: USER, text });
    expect(r).toMatchObject({ status: 'undeliverable', partsSent: 1 });
    expect(zalo.apiCalls).toHaveLength(2);
  });

  it('refreshes ahead of expiry, stores the new refresh token and never reuses the old one', async () => {
    const c = client();
    await c.sendText({ userId: USER }, 'một'); // seeds the row: AT-0 until T0 + 1 h
    now = new Date(T0.getTime() + 56 * 60_000); // 4 minutes left
    expect((await c.sendText({ userId: USER }, 'hai')).status).toBe('sent');
    expect(zalo.oauthCalls).toEqual([
      { secretKey: APP_SECRET, contentType: 'application/x-www-form-urlencoded', form: { app_id: APP_ID, grant_type: 'refresh_token', refresh_token: 'RT-0' } },
    ]);
    expect(zalo.apiCalls.map((a) => a.accessToken)).toEqual(['AT-0', 'AT-1']);
    expect(await stored()).toMatchObject({ access_token: 'AT-1', refresh_token: 'RT-1', expires_at: new Date(now.getTime() + 90_000_000) });

    now = new Date(now.getTime() + 90_000_000 - 60_000); // the new token is about to expire
    expect((await c.sendText({ userId: USER }, 'ba')).status).toBe('sent');
    expect(zalo.oauthCalls.map((o) => o.form.refresh_token)).toEqual(['RT-0', 'RT-1']);
    expect(await stored()).toMatchObject({ access_token: 'AT-2', refresh_token: 'RT-2' });
  });

  it('refreshes and retries once when Zalo says the token is invalid (-216)', async () => {
    zalo.validAccess = new Set(); // revoked early, e.g. by a refresh elsewhere
    const r = await client().sendText({ userId: USER }, 'Chào bạn');
    expect(r.status).toBe('sent');
    expect(zalo.apiCalls.map((a) => a.accessToken)).toEqual(['AT-0', 'AT-1']);
    expect(zalo.oauthCalls).toHaveLength(1);
  });

  it('does not retry a second time when the refreshed token is rejected too', async () => {
    zalo.apiScript = [zaloError(-220, 'access_token is expired or removed'), zaloError(-216, 'Access token is invalid'), zaloError(-216, 'Access token is invalid')];
    const r = await client().sendText({ userId: USER }, 'Chào bạn');
    expect(r.status).toBe('failed');
    expect(r.detail).toMatch(/^auth: token rejected after refresh \(-216/);
    expect(zalo.apiCalls).toHaveLength(2);
    expect(zalo.oauthCalls).toHaveLength(1);
  });

  it('reports a citizen outside the 7-day window (-230) as undeliverable, without retrying', async () => {
    zalo.apiScript = [zaloError(-230, 'User has not interacted with the OA in the past 7 days')];
    expect(await client().sendText({ userId: USER }, 'x')).toEqual({ status: 'undeliverable', detail: '-230: User has not interacted with the OA in the past 7 days' });
    expect(zalo.apiCalls).toHaveLength(1);
    expect(zalo.oauthCalls).toHaveLength(0);
  });

  it('reports the rate limit (-32) as a failure to retry after a backoff', async () => {
    zalo.apiScript = [zaloError(-32, 'Your OA reached limit call api')];
    expect(await client().sendText({ userId: USER }, 'x')).toEqual({ status: 'failed', detail: 'rate_limited', retryAfterMs: RATE_LIMIT_BACKOFF_MS });
    expect(zalo.apiCalls).toHaveLength(1);
  });

  it('treats any other error code in an HTTP 200 as a failure', async () => {
    zalo.apiScript = [zaloError(-201, 'user_id is invalid!')];
    expect(await client().sendText({ userId: USER }, 'x')).toEqual({ status: 'failed', detail: '-201: user_id is invalid!' });
  });

  it('reports a network error and a timeout as failures', async () => {
    zalo.apiScript = [() => HttpResponse.error()];
    expect((await client().sendText({ userId: USER }, 'x')).status).toBe('failed');
    zalo.apiScript = [async () => (await delay(1000), HttpResponse.json({ error: 0, data: { message_id: 'late' } }))];
    // A timeout may have reached Zalo: the caller must check before sending again.
    expect(await client({ timeoutMs: 50 }).sendText({ userId: USER }, 'x')).toEqual({ status: 'failed', detail: 'timeout', uncertain: true });
  });

  it('makes exactly one OAuth call for concurrent sends that all need a refresh', async () => {
    await client().accessToken(); // seed
    now = new Date(T0.getTime() + 58 * 60_000);
    zalo.oauthDelayMs = 50;
    const c = client();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => c.sendText({ userId: USER }, `tin ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('sent'));
    expect(zalo.oauthCalls).toHaveLength(1);
    expect(zalo.apiCalls.every((a) => a.accessToken === 'AT-1')).toBe(true);
  });

  it('makes exactly one OAuth call when two clients on the same database need a refresh at once', async () => {
    const a = client();
    const b = client();
    await a.accessToken();
    now = new Date(T0.getTime() + 58 * 60_000);
    zalo.oauthDelayMs = 50;
    const results = await Promise.all([a, b, a, b, b, a].map((c, i) => c.sendText({ userId: USER }, `tin ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('sent'));
    expect(zalo.oauthCalls).toHaveLength(1);
    expect(await stored()).toMatchObject({ access_token: 'AT-1', refresh_token: 'RT-1' });
  });

  it('makes exactly one OAuth call when two clients both see their token rejected', async () => {
    const a = client();
    const b = client();
    await a.accessToken();
    zalo.validAccess = new Set();
    zalo.oauthDelayMs = 50;
    const results = await Promise.all([a, b, a, b].map((c, i) => c.sendText({ userId: USER }, `tin ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(4).fill('sent'));
    expect(zalo.oauthCalls).toHaveLength(1);
    expect(zalo.apiCalls.filter((x) => x.accessToken === 'AT-1')).toHaveLength(4);
  });

  it('keeps the stored refresh token when Zalo refuses the refresh', async () => {
    const c = client();
    await c.accessToken();
    zalo.oauthReply = () => HttpResponse.json({ error: -14014, message: 'Invalid refresh token' });
    await expect(c.accessToken(true)).rejects.toThrow(ZaloAuthError);
    await expect(c.accessToken(true)).rejects.toThrow(/error -14014: Invalid refresh token/);
    expect(await stored()).toMatchObject({ access_token: 'AT-0', refresh_token: 'RT-0' });

    now = new Date(T0.getTime() + 2 * 3_600_000);
    const r = await c.sendText({ userId: USER }, 'x');
    expect(r.status).toBe('failed');
    expect(r.detail).toMatch(/^auth: Zalo refused the token refresh/);
    expect(zalo.apiCalls).toHaveLength(0);
    zalo.oauthReply = () => HttpResponse.error();
    expect((await c.sendText({ userId: USER }, 'x')).status).toBe('failed');
    expect(await stored()).toMatchObject({ refresh_token: 'RT-0' });

    // Once Zalo answers again, the kept token still works.
    zalo.oauthReply = null;
    expect(await c.sendText({ userId: USER }, 'x')).toMatchObject({ status: 'sent' });
    expect(await stored()).toMatchObject({ access_token: 'AT-1', refresh_token: 'RT-1' });
  });

  it('refuses to work without tokens, with a clear error', async () => {
    const bare = createZaloClient({ db: t.db, config: loadConfig({ ZALO_API_BASE_URL: API, ZALO_OAUTH_BASE_URL: OAUTH }), now: () => now, log: silent });
    await expect(bare.accessToken()).rejects.toThrow(/ZALO_REFRESH_TOKEN/);
    await wrote(H);
    expect(await bare.channel().send({ deliveryId: 1, ticketCode: null, conversationId: 'c', channel: 'zalo', recipient: USER, text: 'x' })).toMatchObject({ status: 'failed' });
    expect(await bare.channel().send({ deliveryId: 1, ticketCode: null, conversationId: 'c', channel: 'zalo', recipient: null, text: 'x' })).toMatchObject({ status: 'undeliverable' });
  });
});

describe('the reply-window planner and the conversation history (mocked Zalo, embedded database)', () => {
  let t: TestDb;
  let now = T0;
  const client = () => createZaloClient({ db: t.db, config, now: () => now, log: silent });
  const wrote = (ago: number, msgId?: string, event?: string) => citizenWrote(t.db, now, ago, msgId, event);
  const officer = (text = 'Cán bộ trả lời: hồ sơ của bạn đã đủ.') => ({ deliveryId: 1, ticketCode: 'HD-2', conversationId: 'c', channel: 'zalo', recipient: USER, text });
  const recipients = () => zalo.apiCalls.map((c) => (JSON.parse(c.raw) as { recipient: unknown }).recipient);

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    t = await openTestDb('pglite');
  }, 60_000);
  beforeEach(async () => {
    zalo.reset();
    now = T0;
    for (const table of ['zalo_tokens', 'zalo_inbox', 'zalo_sent']) await t.db.query(`DELETE FROM ${table}`);
  });
  afterAll(async () => {
    server.close();
    await t?.close();
  });

  it('answers as a free reply to the citizen\'s latest message within 48 hours', async () => {
    await wrote(30 * H, 'older');
    await wrote(47 * H - 30 * H + 1, 'latest'); // 17 h ago
    expect(await planReply(t.db, USER, now)).toMatchObject({ mode: 'reply', messageId: 'latest', freeLeft: 8 });
    expect(await client().channel().send(officer())).toMatchObject({ status: 'sent', detail: 'reply' });
    expect(recipients()).toEqual([{ message_id: 'latest' }]);
  });

  it('falls back to a customer-service message by user id after 48 hours, and says why', async () => {
    await wrote(49 * H);
    expect(await planReply(t.db, USER, now)).toMatchObject({ mode: 'cs', reason: 'free_window_over' });
    expect(await client().channel().send(officer())).toMatchObject({ status: 'sent', detail: 'cs: free_window_over' });
    expect(recipients()).toEqual([{ user_id: USER }]);
    expect((await t.db.query<{ mode: string }>('SELECT mode FROM zalo_sent'))[0]?.mode).toBe('cs');
  });

  it('counts the eight free replies per citizen message, including parts already sent', async () => {
    await wrote(H);
    const c = client();
    for (let i = 0; i < 7; i++) await c.sendText({ userId: USER, messageId: 'citizen-msg-1' }, `phần ${i}`);
    expect(await planReply(t.db, USER, now, 1)).toMatchObject({ mode: 'reply', freeLeft: 1 });
    expect(await planReply(t.db, USER, now, 2)).toMatchObject({ mode: 'cs', reason: 'free_replies_used' });
    // A new message from the citizen opens a new window.
    now = new Date(now.getTime() + 60_000);
    await wrote(0, 'citizen-msg-2');
    expect(await planReply(t.db, USER, now, 2)).toMatchObject({ mode: 'reply', messageId: 'citizen-msg-2', freeLeft: 8 });
  });

  it('sends nothing after 7 days without interaction, or to a citizen who never wrote', async () => {
    expect(await client().channel().send(officer())).toEqual({ status: 'undeliverable', detail: 'never_interacted' });
    await wrote(7 * 24 * H + 60_000);
    expect(await planReply(t.db, USER, now)).toMatchObject({ mode: 'closed', reason: 'no_interaction_7_days' });
    expect(await client().channel().send(officer())).toEqual({ status: 'undeliverable', detail: 'no_interaction_7_days' });
    expect(zalo.apiCalls).toHaveLength(0);
    // The OA's own echoes are not the citizen interacting.
    await wrote(H, 'echo-1', 'oa_send_text');
    expect(await planReply(t.db, USER, now)).toMatchObject({ mode: 'closed' });
  });

  it('resumes a message sent in parts after the parts already delivered', async () => {
    await wrote(H);
    const text = `${'Câu một [1]. '.repeat(200).trim()}\n\n${'Câu hai [2]. '.repeat(200).trim()}\n\n${'Câu ba. '.repeat(100).trim()}`;
    const parts = splitForZalo(text);
    expect(parts.length).toBeGreaterThan(3);
    const r = await client().channel().send({ ...officer(text), partsSent: 2 });
    expect(r).toMatchObject({ status: 'sent', partsSent: parts.length });
    expect(texts()).toEqual(parts.slice(2));
  });

  it('finds a message the OA already sent in the conversation history, newest first, page by page', async () => {
    const since = new Date(T0.getTime() - 5 * 60_000);
    const at = (min: number) => T0.getTime() - min * 60_000;
    zalo.history = [
      ...Array.from({ length: 12 }, (_, i) => ({ from_id: OA_ID, to_id: USER, message: `tin khác ${i}`, time: at(i / 10), type: 'text' })),
      { from_id: OA_ID, to_id: USER, message: 'Câu trả lời đã gửi [1].', time: at(2), type: 'text' },
      { from_id: USER, to_id: OA_ID, message: 'Câu trả lời của chính công dân', time: at(3), type: 'text' },
      { from_id: OA_ID, to_id: USER, message: 'Tin cũ', time: at(60), type: 'text' },
    ];
    const c = client();
    expect(await c.findSent(USER, 'Câu trả lời đã gửi [1].', since)).toBe('found');
    expect(zalo.historyCalls.map((h) => h.data)).toEqual([
      { user_id: USER, offset: 0, count: 10 },
      { user_id: USER, offset: 10, count: 10 },
    ]);
    expect(zalo.historyCalls[0]!.accessToken).toBe('AT-0');
    zalo.historyCalls = [];
    // Sent by the citizen, not the OA; or sent before the attempt began: not ours.
    expect(await c.findSent(USER, 'Câu trả lời của chính công dân', since)).toBe('not_found');
    expect(await c.findSent(USER, 'Tin cũ', since)).toBe('not_found');
    expect(await c.findSent(USER, 'Chưa từng gửi', since)).toBe('not_found');
  });

  it('refreshes once for the history when the token is rejected, and says "unknown" when it cannot read it', async () => {
    zalo.validAccess = new Set();
    zalo.history = [{ from_id: OA_ID, to_id: USER, message: 'Đã gửi', time: T0.getTime(), type: 'text' }];
    const c = client();
    expect(await c.findSent(USER, 'Đã gửi', new Date(T0.getTime() - 1000))).toBe('found');
    expect(zalo.oauthCalls).toHaveLength(1);
    zalo.historyReply = () => HttpResponse.json({ error: -32, message: 'limit' });
    expect(await c.findSent(USER, 'Đã gửi', T0)).toBe('unknown');
    zalo.historyReply = () => HttpResponse.error();
    expect(await c.findSent(USER, 'Đã gửi', T0)).toBe('unknown');
    zalo.historyReply = () => new HttpResponse('<html>bad gateway</html>', { status: 502 });
    expect(await c.findSent(USER, 'Đã gửi', T0)).toBe('unknown');
  });
});

// The race made certain: client B reads the (expiring) token before A's refresh commits, and only
// then tries to refresh, so it must wait on A's row lock and, once it holds it, see A's new token.
// (On the pg driver the test server, PGlite behind a socket, runs one transaction at a time, so there
// it only shows the locking SQL works over the wire; the embedded run is the one that catches a missing re-check.)
describe.each(DRIVERS)('two Zalo clients racing to refresh, on the %s driver', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    t = await openTestDb(driver);
  }, 60_000);
  afterAll(async () => {
    server.close();
    await t?.close();
  });

  it('makes exactly one OAuth call, the second client using the token the first one stored', async () => {
    zalo.reset();
    zalo.oauthDelayMs = 100;
    let now = T0;
    const oauthStarted = async () => {
      while (zalo.oauthCalls.length === 0) await delay(5);
    };
    const slowReads: Db = {
      ...t.db,
      async query<T>(sql: string, params?: unknown[]) {
        const rows = await t.db.query<T>(sql, params);
        if (/FROM zalo_tokens/.test(sql)) await oauthStarted();
        return rows;
      },
    };
    const a = createZaloClient({ db: t.db, config, now: () => now, log: silent });
    const b = createZaloClient({ db: slowReads, config, now: () => now, log: silent });
    await a.accessToken();
    now = new Date(T0.getTime() + 58 * 60_000);
    const results = await Promise.all([a.sendText({ userId: USER }, 'a'), b.sendText({ userId: USER }, 'b')]);
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(zalo.oauthCalls).toHaveLength(1);
    expect(zalo.apiCalls.map((c) => c.accessToken)).toEqual(['AT-1', 'AT-1']);
  });
});
