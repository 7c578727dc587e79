// Load benchmark: POST /v1/ask from many concurrent clients for a fixed time against `hoidap serve`
// (its own process, so its memory is measured alone) over the full corpus in ../shared/data, on
// loopback. Prints requests/s, latency percentiles, errors, the answer mix and the server's resident
// memory over the run, with a verdict on whether it stays flat in the second half; writes the same
// figures as JSON.
//   npm run bench:load [-- --concurrency 50 --duration 60 --data-dir .data-bench --out eval/reports/load.json]
//   npm run bench:load -- --url http://127.0.0.1:8787 [--pid 1234]   (a service already running)
//   --serve-log FILE keeps the started service's log (the last 100-200 kB), with each answer's step timings.
// The store is built once in DATA DIR (shared with bench:ask) and what a run wrote is deleted after it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { percentile } from '../../src/eval/metrics.ts';
import { spawnCli } from '../../test/support/cli.ts';
import { freePort } from '../../test/support/db.ts';
import { killed, spawnUntil } from '../../test/support/processes.ts';
import { benchQuestions, ensureBenchStore, forgetBenchConversations } from './common.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    url: { type: 'string' },
    pid: { type: 'string' },
    'data-dir': { type: 'string', default: '.data-bench' },
    out: { type: 'string', default: fileURLToPath(new URL('../reports/load.json', import.meta.url)) },
    warmup: { type: 'string', default: '20' },
    'cold-connections': { type: 'boolean', default: false },
    'serve-log': { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const durationS = Number(values.duration);
const warmupAsks = Number(values.warmup);
if (!Number.isInteger(concurrency) || concurrency < 1 || !(durationS > 0) || !Number.isInteger(warmupAsks) || warmupAsks < 0) {
  console.error('--concurrency and --warmup must be whole numbers (concurrency ≥ 1) and --duration a positive number of seconds');
  process.exit(2);
}
if (values.pid && !values.url) {
  console.error('--pid only goes with --url (without --url the benchmark starts the service and measures it itself)');
  process.exit(2);
}
const shared = resolve(fileURLToPath(new URL('../../../shared', import.meta.url)));
const dataDir = resolve(values['data-dir']!);

/** The service: one already running (--url), or `hoidap serve` on the bench store, on a free loopback port. */
async function startService(): Promise<{ base: string; pid: number | null; child: ChildProcess | null; startedAt: Date; log: () => string }> {
  const startedAt = new Date();
  if (values.url) return { base: values.url.replace(/\/+$/, ''), pid: values.pid ? Number(values.pid) : null, child: null, startedAt, log: () => '' };
  await ensureBenchStore(dataDir, shared);
  const port = await freePort();
  // No rate limit: fifty clients on one address are the point here, not an abuse to refuse.
  // Logs at info, as in production (one line per answer), drained by spawnUntil.
  const child = spawnCli(['serve'], { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0' });
  // The service's own time for each /v1/ask (its "request" log line), to set beside what the clients see.
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"msg":"request"') || !line.includes('"/v1/ask"')) continue;
      const ms = /"ms":([\d.]+)/.exec(line);
      if (ms) serverMs.push(Number(ms[1]));
    }
  });
  const { stderr } = await spawnUntil(child, /"msg":"listening"/, 'hoidap serve', 300_000);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const ok = await fetch(`${base}/health`).then((r) => (r.arrayBuffer(), r.status === 200), () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`hoidap serve exited (${child.exitCode}) before it was ready`);
    if (Date.now() > deadline) throw new Error('hoidap serve was not ready within 5 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, pid: child.pid ?? null, child, startedAt, log: stderr };
}

/** Resident memory of a process in MB (VmRSS in /proc), or null where there is no /proc. */
function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** A fixed permutation (mulberry32), so the sets are mixed and every run asks in the same order. */
function shuffled<T>(xs: T[], seed = 11): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den ? num / den : 0;
}

const questions = shuffled(await benchQuestions(shared));
const serverMs: number[] = [];
const service = await startService();
const askUrl = `${service.base}/v1/ask`;

type Outcome = { ms: number; http: number; status: string; question: string };
// One keep-alive connection per client, as fifty browsers would have: with fetch (undici's shared
// pool) some requests waited for most of a run while the server's own log showed none over 1 s.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function ask(question: string): Promise<Outcome> {
  const t0 = performance.now();
  const res = await post(askUrl, JSON.stringify({ question }));
  let status = `http ${res.status}`;
  if (res.status === 200) {
    try {
      status = (JSON.parse(res.text) as { status?: string }).status ?? 'no status';
    } catch {
      status = 'not JSON';
    }
  }
  return { ms: performance.now() - t0, http: res.status, status, question };
}

let result: Record<string, unknown>;
try {
  // Warm-up (not counted): caches, JIT, the planner's statistics.
  for (let i = 0; i < warmupAsks; i++) await ask(questions[(i * 37) % questions.length]!);
  // Each client connects before the clock starts, as browsers already on the page or a proxy's pool
  // would. --cold-connections opens all fifty during the saturated run instead: then a few requests
  // on new connections wait 20–25 s before the service sees them (its own log shows none over 1 s;
  // the kernel drops no SYN). Cause not found; see the closing note of issue [trust].
  if (!values['cold-connections']) await Promise.all(Array.from({ length: concurrency }, (_, i) => ask(questions[(i * 53) % questions.length]!)));

  const samples: { t: number; mb: number }[] = [];
  serverMs.length = 0; // the warm-up's are not counted
  const started = performance.now();
  const sample = () => {
    if (service.pid === null) return;
    const mb = rssMb(service.pid);
    if (mb !== null) samples.push({ t: (performance.now() - started) / 1000, mb });
  };
  sample();
  const sampler = setInterval(sample, 1000);

  const endAt = started + durationS * 1000;
  let next = 0;
  const latencies: number[] = [];
  const slowest: Outcome[] = [];
  const statuses: Record<string, number> = {};
  const httpCounts: Record<string, number> = {};
  let connectionErrors = 0;
  const firstErrors: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endAt) {
        const q = questions[next++ % questions.length]!;
        try {
          const r = await ask(q);
          latencies.push(r.ms);
          // The five slowest, to tell a slow kind of question from a queue that starves some requests.
          if (slowest.length < 5 || r.ms > slowest[slowest.length - 1]!.ms) {
            slowest.push(r);
            slowest.sort((a, b) => b.ms - a.ms);
            slowest.length = Math.min(slowest.length, 5);
          }
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          httpCounts[r.http] = (httpCounts[r.http] ?? 0) + 1;
        } catch (e) {
          connectionErrors++;
          if (firstErrors.length < 5) firstErrors.push(e instanceof Error ? `${e.message}${e.cause ? ` (${String(e.cause)})` : ''}` : String(e));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();

  // Memory: the samples nearest 25/50/75/100 % of the run, and the trend over its second half.
  const at = (fraction: number) => {
    if (!samples.length) return null;
    const want = fraction * seconds;
    return samples.reduce((best, s) => (Math.abs(s.t - want) < Math.abs(best.t - want) ? s : best)).mb;
  };
  const secondHalf = samples.filter((s) => s.t >= seconds / 2).map((s) => ({ x: s.t / 60, y: s.mb }));
  const slopeMbPerMin = slope(secondHalf);
  const mid = at(0.5);
  const growthMb = slopeMbPerMin * (seconds / 2 / 60);
  const FLAT_SHARE = 0.05;
  // RSS saws up and down with V8's collections (every 30–60 s under this load), so a slope over 30 s
  // says more about where a collection fell than about a leak. The verdict compares the floors: the
  // lowest RSS of the third quarter and of the fourth (what is left after the collections in each).
  const floor = (from: number, to: number) => {
    const in_ = samples.filter((x) => x.t >= from * seconds && x.t < to * seconds + 1e-9).map((x) => x.mb);
    return in_.length ? Math.min(...in_) : null;
  };
  const floorQ3 = floor(0.5, 0.75);
  const floorQ4 = floor(0.75, 1);
  const floorGrowthMb = floorQ3 !== null && floorQ4 !== null ? floorQ4 - floorQ3 : null;
  const flat = mid !== null && floorGrowthMb !== null ? floorGrowthMb < FLAT_SHARE * mid : null;

  const non200 = latencies.length - (httpCounts['200'] ?? 0);
  result = {
    at: new Date().toISOString(),
    target: values.url ? service.base : `hoidap serve (own process) on ${service.base}, DATA_DIR=${dataDir}`,
    corpus: values.url ? 'as served' : `${shared}/data (+ data/qa, data/gazette)`,
    composer: values.url ? 'as configured' : 'extractive (LLM_PROVIDER=none)',
    concurrency,
    durationS: Number(seconds.toFixed(1)),
    warmupRequests: warmupAsks,
    connections: values['cold-connections'] ? 'opened during the run' : 'opened (one request each) before the run',
    distinctQuestions: new Set(questions).size,
    requests: latencies.length,
    requestsPerS: Number((latencies.length / seconds).toFixed(1)),
    latencyMs: {
      p50: Number(percentile(latencies, 50).toFixed(1)),
      p95: Number(percentile(latencies, 95).toFixed(1)),
      p99: Number(percentile(latencies, 99).toFixed(1)),
      max: Number((latencies.length ? Math.max(...latencies) : 0).toFixed(1)),
    },
    serverLatencyMs: serverMs.length
      ? {
          note: 'from the service\'s own log line per request (first middleware to response): time spent inside the app',
          requests: serverMs.length,
          p50: percentile(serverMs, 50),
          p95: percentile(serverMs, 95),
          p99: percentile(serverMs, 99),
          max: Math.max(...serverMs),
        }
      : null,
    slowest: slowest.map((o) => ({ ms: Math.round(o.ms), status: o.status, question: o.question.slice(0, 120) })),
    errors: { non200, connection: connectionErrors, total: non200 + connectionErrors, first: firstErrors },
    http: httpCounts,
    statuses,
    memory: service.pid === null
      ? null
      : {
          pid: service.pid,
          samples: samples.length,
          rssMb: { p25: at(0.25), p50: mid, p75: at(0.75), p100: at(1) },
          secondHalfSlopeMbPerMin: Number(slopeMbPerMin.toFixed(2)),
          secondHalfGrowthMb: Number(growthMb.toFixed(1)),
          floorMb: { q3: floorQ3, q4: floorQ4, growth: floorGrowthMb === null ? null : Number(floorGrowthMb.toFixed(1)) },
          criterion: `flat when the lowest RSS of the last quarter exceeds the lowest of the third quarter by less than ${FLAT_SHARE * 100}% of the RSS at 50% of the run (the slope is shown, not judged: it follows the collector's sawtooth)`,
          verdict: flat === null ? 'not enough samples' : flat ? 'flat' : 'growing',
          series: samples.map((s) => ({ t: Number(s.t.toFixed(1)), mb: Number(s.mb.toFixed(1)) })),
        },
    machine: 'shared with other agents: figures are lower than on an idle machine',
  };
} finally {
  agent.destroy();
  if (service.child) await killed(service.child);
  // The service's own log (its last 100-200 kB: one line per answer, with each step's timing).
  if (values['serve-log']) writeFileSync(resolve(values['serve-log']), service.log());
  if (!values.url) await forgetBenchConversations(dataDir, service.startedAt);
}

const r = result as {
  requests: number; requestsPerS: number; durationS: number; connections: string; latencyMs: Record<string, number>;
  errors: { non200: number; connection: number; total: number; first: string[] }; statuses: Record<string, number>; http: Record<string, number>;
  memory: null | { rssMb: Record<string, number | null>; secondHalfSlopeMbPerMin: number; secondHalfGrowthMb: number; floorMb: { q3: number | null; q4: number | null; growth: number | null }; criterion: string; verdict: string; samples: number };
};
const mb = (v: number | null | undefined) => (v == null ? 'n/a' : `${v.toFixed(0)} MB`);
const rows: [string, string][] = [
  ['target', String(result.target)],
  ['corpus', String(result.corpus)],
  ['composer', String(result.composer)],
  ['concurrency', String(concurrency)],
  ['duration', `${r.durationS} s (after ${warmupAsks} warm-up requests, not counted)`],
  ['connections', String(r.connections)],
  ['requests', `${r.requests} (${String(result.distinctQuestions)} distinct questions, mixed in a fixed order)`],
  ['requests/s', String(r.requestsPerS)],
  ['p50 / p95 / p99 / max ms', `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max}`],
  ...(result.serverLatencyMs
    ? ([['  inside the service', (({ p50, p95, p99, max }) => `${p50} / ${p95} / ${p99} / ${max}   (its own log, ${(result.serverLatencyMs as { requests: number }).requests} requests)`)(result.serverLatencyMs as Record<string, number>)]] as [string, string][])
    : []),
  ['errors', `${r.errors.total} (non-200 ${r.errors.non200}, connection ${r.errors.connection})${r.errors.first.length ? `: ${r.errors.first.join('; ')}` : ''}`],
  ['HTTP', Object.entries(r.http).map(([k, v]) => `${k} ${v}`).join(', ')],
  ['answers', Object.entries(r.statuses).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')],
];
if (r.memory) {
  rows.push(
    ['RSS at 25/50/75/100 %', [r.memory.rssMb.p25, r.memory.rssMb.p50, r.memory.rssMb.p75, r.memory.rssMb.p100].map(mb).join(' / ')],
    ['RSS slope, 2nd half', `${r.memory.secondHalfSlopeMbPerMin} MB/min (${r.memory.secondHalfGrowthMb} MB over the half, ${r.memory.samples} samples)`],
    ['RSS floor, 3rd → 4th quarter', `${mb(r.memory.floorMb.q3)} → ${mb(r.memory.floorMb.q4)} (${r.memory.floorMb.growth ?? '—'} MB)`],
    ['memory', `${r.memory.verdict} — ${r.memory.criterion}`],
  );
} else {
  rows.push(['memory', 'not measured (give --pid of the service with --url)']);
}
const slow = (result.slowest as { ms: number; question: string }[]).map((o) => `${o.ms} ms «${o.question.slice(0, 60)}»`);
rows.push(['slowest', slow.join('\n' + ' '.repeat(Math.max(...rows.map(([k]) => k.length)) + 4))]);
rows.push(['note', String(result.machine)]);
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\nPOST /v1/ask, ${concurrency} concurrent clients for ${durationS} s (loopback)\n`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
mkdirSync(dirname(resolve(values.out!)), { recursive: true });
writeFileSync(resolve(values.out!), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n  JSON: ${resolve(values.out!)}`);
process.exitCode = r.errors.total === 0 ? 0 : 1;
