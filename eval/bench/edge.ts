// The Worker, locally: bundle size (wrangler deploy --dry-run) and, over a PostgreSQL on loopback
// (PGlite behind its socket server, reached through the Hyperdrive binding), the cold start of
// `wrangler dev` to the first answer, several times, and warm answer latency.
//   npm run bench:edge [-- --runs 3 --asks 40]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { ROOT, spawnCli } from '../../test/support/cli.ts';
import { freePort } from '../../test/support/db.ts';
import { killed, spawnUntil, startPgliteProcess } from '../../test/support/processes.ts';
import { benchQuestions } from './common.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, asks: { type: 'string', default: '40' } } });
const runs = Math.max(1, Number(values.runs) || 3);
const asks = Math.max(1, Number(values.asks) || 40);
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', WRANGLER_SEND_METRICS: 'false' };

const printed = execFileSync(WRANGLER, ['deploy', '--dry-run', '--outdir', mkdtempSync(join(tmpdir(), 'hoidap-edge-'))], { cwd: ROOT, env, encoding: 'utf8' });
const size = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(printed);

const { url, child: pg } = await startPgliteProcess(16);
const embedder = createLexicalEmbedder();
const db = await openDb({ databaseUrl: url, dataDir: '' }, embedder.dim);
await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, [join(ROOT, 'data/qa'), join(ROOT, 'data/gazette')]);
await db.close();
const questions = (await benchQuestions(join(ROOT, '../shared'))).slice(0, asks);

const ask = async (base: string, question: string) => {
  const res = await fetch(`${base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
};

const cold: number[] = [];
let warm: number[] = [];
const nodeWarm: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const w = spawn(WRANGLER, ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', mkdtempSync(join(tmpdir(), 'hoidap-wrangler-'))], {
      cwd: ROOT,
      env: { ...env, CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url, WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await spawnUntil(w, /Ready on http/, 'wrangler dev', 180_000);
      const base = `http://127.0.0.1:${port}`;
      await ask(base, questions[0]!);
      cold.push(performance.now() - t0);
      if (i === runs - 1) {
        warm = [];
        for (const q of questions) {
          const a0 = performance.now();
          await ask(base, q);
          warm.push(performance.now() - a0);
        }
      }
    } finally {
      await killed(w);
    }
  }
  // The same questions from Node over the same database, for comparison.
  const port = await freePort();
  const serve = spawnCli(['serve'], { DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0' });
  try {
    await spawnUntil(serve, /"msg":"listening"/, 'hoidap serve');
    const base = `http://127.0.0.1:${port}`;
    await ask(base, questions[0]!);
    for (const q of questions) {
      const a0 = performance.now();
      await ask(base, q);
      nodeWarm.push(performance.now() - a0);
    }
  } finally {
    await killed(serve);
  }
} finally {
  await killed(pg);
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
console.log('Worker (wrangler dev, workerd from npm) over PostgreSQL on loopback via Hyperdrive');
console.log(`bundle                       ${size ? `${size[1]} KiB, ${size[2]} KiB gzipped (paid plan limit: 10 MiB gzipped)` : 'size not printed'}`);
console.log(`cold start → first answer    ${cold.map((c) => `${(c / 1000).toFixed(1)} s`).join(', ')} (includes wrangler's build step and workerd start)`);
console.log(`warm answers, sequential     p50 ${pct(warm, 50).toFixed(0)} ms, p95 ${pct(warm, 95).toFixed(0)} ms over ${warm.length} questions`);
console.log(`the same on Node (serve)     p50 ${pct(nodeWarm, 50).toFixed(0)} ms, p95 ${pct(nodeWarm, 95).toFixed(0)} ms, same database`);
