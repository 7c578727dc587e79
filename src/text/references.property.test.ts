import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDocNumber } from './legal.ts';
import { matchesPartial, parseReferences } from './references.ts';

// Filler that cannot itself read as a reference (no digits, no "điều/khoản/điểm", no document types).
const filler = fc.array(fc.constantFrom('theo', 'quy định', 'của', 'Luật Cư trú', 'thì', 'tôi hỏi', 'về', 'tạm trú', 'gia hạn', 'được không', '?', ',', '.'), { maxLength: 5 }).map((w) => w.join(' '));
const point = fc.constantFrom(...'abcdđeg'.replace('đ', '').split(''));
const article = fc.record({
  article: fc.integer({ min: 1, max: 300 }).map(String),
  clause: fc.option(fc.integer({ min: 1, max: 30 }).map(String), { nil: undefined }),
  point: fc.option(point, { nil: undefined }),
}).map((a) => (a.clause ? a : { article: a.article, clause: undefined, point: undefined }));

/** The ways citizens and documents write one article reference. */
function spell(a: { article: string; clause?: string | undefined; point?: string | undefined }, style: number, accents: boolean): string {
  const [d, k, p] = accents ? ['Điều', 'khoản', 'điểm'] : ['dieu', 'khoan', 'diem'];
  if (!a.clause) return `${d} ${a.article}`;
  const pt = a.point ? `${p} ${a.point} ` : '';
  switch (style % 3) {
    case 0: return `${pt}${k} ${a.clause} ${d} ${a.article}`;
    case 1: return `${d} ${a.article}, ${k} ${a.clause}${a.point ? `, ${p} ${a.point}` : ''}`;
    default: return `${d} ${a.article} ${k} ${a.clause}${a.point ? ` ${p} ${a.point}` : ''}`;
  }
}

describe('parseReferences', () => {
  it('finds an article reference however it is written, with or without accents', () => {
    fc.assert(
      fc.property(filler, article, fc.nat(2), fc.boolean(), filler, (before, a, style, accents, after) => {
        const refs = parseReferences(`${before} ${spell(a, style, accents)} ${after}`);
        const want = { article: a.article, ...(a.clause ? { clause: a.clause } : {}), ...(a.point ? { point: a.point } : {}) };
        expect(refs.articles).toEqual([want]);
      }),
    );
  });

  it('round-trips a full document number to its canonical form', () => {
    const type = fc.constantFrom('QH14', 'NĐ-CP', 'nđ-cp', 'TT-BCA', 'QĐ-TTg', 'TTLT-BTP-BCA');
    fc.assert(
      fc.property(filler, fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1990, max: 2099 }), type, filler, (before, num, year, t, after) => {
        const raw = `${num}/${year}/${t}`;
        const refs = parseReferences(`${before} ${raw} ${after}`);
        expect(refs.documents).toEqual([{ number: normalizeDocNumber(raw) }]);
        expect(refs.documents[0]!.number).toBe(`${num}/${year}/${t.toUpperCase()}`);
      }),
    );
  });

  it('reads "nghị định 42 năm 2022" as a partial reference that matches the full number', () => {
    const kinds: [string, string, string][] = [
      ['nghị định', 'NĐ', 'NĐ-CP'],
      ['thông tư', 'TT', 'TT-BCA'],
      ['quyết định', 'QĐ', 'QĐ-TTg'],
      ['nghị quyết', 'NQ', 'NQ-HĐND'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.integer({ min: 1, max: 9999 }), fc.option(fc.integer({ min: 1990, max: 2099 }), { nil: undefined }), filler, ([words, type, suffix], num, year, after) => {
        const refs = parseReferences(`${words} ${num}${year ? ` năm ${year}` : ''} ${after}`);
        expect(refs.documents).toEqual([{ partial: { num: String(num), ...(year ? { year: String(year) } : {}), type } }]);
        expect(matchesPartial(`${num}/${year ?? 2020}/${suffix}`, refs.documents[0]!.partial!)).toBe(true);
        expect(matchesPartial(`${num + 1}/${year ?? 2020}/${suffix}`, refs.documents[0]!.partial!)).toBe(false);
      }),
    );
  });

  it('finds procedure codes once each', () => {
    const code = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 999_999 })).map(([a, b]) => `${a}.${String(b).padStart(6, '0')}`);
    fc.assert(
      fc.property(fc.array(code, { minLength: 1, maxLength: 4 }), filler, (codes, f) => {
        expect(parseReferences(codes.map((c) => `${f} mã ${c}`).join(' ')).procedureCodes).toEqual([...new Set(codes)]);
      }),
    );
  });

  it('never throws and returns well-formed references for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const r = parseReferences(s);
        for (const a of r.articles) expect(a.article).toMatch(/^\d+[a-z]?$/);
        for (const d of r.documents) {
          if (d.number) expect(normalizeDocNumber(d.number)).toBe(d.number);
          else expect(d.partial?.num).toMatch(/^\d+$/);
        }
      }),
    );
  });
});
