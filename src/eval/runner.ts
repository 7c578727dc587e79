// Runs a question set through hybrid search (and optionally the BM25 peer) and scores it.
import MiniSearch from 'minisearch';
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import { toVectorLiteral } from '../embed/index.ts';
import { lexicalText } from '../ingest/store.ts';
import { emptyMeta, type UnitInput } from '../ingest/types.ts';
import type { Searcher, SearchOptions } from '../retrieval/search.ts';
import { docNumberKey } from '../text/legal.ts';
import { looseKey, stripDiacritics } from '../text/normalize.ts';
import { mean, ndcgAt, percentile, recallAt, reciprocalRank } from './metrics.ts';
import type { EvalQuestion, GoldSource } from './sets.ts';
import type { AnswerService } from '../answer/pipeline.ts';
import { runAnswerEval, type AnswerMetrics, type AnswerMiss } from './answers.ts';
import { loadGlossary, translateQuery } from '../text/english.ts';
import { normalizeTranscript } from '../voice/normalize.ts';

export interface RankingMetrics {
  recall_at_1: number;
  recall_at_5: number;
  recall_at_10: number;
  mrr_at_10: number;
  ndcg_at_10: number;
}

export interface Miss {
  id: string;
  text: string;
  gold: string[];
  top: string[];
}

export interface EvalReport extends RankingMetrics {
  set: string;
  n: number;
  k: number;
  variant: 'accented' | 'unaccented';
  /** Filled when the set says what to expect (own format with `expect`, `facts` or `history`). */
  answer: AnswerMetrics | null;
  answer_misses?: AnswerMiss[];
  latency_ms: { p50: number; p95: number; knn_floor_p50: number; knn_floor_p95: number };
  unresolved_gold: number;
  misses: Miss[];
  peer?: RankingMetrics & { name: string; latency_ms: { p50: number; p95: number } };
}

export interface EvalOptions {
  k: number;
  stripDiacritics?: boolean;
  peer?: boolean;
  mode?: SearchOptions['mode'];
  maxMisses?: number;
}

interface UnitKey {
  documentId: number;
  unitKey: string;
}

/** Gold sources → (document, unit key) pairs, matching laws by number or name, ignoring case and diacritics. */
export async function goldResolver(db: Db): Promise<(g: GoldSource) => UnitKey | null> {
  const docs = await db.query<{ id: number; kind: string; number: string | null; name: string; aliases: string[] }>(
    "SELECT id, kind, number, name, aliases FROM documents WHERE kind IN ('law', 'procedure')",
  );
  const laws = new Map<string, number>();
  const procedures = new Map<string, number>();
  for (const d of docs) {
    if (d.kind === 'procedure') {
      if (d.number) procedures.set(d.number, d.id);
      continue;
    }
    if (d.number) laws.set(`n:${docNumberKey(d.number)}`, d.id);
    for (const n of [d.name, ...(d.aliases ?? [])]) {
      if (/\d+\/\d{4}\//.test(n)) laws.set(`n:${docNumberKey(n)}`, d.id);
      else laws.set(`k:${looseKey(n)}`, d.id);
    }
  }
  return (g) => {
    if (g.kind === 'procedure') {
      const id = procedures.get(g.code.trim());
      return id === undefined ? null : { documentId: id, unitKey: 'procedure' };
    }
    const id = laws.get(`n:${docNumberKey(g.law)}`) ?? laws.get(`k:${looseKey(g.law)}`);
    return id === undefined ? null : { documentId: id, unitKey: `article:${g.article}` };
  };
}

const goldLabel = (g: GoldSource) => (g.kind === 'law' ? `${g.law} / Điều ${g.article}` : `Thủ tục ${g.code}`);

function scoreRanks(ranks: number[], goldCount: number): RankingMetrics {
  return {
    recall_at_1: recallAt(ranks, goldCount, 1),
    recall_at_5: recallAt(ranks, goldCount, 5),
    recall_at_10: recallAt(ranks, goldCount, 10),
    mrr_at_10: reciprocalRank(ranks, 10),
    ndcg_at_10: ndcgAt(ranks, goldCount, 10),
  };
}

function average(ms: RankingMetrics[]): RankingMetrics {
  const keys = ['recall_at_1', 'recall_at_5', 'recall_at_10', 'mrr_at_10', 'ndcg_at_10'] as const;
  return Object.fromEntries(keys.map((k) => [k, round(mean(ms.map((m) => m[k])))])) as unknown as RankingMetrics;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** The peer: MiniSearch (BM25+) with its default setup over the same unit texts. */
async function buildPeer(db: Db): Promise<MiniSearch<{ id: number; text: string }>> {
  const rows = await db.query<{ id: number; kind: UnitInput['kind']; label: string; title: string | null; text: string; name: string; number: string | null; aliases: string[] }>(
    'SELECT u.id, u.kind, u.label, u.title, u.text, d.name, d.number, d.aliases FROM units u JOIN documents d ON d.id = u.document_id',
  );
  const ms = new MiniSearch<{ id: number; text: string }>({ fields: ['text'] });
  ms.addAll(
    rows.map((r) => ({
      id: r.id,
      text: lexicalText({ ...emptyMeta(r.name), number: r.number, aliases: r.aliases ?? [] }, { kind: r.kind, label: r.label, title: r.title, text: r.text } as UnitInput),
    })),
  );
  return ms;
}

/** Whether a set carries answer expectations (only the project's own format does). */
export function hasAnswerExpectations(questions: EvalQuestion[]): boolean {
  return questions.some((q) => q.expect !== null || q.facts.length > 0 || q.history.length > 0);
}

export async function runEval(
  deps: { db: Db; embedder: Embedder; searcher: Searcher; answers?: AnswerService },
  setName: string,
  questions: EvalQuestion[],
  opts: EvalOptions,
): Promise<EvalReport> {
  const resolve = await goldResolver(deps.db);
  const glossary = loadGlossary();
  const answerEval = deps.answers && hasAnswerExpectations(questions) ? await runAnswerEval({ db: deps.db, answers: deps.answers }, questions, { maxMisses: opts.maxMisses ?? 50 }) : null;
  const unitKeys = new Map<number, string>();
  for (const r of await deps.db.query<{ id: number; key: string }>("SELECT u.id, u.document_id || ':' || u.unit_key AS key FROM units u")) unitKeys.set(r.id, r.key);
  const peer = opts.peer ? await buildPeer(deps.db) : null;

  const ours: RankingMetrics[] = [];
  const theirs: RankingMetrics[] = [];
  const latency: number[] = [];
  const peerLatency: number[] = [];
  const floor: number[] = [];
  const misses: Miss[] = [];
  let unresolved = 0;

  for (const q of questions) {
    const gold = q.gold.map(resolve);
    const goldKeys = new Set(gold.filter((g): g is UnitKey => g !== null).map((g) => `${g.documentId}:${g.unitKey}`));
    unresolved += gold.filter((g) => g === null).length;
    if (!q.gold.length) continue;
    // A follow-up is ranked as the pipeline understood it (rewritten with its history), a spoken
    // question as its transcript was normalised. English questions are searched in Vietnamese,
    // through the glossary, as the answer pipeline does.
    const understood = answerEval?.understood.get(q.id) ?? (q.channel === 'voice' ? normalizeTranscript(q.text).text : q.text);
    const asked = q.lang === 'en' ? translateQuery(understood, glossary) : understood;
    const text = opts.stripDiacritics ? stripDiacritics(asked) : asked;

    const t0 = performance.now();
    const res = await deps.searcher.search(text, { k: Math.max(opts.k, 10), mode: opts.mode });
    latency.push(performance.now() - t0);
    const ranks = res.hits.flatMap((h, i) => (goldKeys.has(`${h.documentId}:${h.unitKey}`) ? [i + 1] : []));
    ours.push(scoreRanks(ranks, q.gold.length));
    if (!ranks.some((r) => r <= opts.k) && misses.length < (opts.maxMisses ?? 50)) {
      misses.push({ id: q.id, text, gold: q.gold.map(goldLabel), top: res.hits.slice(0, 3).map((h) => h.ref) });
    }

    const v = await deps.embedder.embedQuery(text);
    const f0 = performance.now();
    await deps.db.query('SELECT id FROM chunks ORDER BY embedding <=> $1::vector LIMIT 10', [toVectorLiteral(v)]);
    floor.push(performance.now() - f0);

    if (peer) {
      const p0 = performance.now();
      const found = peer.search(text).slice(0, 10);
      peerLatency.push(performance.now() - p0);
      const pr = found.flatMap((h, i) => (goldKeys.has(unitKeys.get(h.id as number) ?? '') ? [i + 1] : []));
      theirs.push(scoreRanks(pr, q.gold.length));
    }
  }

  return {
    set: setName,
    n: ours.length,
    k: opts.k,
    variant: opts.stripDiacritics ? 'unaccented' : 'accented',
    ...average(ours),
    answer: answerEval?.metrics ?? null,
    ...(answerEval ? { answer_misses: answerEval.misses } : {}),
    latency_ms: {
      p50: round(percentile(latency, 50), 1),
      p95: round(percentile(latency, 95), 1),
      knn_floor_p50: round(percentile(floor, 50), 1),
      knn_floor_p95: round(percentile(floor, 95), 1),
    },
    unresolved_gold: unresolved,
    misses,
    ...(peer ? { peer: { name: 'minisearch (BM25+, default options)', ...average(theirs), latency_ms: { p50: round(percentile(peerLatency, 50), 1), p95: round(percentile(peerLatency, 95), 1) } } } : {}),
  };
}
