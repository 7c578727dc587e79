// Diacritic restoration for questions typed without accents ("lam lai can cuoc bi mat" →
// "làm lại căn cước bị mất"), from the vocabulary of the corpus: syllable and syllable-bigram
// counts, decoded with Viterbi so neighbours choose each other ("bi mat" → "bị mất" next to
// "làm lại căn cước", "bí mật" next to "kinh doanh").
import { fold, normalizeText } from './normalize.ts';

export interface AccentModel {
  unigrams: Map<string, Map<string, number>>;
  bigrams: Map<string, number>;
}

const SYLLABLE = /[\p{L}]+/gu;

export function buildAccentModel(texts: Iterable<string>): AccentModel {
  const unigrams = new Map<string, Map<string, number>>();
  const bigrams = new Map<string, number>();
  for (const text of texts) {
    const words = (normalizeText(text).toLowerCase().match(SYLLABLE) ?? []) as string[];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const f = fold(w);
      let forms = unigrams.get(f);
      if (!forms) unigrams.set(f, (forms = new Map()));
      forms.set(w, (forms.get(w) ?? 0) + 1);
      if (i + 1 < words.length) {
        const key = `${w} ${words[i + 1]}`;
        bigrams.set(key, (bigrams.get(key) ?? 0) + 1);
      }
    }
  }
  return { unigrams, bigrams };
}

const hasDiacritics = (w: string) => fold(w) !== w.toLowerCase();

function matchCase(original: string, restored: string): string {
  if (original === original.toUpperCase() && original.length > 1) return restored.toUpperCase();
  if (original[0] === original[0]!.toUpperCase()) return restored[0]!.toUpperCase() + restored.slice(1);
  return restored;
}

/**
 * Restores the diacritics of syllables typed without them; syllables that have diacritics, and
 * words the corpus does not know (names, abbreviations), are kept as typed.
 */
export function restoreDiacritics(text: string, model: AccentModel, maxCandidates = 6): string {
  const tokens = [...text.matchAll(SYLLABLE)];
  if (!tokens.length) return text;
  // Candidates per syllable: its accented forms in the corpus, most frequent first.
  const cands = tokens.map((m) => {
    const w = m[0];
    const lower = w.toLowerCase();
    if (hasDiacritics(w)) return [{ form: normalizeText(lower), n: 1 }];
    const forms = model.unigrams.get(lower);
    if (!forms) return [{ form: lower, n: 1 }];
    return [...forms].sort((a, b) => b[1] - a[1]).slice(0, maxCandidates).map(([form, n]) => ({ form, n }));
  });
  // Viterbi over log counts: unigram frequency plus a strong bigram term.
  let prev = cands[0]!.map((c) => ({ score: Math.log(c.n + 1), back: -1 }));
  const backs: number[][] = [prev.map(() => -1)];
  for (let i = 1; i < cands.length; i++) {
    const adjacent = /^\s+$/.test(text.slice(tokens[i - 1]!.index! + tokens[i - 1]![0].length, tokens[i]!.index));
    const cur = cands[i]!.map((c) => {
      let best = -Infinity;
      let back = 0;
      cands[i - 1]!.forEach((p, j) => {
        const bigram = adjacent ? model.bigrams.get(`${p.form} ${c.form}`) ?? 0 : 0;
        const s = prev[j]!.score + 3 * Math.log(bigram + 1);
        if (s > best) {
          best = s;
          back = j;
        }
      });
      return { score: best + Math.log(c.n + 1), back };
    });
    backs.push(cur.map((c) => c.back));
    prev = cur;
  }
  let k = prev.reduce((bi, c, i, arr) => (c.score > arr[bi]!.score ? i : bi), 0);
  const chosen: string[] = new Array(tokens.length);
  for (let i = tokens.length - 1; i >= 0; i--) {
    chosen[i] = cands[i]![k]!.form;
    k = backs[i]![k]!;
  }
  let out = '';
  let last = 0;
  tokens.forEach((m, i) => {
    out += text.slice(last, m.index) + matchCase(m[0], chosen[i]!);
    last = m.index! + m[0].length;
  });
  return out + text.slice(last);
}

/** Whether a question was typed (mostly) without diacritics. */
export function lacksDiacritics(text: string): boolean {
  const words = text.match(SYLLABLE) ?? [];
  return words.length > 0 && words.filter(hasDiacritics).length / words.length < 0.15;
}
