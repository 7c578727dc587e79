// HTTP fuzz bench: `hoidap serve` as a child process on loopback, then thousands of malformed
// requests per public endpoint (eval/bench/fuzz-cases.ts): wrong methods and content types, broken,
// huge and deeply nested JSON, unicode junk, overlong headers and queries, path traversal, bad
// percent-encoding, random bytes, oversize bodies, broken chat frames. After each endpoint the
// service must still answer /health and be alive. Exits 1 on any 5xx (or chat "internal" error
// frame) or if the process died.
//   npm run bench:fuzz [-- --n 5000 --seed 12345 --concurrency 16 --only ask --out eval/reports/fuzz.json]
// A case is replayed on its own with --only <endpoint> --case <i> --seed <seed> (prints the request).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile } from '../../src/eval/metrics.ts';
import { freePort } from '../../test/support/db.ts';
import { killed } from '../../test/support/processes.ts';
import { caseSeed, ENDPOINTS, isInternalFrame, junkString, pool, Rng, runWsCase, sendRaw, wsCase, type FuzzContext, type FuzzRequest } from './fuzz-cases.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '5000' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    only: { type: 'string' },
    case: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../reports/fuzz.json', import.meta.url)) },
  },
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--n and --concurrency must be positive whole numbers');
  process.exit(2);
}
console.log(`seed ${seed} (replay with --seed ${seed}), ${n} requests per endpoint, concurrency ${concurrency}`);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ZALO = { appId: '4143927346023457012', secret: 'fuzz-oa-secret-key' };
const MAX_BODY_BYTES = 64 * 1024;
const ctx: FuzzContext = { maxBodyBytes: MAX_BODY_BYTES, zalo: ZALO, now: () => Date.now() };

const ALL = [...ENDPOINTS.map((e) => e.name), 'WS /v1/chat/ws'];
const only = values.only?.toLowerCase();
const endpoints = !only ? ALL : ALL.some((x) => x.toLowerCase() === only) ? ALL.filter((x) => x.toLowerCase() === only) : ALL.filter((x) => x.toLowerCase().includes(only));
if (!endpoints.length) {
  console.error(`no endpoint matches --only ${values.only}`);
  process.exit(2);
}

// One case on its own: print it, so that a failure can be read and sent by hand.
if (values.case !== undefined) {
  const name = endpoints[0]!;
  const e = ALL.indexOf(name);
  const r = new Rng(caseSeed(seed, e, Number(values.case)));
  const c = name.startsWith('WS') ? wsCase(r, ctx) : ENDPOINTS[e]!.make(r, ctx);
  console.log(name, JSON.stringify(c, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes: ${Buffer.from(v.subarray(0, 300)).toString('utf8')}>` : typeof v === 'string' && v.length > 500 ? `${v.slice(0, 500)}…(${v.length})` : v)));
  process.exit(0);
}

// ---- a speech-to-text stand-in on loopback, so that /v1/voice goes past "not configured" (503) to
// the audio checks and the transcript normaliser; its transcripts are junk one time in three.
const sttPort = await freePort();
let sttCalls = 0;
const stt = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const i = sttCalls++;
    const text = [
      'gia hạn tạm trú cần giấy tờ gì',
      'ờ thì cho em hỏi là làm căn cước mất bao nhiêu tiền ạ',
      '',
      junkString(new Rng(i), 300),
    ][i % 4];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ text, language: 'vietnamese', duration: 3, segments: [{ text, avg_logprob: -0.2 }] }));
  });
});
await new Promise<void>((r) => stt.listen(sttPort, '127.0.0.1', () => r()));

// ---- the service
const dataDir = mkdtempSync(join(tmpdir(), 'hoidap-fuzz-'));
const port = await freePort();
let log = '';
// An agency key for the push API, made in the same store before the service opens it.
const keyRun = spawnSync(process.execPath, [join(ROOT, 'bin/hoidap.mjs'), 'apikey', 'create', '--agency', 'tu-phap-xa', '--name', 'fuzz'], {
  cwd: ROOT,
  env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'warn' },
  encoding: 'utf8',
});
const ingestKey = keyRun.stdout.trim();
if (keyRun.status !== 0 || !/^hdk_/.test(ingestKey)) {
  console.error(`could not create an agency key for the push API:\n${keyRun.stderr}`);
  process.exit(1);
}
ctx.ingestKey = ingestKey;
const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/hoidap.mjs'), 'serve'], {
  cwd: ROOT,
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: join(dataDir, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    ZALO_APP_ID: ZALO.appId,
    ZALO_OA_SECRET_KEY: ZALO.secret,
    STT_BASE_URL: `http://127.0.0.1:${sttPort}/v1`,
    STT_MODEL: 'whisper-fuzz',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const collect = (d: Buffer) => {
  log += d;
  if (log.length > 4_000_000) log = log.slice(-2_000_000);
};
child.stdout!.on('data', collect);
child.stderr!.on('data', collect);
let exited: string | null = null;
child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
const stop = async () => {
  await killed(child);
  stt.close();
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void stop().then(() => process.exit(130)));

async function health(): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const bootStarted = Date.now();
console.log(`starting hoidap serve on 127.0.0.1:${port} (DATA_DIR ${dataDir}; the first start ingests the bundled data)…`);
for (;;) {
  if (exited) {
    console.error(`hoidap serve ${exited} before it was ready:\n${log.slice(-3000)}`);
    await stop();
    process.exit(1);
  }
  if ((await health()) === 200) break;
  if (Date.now() - bootStarted > 600_000) {
    console.error(`hoidap serve was not ready within 10 minutes:\n${log.slice(-3000)}`);
    await stop();
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 1000));
}
console.log(`ready after ${((Date.now() - bootStarted) / 1000).toFixed(0)} s\n`);

// ---- the fuzzing
interface Row {
  endpoint: string;
  count: number;
  statuses: Record<string, number>;
  fiveXx: number;
  connErrors: number;
  p50: number;
  p99: number;
  healthAfter: number;
  alive: boolean;
  /** The first few failing cases, to replay with --case. */
  failures: { case: number; status: number | string; detail?: string }[];
}
const rows: Row[] = [];
const started = Date.now();
for (const name of endpoints) {
  const e = ALL.indexOf(name);
  const ws = name.startsWith('WS');
  const row: Row = { endpoint: name, count: 0, statuses: {}, fiveXx: 0, connErrors: 0, p50: 0, p99: 0, healthAfter: 0, alive: true, failures: [] };
  const latencies: number[] = [];
  const logAt = log.length;
  const t0 = Date.now();
  await pool(
    n,
    concurrency,
    async (i) => {
      const r = new Rng(caseSeed(seed, e, i));
      if (ws) {
        const res = await runWsCase(port, wsCase(r, ctx), 300);
        const internal = res.replies.some(isInternalFrame);
        const key = res.status ? String(res.status) : res.closeCode > 0 ? `ws ${res.closeCode}` : res.error ? 'conn error' : 'ws closed';
        return { key, ms: res.ms, bad: internal || (res.status ?? 0) >= 500, conn: !res.status && res.closeCode <= 0 && Boolean(res.error), detail: internal ? 'error frame "internal"' : undefined };
      }
      const req: FuzzRequest = ENDPOINTS[e]!.make(r, ctx);
      const res = await sendRaw(port, req);
      const key = res.status ? String(res.status) : 'conn error';
      return { key, ms: res.ms, bad: res.status >= 500, conn: res.status === 0, detail: res.status >= 500 ? res.body.slice(0, 200) : res.status === 0 ? res.error : undefined };
    },
    (res, i) => {
      row.count++;
      row.statuses[res.key] = (row.statuses[res.key] ?? 0) + 1;
      latencies.push(res.ms);
      if (res.bad) row.fiveXx++;
      if (res.conn) row.connErrors++;
      if ((res.bad || res.conn) && row.failures.length < 5) row.failures.push({ case: i, status: res.key, ...(res.detail ? { detail: res.detail } : {}) });
    },
  );
  row.p50 = percentile(latencies, 50);
  row.p99 = percentile(latencies, 99);
  row.healthAfter = await health();
  row.alive = !exited;
  rows.push(row);
  const newLog = log.slice(logAt);
  const errors = newLog.split('\n').filter((l) => /"level":"error"/.test(l));
  console.log(
    `${name.padEnd(34)} ${String(row.count).padStart(5)} req  ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  5xx ${row.fiveXx}  conn ${row.connErrors}  health ${row.healthAfter}${row.alive ? '' : '  PROCESS DIED'}`,
  );
  for (const f of row.failures) console.log(`    case ${f.case}: ${f.status}${f.detail ? ` ${f.detail}` : ''}   (replay: --only "${name}" --case ${f.case} --seed ${seed})`);
  for (const l of errors.slice(0, 3)) console.log(`    server log: ${l.slice(0, 1500)}`);
  if (!row.alive) break;
}
const seconds = (Date.now() - started) / 1000;
const diedAs = exited; // read before stopping it ourselves
await stop();

// ---- the table
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const header = ['endpoint', 'requests', 'statuses', '5xx', 'conn err', 'p50 ms', 'p99 ms', 'health after'];
const table = rows.map((r) => [
  r.endpoint,
  String(r.count),
  Object.entries(r.statuses).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}:${v}`).join(' '),
  String(r.fiveXx),
  String(r.connErrors),
  fmt(r.p50),
  fmt(r.p99),
  r.alive ? String(r.healthAfter) : 'DIED',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`\nHTTP fuzz on loopback (hoidap serve, seed ${seed}), ${rows.reduce((s, r) => s + r.count, 0)} requests in ${seconds.toFixed(0)} s\n`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) console.log(line(t));
const total5xx = rows.reduce((s, r) => s + r.fiveXx, 0);
const died = rows.some((r) => !r.alive || r.healthAfter !== 200) || Boolean(diedAs);
const connErrors = rows.reduce((s, r) => s + r.connErrors, 0);
console.log(`\n5xx: ${total5xx}; connection errors: ${connErrors}; process ${died ? 'DIED or stopped answering /health' : 'stayed up'}${diedAs ? ` (${diedAs})` : ''}`);

// Like the other benches' results (eval/reports/load.json): the figures, for the closing note.
writeFileSync(resolve(values.out!), `${JSON.stringify({ seed, n, concurrency, seconds, rows }, null, 2)}\n`);
process.exit(total5xx || died ? 1 : 0);
