// Index and query terms for lexical ranking: diacritic-folded syllables and syllable bigrams.
// Folding makes "can cuoc" and "căn cước" the same terms; bigrams keep most of what the
// diacritics distinguished ("ban hanh" ≠ "ban hang") and capture compounds.
import { fold, syllables } from './normalize.ts';

/** Folded syllables of a text, in order. */
export function foldedSyllables(text: string): string[] {
  return syllables(text).map(fold);
}

/** Term frequencies (unigrams and bigrams) and the length in syllables. */
export function termCounts(text: string): { counts: Map<string, number>; length: number } {
  const s = foldedSyllables(text);
  const counts = new Map<string, number>();
  for (let i = 0; i < s.length; i++) {
    counts.set(s[i]!, (counts.get(s[i]!) ?? 0) + 1);
    if (i + 1 < s.length) {
      const b = `${s[i]} ${s[i + 1]}`;
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
  }
  return { counts, length: s.length };
}

/**
 * The set of folded unigrams and bigrams of a long text, quickly: one fold of the whole text
 * instead of normalising word by word (tone placement does not matter once tones are removed).
 * Equal to the keys of termCounts() for Vietnamese text.
 */
export function foldedTermSet(text: string): Set<string> {
  // Passages of the popular units are scored again and again; short ones are remembered.
  if (text.length > LINE_CACHE_MAX_CHARS) return termSet(text);
  let set = lineCache.get(text);
  if (set) {
    lineCache.delete(text);
  } else {
    set = termSet(text);
    if (lineCache.size >= LINE_CACHE_SIZE) lineCache.delete(lineCache.keys().next().value!);
  }
  lineCache.set(text, set);
  return set;
}
const lineCache = new Map<string, Set<string>>();
const LINE_CACHE_SIZE = 4096;
const LINE_CACHE_MAX_CHARS = 1200;

function termSet(text: string): Set<string> {
  const words = fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    out.add(words[i]!);
    if (i + 1 < words.length) out.add(`${words[i]} ${words[i + 1]}`);
  }
  return out;
}
