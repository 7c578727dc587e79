// A learned reranker without a model download: ten cheap features of each of the first ten hits
// (retrieval rank and score, how much of the question the unit and its best line cover, how its
// title matches, its kind), combined by weights learned with a pairwise logistic loss on the
// development sets (eval/train-reranker.ts writes data/reranker.json). Validated set by set:
// trained without a set, it still ranks that set better than retrieval alone (ADR 0003).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import { contentTerms } from '../text/content.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { fold } from '../text/normalize.ts';
import { coverage, passageScore, termWeights, type TermStats } from './features.ts';
import { analyzeQuery } from './query.ts';
import type { Reranker, SearchHit } from './search.ts';
import { titlePrecision } from './title-rerank.ts';

export const FEATURES = [
  'reciprocal_rank',
  'bm25_share_of_first',
  'coverage',
  'title_precision',
  'title_recall',
  'best_line',
  'is_procedure',
  'procedure_for_procedure_question',
  'is_general_article',
  'named_in_question',
] as const;

// Resolved when called, not when the module loads: a bundle without project files (Workers) never calls it.
const weightsFile = () => fileURLToPath(new URL('../../data/reranker.json', import.meta.url));
const weightsSchema = z.object({ features: z.array(z.string()), weights: z.array(z.number()) });

export function loadRerankerWeights(file = weightsFile()): number[] {
  return rerankerWeightsFrom(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** The learned reranker's weights from the parsed contents of reranker.json. */
export function rerankerWeightsFrom(json: unknown, source = 'data/reranker.json'): number[] {
  const w = weightsSchema.parse(json);
  if (w.features.join() !== FEATURES.join() || w.weights.length !== FEATURES.length) {
    throw new Error(`${source}: the features do not match this version (${FEATURES.join(', ')}); run npm run train:reranker`);
  }
  return w.weights;
}

/** How many of the first hits are re-scored. */
export const RERANK_DEPTH = 10;

const PROCEDURE_QUESTION = /\b(thu tuc|le phi|ho so|giay to|nop|cap lai|cap doi|dang ky)\b/;
const GENERAL_ARTICLE = /giai thich tu ngu|pham vi dieu chinh|doi tuong ap dung/;

export interface FeatureDeps {
  db: Queryable;
  lexicon: Lexicon;
  termStats?: TermStats | undefined;
}

/** The feature vector of each of the first RERANK_DEPTH hits, in FEATURES order. */
export async function rerankFeatures(query: string, hits: SearchHit[], deps: FeatureDeps): Promise<number[][]> {
  const head = hits.slice(0, RERANK_DEPTH);
  const a = analyzeQuery(query, deps.lexicon);
  const w = await termWeights(deps.db, query, a.expansions, deps.termStats);
  const qTerms = new Set(a.terms.filter((t) => !t.term.includes(' ')).map((t) => t.term));
  const qContent = contentTerms(query).filter((t) => !t.includes(' '));
  const procedureQuestion = PROCEDURE_QUESTION.test(fold(query)) ? 1 : 0;
  const top = head[0]?.match.bm25 ?? 1;
  return head.map((h, i) => {
    const titleWords = new Set(contentTerms(h.title ?? '').filter((t) => !t.includes(' ')));
    const titleRecall = qContent.filter((t) => titleWords.has(t)).length / Math.max(1, qContent.length);
    let bestLine = 0;
    for (const line of h.text.split(/\n+/)) bestLine = Math.max(bestLine, passageScore(line, w.expanded));
    const procedure = h.kind === 'procedure' ? 1 : 0;
    return [
      1 / (i + 1),
      (h.match.bm25 ?? 0) / (top || 1),
      coverage(h, w.question, deps.lexicon, a.folded),
      titlePrecision(h.title ?? h.label, qTerms),
      titleRecall,
      bestLine,
      procedure,
      procedure * procedureQuestion,
      h.kind === 'law_article' && GENERAL_ARTICLE.test(fold(h.title ?? '')) ? 1 : 0,
      h.match.reference === 'unit' ? 1 : 0,
    ];
  });
}

export function scoreFeatures(f: number[], weights: number[]): number {
  let s = 0;
  for (let k = 0; k < weights.length; k++) s += weights[k]! * f[k]!;
  return s;
}

export function createLearnedReranker(deps: FeatureDeps & { weights: number[] }): Reranker {
  return {
    id: 'learned',
    async rerank(query, hits) {
      if (hits.length < 2) return hits;
      const features = await rerankFeatures(query, hits, deps);
      const order = features.map((f, i) => ({ i, s: scoreFeatures(f, deps.weights) })).sort((x, y) => y.s - x.s || x.i - y.i);
      return [...order.map((o) => hits[o.i]!), ...hits.slice(RERANK_DEPTH)];
    },
  };
}

/** Runs rerankers one after the other. */
export function chainRerankers(...rs: Reranker[]): Reranker {
  return {
    id: rs.map((r) => r.id).join('+'),
    async rerank(query, hits) {
      let out = hits;
      for (const r of rs) out = await r.rerank(query, out);
      return out;
    },
  };
}
