// Trains the learned reranker's weights (data/reranker.json) on the development sets and shows,
// set by set, what it does to a set it was not trained on (leave one set out).
//   DATA_DIR=.data npm run train:reranker [-- --write]
// The store must hold ../shared/data (hoidap ingest ../shared/data). Deterministic (seeded).
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.ts';
import { openDb } from '../src/db/index.ts';
import { createEmbedder } from '../src/embed/index.ts';
import { goldResolver } from '../src/eval/runner.ts';
import { loadQuestionSet } from '../src/eval/sets.ts';
import { FEATURES, rerankFeatures, RERANK_DEPTH, scoreFeatures } from '../src/retrieval/learned-rerank.ts';
import { createMemoryBm25 } from '../src/retrieval/bm25-memory.ts';
import { createSearcher } from '../src/retrieval/search.ts';
import { createTitleReranker } from '../src/retrieval/title-rerank.ts';
import { loadGlossary, translateQuery } from '../src/text/english.ts';
import { loadLexicon } from '../src/text/lexicon.ts';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
const shared = fileURLToPath(new URL('../../shared/eval/', import.meta.url));
const SETS = [fileURLToPath(new URL('sets/answers-dev.jsonl', import.meta.url)), `${shared}dvc-faq-with-codes.jsonl`, `${shared}alqac-2022-questions.json`, `${shared}alqac-2025-questions.json`].filter((f) => existsSync(f));

interface Query {
  set: string;
  candidates: { f: number[]; gold: boolean }[];
}

const config = loadConfig();
const embedder = await createEmbedder(config);
const db = await openDb(config, embedder.dim);
const lexicon = loadLexicon();
const memory = createMemoryBm25(db);
await memory?.ready();
// The ranking the learned reranker receives in production: retrieval, then the title reranker.
const searcher = createSearcher({ db, embedder, lexicon, reranker: createTitleReranker(lexicon), memory });
const glossary = loadGlossary();
const resolve = await goldResolver(db);
const keyOf = new Map((await db.query<{ id: number; k: string }>("SELECT id, document_id || ':' || unit_key AS k FROM units")).map((r) => [r.id, r.k]));

const queries: Query[] = [];
for (const file of SETS) {
  const set = file.split('/').pop()!;
  for (const q of (await loadQuestionSet(file)).questions) {
    if (!q.gold.length || q.history.length) continue;
    const text = q.lang === 'en' ? translateQuery(q.text, glossary) : q.text;
    const hits = (await searcher.search(text, { k: RERANK_DEPTH })).hits;
    const gold = new Set(q.gold.map(resolve).flatMap((g) => (g ? [`${g.documentId}:${g.unitKey}`] : [])));
    const f = await rerankFeatures(text, hits, { db, lexicon, termStats: memory ? (t) => memory.termStats(t) : undefined });
    queries.push({ set, candidates: f.map((x, i) => ({ f: x, gold: gold.has(keyOf.get(hits[i]!.unitId)!) })) });
  }
}
memory?.close();
await db.close();

/** Seeded PRNG (mulberry32), so the same data gives the same weights. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pairwise logistic loss (RankNet) on (gold, other) pairs within each question, SGD with L2. */
function train(data: Query[], epochs = 60, lr = 0.5, l2 = 1e-3): number[] {
  const w = FEATURES.map((_, k) => (k === 0 ? 1 : 0));
  const pairs: number[][] = [];
  for (const q of data) {
    for (const p of q.candidates.filter((c) => c.gold)) for (const n of q.candidates.filter((c) => !c.gold)) pairs.push(p.f.map((x, k) => x - n.f[k]!));
  }
  const rnd = prng(7);
  for (let e = 0; e < epochs; e++) {
    for (let i = pairs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
    }
    const step = lr / (1 + e * 0.1);
    for (const d of pairs) {
      const s = scoreFeatures(d, w);
      const g = -1 / (1 + Math.exp(Math.min(50, s)));
      for (let k = 0; k < w.length; k++) w[k]! -= step * (g * d[k]! + l2 * w[k]!);
    }
  }
  return w;
}

function evaluate(data: Query[], w: number[]): { r1: number; mrr: number } {
  let r1 = 0;
  let mrr = 0;
  for (const q of data) {
    const order = q.candidates.map((c, i) => ({ c, i, s: scoreFeatures(c.f, w) })).sort((x, y) => y.s - x.s || x.i - y.i);
    const rank = order.findIndex((o) => o.c.gold);
    if (rank === 0) r1++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  return { r1: r1 / data.length, mrr: mrr / data.length };
}

const retrievalOnly = FEATURES.map((_, k) => (k === 0 ? 1 : 0));
const rows: Record<string, { questions: number; retrieval_r1: number; retrieval_mrr10: number; held_out_r1: number; held_out_mrr10: number }> = {};
for (const set of [...new Set(queries.map((q) => q.set))]) {
  const test = queries.filter((q) => q.set === set);
  const base = evaluate(test, retrievalOnly);
  const held = evaluate(test, train(queries.filter((q) => q.set !== set)));
  rows[set] = { questions: test.length, retrieval_r1: round(base.r1), retrieval_mrr10: round(base.mrr), held_out_r1: round(held.r1), held_out_mrr10: round(held.mrr) };
}
const weights = train(queries).map((x) => round(x));
console.log('\nLearned reranker, leave one set out (trained on the other sets, measured on this one)\n');
console.table(rows);
console.log('weights (all sets):', Object.fromEntries(FEATURES.map((f, k) => [f, weights[k]])));
if (values.write) {
  const file = fileURLToPath(new URL('../data/reranker.json', import.meta.url));
  writeFileSync(file, `${JSON.stringify({ features: FEATURES, weights, trainedOn: Object.keys(rows), heldOut: rows }, null, 2)}\n`);
  console.log(`written: ${file}`);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
