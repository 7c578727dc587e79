// Fault: Zalo's OA API answers 5xx. A batch of signed webhook events goes through the inbox, the
// worker and the real OA client to a Zalo (msw) whose first sends for every citizen message fail
// with 500/502/503 — and one 502 in three comes after Zalo did deliver the message, as a gateway
// that timed out upstream does. Every message is still answered exactly once, each failure is
// retried later with a growing backoff, and every inbox row ends 'done'.
import { Hono } from 'hono';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloClient } from '../../src/channels/zalo/client.ts';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import { formatForZalo, splitForZalo } from '../../src/channels/zalo/split.ts';
import { zaloWebhookRoutes } from '../../src/channels/zalo/webhook.ts';
import { backoffMs, createZaloWorker, MAX_ATTEMPTS } from '../../src/channels/zalo/worker.ts';
import { onError } from '../../src/http/errors.ts';
import { answerFixture, type AnswerFixture } from '../support/answers.ts';
import { APP_ID, OA_ID, OA_SECRET, zaloTestConfig } from '../support/zalo.ts';

const API = 'https://openapi.zalo.test';
/** Failed sends per citizen message before Zalo accepts one. */
const FAILURES = 2;
const STATUSES = [500, 502, 503] as const;

const config = zaloTestConfig(API, 'https://oauth.zalo.test');

const QUESTIONS = [
  'Gia hạn tạm trú cần những giấy tờ gì?',
  'Lệ phí đăng ký tạm trú là bao nhiêu?',
  'Xóa đăng ký thường trú trong trường hợp nào?',
  'Xin chào',
  'Đăng ký thường trú ở đâu?',
  'Điều kiện kết hôn là gì?',
  'Cảm ơn bạn',
  'Thời hạn tạm trú tối đa là bao lâu?',
  'Tôi muốn gặp cán bộ',
  'Nơi cư trú của người chưa thành niên?',
  'Hồ sơ đăng ký tạm trú gồm những gì?',
  'Mất sổ hộ khẩu thì làm sao?',
];
const USERS = ['8123456789012345671', '8123456789012345672', '8123456789012345673', '8123456789012345674'];

let now = new Date('2026-11-24T02:00:00Z');

/** Zalo, as far as sending and reading the conversation history go. */
const zalo = {
  /** Every send request: for which citizen message, when (the test's clock), and what came back. */
  attempts: [] as { replyTo: string; at: number; status: number; delivered: boolean }[],
  /** What the citizens actually received, oldest first. */
  delivered: [] as { userId: string; replyTo: string; text: string; time: number }[],
};

const server = setupServer(
  http.post(`${API}/v3.0/oa/message/cs`, async ({ request }) => {
    const body = (await request.json()) as { recipient: { message_id?: string; user_id?: string }; message: { text: string } };
    const replyTo = body.recipient.message_id ?? `user:${body.recipient.user_id}`;
    const userId = userOf.get(replyTo) ?? body.recipient.user_id ?? '';
    const before = zalo.attempts.filter((a) => a.replyTo === replyTo).length;
    const deliver = () => zalo.delivered.push({ userId, replyTo, text: body.message.text, time: now.getTime() });
    if (before < FAILURES) {
      const status = STATUSES[(before + Number(replyTo.replace(/\D/g, '').slice(-2))) % STATUSES.length]!;
      // A gateway that timed out upstream: the message went out, the answer did not.
      const delivered = status === 502 && before === 0;
      if (delivered) deliver();
      zalo.attempts.push({ replyTo, at: now.getTime(), status, delivered });
      return new HttpResponse(`<html><body><h1>${status}</h1></body></html>`, { status, headers: { 'content-type': 'text/html' } });
    }
    zalo.attempts.push({ replyTo, at: now.getTime(), status: 200, delivered: true });
    deliver();
    return HttpResponse.json({ error: 0, message: 'Success', data: { message_id: `oa-${zalo.delivered.length}` } });
  }),
  http.get(`${API}/v2.0/oa/conversation`, ({ request }) => {
    const q = JSON.parse(new URL(request.url).searchParams.get('data') ?? '{}') as { user_id: string; offset: number; count: number };
    const mine = zalo.delivered.filter((d) => d.userId === q.user_id).reverse(); // newest first
    const page = mine.slice(q.offset, q.offset + q.count).map((d) => ({ src: 0, from_id: OA_ID, to_id: d.userId, type: 'text', message: d.text, time: d.time }));
    return HttpResponse.json({ error: 0, message: 'Success', data: page });
  }),
);
/** The citizen behind each message id, as Zalo knows it. */
const userOf = new Map<string, string>();

describe('Zalo’s API failing with 5xx', () => {
  let fx: AnswerFixture;
  let app: Hono;
  const keys: string[] = [];

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    fx = await answerFixture('pglite');
    app = new Hono();
    app.route('/', zaloWebhookRoutes({ db: fx.db, config, now: () => now }));
    app.onError(onError(() => {}));
  }, 180_000);
  afterAll(async () => {
    server.close();
    await fx?.close();
  });

  it('answers every message of a batch exactly once, retrying each failure later with a growing backoff, and loses no event', async () => {
    // The batch: twelve signed events from four citizens, all acknowledged at once.
    for (const [i, text] of QUESTIONS.entries()) {
      const msgId = `msg-${String(i).padStart(2, '0')}`;
      const userId = USERS[i % USERS.length]!;
      userOf.set(msgId, userId);
      const timestamp = String(now.getTime());
      const raw = JSON.stringify({ app_id: APP_ID, event_name: 'user_send_text', timestamp, sender: { id: userId }, recipient: { id: OA_ID }, message: { msg_id: msgId, text } });
      const res = await app.request('/webhooks/zalo', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${zaloMac(APP_ID, raw, timestamp, OA_SECRET)}` } });
      expect(res.status).toBe(200);
      keys.push(msgId);
    }

    const log = () => {};
    const worker = createZaloWorker({
      db: fx.db,
      answers: fx.service({ now: () => now }),
      sender: createZaloClient({ db: fx.db, config, now: () => now, log }),
      log,
      now: () => now,
      batch: 20,
      format: (answer, citations) => splitForZalo(formatForZalo(answer, citations)),
    });

    // Time moves on to the next retry that falls due, as many times as it takes.
    for (let round = 0; round < 4 * MAX_ATTEMPTS; round++) {
      await worker.runOnce();
      const [due] = await fx.db.query<{ at: Date | null; open: number }>(
        `SELECT min(locked_until) AS at, count(*) FILTER (WHERE status IN ('new', 'working'))::int AS open FROM zalo_inbox`,
      );
      if (!due!.open) break;
      now = new Date(Math.max(now.getTime(), new Date(due!.at ?? now).getTime()) + 1);
    }

    // No event lost: every row done, after at least one retry, without an error left.
    const rows = await fx.db.query<{ event_key: string; status: string; error: string | null; attempts: number; payload: { _reply?: { parts: string[] } } }>(
      'SELECT event_key, status, error, attempts, payload FROM zalo_inbox ORDER BY event_key',
    );
    expect(rows.map((r) => r.event_key)).toEqual(keys);
    for (const r of rows) {
      expect(r, r.event_key).toMatchObject({ status: 'done', error: null });
      // A one-part reply whose 502 came after delivery is settled from the history one attempt early.
      expect(r.attempts, r.event_key).toBeGreaterThanOrEqual(2);
      expect(r.attempts, r.event_key).toBeLessThanOrEqual(FAILURES + 1);
    }

    let fullRetries = 0;
    for (const r of rows) {
      const key = r.event_key;
      const tries = zalo.attempts.filter((a) => a.replyTo === key);
      expect(tries.slice(0, FAILURES).every((a) => a.status >= 500), key).toBe(true);
      // Backoff: the worker's attempts (the clock only moves between runs) are at least backoffMs(n)
      // apart after the n-th failure, and the waits grow.
      const times = [...new Set(tries.map((a) => a.at))].sort((x, y) => x - y);
      // Only a reply whose one send was delivered before its 502 is settled from the history with no second send.
      if (times.length < 2) expect(tries.map((a) => [a.status, a.delivered]), key).toEqual([[502, true]]);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      gaps.forEach((gap, i) => expect(gap, `${key}: wait after failure ${i + 1}`).toBeGreaterThanOrEqual(backoffMs(i + 1)));
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]!, key).toBeGreaterThan(gaps[i - 1]!);
      if (gaps.length === FAILURES) fullRetries++;
      // Exactly once: the citizen received each part of the planned reply once, in order —
      // including a part whose 502 came after Zalo had delivered it.
      const got = zalo.delivered.filter((d) => d.replyTo === key).map((d) => d.text);
      expect(got.length, key).toBeGreaterThan(0);
      expect(got, key).toEqual(r.payload._reply!.parts);
    }
    // Most replies went through both waits, so the growth of the backoff was checked, not skipped.
    expect(fullRetries).toBeGreaterThanOrEqual(QUESTIONS.length / 2);
    // The delivered-then-502 case did happen, so it is tested, not assumed.
    expect(zalo.attempts.filter((a) => a.delivered && a.status === 502).length).toBeGreaterThan(0);
    expect(new Set(zalo.attempts.filter((a) => a.status >= 500).map((a) => a.status))).toEqual(new Set(STATUSES));
  }, 180_000);
});
