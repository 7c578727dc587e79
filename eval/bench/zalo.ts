// The Zalo channel under a storm, all on loopback: a PostgreSQL (PGlite behind its socket server), the
// service (`hoidap serve`, webhook only), the inbox worker as its own process (`hoidap worker`), and
// a fake Zalo OA API. Webhook events arrive at a steady rate — some duplicated byte for byte as Zalo
// redelivers them, some with a bad signature — and the worker is killed (SIGKILL) half-way through
// the answers and started again. Some of the fake Zalo's answers to sends are lost on the way back
// (the message went out; the worker cannot know), as a real network does.
//
// Checks: every valid event acknowledged 200 and every bad one 401; every distinct valid message
// answered exactly once — each part of its answer sent once, in order, by message_id — nothing sent
// for a bad or duplicate event; ack latency p50/p95/p99.
//
//   npm run bench:zalo -- [--events 1000] [--duplicates 0.2] [--bad 0.05] [--rate 40] [--users 150]
//                         [--lost 0.03] [--no-kill] [--in-service] [--corpus data/gazette,data/qa] [--json]
// --in-service runs the worker inside `hoidap serve` (the default deployment) instead of killing a separate one.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import { openDb } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { freePort } from '../../test/support/db.ts';
import { spawnCli, ROOT } from '../../test/support/cli.ts';
import { killed, spawnUntil, startPgliteProcess } from '../../test/support/processes.ts';

const APP_ID = '4143927346023457012';
const APP_SECRET = 'bench-app-secret';
const OA_SECRET = 'bench-oa-secret-key';
const OA_ID = '579745863508352884';

export interface ZaloBenchOptions {
  events: number;
  duplicates: number;
  bad: number;
  /** Webhook events sent per second. */
  rate: number;
  users: number;
  /** Share of the fake Zalo's answers to sends that are lost after the message went out. */
  lost: number;
  kill: boolean;
  /** Run the worker inside `hoidap serve` (ZALO_WORKER=on, the default deployment) instead of as its own process; nothing is killed then. */
  inService?: boolean;
  /** Knowledge ingested first (paths relative to the project). */
  corpus: string[];
  /** Give up waiting for the answers after this long. */
  timeoutMs: number;
  questions: string[];
  log?: (line: string) => void;
}

export interface ZaloBenchResult {
  events: number;
  unique: number;
  duplicates: number;
  bad: number;
  ack: { p50: number; p95: number; p99: number; max: number };
  /** Status codes of the final answers to the webhook calls. */
  statuses: Record<string, number>;
  /** Valid events answered other than 200, bad ones other than 401. */
  wrongAcks: number;
  webhookRetries: number;
  answered: number;
  missing: string[];
  sentTwice: string[];
  /** Replies whose parts differ from what the worker planned (order, content) — or replies to unknown ids. */
  mismatched: string[];
  sentForBad: number;
  inboxRows: number;
  inboxNotDone: number;
  lostResponses: number;
  kill: { atAnswered: number; restartedAfterMs: number } | null;
  drainMs: number;
  totalMs: number;
  ok: boolean;
}

interface Sent {
  recipient: { message_id?: string; user_id?: string };
  text: string;
  at: number;
}

/** A fake Zalo: OAuth with single-use refresh tokens, the CS message API and the conversation history. */
async function startFakeZalo(lostRate: number) {
  const sent: Sent[] = [];
  const userOfMessage = new Map<string, string>();
  let lost = 0;
  let issued = 0;
  const validAccess = new Set(['AT-0']);
  const validRefresh = new Set(['RT-0']);
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let b = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (b += d));
      req.on('end', () => resolve(b));
    });
  const json = (res: ServerResponse, value: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = req.headers['access_token'];
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 10));
    if (req.method === 'POST' && url.pathname === '/v4/oa/access_token') {
      const form = new URLSearchParams(await body(req));
      if (req.headers['secret_key'] !== APP_SECRET || !validRefresh.delete(form.get('refresh_token') ?? '')) return json(res, { error: -14020, message: 'Invalid refresh token' });
      const n = ++issued;
      validAccess.add(`AT-${n}`);
      validRefresh.add(`RT-${n}`);
      return json(res, { access_token: `AT-${n}`, refresh_token: `RT-${n}`, expires_in: '90000' });
    }
    if (typeof token !== 'string' || !validAccess.has(token)) return json(res, { error: -216, message: 'Access token is invalid' });
    if (req.method === 'POST' && url.pathname === '/v3.0/oa/message/cs') {
      const m = JSON.parse(await body(req)) as { recipient: Sent['recipient']; message: { text: string } };
      sent.push({ recipient: m.recipient, text: m.message.text, at: Date.now() });
      if (Math.random() < lostRate) {
        // Sent, but the answer never reaches the worker.
        lost++;
        req.socket.destroy();
        return;
      }
      return json(res, { error: 0, message: 'Success', data: { message_id: randomBytes(16).toString('hex'), user_id: m.recipient.user_id ?? userOfMessage.get(m.recipient.message_id ?? '') } });
    }
    if (req.method === 'GET' && url.pathname === '/v2.0/oa/conversation') {
      const q = JSON.parse(url.searchParams.get('data') ?? '{}') as { user_id?: string; offset?: number; count?: number };
      const mine = sent
        .filter((s) => (s.recipient.user_id ?? userOfMessage.get(s.recipient.message_id ?? '')) === q.user_id)
        .reverse()
        .slice(q.offset ?? 0, (q.offset ?? 0) + Math.min(q.count ?? 10, 10));
      return json(res, { error: 0, message: 'Success', data: mine.map((s) => ({ src: 0, from_id: OA_ID, to_id: q.user_id, type: 'text', message: s.text, time: s.at })) });
    }
    res.writeHead(404).end();
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    userOfMessage,
    lost: () => lost,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface BenchEvent {
  kind: 'valid' | 'duplicate' | 'bad';
  msgId: string;
  raw: string;
  signature: string;
}

const zaloUserId = () => `${1 + Math.floor(Math.random() * 8)}${Array.from({ length: 18 }, () => Math.floor(Math.random() * 10)).join('')}`;

function makeEvents(o: ZaloBenchOptions, fake: { userOfMessage: Map<string, string> }): BenchEvent[] {
  const users = Array.from({ length: o.users }, zaloUserId);
  const nBad = Math.round(o.events * o.bad);
  const nDup = Math.round(o.events * o.duplicates);
  const nValid = o.events - nBad - nDup;
  const event = (i: number) => {
    const user = users[i % users.length]!;
    const msgId = randomBytes(16).toString('hex');
    const timestamp = String(Date.now());
    const raw = JSON.stringify({
      app_id: APP_ID,
      user_id_by_app: user,
      event_name: 'user_send_text',
      timestamp,
      sender: { id: user },
      recipient: { id: OA_ID },
      message: { msg_id: msgId, text: o.questions[i % o.questions.length]! },
    });
    return { user, msgId, timestamp, raw };
  };
  const valid: BenchEvent[] = [];
  for (let i = 0; i < nValid; i++) {
    const e = event(i);
    fake.userOfMessage.set(e.msgId, e.user);
    const mac = zaloMac(APP_ID, e.raw, e.timestamp, OA_SECRET);
    valid.push({ kind: 'valid', msgId: e.msgId, raw: e.raw, signature: i % 2 ? `mac=${mac}` : mac });
  }
  const bad: BenchEvent[] = Array.from({ length: nBad }, (_, i) => {
    const e = event(nValid + i);
    // Signed with the wrong key, or a body changed after signing.
    const signature = i % 2 ? zaloMac(APP_ID, e.raw, e.timestamp, 'not-the-oa-secret') : zaloMac(APP_ID, e.raw.replace('"user_send_text"', '"user_send_text" '), e.timestamp, OA_SECRET);
    return { kind: 'bad', msgId: e.msgId, raw: e.raw, signature };
  });
  // A redelivery is the same bytes and signature, sent again shortly after the original.
  const order: BenchEvent[] = [...valid, ...bad];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let i = 0; i < nDup; i++) {
    const at = Math.floor(Math.random() * order.length);
    const original = order.slice(0, at + 1).reverse().find((e) => e.kind === 'valid') ?? valid[0]!;
    const pos = Math.min(order.indexOf(original) + 1 + Math.floor(Math.random() * 20), order.length);
    order.splice(pos, 0, { ...original, kind: 'duplicate' });
  }
  return order;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runZaloBench(o: ZaloBenchOptions): Promise<ZaloBenchResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const children: ChildProcess[] = [];
  const fake = await startFakeZalo(o.lost);
  let db: Awaited<ReturnType<typeof openDb>> | null = null;
  try {
    // 1. The database, in its own process, and the knowledge.
    const { url, child: pgProc } = await startPgliteProcess(24);
    children.push(pgProc);
    const embedder = createLexicalEmbedder();
    db = await openDb({ databaseUrl: url, dataDir: '' }, embedder.dim);
    log(`ingesting ${o.corpus.join(', ')}…`);
    await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, o.corpus.map((p) => `${ROOT}${p}`));

    // 2. The service (webhook only) and the worker, as separate processes.
    const env = {
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // A few simulated users send many messages each: this measures throughput, not the per-user limit.
      RATE_LIMIT_PER_MINUTE: '0',
      ZALO_APP_ID: APP_ID,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'AT-0',
      ZALO_REFRESH_TOKEN: 'RT-0',
      ZALO_API_BASE_URL: fake.url,
      ZALO_OAUTH_BASE_URL: fake.url,
      ZALO_WORKER_LOCK_SECONDS: '5',
    };
    const port = await freePort();
    const serve = spawnCli(['serve'], { ...env, PORT: String(port), ZALO_WORKER: o.inService ? 'on' : 'off' });
    children.push(serve);
    await spawnUntil(serve, /"msg":"listening"/, 'hoidap serve');
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
      const h = (await (await fetch(`${base}/health`)).json().catch(() => ({}))) as { status?: string };
      if (h.status === 'ok') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const startWorker = async () => {
      const w = spawnCli(['worker'], env);
      children.push(w);
      await spawnUntil(w, /"msg":"zalo worker started"/, 'hoidap worker');
      return w;
    };
    let worker: ChildProcess | null = o.inService ? null : await startWorker();
    log(o.inService ? 'service (with its worker) ready' : 'service and worker ready');

    // 3. The storm.
    const events = makeEvents(o, fake);
    const unique = new Set(events.filter((e) => e.kind === 'valid').map((e) => e.msgId));
    const badIds = new Set(events.filter((e) => e.kind === 'bad').map((e) => e.msgId));
    const acks: number[] = [];
    const statuses: Record<string, number> = {};
    let wrongAcks = 0;
    let webhookRetries = 0;
    const answeredIds = () => new Set(fake.sent.map((s) => s.recipient.message_id).filter((id): id is string => !!id && unique.has(id)));

    let killInfo: ZaloBenchResult['kill'] = null;
    const killer = (async () => {
      if (!o.kill || !worker) return;
      while (answeredIds().size < unique.size / 2) {
        if (Date.now() - started > o.timeoutMs) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      const atAnswered = answeredIds().size;
      const dying = worker;
      dying.kill('SIGKILL');
      await new Promise<void>((r) => (dying.exitCode !== null || dying.signalCode !== null ? r() : dying.once('exit', () => r())));
      log(`worker killed after ${atAnswered} of ${unique.size} answered`);
      const t0 = Date.now();
      worker = await startWorker();
      killInfo = { atAnswered, restartedAfterMs: Date.now() - t0 };
      log(`worker restarted in ${killInfo.restartedAfterMs} ms`);
    })();

    const send = async (e: BenchEvent) => {
      for (let attempt = 0; ; attempt++) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': e.signature }, body: e.raw });
          await res.arrayBuffer();
          acks.push(performance.now() - t0);
          if (res.status >= 500 && attempt < 5) {
            webhookRetries++;
            continue; // Zalo retries a failed delivery.
          }
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if ((e.kind === 'bad') !== (res.status === 401) || (e.kind !== 'bad' && res.status !== 200)) wrongAcks++;
          return;
        } catch {
          acks.push(performance.now() - t0);
          if (attempt >= 5) {
            statuses.network = (statuses.network ?? 0) + 1;
            wrongAcks++;
            return;
          }
          webhookRetries++;
        }
      }
    };
    const inflight = new Set<Promise<void>>();
    const t0 = Date.now();
    for (const [i, e] of events.entries()) {
      const due = t0 + (i * 1000) / o.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const p = send(e).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    log(`${events.length} events sent in ${Date.now() - t0} ms`);

    // 4. Drain: every unique message answered and nothing left in the inbox.
    const drainStart = Date.now();
    let pending = Infinity;
    while (Date.now() - started < o.timeoutMs) {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM zalo_inbox WHERE status IN ('new', 'working')`);
      pending = row?.n ?? 0;
      if (pending === 0 && answeredIds().size === unique.size) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await killer;
    const drainMs = Date.now() - drainStart;
    // Give a wrongly repeated send a moment to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));

    // 5. The checks.
    const rows = await db.query<{ event_key: string; status: string; parts: string[] | null }>(
      `SELECT event_key, status, payload->'_reply'->'parts' AS parts FROM zalo_inbox WHERE event_name = 'user_send_text'`,
    );
    const planned = new Map(rows.map((r) => [r.event_key, r]));
    const byMessage = new Map<string, string[]>();
    const mismatched: string[] = [];
    let sentForBad = 0;
    for (const s of fake.sent) {
      const id = s.recipient.message_id;
      if (!id) {
        mismatched.push(`user:${s.recipient.user_id}`);
        continue;
      }
      if (badIds.has(id)) sentForBad++;
      else if (!unique.has(id)) mismatched.push(id);
      else byMessage.set(id, [...(byMessage.get(id) ?? []), s.text]);
    }
    const missing: string[] = [];
    const sentTwice: string[] = [];
    for (const id of unique) {
      const got = byMessage.get(id) ?? [];
      const want = planned.get(id)?.parts ?? null;
      if (!got.length) missing.push(id);
      else if (new Set(got).size !== got.length) sentTwice.push(id);
      else if (!want || JSON.stringify(got) !== JSON.stringify(want)) mismatched.push(id);
    }
    const inboxNotDone = rows.filter((r) => unique.has(r.event_key) && r.status !== 'done').length;
    const sorted = acks.sort((a, b) => a - b);
    const ack = { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
    const result: ZaloBenchResult = {
      events: events.length,
      unique: unique.size,
      duplicates: events.filter((e) => e.kind === 'duplicate').length,
      bad: badIds.size,
      ack,
      statuses,
      wrongAcks,
      webhookRetries,
      answered: byMessage.size,
      missing,
      sentTwice,
      mismatched,
      sentForBad,
      inboxRows: rows.length,
      inboxNotDone,
      lostResponses: fake.lost(),
      kill: killInfo,
      drainMs,
      totalMs: Date.now() - started,
      ok: false,
    };
    result.ok =
      wrongAcks === 0 &&
      !missing.length &&
      !sentTwice.length &&
      !mismatched.length &&
      sentForBad === 0 &&
      inboxNotDone === 0 &&
      rows.length === unique.size &&
      ack.p99 <= 2000 &&
      (!o.kill || o.inService === true || killInfo !== null);
    return result;
  } finally {
    await db?.close().catch(() => {});
    for (const c of children.reverse()) await killed(c);
    await fake.close();
  }
}

export function printZaloBench(r: ZaloBenchResult): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const lines = [
    `Zalo webhook → inbox → worker → OA API, on loopback`,
    `events sent            ${r.events} (${r.unique} distinct valid, ${r.duplicates} redelivered, ${r.bad} bad signatures)`,
    `ack p50 / p95 / p99    ${ms(r.ack.p50)} / ${ms(r.ack.p95)} / ${ms(r.ack.p99)} (max ${ms(r.ack.max)}; target p99 ≤ 2000 ms)`,
    `acks by status         ${Object.entries(r.statuses).map(([k, v]) => `${k}: ${v}`).join(', ')}; wrong: ${r.wrongAcks}; retried by the sender: ${r.webhookRetries}`,
    `answered               ${r.answered} of ${r.unique}; missing ${r.missing.length}; sent twice ${r.sentTwice.length}; other than planned ${r.mismatched.length}; sent for bad events ${r.sentForBad}`,
    `inbox                  ${r.inboxRows} rows (one per distinct valid event), ${r.inboxNotDone} not done`,
    `lost send responses    ${r.lostResponses} (sent, but the worker never heard back)`,
    `worker killed          ${r.kill ? `after ${r.kill.atAnswered} answers; restarted in ${(r.kill.restartedAfterMs / 1000).toFixed(1)} s` : 'no'}`,
    `drain after last event ${(r.drainMs / 1000).toFixed(1)} s; whole run ${(r.totalMs / 1000).toFixed(1)} s`,
    `verdict                ${r.ok ? 'OK' : 'FAILED'}`,
  ];
  return lines.join('\n');
}

async function loadQuestions(): Promise<string[]> {
  const { benchQuestions } = await import('./common.ts');
  return benchQuestions(`${ROOT}../shared`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000' },
      duplicates: { type: 'string', default: '0.2' },
      bad: { type: 'string', default: '0.05' },
      rate: { type: 'string', default: '40' },
      users: { type: 'string', default: '150' },
      lost: { type: 'string', default: '0.03' },
      'no-kill': { type: 'boolean', default: false },
      'in-service': { type: 'boolean', default: false },
      corpus: { type: 'string', default: 'data/gazette,data/qa' },
      timeout: { type: 'string', default: '900' },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      console.error(`bench:zalo: --${name} must be a number from ${min} to ${max}`);
      process.exit(2);
    }
    return n;
  };
  const result = await runZaloBench({
    events: num('events', values.events, 10, 100_000),
    duplicates: num('duplicates', values.duplicates, 0, 0.9),
    bad: num('bad', values.bad, 0, 0.9),
    rate: num('rate', values.rate, 1, 10_000),
    users: num('users', values.users, 1, 100_000),
    lost: num('lost', values.lost, 0, 0.5),
    kill: !values['no-kill'] && !values['in-service'],
    inService: values['in-service'],
    corpus: values.corpus.split(',').filter(Boolean),
    timeoutMs: num('timeout', values.timeout, 10, 86_400) * 1000,
    questions: await loadQuestions(),
    log: (l) => console.error(l),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : printZaloBench(result));
  process.exit(result.ok ? 0 : 1);
}
