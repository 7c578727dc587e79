import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docNumberKey, normalizeDocNumber } from './legal.ts';
import { abbrKey, lexiconFrom } from './lexicon.ts';
import { canonical, collapseSpace, fold, looseKey, normalizeText, placeTone, stripDiacritics, syllables } from './normalize.ts';
import { foldedTermSet, termCounts } from './terms.ts';
import { glossaryFrom, translateQuery } from './english.ts';
import { contentTerms } from './content.ts';

// Vietnamese-looking text: letters with every tone and vowel quality, in both compositions, among
// spaces, punctuation, digits and the invisible characters normalisation must drop.
const VOWELS = [...'aăâeêioôơuưyAĂÂEÊIOÔƠUƯY'];
const CONSONANTS = [...'bcdđghklmnpqrstvxĐQGH'];
const TONES = ['', '', '', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
// Tone marks sit on vowels (a mark on a consonant is not Vietnamese and splits the word into two).
const viChar = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...VOWELS), fc.constantFrom(...TONES), fc.constantFrom<'NFC' | 'NFD'>('NFC', 'NFD')).map(([l, t, form]) => (l + t).normalize(form)) },
  { weight: 4, arbitrary: fc.constantFrom(...CONSONANTS) },
  { weight: 2, arbitrary: fc.constantFrom(' ', ' ', '  ', '\n', '\t', ',', '.', '/', '-', '?', '0', '1', '9') },
  { weight: 1, arbitrary: fc.constantFrom('\u200B', '\uFEFF', '\u00AD', '\u{E0041}', '\u2060') },
);
const viText = fc.array(viChar, { maxLength: 60 }).map((cs) => cs.join(''));
/** Anything at all, lone surrogates included. */
const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const text = fc.oneof(viText, anyText);

describe('normalizeText', () => {
  it('is idempotent', () => {
    fc.assert(fc.property(text, (s) => void expect(normalizeText(normalizeText(s))).toBe(normalizeText(s))));
  });

  it('only moves tone marks: folding before or after normalising gives the same letters', () => {
    fc.assert(fc.property(viText, (s) => void expect(fold(normalizeText(s))).toBe(fold(s.replace(/[\u200B\uFEFF\u00AD\u2060]|\u{E0041}/gu, '')))));
  });

  it('leaves no invisible or tag characters', () => {
    fc.assert(fc.property(text, (s) => void expect(normalizeText(s)).not.toMatch(/[\u200B-\u200D\u2060\uFEFF\u00AD]|[\u{E0000}-\u{E007F}]/u)));
  });
});

describe('placeTone', () => {
  it('keeps the letters and the number of tone marks of a syllable', () => {
    fc.assert(
      fc.property(fc.array(viChar.filter((c) => /\p{L}/u.test(c)), { minLength: 1, maxLength: 7 }).map((cs) => cs.join('')), (w) => {
        const out = placeTone(w);
        expect(fold(out)).toBe(fold(w));
        const tones = (s: string) => (s.normalize('NFD').match(/[\u0300\u0301\u0303\u0309\u0323]/g) ?? []).length;
        expect(tones(out)).toBe(tones(w));
      }),
    );
  });
});

describe('fold', () => {
  it('is idempotent and leaves no combining marks or đ', () => {
    fc.assert(
      fc.property(text, (s) => {
        const f = fold(s);
        expect(fold(f)).toBe(f);
        expect(f).not.toMatch(/[\p{M}đĐ]/u);
      }),
    );
  });

  it('equals stripDiacritics lowercased', () => {
    fc.assert(fc.property(text, (s) => void expect(fold(s)).toBe(stripDiacritics(s).toLowerCase())));
  });
});

describe('canonical, collapseSpace, looseKey, syllables', () => {
  it('canonical is idempotent, trimmed, lowercase and single-spaced', () => {
    fc.assert(
      fc.property(text, (s) => {
        const c = canonical(s);
        expect(canonical(c)).toBe(c);
        expect(c).toBe(c.trim());
        expect(c).not.toMatch(/\s\s/);
        expect(c).toBe(c.toLowerCase());
      }),
    );
  });

  it('collapseSpace is idempotent', () => {
    fc.assert(fc.property(text, (s) => void expect(collapseSpace(collapseSpace(s))).toBe(collapseSpace(s))));
  });

  it('looseKey ignores case and diacritics and is idempotent', () => {
    fc.assert(
      fc.property(viText, (s) => {
        const k = looseKey(s);
        expect(looseKey(k)).toBe(k);
        expect(looseKey(stripDiacritics(s).toUpperCase())).toBe(k);
      }),
    );
  });

  it('syllables are non-empty runs of letters and digits', () => {
    fc.assert(fc.property(text, (s) => syllables(s).forEach((w) => expect(w).toMatch(/^[\p{L}\p{N}]+$/u))));
  });
});

describe('foldedTermSet', () => {
  it('equals the terms of termCounts for Vietnamese text (as it promises)', () => {
    fc.assert(
      fc.property(viText, (s) => {
        // The promise is for text without invisible characters (normalizeText drops them, fold does not).
        const clean = s.replace(/[\u200B\uFEFF\u00AD\u2060]|\u{E0041}/gu, '');
        expect([...foldedTermSet(clean)].sort()).toEqual([...termCounts(clean).counts.keys()].sort());
      }),
    );
  });
});

describe('contentTerms', () => {
  it('gives folded terms that are words or pairs of words of the question', () => {
    fc.assert(
      fc.property(text, (s) => {
        const words = new Set(syllables(s).map(fold));
        for (const t of contentTerms(s)) for (const w of t.split(' ')) expect(words.has(w)).toBe(true);
      }),
    );
  });
});

// ---- document numbers

const docType = fc.constantFrom('QH14', 'QH15', 'NĐ-CP', 'nđ-cp', 'TT-BCA', 'QĐ-TTg', 'NQ-HĐND', 'TTLT-BTP-BCA', 'ND-CP', 'UBTVQH15');
const docNumber = fc.record({ num: fc.integer({ min: 1, max: 9999 }), year: fc.integer({ min: 1945, max: 2099 }), type: docType, spaced: fc.boolean() });

describe('normalizeDocNumber and docNumberKey', () => {
  it('gives an uppercase canonical number that normalises to itself', () => {
    fc.assert(
      fc.property(docNumber, ({ num, year, type, spaced }) => {
        const raw = spaced ? ` ${num} / ${year} / ${type} ` : `${num}/${year}/${type}`;
        const n = normalizeDocNumber(raw);
        expect(n).toBe(`${num}/${year}/${type.toUpperCase()}`);
        expect(normalizeDocNumber(n!)).toBe(n);
        expect(docNumberKey(n!)).toBe(docNumberKey(stripDiacritics(n!).toLowerCase()));
      }),
    );
  });

  it('returns null or a string for any input, never throws', () => {
    fc.assert(
      fc.property(text, (s) => {
        const n = normalizeDocNumber(s);
        if (n !== null) expect(normalizeDocNumber(n)).toBe(n);
        expect(typeof docNumberKey(s)).toBe('string');
      }),
    );
  });
});

// ---- the lexicon

describe('abbrKey and lexiconFrom', () => {
  it('abbrKey is idempotent and keeps only a–z and digits', () => {
    fc.assert(
      fc.property(text, (s) => {
        const k = abbrKey(s);
        expect(k).toMatch(/^[a-z0-9]*$/);
        expect(abbrKey(k)).toBe(k);
      }),
    );
  });

  it('maps every abbreviation with a usable key to all its expansions', () => {
    const entry = fc.record({ abbr: viText.filter((s) => s.length > 0), expansions: fc.array(viText.filter((s) => s.length > 0), { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (abbrs) => {
        const lex = lexiconFrom(abbrs, []);
        for (const a of abbrs) {
          const k = abbrKey(a.abbr);
          if (k.length < 2) expect(lex.abbreviations.has(k)).toBe(false);
          else for (const e of a.expansions) expect(lex.abbreviations.get(k)).toContain(e);
        }
      }),
    );
  });

  it('refuses malformed lexicon files with a validation error only', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, s) => {
        try {
          lexiconFrom(a, s);
        } catch (e) {
          expect((e as Error).name).toBe('ZodError');
        }
      }),
    );
  });
});

describe('translateQuery', () => {
  const glossary = glossaryFrom([
    { en: ['temporary residence'], vi: 'tạm trú' },
    { en: ['citizen identity card', 'ID card'], vi: 'căn cước công dân' },
    { en: ['fee'], vi: 'lệ phí' },
  ]);

  it('carries numbers and document codes over and never throws', () => {
    const code = fc.constantFrom('68/2020/qh14', '1.002755', '2025', '42');
    fc.assert(
      fc.property(fc.array(fc.oneof(code, fc.constantFrom('the', 'fee', 'temporary residence', 'ID card', 'what'), anyText), { maxLength: 8 }), (parts) => {
        const q = parts.join(' ');
        const out = translateQuery(q, glossary);
        expect(typeof out).toBe('string');
        // A code survives when it stands as its own word.
        for (const p of parts) if (/^[\d./a-z]+$/.test(p) && /\d/.test(p) && !/\D\.$/.test(p)) expect(out.toLowerCase()).toContain(p.toLowerCase().replace(/[.'-]+$/, ''));
      }),
    );
  });
});
