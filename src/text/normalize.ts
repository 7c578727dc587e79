// Vietnamese text normalisation: one canonical form for comparison and search.
//
// Two official sources of the same statute differ in tone-mark placement ("hoà" vs "hòa",
// "thuỷ" vs "thủy"), in Unicode composition and in whitespace. Everything that compares
// or indexes text goes through `canonical()` so those differences disappear.

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const HAS_TONE = /[\u0300\u0301\u0303\u0309\u0323]/;
const VOWELS = 'aăâeêioôơuưy';
const QUALITY_VOWELS = 'ăâêôơư';
// Zero-width characters, bidirectional controls (which reorder what a reader sees) and Unicode tag
// characters (which hide text from the reader but not from a model): none belongs in stored text.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u{E0000}-\u{E007F}]/gu;

/** Places the tone of one syllable by the traditional rule ("hòa", "thủy", "quý", "giá"). */
export function placeTone(word: string): string {
  const decomposed = word.normalize('NFD');
  const tones = decomposed.match(TONE_MARKS);
  if (!tones || tones.length !== 1) return word.normalize('NFC');
  const tone = tones[0]!;
  const bare = decomposed.replace(TONE_MARKS, '').normalize('NFC');
  const lower = bare.toLowerCase();
  const chars = [...lower];

  let start = 0;
  if ((lower.startsWith('qu') || lower.startsWith('gi')) && chars.length > 2 && VOWELS.includes(chars[2]!)) start = 2;
  let first = -1;
  for (let i = start; i < chars.length; i++) {
    if (VOWELS.includes(chars[i]!)) { first = i; break; }
  }
  if (first < 0) return word.normalize('NFC');
  let end = first;
  while (end + 1 < chars.length && VOWELS.includes(chars[end + 1]!)) end++;
  // Several vowel groups: not one syllable (words run together); leave it alone.
  for (let i = end + 1; i < chars.length; i++) if (VOWELS.includes(chars[i]!)) return word.normalize('NFC');
  const cluster = chars.slice(first, end + 1);
  const hasFinal = end + 1 < chars.length;

  let pos: number;
  const quality = cluster.findLastIndex((c) => QUALITY_VOWELS.includes(c));
  if (quality >= 0) pos = first + quality;
  else if (cluster.length === 1) pos = first;
  else if (hasFinal) pos = end;
  else if (cluster.length === 3) pos = first + 1;
  else pos = first;

  const out = [...bare];
  out[pos] = out[pos]! + tone;
  return out.join('').normalize('NFC');
}

/** NFC, invisible characters removed, tone marks placed consistently. Keeps case and punctuation. */
export function normalizeText(s: string): string {
  const nfc = s.normalize('NFC').replace(INVISIBLE, '');
  return nfc.replace(/\p{L}+/gu, (w) => (HAS_TONE.test(w.normalize('NFD')) ? placeTone(w) : w));
}

/** Whitespace collapsed to single spaces, trimmed. */
export function collapseSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Removes every diacritic (tone and vowel quality) and maps đ to d; lowercases. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

/** Removes diacritics but keeps case: what a citizen typing without accents produces. */
export function stripDiacritics(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Lowercase normalised text, for comparison that must ignore case but keep diacritics. */
export function canonical(s: string): string {
  return collapseSpace(normalizeText(s).toLowerCase());
}

/** A key that ignores case, diacritics, punctuation and spacing: "Luật Cư trú" = "luat cu tru". */
export function looseKey(s: string): string {
  return fold(normalizeText(s)).replace(/[^\p{L}\p{N}/]+/gu, ' ').trim();
}

/** Syllable tokens of normalised, lowercased text (letters and digits). */
export function syllables(s: string): string[] {
  return canonical(s).match(/[\p{L}\p{N}]+/gu) ?? [];
}
