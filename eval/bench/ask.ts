// Benchmark: POST /v1/ask under load on loopback. The service runs on the embedded defaults
// (extractive composer) over the full corpus in ../shared/data; 10 clients ask distinct questions
// concurrently. Prints p50/p95/p99 latency, requests/s and the status mix.
//   npm run bench:ask [-- --concurrency 10 --requests 600 --data-dir DIR]
// The store is built once in DATA DIR (default .data-bench) and reused on later runs.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/index.ts';
import { percentile } from '../../src/eval/metrics.ts';
import { startServer } from '../../src/main.node.ts';
import { benchQuestions, ensureBenchStore, forgetBenchConversations } from './common.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '10' },
    requests: { type: 'string', default: '600' },
    'data-dir': { type: 'string', default: '.data-bench' },
  },
});
const concurrency = Number(values.concurrency);
const total = Number(values.requests);
if (!Number.isInteger(concurrency) || concurrency < 1 || !Number.isInteger(total) || total < 1) {
  console.error('--concurrency and --requests must be positive whole numbers');
  process.exit(2);
}
const dataDir = resolve(values['data-dir']!);
const shared = resolve(fileURLToPath(new URL('../../../shared', import.meta.url)));

// 1. The full corpus, ingested once.
await ensureBenchStore(dataDir, shared);

// 2. Distinct questions: the answer set, ALQAC 2022 and the portal FAQ, in a fixed order.
const questions = await benchQuestions(shared);

// 3. The service on a free loopback port, embedded defaults.
const runStarted = new Date();
const server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }));
const url = `http://127.0.0.1:${server.port}/v1/ask`;
const ask = async (question: string) => {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  const body = (await res.json()) as { status?: string };
  return { ms: performance.now() - t0, http: res.status, status: body.status ?? `http ${res.status}` };
};

// Warm-up: caches, JIT and the planner's statistics.
for (let i = 0; i < 20; i++) await ask(questions[(i * 37) % questions.length]!);

let next = 0;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let errors = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const q = questions[next++ % questions.length]!;
      try {
        const r = await ask(q);
        latencies.push(r.ms);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.http >= 500) errors++;
      } catch {
        errors++;
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await server.close();
await forgetBenchConversations(dataDir, runStarted);

const rows: [string, string][] = [
  ['corpus', `${shared}/data (+ data/qa, data/gazette)`],
  ['composer', 'extractive (LLM_PROVIDER=none)'],
  ['concurrency', String(concurrency)],
  ['requests', `${latencies.length} (${new Set(questions).size} distinct questions)`],
  ['p50 ms', percentile(latencies, 50).toFixed(1)],
  ['p95 ms', `${percentile(latencies, 95).toFixed(1)}   (target ≤ 150)`],
  ['p99 ms', percentile(latencies, 99).toFixed(1)],
  ['requests/s', (latencies.length / seconds).toFixed(1)],
  ['statuses', Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(', ')],
  ['errors (5xx or failed)', String(errors)],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log('\nPOST /v1/ask under load (loopback)\n');
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
