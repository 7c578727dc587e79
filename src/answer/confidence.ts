// How sure the assistant may be that a unit answers a question: the share of the question's
// informative words (weighted by idf, so "thủ tục" counts little and "tạm trú" a lot) that the
// unit contains, counting an abbreviation or informal name as present when its expansion is.
import type { Queryable } from '../db/index.ts';
import type { SearchHit } from '../retrieval/search.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { fold, syllables } from '../text/normalize.ts';
import { termCounts } from '../text/terms.ts';

export interface TermWeights {
  /** Terms of the question itself, with idf weights (bigrams at half weight). */
  question: Map<string, number>;
  /** The same plus expansions (abbreviations, informal names): for choosing passages. */
  expanded: Map<string, number>;
}

// Words that shape a question but say nothing about its topic ("cần những giấy tờ gì"): they are
// rare in legal text, so their idf is high, and counting them would make every question look
// unanswerable. Accented forms are matched exactly; folded forms only where folding is unambiguous.
const FUNCTION_WORDS = new Set(
  'gì nào bao nhiêu lâu mấy không có thì là được cần những các của cho tôi em anh chị mình bạn hỏi ạ à vậy nhỉ sao làm như thế ai đâu khi nếu muốn xin ơi nhé nhá rồi chưa phải và với để về tại trong một này đó hay hoặc gồm giấy tờ thủ tục hồ sơ nên ra sẽ đang đã bị theo quy định'.split(' '),
);
const FOLDED_FUNCTION_WORDS = new Set('gi nhieu khong duoc nhung cua minh vay nhi sao nhu neu muon xin nhe roi chua phai voi trong mot hoac gom may lau ai khi'.split(' '));

/** Folded content terms of a question: unigrams and bigrams without function words. */
export function contentTerms(question: string): string[] {
  const words = syllables(question);
  const keep = words.map((w) => !(FUNCTION_WORDS.has(w) || (fold(w) === w && FOLDED_FUNCTION_WORDS.has(w))));
  const folded = words.map(fold);
  const out = new Set<string>();
  folded.forEach((w, i) => {
    if (!keep[i]) return;
    out.add(w);
    if (i + 1 < folded.length && keep[i + 1]) out.add(`${w} ${folded[i + 1]}`);
  });
  return [...out];
}

let corpusSize: { at: number; n: number } | null = null;

async function documentCount(db: Queryable): Promise<number> {
  if (corpusSize && Date.now() - corpusSize.at < 60_000) return corpusSize.n;
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bm25_docs');
  corpusSize = { at: Date.now(), n: Math.max(1, rows[0]?.n ?? 1) };
  return corpusSize.n;
}

export async function termWeights(db: Queryable, question: string, expansions: string[]): Promise<TermWeights> {
  const own = contentTerms(question);
  const extra = expansions.flatMap((e) => [...termCounts(e).counts.keys()]).filter((t) => !own.includes(t));
  const all = [...new Set([...own, ...extra])];
  const n = await documentCount(db);
  const rows = all.length ? await db.query<{ term: string; df: number }>('SELECT term, df FROM bm25_terms WHERE term = ANY($1::text[])', [all]) : [];
  const df = new Map(rows.map((r) => [r.term, Number(r.df)]));
  const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  const weight = (t: string) => idf(t) * (t.includes(' ') ? 0.5 : 1);
  const question_ = new Map(own.map((t) => [t, weight(t)]));
  const expanded = new Map(question_);
  for (const t of extra) expanded.set(t, weight(t) * 0.5);
  return { question: question_, expanded };
}

function hitTerms(h: SearchHit): Set<string> {
  return new Set(termCounts(`${h.documentName}\n${h.documentNumber ?? ''}\n${h.title ?? ''}\n${h.text}`).counts.keys());
}

/** Terms of the question that the unit says in other words (CCCD → căn cước công dân, sổ đỏ → giấy chứng nhận…). */
function coveredByExpansion(term: string, have: Set<string>, lexicon: Lexicon, questionFolded: string): boolean {
  const expansions = lexicon.abbreviations.get(term);
  if (expansions?.some((e) => [...termCounts(e).counts.keys()].every((t) => have.has(t)))) return true;
  for (const group of lexicon.synonyms) {
    const mine = group.find((p) => ` ${questionFolded} `.includes(` ${p} `) && ` ${p} `.includes(` ${term} `));
    if (!mine) continue;
    if (group.some((p) => p !== mine && [...termCounts(p).counts.keys()].every((t) => have.has(t)))) return true;
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
