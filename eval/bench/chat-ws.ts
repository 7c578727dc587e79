// Benchmark: the widget's WebSocket chat (/v1/chat/ws) under load on loopback. The service runs on
// the embedded defaults (extractive composer) over the full corpus in ../shared/data, as in
// bench:ask; N sessions connect at once, each says hello and asks distinct questions one after the
// other. For every ask it checks the stream (one answer_start, answer_delta seq 0…n-1, one
// answer_done with seq n) and counts lost and duplicated frames; it prints the time from `ask` to
// the first answer_delta and to answer_done. The sessions run in a worker thread, so that the
// server's thread does only the server's work.
//   npm run bench:chat [-- --sessions 200 --questions-per-session 3 --think-ms 5000 --data-dir DIR]
// Each session pauses before each question as a citizen reading and typing would (--think-ms,
// mean; 0 makes every session ask back to back: a burst of sessions × questions asks).
// The store is built once in DATA DIR (default .data-bench, shared with bench:ask) and reused.
// Exits 1 if any frame is lost or duplicated or any error occurs.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/channels/web/protocol.ts';
import { CHAT_PATH } from '../../src/channels/web/ws.ts';
import { loadConfig } from '../../src/config/index.ts';
import { percentile } from '../../src/eval/metrics.ts';
import { startServer } from '../../src/main.node.ts';
import { benchQuestions, ensureBenchStore, forgetBenchConversations } from './common.ts';

/** An ask gets this long to finish before it counts as lost; the run as a whole, a multiple of it. */
const ASK_TIMEOUT_MS = 120_000;
const TARGET_FIRST_FRAME_P95_MS = 300;

/** What arrived for one ask, and when. */
interface AskRecord {
  sentAt: number;
  startAt?: number;
  firstDeltaAt?: number;
  doneAt?: number;
  starts: number;
  deltaSeqs: number[];
  dones: { seq: number; answer: string; status: string }[];
  deltaText: string[];
  /** Frames that came before answer_start or after answer_done. */
  outOfOrder: number;
  error?: string;
}

/** The clients' side, in a worker thread: what the run saw. */
interface LoadPlan {
  url: string;
  warmUp: string[];
  sessions: string[][];
  /** Mean pause before each question (a citizen reading and typing), drawn uniformly from 0.5–1.5×; 0 asks back to back. */
  thinkMs: number;
}
interface LoadResult {
  records: AskRecord[];
  problems: string[];
  errors: number;
  maxInFlight: number;
  readyCount: number;
  /** From the start of the run to the last session's ready frame. */
  allReadyMs: number;
  seconds: number;
}

// The sessions run in a thread of their own: in the server's thread, their handshakes and frame
// handling would queue behind the answers and throttle the load they are meant to apply (200
// handshakes then take as long as the whole run, and only a handful of asks are ever in flight).
async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const records: AskRecord[] = [];
  const problems: string[] = [];
  let errors = 0;
  /** Asks sent and not yet done, now and at most; sessions ready, and when the last one was. */
  let inFlight = 0;
  let maxInFlight = 0;
  let readyCount = 0;
  let lastReadyAt = 0;
  const problem = (msg: string) => {
    errors++;
    if (problems.length < 10) problems.push(msg);
  };

  /** One widget: hello, then its questions one after the other; every frame is checked. */
  async function session(index: number, questionsOf: string[]): Promise<void> {
    const ws = new WebSocket(plan.url, { handshakeTimeout: ASK_TIMEOUT_MS, perMessageDeflate: false });
    const asks = new Map<string, AskRecord>();
    let waiting: { id: string; resolve: () => void } | null = null;
    let readyResolve: (() => void) | null = null;
    let pongResolve: (() => void) | null = null;
    let closedByUs = false;

    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as ServerFrame;
      const now = performance.now();
      if (f.type === 'ready') {
        readyCount++;
        lastReadyAt = now;
        return readyResolve?.();
      }
      if (f.type === 'pong') return pongResolve?.();
      if (f.type === 'ticket_update' || f.type === 'feedback_ok') return problem(`session ${index}: unexpected ${f.type}`);
      const r = f.id !== undefined ? asks.get(f.id) : undefined;
      if (!r) return problem(`session ${index}: frame for an unknown request ${JSON.stringify(f).slice(0, 200)}`);
      switch (f.type) {
        case 'answer_start':
          r.startAt ??= now;
          r.starts++;
          if (r.dones.length) r.outOfOrder++;
          break;
        case 'answer_delta':
          r.firstDeltaAt ??= now;
          r.deltaSeqs.push(f.seq);
          r.deltaText[f.seq] = f.text;
          if (!r.starts || r.dones.length) r.outOfOrder++;
          break;
        case 'answer_done':
          if (r.doneAt === undefined) inFlight--;
          r.doneAt ??= now;
          r.dones.push({ seq: f.seq, answer: f.answer, status: f.status });
          if (!r.starts) r.outOfOrder++;
          if (waiting?.id === f.id) waiting.resolve();
          break;
        case 'error':
          if (r.doneAt === undefined && r.error === undefined) inFlight--;
          r.error = `${f.code}: ${f.message}`;
          problem(`session ${index}, ask ${f.id}: error frame ${f.code}`);
          if (waiting && waiting.id === f.id) waiting.resolve();
          break;
      }
    });
    const closed = new Promise<void>((res) =>
      ws.once('close', (code) => {
        if (!closedByUs) problem(`session ${index}: socket closed by the server (${code})`);
        waiting?.resolve();
        readyResolve?.();
        pongResolve?.();
        res();
      }),
    );
    ws.on('error', (e) => problem(`session ${index}: ${e.message}`));

    const within = (p: Promise<void>, what: string) =>
      new Promise<void>((res) => {
        const timer = setTimeout(() => (problem(`session ${index}: no ${what} within ${ASK_TIMEOUT_MS} ms`), res()), ASK_TIMEOUT_MS);
        void p.then(() => (clearTimeout(timer), res()));
      });

    await within(new Promise<void>((res) => (ws.once('open', () => res()), ws.once('close', () => res()))), 'open');
    if (ws.readyState !== WebSocket.OPEN) return;
    await within(new Promise<void>((res) => ((readyResolve = res), ws.send(JSON.stringify({ type: 'hello' })))), 'ready');

    for (const [k, question] of questionsOf.entries()) {
      if (plan.thinkMs > 0 && index >= 0) await new Promise((res) => setTimeout(res, plan.thinkMs * (0.5 + Math.random())));
      if (ws.readyState !== WebSocket.OPEN) break;
      const id = `s${index}-q${k}`;
      const r: AskRecord = { sentAt: performance.now(), starts: 0, deltaSeqs: [], dones: [], deltaText: [], outOfOrder: 0 };
      asks.set(id, r);
      records.push(r);
      await within(
        new Promise<void>((res) => {
          waiting = { id, resolve: res };
          ws.send(JSON.stringify({ type: 'ask', id, question }));
          maxInFlight = Math.max(maxInFlight, ++inFlight);
        }),
        `answer_done for ${id}`,
      );
      waiting = null;
    }
    // A round trip after the last answer, so a late duplicate would be seen before closing.
    if (ws.readyState === WebSocket.OPEN) await within(new Promise<void>((res) => ((pongResolve = res), ws.send(JSON.stringify({ type: 'ping' })))), 'pong');
    closedByUs = true;
    ws.close();
    await closed;
  }

  // Warm-up: caches, JIT and the planner's statistics (one session, as bench:ask does).
  await session(-1, plan.warmUp);
  if (errors) console.error('warm-up had errors:', problems.join('\n'));
  records.length = 0;
  maxInFlight = 0;
  readyCount = 0;
  const started = performance.now();
  await Promise.all(plan.sessions.map((qs, s) => session(s, qs)));
  return { records, problems, errors, maxInFlight, readyCount, allReadyMs: lastReadyAt - started, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '200' },
      'questions-per-session': { type: 'string', default: '3' },
      'think-ms': { type: 'string', default: '5000' },
      'data-dir': { type: 'string', default: '.data-bench' },
    },
  });
  const sessions = Number(values.sessions);
  const perSession = Number(values['questions-per-session']);
  const thinkMs = Number(values['think-ms']);
  if (!Number.isInteger(sessions) || sessions < 1 || !Number.isInteger(perSession) || perSession < 1) {
    console.error('--sessions and --questions-per-session must be positive whole numbers');
    process.exit(2);
  }
  if (!Number.isInteger(thinkMs) || thinkMs < 0 || thinkMs > 600_000) {
    console.error('--think-ms must be a whole number of milliseconds, 0 to 600000');
    process.exit(2);
  }
  const dataDir = resolve(values['data-dir']!);
  const shared = resolve(fileURLToPath(new URL('../../../shared', import.meta.url)));

  // 1. The full corpus, ingested once (as bench:ask does, into the same directory).
  await ensureBenchStore(dataDir, shared);
  // 2. Distinct questions, as in bench:ask.
  const questions = await benchQuestions(shared);
  const distinct = [...new Set(questions)];

  // 3. The service on a free loopback port, embedded defaults; startServer attaches the chat sockets.
  const runStarted = new Date();
  const server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }));
  const url = `ws://127.0.0.1:${server.port}${CHAT_PATH}`;

  // 4. The load, from a worker thread; a hung run still ends and says so.
  const plan: LoadPlan = {
    url,
    warmUp: Array.from({ length: 20 }, (_, i) => distinct[(i * 37) % distinct.length]!),
    sessions: Array.from({ length: sessions }, (_, s) => Array.from({ length: perSession }, (_, k) => distinct[(s * perSession + k) % distinct.length]!)),
    thinkMs,
  };
  // A worker does not inherit tsx's loader hooks (Node 20): it registers them, then loads this file.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: plan });
  let runTimer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    new Promise<LoadResult | string>((res) => {
      worker.once('message', (m: LoadResult) => res(m));
      worker.once('error', (e) => res(`the load worker failed: ${e.message}`));
    }),
    new Promise<string>((res) => (runTimer = setTimeout(() => res('the run did not finish in time'), ASK_TIMEOUT_MS * (perSession + 3)))),
  ]);
  clearTimeout(runTimer);
  await worker.terminate();
  await server.close();
  await forgetBenchConversations(dataDir, runStarted);
  if (typeof result === 'string') {
    console.error(result);
    process.exit(1);
  }
  report(result, { sessions, perSession, distinct: distinct.length, shared, thinkMs });
}

/** Lost and duplicated frames per ask, latencies, and the table. */
function report(result: LoadResult, run: { sessions: number; perSession: number; distinct: number; shared: string; thinkMs: number }): void {
  const { records, problems, maxInFlight, readyCount, allReadyMs, seconds } = result;
  const { sessions, perSession, shared, thinkMs } = run;
  let errors = result.errors;
  const problem = (msg: string) => {
    errors++;
    if (problems.length < 10) problems.push(msg);
  };
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let mismatched = 0;
  let frames = 0;
  const toStart: number[] = [];
  const firstFrame: number[] = [];
  const toDone: number[] = [];
  const statuses: Record<string, number> = {};
  for (const r of records) {
    frames += r.starts + r.deltaSeqs.length + r.dones.length;
    outOfOrder += r.outOfOrder;
    if (r.error) continue; // already an error; its stream ends early by design
    lost += r.starts ? 0 : 1;
    duplicated += Math.max(0, r.starts - 1);
    lost += r.dones.length ? 0 : 1;
    duplicated += Math.max(0, r.dones.length - 1);
    const done = r.dones[0];
    // The done frame's seq says how many deltas there were; without it, the highest seq seen.
    const expected = done ? done.seq : r.deltaSeqs.length ? Math.max(...r.deltaSeqs) + 1 : 0;
    const seen = new Map<number, number>();
    for (const s of r.deltaSeqs) seen.set(s, (seen.get(s) ?? 0) + 1);
    for (let s = 0; s < expected; s++) {
      const n = seen.get(s) ?? 0;
      if (n === 0) lost++;
      duplicated += Math.max(0, n - 1);
    }
    for (const [s, n] of seen) if (s < 0 || s >= expected) duplicated += n; // beyond what answer_done announced
    if (done) {
      statuses[done.status] = (statuses[done.status] ?? 0) + 1;
      if (r.deltaText.join('') !== done.answer) mismatched++;
      if (r.startAt !== undefined) toStart.push(r.startAt - r.sentAt);
      if (r.firstDeltaAt !== undefined) firstFrame.push(r.firstDeltaAt - r.sentAt);
      toDone.push(r.doneAt! - r.sentAt);
    }
  }
  if (mismatched) problem(`${mismatched} answers whose deltas do not add up to answer_done's answer`);
  if (outOfOrder) problem(`${outOfOrder} frames out of order (before answer_start or after answer_done)`);

  const p95First = percentile(firstFrame, 95);
  const rows: [string, string][] = [
    ['corpus', `${shared}/data (+ data/qa, data/gazette)`],
    ['composer', 'extractive (LLM_PROVIDER=none)'],
    ['sessions', `${sessions} concurrent, ${perSession} questions each, one after the other`],
    ['think time', thinkMs ? `${thinkMs} ms mean before each question (0.5–1.5×)` : 'none: every session asks back to back (a burst)'],
    ['questions', `${records.length} asked, ${toDone.length} answered (${Math.min(records.length, run.distinct)} distinct)`],
    ['answer frames', String(frames)],
    ['all sessions ready after ms', `${allReadyMs.toFixed(0)} (${readyCount} ready)`],
    ['asks in flight at most', String(maxInFlight)],
    ['first answer frame p50 ms', percentile(firstFrame, 50).toFixed(1)],
    ['first answer frame p95 ms', `${p95First.toFixed(1)}   (target ≤ ${TARGET_FIRST_FRAME_P95_MS}${p95First > TARGET_FIRST_FRAME_P95_MS ? ', MISSED' : ', met'})`],
    ['first answer frame p99 ms', percentile(firstFrame, 99).toFixed(1)],
    // answer_start leaves as the server picks the ask up, the first delta once the answer is
    // composed and verified: the gap is the answer's own time, the rest is waiting for the CPU.
    ['answer_start p50/p95 ms', `${percentile(toStart, 50).toFixed(1)} / ${percentile(toStart, 95).toFixed(1)}   (waiting to be picked up)`],
    ['answer_done p50 ms', percentile(toDone, 50).toFixed(1)],
    ['answer_done p95 ms', percentile(toDone, 95).toFixed(1)],
    ['frames lost', String(lost)],
    ['frames duplicated', String(duplicated)],
    ['errors', String(errors)],
    ['answers/s', `${(toDone.length / seconds).toFixed(1)}   (one every ${((seconds * 1000) / Math.max(1, toDone.length)).toFixed(1)} ms)`],
    ['wall time s', seconds.toFixed(1)],
    ['statuses', Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(', ')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nWebSocket chat /v1/chat/ws under load (loopback)\n');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  if (problems.length) console.log(`\nFirst problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(lost || duplicated || errors ? 1 : 0);
}

if (isMainThread) await main();
else parentPort!.postMessage(await runLoad(workerData as LoadPlan));
