import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDb, type TestDb } from '../../../test/support/db.ts';
import { loadConfig } from '../../config/index.ts';
import type { Db } from '../../db/index.ts';
import { createZaloClient, RATE_LIMIT_BACKOFF_MS, ZaloAuthError } from './client.ts';

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
  reset() {
    this.validAccess = new Set(['AT-0']);
    this.validRefresh = new Set(['RT-0']);
    this.issued = 0;
    this.oauthDelayMs = 0;
    this.oauthReply = null;
    this.oauthCalls = [];
    this.apiCalls = [];
    this.apiScript = [];
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
);

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
  });
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
    const r = await client().channel().send({ deliveryId: 7, ticketCode: 'HD-1', conversationId: 'c1', channel: 'zalo', recipient: USER, text });
    expect(r.status).toBe('sent');
    expect(zalo.apiCalls.length).toBeGreaterThan(1);
    expect(r.detail).toBe(zalo.apiCalls.map((_, i) => `90000000000000000${String(i + 1).padStart(2, '0')}`).join(','));
    for (const c of zalo.apiCalls) expect(JSON.parse(c.raw).recipient).toEqual({ user_id: USER });
    expect(texts().every((p) => p.length <= 2000)).toBe(true);
    expect(texts().join('\n\n')).toBe(text);
  });

  it('stops a split message at the first part that fails and says how far it got', async () => {
    const text = `${'Câu một [1]. '.repeat(200).trim()}\n\n${'Câu hai [2]. '.repeat(200).trim()}\n\n${'Câu ba. '.repeat(100).trim()}`;
    zalo.apiScript = [() => HttpResponse.json({ error: 0, message: 'Success', data: { message_id: 'm1' } }), zaloError(-230, 'User has not interacted with the OA in the past 7 days')];
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
    expect(await client({ timeoutMs: 50 }).sendText({ userId: USER }, 'x')).toEqual({ status: 'failed', detail: 'timeout' });
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
    expect(await bare.channel().send({ deliveryId: 1, ticketCode: null, conversationId: 'c', channel: 'zalo', recipient: USER, text: 'x' })).toMatchObject({ status: 'failed' });
    expect(await bare.channel().send({ deliveryId: 1, ticketCode: null, conversationId: 'c', channel: 'zalo', recipient: null, text: 'x' })).toMatchObject({ status: 'undeliverable' });
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
