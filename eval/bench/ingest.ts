// Benchmark: ingest a corpus (default ../shared/data) into a fresh embedded database, then
// again unchanged. Prints units/s, chunks/s, total seconds, database size and peak RSS.
//   npm run bench:ingest [-- <path…>] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { ingestPaths, type IngestSummary } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { storeStats } from '../../src/ingest/stats.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { keep: { type: 'boolean', default: false } } });
const paths = positionals.length ? positionals : [resolve(fileURLToPath(new URL('../../../shared/data', import.meta.url)))];
const dataDir = mkdtempSync(join(tmpdir(), 'hoidap-bench-'));
const embedder = createLexicalEmbedder();

async function timed(label: string): Promise<{ label: string; seconds: number; summary: IngestSummary }> {
  const db = await openDb({ dataDir, databaseUrl: undefined }, embedder.dim);
  const t0 = performance.now();
  const summary = await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, paths);
  const seconds = (performance.now() - t0) / 1000;
  await db.close();
  return { label, seconds, summary };
}

const first = await timed('fresh');
const second = await timed('unchanged re-run');
const db = await openDb({ dataDir, databaseUrl: undefined }, embedder.dim);
const stats = await storeStats(db);
const size = await db.sizeBytes();
await db.close();
const units = Object.values(stats.units).reduce((a, b) => a + b, 0);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const rows: [string, string][] = [
  ['corpus', paths.join(', ')],
  ['documents', String(stats.documents)],
  ['units', `${units} (${Object.entries(stats.units).map(([k, n]) => `${k} ${n}`).join(', ')})`],
  ['chunks', String(stats.chunks)],
  ['fresh ingest, s (index included)', first.seconds.toFixed(1)],
  ['units/s', (units / first.seconds).toFixed(0)],
  ['chunks/s', (stats.chunks / first.seconds).toFixed(0)],
  ['unchanged re-run, s', second.seconds.toFixed(1)],
  ['re-run created/changed', `${second.summary.created}/${second.summary.changed}`],
  ['database size, MB', (size / 1e6).toFixed(0)],
  ['peak RSS, MB', peakRssMb.toFixed(0)],
  ['errors (fresh run)', String(first.summary.errors.length)],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\nhoidap ingest benchmark (${embedder.id}, embedded PGlite)\n`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
console.log(`\n  targets: fresh ≤ 120 s, unchanged re-run ≤ 15 s`);
if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
else console.log(`  kept: DATA_DIR=${dataDir}`);
