// From a citizen's question to weighted search terms: folded unigrams and bigrams, plus
// expansions of abbreviations (CCCD, GPLX…) and of informal names (sổ đỏ…) from the lexicon.
import { abbrKey, type Lexicon } from '../text/lexicon.ts';
import { normalizeText } from '../text/normalize.ts';
import { parseReferences, type References } from '../text/references.ts';
import { foldedSyllables, termCounts } from '../text/terms.ts';

export interface QueryTerm {
  term: string;
  weight: number;
}

export interface AnalyzedQuery {
  text: string;
  folded: string;
  terms: QueryTerm[];
  refs: References;
  expansions: string[];
}

export interface QueryWeights {
  bigram: number;
  abbreviation: number;
  synonym: number;
}

export const DEFAULT_QUERY_WEIGHTS: QueryWeights = { bigram: 1, abbreviation: 1, synonym: 0.4 };

const VOWEL = /[aeiouy]/;

/** "CCCD", "gplx", "ubnd": written in capitals, or not a possible Vietnamese syllable. */
function looksLikeAbbreviation(original: string, folded: string): boolean {
  if (original.length >= 2 && original === original.toUpperCase() && /\p{Lu}/u.test(original)) return true;
  if (!VOWEL.test(folded)) return folded.length >= 2;
  return /[bcdfghklmnpqrstvx]{2,}$/.test(folded) && !/(ng|nh|ch)$/.test(folded);
}

// One question is analysed by the search, each reranker and the answer pipeline: the result is a
// pure function of the text, the lexicon and the weights, so the last few are kept.
// Callers treat the result as read-only.
const recent = new WeakMap<Lexicon, Map<string, AnalyzedQuery>>();
const RECENT_QUERIES = 64;

export function analyzeQuery(raw: string, lexicon: Lexicon, w: QueryWeights = DEFAULT_QUERY_WEIGHTS): AnalyzedQuery {
  let cache = recent.get(lexicon);
  if (!cache) recent.set(lexicon, (cache = new Map()));
  const key = w === DEFAULT_QUERY_WEIGHTS ? raw : `${JSON.stringify(w)}\u0000${raw}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const a = analyze(raw, lexicon, w);
  if (cache.size >= RECENT_QUERIES) cache.delete(cache.keys().next().value!);
  cache.set(key, a);
  return a;
}

function analyze(raw: string, lexicon: Lexicon, w: QueryWeights): AnalyzedQuery {
  const text = normalizeText(raw).trim();
  const weights = new Map<string, number>();
  const add = (term: string, weight: number) => weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  for (const term of termCounts(text).counts.keys()) add(term, term.includes(' ') ? w.bigram : 1);

  const expansions: string[] = [];
  const expand = (phrase: string, weight: number) => {
    expansions.push(phrase);
    for (const term of termCounts(phrase).counts.keys()) if (!weights.has(term)) add(term, weight * (term.includes(' ') ? w.bigram : 1));
  };
  for (const token of text.match(/[\p{L}\p{N}][\p{L}\p{N}&-]*/gu) ?? []) {
    const key = abbrKey(token);
    const found = lexicon.abbreviations.get(key);
    if (found && looksLikeAbbreviation(token, key)) found.forEach((e, i) => expand(e, i === 0 ? w.abbreviation : w.abbreviation / 2));
  }
  const folded = ` ${foldedSyllables(text).join(' ')} `;
  for (const group of lexicon.synonyms) {
    if (!group.some((p) => folded.includes(` ${p} `))) continue;
    for (const p of group) if (!folded.includes(` ${p} `)) expand(p, w.synonym);
  }
  return { text, folded: folded.trim(), terms: [...weights].map(([term, weight]) => ({ term, weight })), refs: parseReferences(text), expansions };
}
