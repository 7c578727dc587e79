// Question rate limits over real sockets: per citizen (conversation) and per client address, on
// POST /v1/ask and on the chat socket, with Retry-After, a fake clock for the window, and
// X-Forwarded-For trusted only behind TRUST_PROXY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHAT_PATH } from '../../src/channels/web/ws.ts';
import { askJson, raw, startAbuseApp, type AbuseApp } from './support.ts';

const A = '127.0.0.1';
const B = '127.0.0.2';

describe('question rate limit (default 15 a minute)', () => {
  let app: AbuseApp;
  beforeAll(async () => {
    app = await startAbuseApp();
  }, 60_000);
  afterAll(() => app.close());

  it('answers 15 questions of one citizen in a minute, refuses the 16th with 429 and Retry-After, serves others, and serves again once the minute has passed', async () => {
    expect(app.config.abuse.ratePerMinute).toBe(15);
    const first = await askJson(app.port, { question: 'Câu hỏi 1', channel: 'web' }, { from: A });
    expect(first.status).toBe(200);
    const conversationId = first.json<{ conversationId: string }>().conversationId;
    for (let i = 2; i <= 15; i++) {
      app.clock.now = new Date(app.clock.now.getTime() + 1000);
      const r = await askJson(app.port, { question: `Câu hỏi ${i}`, conversationId, channel: 'web' }, { from: A });
      expect(r.status, `question ${i}`).toBe(200);
    }
    const over = await askJson(app.port, { question: 'Câu hỏi 16', conversationId, channel: 'web' }, { from: A });
    expect(over.status).toBe(429);
    expect(over.json().error).toMatchObject({ code: 'rate_limited' });
    expect(over.json().error!.message).toMatch(/nhanh quá/);
    // The first question was asked 14 s before the 16th: free again in 46 s.
    expect(over.headers['retry-after']).toBe('46');
    expect(app.asked).not.toContain('Câu hỏi 16');

    // The 16th was refused for the address (15 questions); the conversation has 14 so far (its
    // first question made it). Another client with another conversation is served…
    expect((await askJson(app.port, { question: 'Người khác hỏi', channel: 'web' }, { from: B })).status).toBe(200);
    // …the first address is over its limit with a new conversation too,
    expect((await askJson(app.port, { question: 'Hỏi mới', channel: 'web' }, { from: A })).status).toBe(429);
    // and the citizen is the same from another address: the 15th of the conversation passes, the 16th not.
    expect((await askJson(app.port, { question: 'Đổi mạng', conversationId, channel: 'web' }, { from: B })).status).toBe(200);
    const citizenOver = await askJson(app.port, { question: 'Đổi mạng lần nữa', conversationId, channel: 'web' }, { from: B });
    expect(citizenOver.status).toBe(429);
    expect(Number(citizenOver.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    app.clock.now = new Date(app.clock.now.getTime() + 60_000);
    const again = await askJson(app.port, { question: 'Sau một phút', conversationId, channel: 'web' }, { from: A });
    expect(again.status).toBe(200);
  });

  it('does not count a body that is not a question (400 stays 400)', async () => {
    app.clock.now = new Date(app.clock.now.getTime() + 120_000);
    for (let i = 0; i < 20; i++) expect((await raw(app.port, { path: '/v1/ask', headers: { 'content-type': 'application/json' }, body: '{', from: B })).status).toBe(400);
    expect((await askJson(app.port, { question: 'Vẫn được hỏi', channel: 'web' }, { from: B })).status).toBe(200);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY (a client cannot pick its own address)', async () => {
    app.clock.now = new Date(app.clock.now.getTime() + 120_000);
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push((await askJson(app.port, { question: `q${i}` }, { from: A, headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
    expect(statuses.slice(0, 15).every((s) => s === 200)).toBe(true);
    expect(statuses[15]).toBe(429);
  });

  it('answers an over-limit question on the chat socket with an error frame carrying the code and retryAfter, and keeps the socket open', async () => {
    app.clock.now = new Date(app.clock.now.getTime() + 120_000);
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}${CHAT_PATH}`, { localAddress: B });
    const frames: { type: string; id?: string; code?: string; retryAfter?: number }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (let i = 1; i <= 16; i++) ws.send(JSON.stringify({ type: 'ask', id: `q${i}`, question: `Câu hỏi số ${i}` }));
    await expect.poll(() => frames.filter((f) => f.type === 'answer_done' || f.type === 'error').length, { timeout: 10_000 }).toBe(16);
    expect(frames.filter((f) => f.type === 'answer_done')).toHaveLength(15);
    const refused = frames.find((f) => f.type === 'error');
    expect(refused).toMatchObject({ id: 'q16', code: 'rate_limited' });
    expect(refused!.retryAfter).toBeGreaterThanOrEqual(1);
    // Still open: a ping is answered.
    ws.send(JSON.stringify({ type: 'ping' }));
    await expect.poll(() => frames.some((f) => f.type === 'pong')).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('limits /v1/search per address at four times the question rate', async () => {
    app.clock.now = new Date(app.clock.now.getTime() + 120_000);
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await raw(app.port, { method: 'GET', path: `/v1/search?q=tam+tru+${i}`, from: B })).status);
    expect(statuses.slice(0, 60).every((s) => s !== 429)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});

describe('behind a trusted proxy (TRUST_PROXY=true)', () => {
  let app: AbuseApp;
  beforeAll(async () => {
    app = await startAbuseApp({ TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '2' });
  }, 60_000);
  afterAll(() => app.close());

  it('counts each X-Forwarded-For client on its own, by the first address', async () => {
    const as = (ip: string) => askJson(app.port, { question: 'Hỏi' }, { headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });
    expect((await as('198.51.100.7')).status).toBe(200);
    expect((await as('198.51.100.7')).status).toBe(200);
    expect((await as('198.51.100.7')).status).toBe(429);
    expect((await as('198.51.100.8')).status).toBe(200);
  });

  it('counts IPv6 clients by their /64', async () => {
    const as = (ip: string) => askJson(app.port, { question: 'Hỏi' }, { headers: { 'x-forwarded-for': ip } });
    expect((await as('2001:db8:1:2::1')).status).toBe(200);
    expect((await as('2001:db8:1:2:ffff::9')).status).toBe(200);
    expect((await as('2001:db8:1:2::abcd')).status).toBe(429);
    expect((await as('2001:db8:1:3::1')).status).toBe(200);
  });
});

describe('RATE_LIMIT_PER_MINUTE=0', () => {
  it('turns the limit off', async () => {
    const app = await startAbuseApp({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      for (let i = 0; i < 20; i++) expect((await askJson(app.port, { question: `q${i}` })).status).toBe(200);
    } finally {
      await app.close();
    }
  }, 60_000);
});
