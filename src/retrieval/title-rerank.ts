// Default reranker, no model needed: among the first few hits, prefer the unit whose title says
// nothing the question does not. "Đăng ký kết hôn" should beat "Đăng ký kết hôn có yếu tố nước
// ngoài" when the citizen never mentioned a foreigner; "Cấp lại giấy phép lái xe" should beat
// "Đổi giấy phép lái xe của nước ngoài"; "Giải thích từ ngữ" rarely answers a citizen.
import { contentSyllables } from '../text/content.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { analyzeQuery } from './query.ts';
import type { Reranker, SearchHit } from './search.ts';

export interface TitleRerankParams {
  /** How many of the first hits may change places. */
  depth: number;
  /** Weight of title precision (0…1) against the retrieval rank. */
  weight: number;
  /** What each rank below the first costs. */
  rankStep: number;
}

const DEFAULT_TITLE_RERANK: TitleRerankParams = { depth: 5, weight: 1, rankStep: 0.15 };

/** Share of a title's content syllables that the question (with its expansions) mentions. */
export function titlePrecision(title: string, questionTerms: Set<string>): number {
  const syl = contentSyllables(title);
  if (!syl.length) return 0.5;
  return syl.filter((s) => questionTerms.has(s)).length / syl.length;
}

export function createTitleReranker(lexicon: Lexicon, p: TitleRerankParams = DEFAULT_TITLE_RERANK): Reranker {
  return {
    id: 'title-precision',
    async rerank(query: string, hits: SearchHit[]) {
      // A unit the question names (article of a named law, procedure code) stays where it is.
      if (hits.length < 2 || hits[0]!.match.reference === 'unit') return hits;
      const a = analyzeQuery(query, lexicon);
      const terms = new Set(a.terms.filter((t) => !t.term.includes(' ')).map((t) => t.term));
      // Only procedures trade places, among the slots procedures hold: their titles name the
      // whole service. Article titles are too short and general to judge by (measured: reordering
      // them costs a tenth of recall@1 on the ALQAC sets, and so does pushing "Giải thích từ ngữ"
      // articles down for questions that do not ask what a word means).
      const head = hits.slice(0, p.depth);
      const slots = head.flatMap((h, i) => (h.kind === 'procedure' ? [i] : []));
      if (slots.length < 2) return hits;
      const scored = slots.map((i) => ({ h: head[i]!, i, s: p.weight * titlePrecision(head[i]!.title ?? head[i]!.label, terms) - i * p.rankStep }));
      scored.sort((x, y) => y.s - x.s || x.i - y.i);
      const out = [...hits];
      slots.forEach((slot, k) => (out[slot] = scored[k]!.h));
      return out;
    },
  };
}
