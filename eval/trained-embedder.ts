// Trial of an embedder trained offline on the corpus itself (issue 3): latent semantic analysis —
// a truncated SVD of the TF-IDF matrix of folded syllables and bigrams over all units — fused with
// BM25 by reciprocal rank. It runs in memory over the store at DATA_DIR and prints, per set, MRR@10
// and R@10 for BM25 alone, the trained vectors alone, and fusions. Nothing here is used by the
// service unless the numbers show it helps.
//   DATA_DIR=.bench npm run eval:trained-embedder
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.ts';
import { openDb } from '../src/db/index.ts';
import { createEmbedder } from '../src/embed/index.ts';
import { lexicalText } from '../src/ingest/store.ts';
import { emptyMeta, type UnitInput } from '../src/ingest/types.ts';
import { mean, recallAt, reciprocalRank } from '../src/eval/metrics.ts';
import { goldResolver } from '../src/eval/runner.ts';
import { loadQuestionSet, type GoldSource } from '../src/eval/sets.ts';
import { createSearcher } from '../src/retrieval/search.ts';
import { loadLexicon } from '../src/text/lexicon.ts';
import { termCounts } from '../src/text/terms.ts';

const RANK = 160;
const VOCAB = 30000;

/** y = X·v for the sparse terms × units matrix in CSR-by-unit form (X^T rows). */
interface Sparse {
  nTerms: number;
  nUnits: number;
  // per unit: term indices and weights
  idx: Int32Array[];
  val: Float64Array[];
}

/**
 * Sparse products with X (terms × units), stored by unit: `toTerms` gives X·A (A: units × k → terms × k),
 * otherwise Xᵀ·A (A: terms × k → units × k).
 */
function mul(m: Sparse, a: Float64Array, k: number, toTerms: boolean): Float64Array {
  const out = new Float64Array((toTerms ? m.nTerms : m.nUnits) * k);
  for (let u = 0; u < m.nUnits; u++) {
    const idx = m.idx[u]!;
    const val = m.val[u]!;
    for (let j = 0; j < idx.length; j++) {
      const [o, i] = toTerms ? [idx[j]! * k, u * k] : [u * k, idx[j]! * k];
      const w = val[j]!;
      for (let c = 0; c < k; c++) out[o + c]! += w * a[i + c]!;
    }
  }
  return out;
}

/** Orthonormalises the k columns of an n × k row-major matrix in place (modified Gram–Schmidt). */
function orthonormalise(a: Float64Array, n: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += a[r * k + c]! * a[r * k + p]!;
      for (let r = 0; r < n; r++) a[r * k + c]! -= dot * a[r * k + p]!;
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += a[r * k + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < n; r++) a[r * k + c]! /= norm;
  }
}

const config = loadConfig();
const embedder = await createEmbedder(config);
const db = await openDb(config, embedder.dim);
const t0 = performance.now();
const rows = await db.query<{ id: number; document_id: number; unit_key: string; kind: UnitInput['kind']; label: string; title: string | null; text: string; name: string; number: string | null; aliases: string[] }>(
  'SELECT u.id, u.document_id, u.unit_key, u.kind, u.label, u.title, u.text, d.name, d.number, d.aliases FROM units u JOIN documents d ON d.id = u.document_id ORDER BY u.id',
);
const counts = rows.map((r) => termCounts(lexicalText({ ...emptyMeta(r.name), number: r.number, aliases: r.aliases ?? [] }, { kind: r.kind, label: r.label, title: r.title, text: r.text } as UnitInput)).counts);
const df = new Map<string, number>();
for (const c of counts) for (const t of c.keys()) df.set(t, (df.get(t) ?? 0) + 1);
const N = rows.length;
const vocab = [...df].filter(([, n]) => n >= 3 && n <= N * 0.5).sort((a, b) => b[1] - a[1]).slice(0, VOCAB).map(([t]) => t);
const index = new Map(vocab.map((t, i) => [t, i]));
const idf = vocab.map((t) => Math.log(N / df.get(t)!));
const m: Sparse = { nTerms: vocab.length, nUnits: N, idx: [], val: [] };
for (const c of counts) {
  const pairs: [number, number][] = [];
  for (const [t, tf] of c) {
    const i = index.get(t);
    if (i !== undefined) pairs.push([i, (1 + Math.log(tf)) * idf[i]!]);
  }
  const norm = Math.sqrt(pairs.reduce((s, [, w]) => s + w * w, 0)) || 1;
  m.idx.push(Int32Array.from(pairs.map((p) => p[0])));
  m.val.push(Float64Array.from(pairs.map((p) => p[1] / norm)));
}
// Randomised range finder with two power iterations: Q spans the top term-space directions.
const k = RANK;
// Seeded, so the trial gives the same figures on every run.
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const omega = new Float64Array(N * k).map(() => rand());
let q = mul(m, omega, k, true);
orthonormalise(q, m.nTerms, k);
for (let it = 0; it < 2; it++) {
  const z = mul(m, q, k, false);
  orthonormalise(z, N, k);
  q = mul(m, z, k, true);
  orthonormalise(q, m.nTerms, k);
}
// Unit vectors: projections of the units onto Q (X^T Q), normalised.
const unitVecs = mul(m, q, k, false);
for (let u = 0; u < N; u++) {
  let n = 0;
  for (let c = 0; c < k; c++) n += unitVecs[u * k + c]! ** 2;
  n = Math.sqrt(n) || 1;
  for (let c = 0; c < k; c++) unitVecs[u * k + c]! /= n;
}
console.log(`trained LSA: ${N} units, ${vocab.length} terms, rank ${k}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function embedQuery(text: string): Float64Array {
  const v = new Float64Array(k);
  for (const [t, tf] of termCounts(text).counts) {
    const i = index.get(t);
    if (i === undefined) continue;
    const w = (1 + Math.log(tf)) * idf[i]!;
    for (let c = 0; c < k; c++) v[c]! += w * q[i * k + c]!;
  }
  return v;
}

function lsaRank(text: string, top = 50): number[] {
  const v = embedQuery(text);
  const scores: [number, number][] = [];
  for (let u = 0; u < N; u++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += v[c]! * unitVecs[u * k + c]!;
    scores.push([u, s]);
  }
  return scores.sort((a, b) => b[1] - a[1]).slice(0, top).map(([u]) => rows[u]!.id);
}

// gold → unit ids
const resolveGold = await goldResolver(db);
const unitByKey = new Map(rows.map((r) => [`${r.document_id}:${r.unit_key}`, r.id]));
const goldUnit = (g: GoldSource) => {
  const r = resolveGold(g);
  return r ? unitByKey.get(`${r.documentId}:${r.unitKey}`) : undefined;
};

const searcher = createSearcher({ db, embedder, lexicon: loadLexicon() });
const shared = fileURLToPath(new URL('../../shared/eval/', import.meta.url));
const weights = [0, 0.2, 0.4, 0.7, 1];
for (const set of ['alqac-2025-questions.json', 'alqac-2022-questions.json', 'dvc-faq-with-codes.jsonl']) {
  const { questions } = await loadQuestionSet(shared + set);
  const res: Record<string, { mrr: number[]; r10: number[] }> = {};
  const add = (name: string, ranked: number[], gold: Set<number>) => {
    const ranks = ranked.flatMap((id, i) => (gold.has(id) ? [i + 1] : []));
    (res[name] ??= { mrr: [], r10: [] }).mrr.push(reciprocalRank(ranks, 10));
    res[name].r10.push(recallAt(ranks, gold.size, 10));
  };
  for (const qn of questions) {
    const gold = new Set(qn.gold.map(goldUnit).filter((x): x is number => x !== undefined));
    if (!gold.size) continue;
    const bm25 = (await searcher.search(qn.text, { k: 50 })).hits.map((h) => h.unitId);
    const lsa = lsaRank(qn.text);
    add('lsa alone', lsa, gold);
    for (const w of weights) {
      const score = new Map<number, number>();
      bm25.forEach((id, i) => score.set(id, (score.get(id) ?? 0) + 1 / (61 + i)));
      lsa.forEach((id, i) => score.set(id, (score.get(id) ?? 0) + w / (61 + i)));
      add(w === 0 ? 'bm25 (hoidap default)' : `bm25 + ${w}·lsa`, [...score].sort((a, b) => b[1] - a[1]).map(([id]) => id), gold);
    }
  }
  console.log(`\n${set}`);
  for (const [name, r] of Object.entries(res)) console.log(`  ${name.padEnd(24)} MRR@10 ${mean(r.mrr).toFixed(3)}  R@10 ${mean(r.r10).toFixed(3)}`);
}
await db.close();
