import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../../test/support/db.ts';
import { createAnswerService, type AnswerService } from '../../answer/pipeline.ts';
import type { AskInput, AskResponse } from '../../answer/types.ts';
import { loadConfig } from '../../config/index.ts';
import { loadAgencies } from '../../escalation/agencies.ts';
import { t as msg } from '../../messages.ts';
import type { Searcher } from '../../retrieval/search.ts';
import { loadGlossary } from '../../text/english.ts';
import { loadLexicon } from '../../text/lexicon.ts';
import { zaloMac } from './signature.ts';
import { zaloWebhookRoutes } from './webhook.ts';
import { createZaloWorker, defaultZaloFormat, MAX_ATTEMPTS, type ZaloSendResult, type ZaloSender, type ZaloWorkerDeps } from './worker.ts';

const USER = '8123456789012345678'; // 19 digits: more than a JavaScript number holds exactly
const OA = '579745863508352884';
const ANSWER = 'Hồ sơ gia hạn tạm trú gồm tờ khai thay đổi thông tin cư trú [1].';
const START = new Date('2026-11-24T01:00:00Z');

let db: TestDb;
let clock: Date;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
const silent = () => {};

/** Answers every question the same way and keeps the conversation as the pipeline does (with the citizen's id). */
function fakeAnswers(opts: { fail?: () => boolean } = {}) {
  const calls: AskInput[] = [];
  let n = 0;
  const service: AnswerService = {
    async ask(input) {
      calls.push(input);
      if (opts.fail?.()) throw new Error('llm timed out');
      const conversationId = input.conversationId ?? `conv-${++n}-${Math.random().toString(36).slice(2)}`;
      await db.db.query(
        `INSERT INTO conversations (id, channel, citizen_ref) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET updated_at = now()`,
        [conversationId, input.channel, input.citizenRef ?? null],
      );
      const r: AskResponse = {
        conversationId,
        answerId: `a-${calls.length}`,
        status: 'answered',
        answer: ANSWER,
        citations: [{ n: 1, sourceId: 'proc#1', kind: 'procedure', title: 'Gia hạn tạm trú', ref: 'Thủ tục 1.004194', url: 'https://dichvucong.gov.vn/p/1.004194', quote: '…' }],
        lang: 'vi',
        reason: 'answered',
      };
      return r;
    },
  };
  return { service, calls };
}

/** Records every send; answers from the script in order, then 'sent'. */
function fakeSender(script: ZaloSendResult[] = [], history?: (text: string, since: Date) => 'found' | 'not_found' | 'unknown') {
  const sends: { to: { userId: string; messageId?: string }; text: string }[] = [];
  const lookups: { userId: string; text: string; since: Date }[] = [];
  const sender: ZaloSender = {
    async sendText(to, text) {
      sends.push({ to, text });
      return script.shift() ?? { status: 'sent' };
    },
    ...(history
      ? {
          async findSent(userId: string, text: string, since: Date) {
            lookups.push({ userId, text, since });
            return history(text, since);
          },
        }
      : {}),
  };
  return { sender, sends, lookups };
}

function worker(o: Partial<ZaloWorkerDeps> & Pick<ZaloWorkerDeps, 'answers' | 'sender'>) {
  return createZaloWorker({ db: db.db, log: silent, now: () => clock, ...o });
}

async function store(key: string, eventName: string, user: string | null, payload: Record<string, unknown>) {
  await db.db.query('INSERT INTO zalo_inbox (event_key, event_name, user_id, payload) VALUES ($1, $2, $3, $4)', [key, eventName, user, JSON.stringify({ event_name: eventName, ...payload })]);
}
const text = (key: string, words: string, user = USER) => store(key, 'user_send_text', user, { sender: { id: user }, recipient: { id: OA }, message: { msg_id: key, text: words } });

type Row = { status: string; attempts: number; error: string | null; processed_at: Date | null; locked_until: Date | null };
async function row(key: string): Promise<Row> {
  const [r] = await db.db.query<Row>('SELECT status, attempts, error, processed_at, locked_until FROM zalo_inbox WHERE event_key = $1', [key]);
  return r!;
}

beforeAll(async () => {
  db = await openTestDb('pglite');
}, 60_000);
afterAll(async () => db?.close());
beforeEach(async () => {
  clock = START;
  await db.db.exec('DELETE FROM zalo_inbox; DELETE FROM conversations;');
});

describe('the Zalo worker', () => {
  it('answers a text through the pipeline and replies by message_id', async () => {
    const a = fakeAnswers();
    const s = fakeSender();
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    expect(await worker({ answers: a.service, sender: s.sender }).runOnce()).toBe(1);
    expect(a.calls).toEqual([{ question: 'Gia hạn tạm trú cần giấy tờ gì?', conversationId: undefined, channel: 'zalo', citizenRef: USER }]);
    const parts = defaultZaloFormat(ANSWER, [{ n: 1, ref: 'Thủ tục 1.004194', url: 'https://dichvucong.gov.vn/p/1.004194' }]);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toContain(`${msg('zaloSources')}\n[1] Thủ tục 1.004194`);
    expect(s.sends).toEqual([{ to: { userId: USER, messageId: 'm-1' }, text: parts[0] }]);
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 1, error: null, locked_until: null });
    expect((await row('m-1')).processed_at).not.toBeNull();
  });

  it('continues the citizen’s latest Zalo conversation on the next text', async () => {
    const a = fakeAnswers();
    const s = fakeSender();
    const w = worker({ answers: a.service, sender: s.sender });
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    await w.runOnce();
    await text('m-2', 'Mất bao lâu?');
    await w.runOnce();
    expect(a.calls).toHaveLength(2);
    const [conv] = await db.db.query<{ id: string; citizen_ref: string }>(`SELECT id, citizen_ref FROM conversations WHERE channel = 'zalo'`);
    expect(a.calls[1]!.conversationId).toBe(conv!.id);
    expect(conv!.citizen_ref).toBe(USER);
  });

  it('welcomes a new follower, by user id (a follow has no message to reply to)', async () => {
    const s = fakeSender();
    await store('follow:1', 'follow', USER, { follower: { id: USER } });
    await worker({ answers: fakeAnswers().service, sender: s.sender }).runOnce();
    expect(s.sends).toEqual([{ to: { userId: USER }, text: msg('zaloWelcome') }]);
    expect((await row('follow:1')).status).toBe('done');
  });

  it('ignores an unfollow and events it does not know', async () => {
    const s = fakeSender();
    await store('unfollow:1', 'unfollow', USER, { follower: { id: USER } });
    await store('seen:1', 'user_seen_message', USER, { sender: { id: USER } });
    await worker({ answers: fakeAnswers().service, sender: s.sender }).runOnce();
    expect(s.sends).toEqual([]);
    expect(await row('unfollow:1')).toMatchObject({ status: 'ignored', error: 'unfollow' });
    expect(await row('seen:1')).toMatchObject({ status: 'ignored', error: 'unhandled_event' });
  });

  it('asks politely for text when a citizen sends an image', async () => {
    const a = fakeAnswers();
    const s = fakeSender();
    await store('img-1', 'user_send_image', USER, { sender: { id: USER }, message: { msg_id: 'img-1', attachments: [{ type: 'image', payload: { url: 'https://x/y.jpg' } }] } });
    await worker({ answers: a.service, sender: s.sender }).runOnce();
    expect(a.calls).toEqual([]);
    expect(s.sends).toEqual([{ to: { userId: USER, messageId: 'img-1' }, text: msg('zaloTextOnly') }]);
    expect(await row('img-1')).toMatchObject({ status: 'done', error: null });
  });

  it('asks the citizen to type instead of a voice note, noting that speech to text is missing', async () => {
    const a = fakeAnswers();
    const s = fakeSender();
    await store('aud-1', 'user_send_audio', USER, { sender: { id: USER }, message: { msg_id: 'aud-1', attachments: [{ type: 'audio', payload: { url: 'https://voice-aac-dl.zdn.vn/a.aac' } }] } });
    await worker({ answers: a.service, sender: s.sender }).runOnce();
    expect(a.calls).toEqual([]);
    expect(s.sends).toEqual([{ to: { userId: USER, messageId: 'aud-1' }, text: msg('zaloVoiceNotYet') }]);
    expect(await row('aud-1')).toMatchObject({ status: 'done', error: 'stt_not_configured' });
  });

  it('never answers the OA’s own echoes', async () => {
    const a = fakeAnswers();
    const s = fakeSender();
    await store('echo-1', 'oa_send_text', USER, { sender: { id: OA }, recipient: { id: USER }, message: { msg_id: 'echo-1', text: ANSWER } });
    await worker({ answers: a.service, sender: s.sender }).runOnce();
    expect(a.calls).toEqual([]);
    expect(s.sends).toEqual([]);
    expect(await row('echo-1')).toMatchObject({ status: 'ignored', error: 'oa_echo' });
  });

  it('keeps a 19-digit user id exact from the webhook through the pipeline to the reply', async () => {
    const appId = '4143927346023457012';
    const secret = 'oa-secret-key-for-tests';
    const a = fakeAnswers();
    const s = fakeSender();
    const w = worker({ answers: a.service, sender: s.sender });
    let woken = 0;
    const app = new Hono();
    app.route('/', zaloWebhookRoutes({ db: db.db, config: loadConfig({ ZALO_APP_ID: appId, ZALO_OA_SECRET_KEY: secret }), now: () => clock, onEvent: () => woken++ }));
    // Written by hand as Zalo sends it: ids as strings, so nothing is rounded on the way.
    const raw = `{"app_id":"${appId}","event_name":"user_send_text","timestamp":"${clock.getTime()}","sender":{"id":"${USER}"},"recipient":{"id":"${OA}"},"message":{"msg_id":"m-big","text":"Đăng ký thường trú ở đâu?"}}`;
    const res = await app.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${zaloMac(appId, raw, String(clock.getTime()), secret)}` }, body: raw });
    expect(res.status).toBe(200);
    expect(woken).toBe(1);
    await w.runOnce();
    expect(a.calls[0]!.citizenRef).toBe(USER);
    expect(s.sends[0]!.to).toEqual({ userId: USER, messageId: 'm-big' });
    const [conv] = await db.db.query<{ citizen_ref: string }>('SELECT citizen_ref FROM conversations');
    expect(conv!.citizen_ref).toBe(USER);
  });

  it('marks an event done, without retrying, when Zalo refuses the user (-230)', async () => {
    const s = fakeSender([{ status: 'undeliverable', detail: '-230 User has not interacted with the OA in the past 7 days' }]);
    const w = worker({ answers: fakeAnswers().service, sender: s.sender });
    await text('m-1', 'Xin chào');
    await w.runOnce();
    expect(await row('m-1')).toMatchObject({ status: 'done', error: 'undeliverable', attempts: 1 });
    advance(24 * 3600_000);
    expect(await w.runOnce()).toBe(0);
    expect(s.sends).toHaveLength(1);
  });

  it('retries a failed send later, without asking the pipeline again', async () => {
    const a = fakeAnswers();
    const s = fakeSender([{ status: 'failed', detail: '-32 rate limit', retryAfterMs: 30_000 }]);
    const w = worker({ answers: a.service, sender: s.sender });
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    await w.runOnce();
    const waiting = await row('m-1');
    expect(waiting).toMatchObject({ status: 'new', attempts: 1, error: 'send_failed: -32 rate limit' });
    expect(new Date(waiting.locked_until!).getTime()).toBe(START.getTime() + 30_000);
    advance(29_000);
    expect(await w.runOnce()).toBe(0);
    advance(1_000);
    expect(await w.runOnce()).toBe(1);
    expect(a.calls).toHaveLength(1);
    expect(s.sends).toHaveLength(2);
    expect(s.sends[1]).toEqual(s.sends[0]);
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('retries when the pipeline throws, with backoff', async () => {
    let failures = 1;
    const a = fakeAnswers({ fail: () => failures-- > 0 });
    const s = fakeSender();
    const w = worker({ answers: a.service, sender: s.sender });
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    await w.runOnce();
    expect(await row('m-1')).toMatchObject({ status: 'new', attempts: 1, error: 'error: llm timed out' });
    expect(s.sends).toEqual([]);
    advance(3600_000);
    await w.runOnce();
    expect(a.calls).toHaveLength(2);
    expect(s.sends).toHaveLength(1);
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it(`gives up after ${MAX_ATTEMPTS} failed attempts`, async () => {
    const s = fakeSender(Array.from({ length: 10 }, () => ({ status: 'failed' as const, detail: 'HTTP 502' })));
    const w = worker({ answers: fakeAnswers().service, sender: s.sender });
    await text('m-1', 'Xin chào');
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await w.runOnce();
      advance(3600_000);
    }
    expect(s.sends).toHaveLength(MAX_ATTEMPTS);
    expect(await row('m-1')).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, error: 'send_failed: HTTP 502' });
  });

  it('resends only the parts that did not go out', async () => {
    const s = fakeSender([{ status: 'sent' }, { status: 'failed' }]);
    const w = worker({ answers: fakeAnswers().service, sender: s.sender, format: () => ['one', 'two', 'three'] });
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    await w.runOnce();
    advance(3600_000);
    await w.runOnce();
    expect(s.sends.map((x) => x.text)).toEqual(['one', 'two', 'two', 'three']);
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 2 });
  });

  /** A worker that died between marking part `sent` as going out and hearing back from Zalo. */
  async function interrupted(key: string, parts: string[], sent: number) {
    await text(key, 'Gia hạn tạm trú cần giấy tờ gì?');
    await db.db.query(
      `UPDATE zalo_inbox SET status = 'working', attempts = 1, locked_until = $2, payload = payload || jsonb_build_object('_reply', $3::jsonb) WHERE event_key = $1`,
      [key, new Date(START.getTime() - 1000).toISOString(), JSON.stringify({ parts, sent, at: new Date(START.getTime() - 120_000).toISOString() })],
    );
  }

  it('does not resend a part that reached Zalo before its worker died (found in the conversation history)', async () => {
    const a = fakeAnswers();
    const s = fakeSender([], (t) => (t === 'two' ? 'found' : 'not_found'));
    await interrupted('m-1', ['one', 'two', 'three'], 1);
    await worker({ answers: a.service, sender: s.sender }).runOnce();
    expect(s.lookups).toEqual([{ userId: USER, text: 'two', since: new Date(START.getTime() - 120_000) }]);
    expect(s.sends.map((x) => x.text)).toEqual(['three']);
    expect(a.calls).toHaveLength(0);
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('resends a part that never reached Zalo, once', async () => {
    const s = fakeSender([], () => 'not_found');
    await interrupted('m-1', ['one', 'two'], 1);
    await worker({ answers: fakeAnswers().service, sender: s.sender }).runOnce();
    expect(s.sends.map((x) => x.text)).toEqual(['two']);
    expect(await row('m-1')).toMatchObject({ status: 'done' });
  });

  it('sends nothing and tries later when the conversation history cannot be read', async () => {
    const s = fakeSender([], () => 'unknown');
    await interrupted('m-1', ['one'], 0);
    await worker({ answers: fakeAnswers().service, sender: s.sender }).runOnce();
    expect(s.sends).toHaveLength(0);
    expect(await row('m-1')).toMatchObject({ status: 'new', attempts: 2, error: 'send_in_doubt: conversation history unavailable' });
  });

  it('checks the history after a send that timed out, but not after one Zalo refused', async () => {
    const s = fakeSender([{ status: 'failed', detail: 'timeout', uncertain: true }], () => 'found');
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    const w = worker({ answers: fakeAnswers().service, sender: s.sender });
    await w.runOnce();
    advance(3600_000);
    await w.runOnce();
    expect(s.lookups).toHaveLength(1);
    expect(s.sends).toHaveLength(1); // found: the timed-out send had gone through
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 2 });

    const s2 = fakeSender([{ status: 'failed', detail: 'rate_limited', retryAfterMs: 1000 }], () => 'found');
    await text('m-2', 'Lệ phí bao nhiêu?');
    const w2 = worker({ answers: fakeAnswers().service, sender: s2.sender });
    await w2.runOnce();
    advance(3600_000);
    await w2.runOnce();
    expect(s2.lookups).toHaveLength(0);
    expect(s2.sends).toHaveLength(2);
    expect(await row('m-2')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('retries officers’ failed messages on each run', async () => {
    let retried = 0;
    await worker({ answers: fakeAnswers().service, sender: fakeSender().sender, retryDeliveries: async () => ++retried }).runOnce();
    expect(retried).toBe(1);
  });

  it('never lets two workers running at once handle the same event', async () => {
    const a = fakeAnswers();
    const s = fakeSender();
    for (let i = 0; i < 9; i++) await text(`m-${i}`, `Câu hỏi ${i}`, `81234567890123456${10 + i}`);
    const w1 = worker({ answers: a.service, sender: s.sender, batch: 2 });
    const w2 = worker({ answers: a.service, sender: s.sender, batch: 2 });
    let claimed = 0;
    for (let round = 0; round < 10; round++) {
      const [x, y] = await Promise.all([w1.runOnce(), w2.runOnce()]);
      claimed += x + y;
    }
    expect(claimed).toBe(9);
    expect(s.sends.map((x) => x.to.messageId).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `m-${i}`).sort());
    expect(a.calls).toHaveLength(9);
    const [{ n }] = await db.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM zalo_inbox WHERE status = 'done' AND attempts = 1`) as [{ n: number }];
    expect(n).toBe(9);
  });

  it('takes over a row whose worker died (its lock ran out), but not one still locked', async () => {
    const s = fakeSender();
    await text('m-stale', 'Xin chào');
    await text('m-busy', 'Xin chào', '8123456789012345600');
    await db.db.query(`UPDATE zalo_inbox SET status = 'working', attempts = 1, locked_until = $2 WHERE event_key = $1`, ['m-stale', new Date(START.getTime() - 1000).toISOString()]);
    await db.db.query(`UPDATE zalo_inbox SET status = 'working', attempts = 1, locked_until = $2 WHERE event_key = $1`, ['m-busy', new Date(START.getTime() + 60_000).toISOString()]);
    expect(await worker({ answers: fakeAnswers().service, sender: s.sender }).runOnce()).toBe(1);
    expect(s.sends.map((x) => x.to.messageId)).toEqual(['m-stale']);
    expect(await row('m-stale')).toMatchObject({ status: 'done', attempts: 2 });
    expect(await row('m-busy')).toMatchObject({ status: 'working', attempts: 1 });
  });

  it('sends nothing more once another worker took its row over', async () => {
    const s = fakeSender();
    let w2: ReturnType<typeof worker>;
    const slow: AnswerService = {
      async ask(input) {
        // This worker is slow: its lock runs out and a second worker takes the row and answers it.
        advance(10 * 60_000);
        await w2.runOnce();
        return fakeAnswers().service.ask(input);
      },
    };
    const w1 = worker({ answers: slow, sender: s.sender, lockMs: 60_000 });
    w2 = worker({ answers: fakeAnswers().service, sender: s.sender, lockMs: 60_000 });
    await text('m-1', 'Gia hạn tạm trú cần giấy tờ gì?');
    await w1.runOnce();
    expect(s.sends).toHaveLength(1);
    expect(await row('m-1')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('runs at once when woken, and polls until stopped', async () => {
    const s = fakeSender();
    const w = worker({ answers: fakeAnswers().service, sender: s.sender });
    w.start(60_000);
    await new Promise((r) => setTimeout(r, 50));
    await text('m-1', 'Xin chào');
    w.wake();
    for (let i = 0; i < 100 && !s.sends.length; i++) await new Promise((r) => setTimeout(r, 20));
    await w.stop();
    expect(s.sends).toHaveLength(1);
    await text('m-2', 'Xin chào');
    w.wake();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.sends).toHaveLength(1);
  });
});

describe('the Zalo worker with the real pipeline', () => {
  it('leaves the new conversation tagged with the citizen, so the next message continues it', async () => {
    const searcher: Searcher = { search: async () => ({ query: undefined as never, restored: null, hits: [], timings: {} }) };
    const answers = createAnswerService({ db: db.db, searcher, lexicon: loadLexicon(), glossary: loadGlossary(), agencies: loadAgencies(), now: () => clock, log: silent });
    const s = fakeSender();
    const w = worker({ answers, sender: s.sender });
    await text('m-1', 'Xin chào');
    await w.runOnce();
    expect(s.sends[0]!.text).toContain(msg('greeting'));
    const convs = await db.db.query<{ id: string; citizen_ref: string }>(`SELECT id, citizen_ref FROM conversations WHERE channel = 'zalo'`);
    expect(convs).toHaveLength(1);
    expect(convs[0]!.citizen_ref).toBe(USER);
    await text('m-2', 'Cảm ơn');
    await w.runOnce();
    const [{ n }] = (await db.db.query<{ n: number }>('SELECT count(*)::int AS n FROM turns WHERE conversation_id = $1', [convs[0]!.id])) as [{ n: number }];
    expect(n).toBe(4);
  });
});
