import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPersonal, maskPersonal } from './personal.ts';

const anyText = fc.string({ unit: 'binary', maxLength: 120 });
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

// Legal and administrative text the masker must leave exactly as it is: document numbers, articles,
// fees, dates, deadlines, procedure codes, public hotlines and agency mailboxes.
const legalPiece = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1990, max: 2030 }), fc.constantFrom('QH14', 'QH15', 'NĐ-CP', 'TT-BCA', 'QĐ-TTg')).map(([n, y, t]) => `${n}/${y}/${t}`),
  fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20 })).map(([a, k]) => `khoản ${k} Điều ${a}`),
  fc.integer({ min: 1, max: 999 }).map((n) => `${(n * 1000).toLocaleString('de-DE')} đồng`),
  fc.integer({ min: 1, max: 99 }).map((n) => `${n}.000.000 đồng`),
  fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1990, max: 2030 })).map(([d, m, y]) => `ngày ${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`),
  fc.integer({ min: 1, max: 90 }).map((n) => `trong ${n} ngày làm việc`),
  fc.integer({ min: 0, max: 999_999 }).map((n) => `thủ tục 1.${String(n).padStart(6, '0')}`),
  fc.constantFrom('tổng đài 1900 1234', 'đường dây nóng 1800 1091', 'gọi 113', 'hotro@dichvucong.gov.vn', 'Luật Cư trú', 'lệ phí 20%'),
);
const words = fc.constantFrom('theo', 'quy định', 'tại', 'của', 'thì', 'người dân', 'nộp hồ sơ', 'cơ quan', 'và', ',', '.', '(', ')');
const legalText = fc.array(fc.oneof(legalPiece, words), { minLength: 1, maxLength: 10 }).map((ps) => ps.join(' '));

// Personal data in the shapes the masker promises to find.
const personal = fc.oneof(
  digits(10).map((d) => ({ kind: 'citizen_id', raw: `0${d.slice(0, 11)}${d.slice(0, 1)}`, cue: 'CCCD của tôi là' })),
  fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), digits(8)).map(([p, d]) => ({ kind: 'phone', raw: `0${p}${d}`, cue: 'số điện thoại' })),
  fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), digits(8)).map(([p, d]) => ({ kind: 'phone', raw: `+84 ${p}${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5)}`, cue: 'liên hệ' })),
  digits(10).map((d) => ({ kind: 'social_insurance', raw: d, cue: 'mã số BHXH' })),
  digits(10).map((d) => ({ kind: 'tax_code', raw: d, cue: 'MST' })),
  digits(12).map((d) => ({ kind: 'bank_account', raw: d, cue: 'STK' })),
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,10}[a-z0-9]$/), fc.constantFrom('gmail.com', 'yahoo.com.vn', 'example.vn')).map(([u, d]) => ({ kind: 'email', raw: `${u}@${d}`, cue: 'email' })),
);

describe('findPersonal', () => {
  it('gives sorted, non-overlapping spans inside the text, for any text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        let last = 0;
        for (const sp of findPersonal(s)) {
          expect(sp.start).toBeGreaterThanOrEqual(last);
          expect(sp.end).toBeGreaterThan(sp.start);
          expect(sp.end).toBeLessThanOrEqual(s.length);
          last = sp.end;
        }
      }),
    );
  });

  it('finds personal data placed inside legal text, of the kind its cue says', () => {
    fc.assert(
      fc.property(legalText, personal, legalText, (before, p, after) => {
        const text = `${before}. ${p.cue} ${p.raw}. ${after}`;
        const at = text.indexOf(`${p.cue} ${p.raw}`) + p.cue.length + 1;
        const span = findPersonal(text).find((s) => s.start <= at && s.end >= at + p.raw.length);
        expect(span, text).toBeDefined();
        expect(span!.kind).toBe(p.kind);
      }),
    );
  });
});

describe('maskPersonal', () => {
  it('leaves legal text (document numbers, articles, fees, dates, codes, hotlines) untouched', () => {
    fc.assert(fc.property(legalText, (s) => void expect(maskPersonal(s)).toBe(s)));
  });

  it('leaves nothing findPersonal would find, and is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.tuple(legalText, personal, legalText).map(([a, p, b]) => `${a} ${p.cue} ${p.raw} ${b}`)), (s) => {
        const masked = maskPersonal(s);
        expect(findPersonal(masked)).toEqual([]);
        expect(maskPersonal(masked)).toBe(masked);
      }),
    );
  });

  it('keeps the text around each span and only the last three digits of a number', () => {
    fc.assert(
      fc.property(legalText, personal, legalText, (before, p, after) => {
        const text = `${before}. ${p.cue} ${p.raw}. ${after}`;
        const masked = maskPersonal(text);
        expect(masked.startsWith(`${before}. ${p.cue} `)).toBe(true);
        expect(masked.endsWith(`. ${after}`)).toBe(true);
        expect(masked).not.toContain(p.raw);
        if (p.kind !== 'email') expect(masked).toContain(`•${p.raw.replace(/\D/g, '').slice(-3)}.`);
      }),
    );
  });
});
