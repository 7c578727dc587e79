// How well a unit, or a passage of it, covers a question: the share of the question's informative
// words (weighted by idf, so "thủ tục" counts little and "tạm trú" a lot) that it contains, counting
// an abbreviation or informal name as present when its expansion is. The answer pipeline's
// confidence and the learned reranker's features are built from these.
import type { Queryable } from '../db/index.ts';
import type { SearchHit } from './search.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { contentTerms } from '../text/content.ts';
import { foldedTermSet, termCounts } from '../text/terms.ts';

export interface TermWeights {
  /** Terms of the question itself, with idf weights (bigrams at half weight). */
  question: Map<string, number>;
  /** The same plus expansions (abbreviations, informal names): for choosing passages. */
  expanded: Map<string, number>;
}

let corpusSize: { at: number; n: number } | null = null;

async function documentCount(db: Queryable): Promise<number> {
  if (corpusSize && Date.now() - corpusSize.at < 60_000) return corpusSize.n;
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bm25_docs');
  corpusSize = { at: Date.now(), n: Math.max(1, rows[0]?.n ?? 1) };
  return corpusSize.n;
}

export type TermStats = (terms: string[]) => { n: number; df: Map<string, number> } | null;

export async function termWeights(db: Queryable, question: string, expansions: string[], inMemory?: TermStats): Promise<TermWeights> {
  const own = contentTerms(question);
  const extra = expansions.flatMap((e) => [...termCounts(e).counts.keys()]).filter((t) => !own.includes(t));
  const all = [...new Set([...own, ...extra])];
  let stats = inMemory?.(all) ?? null;
  if (!stats) {
    const rows = all.length ? await db.query<{ term: string; df: number }>('SELECT term, df FROM bm25_terms WHERE term = ANY($1::text[])', [all]) : [];
    stats = { n: await documentCount(db), df: new Map(rows.map((r) => [r.term, Number(r.df)])) };
  }
  const { n, df } = stats;
  const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  const weight = (t: string) => idf(t) * (t.includes(' ') ? 0.5 : 1);
  const question_ = new Map(own.map((t) => [t, weight(t)]));
  const expanded = new Map(question_);
  for (const t of extra) expanded.set(t, weight(t) * 0.5);
  return { question: question_, expanded };
}

// Units never change under the same id (a changed document gets new units), so the terms of the
// units that keep coming back (popular procedures) are worth keeping.
const termCache = new Map<string, Set<string>>();
const TERM_CACHE_SIZE = 512;

function hitTerms(h: SearchHit): Set<string> {
  const key = `${h.unitId}:${h.text.length}`;
  let terms = termCache.get(key);
  if (terms) {
    termCache.delete(key);
  } else {
    terms = foldedTermSet(`${h.documentName}\n${h.documentNumber ?? ''}\n${h.title ?? ''}\n${h.text}`);
    if (termCache.size >= TERM_CACHE_SIZE) termCache.delete(termCache.keys().next().value!);
  }
  termCache.set(key, terms);
  return terms;
}

/** The synonym groups with a phrase the question says, each with that phrase (kept for the last few questions). */
const groupsCache = new WeakMap<Lexicon, Map<string, { mine: string; others: string[][] }[]>>();

function questionSynonyms(lexicon: Lexicon, questionFolded: string): { mine: string; others: string[][] }[] {
  let cache = groupsCache.get(lexicon);
  if (!cache) groupsCache.set(lexicon, (cache = new Map()));
  let out = cache.get(questionFolded);
  if (out) return out;
  out = [];
  const q = ` ${questionFolded} `;
  for (const group of lexicon.synonyms) {
    for (const mine of group) {
      if (!q.includes(` ${mine} `)) continue;
      out.push({ mine, others: group.filter((p) => p !== mine).map((p) => [...termCounts(p).counts.keys()]) });
    }
  }
  if (cache.size >= 64) cache.delete(cache.keys().next().value!);
  cache.set(questionFolded, out);
  return out;
}

/** Terms of the question that the unit says in other words (CCCD → căn cước công dân, sổ đỏ → giấy chứng nhận…). */
function coveredByExpansion(term: string, have: Set<string>, lexicon: Lexicon, questionFolded: string): boolean {
  const expansions = lexicon.abbreviations.get(term);
  if (expansions?.some((e) => [...termCounts(e).counts.keys()].every((t) => have.has(t)))) return true;
  for (const { mine, others } of questionSynonyms(lexicon, questionFolded)) {
    if (!` ${mine} `.includes(` ${term} `)) continue;
    if (others.some((terms) => terms.every((t) => have.has(t)))) return true;
  }
  return false;
}

/** 0…1: the idf-weighted share of the question's terms the unit contains. */
export function coverage(h: SearchHit, weights: Map<string, number>, lexicon: Lexicon, questionFolded: string): number {
  const have = hitTerms(h);
  let total = 0;
  let got = 0;
  for (const [term, w] of weights) {
    total += w;
    if (have.has(term) || coveredByExpansion(term, have, lexicon, questionFolded)) got += w;
  }
  return total ? got / total : 0;
}

/** Share of the query's weight a passage covers, lightly penalised by its length. */
export function passageScore(text: string, terms: Map<string, number>): number {
  const have = foldedTermSet(text);
  let total = 0;
  let got = 0;
  for (const [term, w] of terms) {
    total += w;
    if (have.has(term)) got += w;
  }
  if (!total) return 0;
  return got / total / (1 + text.length / 1500);
}
