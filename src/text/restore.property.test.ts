import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from './normalize.ts';
import { buildAccentModel, lacksDiacritics, restoreDiacritics } from './restore.ts';

const corpus = [
  'Làm lại căn cước công dân bị mất cần những giấy tờ gì',
  'Gia hạn tạm trú tại công an xã',
  'Bí mật kinh doanh được pháp luật bảo vệ',
  'Lệ phí đăng ký thường trú',
];
const model = buildAccentModel(corpus);
const bare = fc.array(fc.constantFrom(...corpus.flatMap((s) => fold(s).split(' ')), 'xyz', 'CCCD', 'Ha', 'NOI', '12', ',', '?'), { maxLength: 12 }).map((w) => w.join(' '));
const anyText = fc.string({ unit: 'binary', maxLength: 100 });

describe('restoreDiacritics', () => {
  it('only adds diacritics: the folded text is unchanged', () => {
    fc.assert(fc.property(fc.oneof(bare, anyText), (s) => void expect(fold(restoreDiacritics(s, model))).toBe(fold(s))));
  });

  // In NFC text: a letter NFC decomposes (U+FB2A) comes back as letter and mark.
  it('keeps everything between words as typed', () => {
    fc.assert(
      fc.property(fc.oneof(bare, anyText).filter((s) => s === s.normalize('NFC')), (s) => {
        const gaps = (t: string) => t.split(/\p{L}+/u);
        expect(gaps(restoreDiacritics(s, model))).toEqual(gaps(s));
      }),
    );
  });

  it('gives accented text for corpus words typed without accents', () => {
    const accentedWords = [...new Set(corpus.flatMap((s) => s.toLowerCase().split(' ')).filter((w) => fold(w) !== w))];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...accentedWords), { minLength: 1, maxLength: 8 }), (ws) => {
        expect(lacksDiacritics(restoreDiacritics(fold(ws.join(' ')), model))).toBe(false);
      }),
    );
  });

  it('builds a model from any texts and restores with it, never throwing', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 5 }), anyText, (texts, q) => {
        const m = buildAccentModel(texts);
        expect(fold(restoreDiacritics(q, m))).toBe(fold(q));
      }),
    );
  });
});
