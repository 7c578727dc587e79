// Kill switches per channel (staff API for admins, CHANNELS_OFF, the CLI) and the Zalo worker's
// answers to a switched-off channel and to a user over the limit: stored, one notice, no flood.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAbuseGuards, createChannelSwitches } from '../../src/abuse/index.ts';
import type { AnswerService } from '../../src/answer/pipeline.ts';
import type { AskResponse } from '../../src/answer/types.ts';
import { createZaloWorker, type ZaloSender } from '../../src/channels/zalo/worker.ts';
import { loadConfig } from '../../src/config/index.ts';
import { t } from '../../src/messages.ts';
import { APPEND_CANNED } from '../../src/staff/views.ts';
import { runCli } from '../support/cli.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';
import { askJson, startAbuseApp, type AbuseApp } from './support.ts';

describe('channel kill switches through the staff API', () => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp('pglite', { env: { CHANNELS_OFF: 'voice' } });
  }, 180_000);
  afterAll(() => app.close());

  const ask = (body: Record<string, unknown>) => fetch(`${app.base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('lists the channels for an admin, with CHANNELS_OFF shown, and refuses other roles', async () => {
    const admin = await app.login('admin');
    const r = await admin.fetch('/staff/api/channels');
    expect(r.status).toBe(200);
    const { channels } = (await r.json()) as { channels: { channel: string; enabled: boolean; envOff: boolean }[] };
    expect(channels.map((c) => c.channel)).toEqual(['web', 'zalo', 'voice', 'api', 'ingest']);
    expect(channels.find((c) => c.channel === 'voice')).toMatchObject({ enabled: false, envOff: true });
    expect(channels.find((c) => c.channel === 'web')).toMatchObject({ enabled: true, envOff: false });
    for (const who of ['officerA', 'supervisorA'] as const) {
      const s = await app.login(who);
      expect((await s.fetch('/staff/api/channels')).status).toBe(403);
      expect((await s.fetch('/staff/api/channels/web', { method: 'POST', json: { enabled: false } })).status).toBe(403);
    }
  });

  it('needs the CSRF token to switch a channel with a session cookie', async () => {
    const admin = await app.login('admin');
    const r = await fetch(`${app.base}/staff/api/channels/web`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false }) });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('csrf');
    expect((await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?', channel: 'web' })).status).toBe(200);
  });

  it('switches web off (503 channel_off with the canned message, other channels unaffected), audits it, and back on', async () => {
    const admin = await app.login('admin');
    const off = await admin.fetch('/staff/api/channels/web', { method: 'POST', json: { enabled: false, reason: 'bảo trì' } });
    expect(off.status).toBe(200);
    expect(((await off.json()) as { channel: unknown }).channel).toMatchObject({ channel: 'web', enabled: false, reason: 'bảo trì', updatedBy: expect.any(String) });

    const refused = await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?', channel: 'web' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: { code: 'channel_off', message: t('channelOff') } });
    expect((await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?', channel: 'api' })).status).toBe(200);

    const [audit] = await app.fx.db.query<{ action: string; target: string; actor: number }>(`SELECT action, target, actor FROM audit_log WHERE action LIKE 'channel.%' ORDER BY id DESC LIMIT 1`);
    expect(audit).toMatchObject({ action: 'channel.off', target: 'channel:web', actor: app.ids.admin });

    expect((await admin.fetch('/staff/api/channels/web', { method: 'POST', json: { enabled: true } })).status).toBe(200);
    expect((await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?', channel: 'web' })).status).toBe(200);
  });

  it('cannot switch on a channel CHANNELS_OFF keeps off (409), and that channel answers 503', async () => {
    const admin = await app.login('admin');
    const r = await admin.fetch('/staff/api/channels/voice', { method: 'POST', json: { enabled: true } });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('channel_env_off');
    const voice = await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?', channel: 'voice' });
    expect(voice.status).toBe(503);
    expect(((await voice.json()) as { error: { code: string } }).error.code).toBe('channel_off');
  });

  it("sends the staff console's pages with DENY framing, a same-origin referrer and a CSP allowing only its own hashed handler", async () => {
    const r = await fetch(`${app.base}/staff/login`);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('referrer-policy')).toBe('same-origin');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    const hash = createHash('sha256').update(APPEND_CANNED).digest('base64');
    expect(csp).toContain(`script-src 'self' 'unsafe-hashes' 'sha256-${hash}'`);
    expect(csp).not.toContain("'unsafe-inline' 'unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  it('refuses an unknown channel and a body without enabled', async () => {
    const admin = await app.login('admin');
    expect((await admin.fetch('/staff/api/channels/fax', { method: 'POST', json: { enabled: false } })).status).toBe(404);
    expect((await admin.fetch('/staff/api/channels/web', { method: 'POST', json: { enabled: 'no' } })).status).toBe(400);
  });

  it('a switch made by another process is seen once the cache window has passed', async () => {
    // Another process (the CLI, another server) writes the table: this app sees it within 5 s.
    const other = createChannelSwitches({ db: app.fx.db, channelsOff: [] });
    expect((await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?' })).status).toBe(200); // fills the cache
    await other.set('api', false, { reason: 'thử', by: { name: 'cli' } });
    // Within the window the cached "on" may still be used; after it, the switch is in force.
    app.clock.now = new Date(app.clock.now.getTime() + 5_001);
    expect((await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?' })).status).toBe(503);
    await other.set('api', true, { by: { name: 'cli' } });
    app.clock.now = new Date(app.clock.now.getTime() + 5_001);
    expect((await ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?' })).status).toBe(200);
  });
});

describe('kill switch on the chat socket and /v1/voice', () => {
  let app: AbuseApp;
  beforeAll(async () => {
    app = await startAbuseApp({ RATE_LIMIT_PER_MINUTE: '0', CHANNELS_OFF: 'web,voice' });
  }, 60_000);
  afterAll(() => app.close());

  it('answers 503 channel_off on /v1/voice and on /v1/ask with channel web, and still answers the api channel', async () => {
    const voice = await fetch(`${app.base}/v1/voice`, { method: 'POST', body: new FormData() });
    expect(voice.status).toBe(503);
    expect(((await voice.json()) as { error: { code: string } }).error.code).toBe('channel_off');
    expect((await askJson(app.port, { question: 'Hỏi', channel: 'web' })).status).toBe(503);
    expect((await askJson(app.port, { question: 'Hỏi', channel: 'api' })).status).toBe(200);
  });

  it('answers a chat question with a channel_off error frame', async () => {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/v1/chat/ws`);
    const frames: { type: string; code?: string; id?: string }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'ask', id: 'a1', question: 'Gia hạn tạm trú?' }));
    await expect.poll(() => frames.find((f) => f.type === 'error')).toMatchObject({ id: 'a1', code: 'channel_off' });
    expect(frames.some((f) => f.type === 'answer_start')).toBe(false);
    ws.close();
  });
});

describe('the Zalo worker', () => {
  let db: TestDb;
  let n = 0;
  beforeAll(async () => {
    db = await openTestDb('pglite');
  }, 60_000);
  afterAll(() => db.close());

  const answered: string[] = [];
  const answers: AnswerService = {
    async ask(input) {
      answered.push(input.question);
      return { conversationId: crypto.randomUUID(), answerId: crypto.randomUUID(), status: 'answered', answer: `Trả lời: ${input.question}`, citations: [], lang: 'vi', reason: 'answered' } as AskResponse;
    },
  };
  const sends: { userId: string; text: string }[] = [];
  const sender: ZaloSender = {
    async sendText(to, text) {
      sends.push({ userId: to.userId, text });
      return { status: 'sent' };
    },
  };

  async function store(user: string, text: string, receivedAt: Date) {
    const key = `msg-${++n}`;
    await db.db.query('INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, received_at) VALUES ($1, $2, $3, $4, $5::timestamptz)', [
      key,
      'user_send_text',
      user,
      JSON.stringify({ event_name: 'user_send_text', message: { msg_id: key, text } }),
      receivedAt.toISOString(),
    ]);
    return key;
  }

  it('answers a user over the limit with one "too fast" notice, ignores the rest of that minute, and answers again after it', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '3' });
    const clock = new Date('2026-11-24T09:00:00Z');
    const guards = createAbuseGuards(config, () => clock.getTime());
    const worker = createZaloWorker({ db: db.db, answers, sender, log: () => {}, now: () => clock, batch: 50, abuse: { questions: guards.zaloQuestions, notices: guards.zaloNotices } });
    const user = 'zalo-user-fast';
    const t0 = new Date('2026-11-24T08:59:00Z');
    for (let i = 0; i < 6; i++) await store(user, `câu ${i}`, new Date(t0.getTime() + i * 1000));
    await store('zalo-user-calm', 'câu bình thường', new Date(t0.getTime() + 2000));
    await worker.runOnce();

    const mine = sends.filter((s) => s.userId === user).map((s) => s.text);
    expect(mine).toEqual(['Trả lời: câu 0', 'Trả lời: câu 1', 'Trả lời: câu 2', t('zaloRateLimited')]);
    expect(sends.filter((s) => s.userId === 'zalo-user-calm').map((s) => s.text)).toEqual(['Trả lời: câu bình thường']);
    // Nothing lost: every event is still in the inbox, the refused ones marked.
    const rows = await db.db.query<{ status: string; error: string | null }>(`SELECT status, error FROM zalo_inbox WHERE user_id = $1 ORDER BY received_at`, [user]);
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ['done', null],
      ['done', null],
      ['done', null],
      ['done', 'rate_limited'],
      ['ignored', 'rate_limited'],
      ['ignored', 'rate_limited'],
    ]);

    // A message sent a minute later is answered.
    await store(user, 'câu sau', new Date(t0.getTime() + 61_000));
    await worker.runOnce();
    expect(sends.filter((s) => s.userId === user).at(-1)!.text).toBe('Trả lời: câu sau');
  });

  it('keeps every event while Zalo is switched off, sends one "paused" notice instead of answering, and answers again once on', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });
    const clock = new Date('2026-11-24T10:00:00Z');
    const guards = createAbuseGuards(config, () => clock.getTime());
    const switches = createChannelSwitches({ db: db.db, channelsOff: [], now: () => clock, cacheMs: 0 });
    const worker = createZaloWorker({ db: db.db, answers, sender, log: () => {}, now: () => clock, batch: 50, abuse: { switches, questions: guards.zaloQuestions, notices: guards.zaloNotices } });
    await switches.set('zalo', false, { reason: 'sự cố', by: { name: 'cli' } });
    const user = 'zalo-user-off';
    const before = answered.length;
    const keys = [await store(user, 'một', new Date('2026-11-24T09:59:50Z')), await store(user, 'hai', new Date('2026-11-24T09:59:55Z'))];
    await worker.runOnce();
    expect(answered.length).toBe(before);
    expect(sends.filter((s) => s.userId === user).map((s) => s.text)).toEqual([t('zaloChannelOff')]);
    const kept = await db.db.query<{ event_key: string; status: string; error: string; payload: { message: { text: string } } }>(
      'SELECT event_key, status, error, payload FROM zalo_inbox WHERE event_key = ANY($1::text[]) ORDER BY received_at',
      [keys],
    );
    expect(kept.map((r) => [r.status, r.error, r.payload.message.text])).toEqual([
      ['done', 'channel_off', 'một'],
      ['ignored', 'channel_off', 'hai'],
    ]);

    await switches.set('zalo', true, { by: { name: 'cli' } });
    await store(user, 'ba', new Date('2026-11-24T10:00:00Z'));
    await worker.runOnce();
    expect(sends.filter((s) => s.userId === user).at(-1)!.text).toBe('Trả lời: ba');
  });
});

describe('hoidap channel', () => {
  it('lists, switches off with a reason, refuses to switch on a CHANNELS_OFF channel, and switches back on', async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'hoidap-channel-')), LOG_LEVEL: 'silent' };
    const off = await runCli(['channel', 'off', 'zalo', '--reason', 'Zalo lỗi'], env);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toBe('zalo: off\n');
    const list = await runCli(['channel', 'list', '--json'], { ...env, CHANNELS_OFF: 'ingest' });
    expect(list.code, list.stderr).toBe(0);
    const states = JSON.parse(list.stdout) as { channel: string; enabled: boolean; envOff: boolean; reason: string | null; updatedBy: string | null }[];
    expect(states.find((s) => s.channel === 'zalo')).toMatchObject({ enabled: false, envOff: false, reason: 'Zalo lỗi', updatedBy: 'cli' });
    expect(states.find((s) => s.channel === 'ingest')).toMatchObject({ enabled: false, envOff: true });
    expect(states.find((s) => s.channel === 'web')).toMatchObject({ enabled: true });

    const refused = await runCli(['channel', 'on', 'ingest'], { ...env, CHANNELS_OFF: 'ingest' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CHANNELS_OFF/);
    const bad = await runCli(['channel', 'off', 'fax'], env);
    expect(bad.code).toBe(2);

    const on = await runCli(['channel', 'on', 'zalo'], env);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toBe('zalo: on\n');
  }, 120_000);
});
