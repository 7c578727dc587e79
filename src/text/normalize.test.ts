import { describe, expect, it } from 'vitest';
import { canonical, fold, looseKey, normalizeText, placeTone, syllables } from './normalize.ts';

describe('placeTone', () => {
  it.each([
    ['hoà', 'hòa'],
    ['hòa', 'hòa'],
    ['thuỷ', 'thủy'],
    ['khoẻ', 'khỏe'],
    ['Hoà', 'Hòa'],
    ['quý', 'quý'],
    ['giá', 'giá'],
    ['gì', 'gì'],
    ['người', 'người'],
    ['khuyến', 'khuyến'],
    ['hoàng', 'hoàng'],
    ['khoái', 'khoái'],
    ['mía', 'mía'],
    ['thuận', 'thuận'],
    ['Điều', 'Điều'],
  ])('places the tone of %s as %s', (input, expected) => {
    expect(placeTone(input)).toBe(expected);
  });
});

describe('normalizeText', () => {
  it('makes two tone-mark conventions and compositions identical', () => {
    const a = 'có thoả thuận, hoà giải';
    const b = 'có thỏa thuận, hòa giải'.normalize('NFD');
    expect(normalizeText(a)).toBe(normalizeText(b));
  });

  it('removes zero-width and Unicode tag characters', () => {
    expect(normalizeText('căn\u200B cước\u{E0041}')).toBe('căn cước');
  });

  it('leaves document numbers and punctuation untouched', () => {
    expect(normalizeText('Luật số 68/2020/QH14, phí 50.000 đồng.')).toBe('Luật số 68/2020/QH14, phí 50.000 đồng.');
  });
});

describe('folding and keys', () => {
  it('folds diacritics and đ', () => {
    expect(fold('Đăng ký thường trú')).toBe('dang ky thuong tru');
  });

  it('gives a name and its unaccented spelling the same loose key', () => {
    expect(looseKey('Bộ luật Dân sự')).toBe(looseKey('bo luat dan su'));
    expect(looseKey('Luật Phòng, chống ma túy')).toBe(looseKey('luat phong chong ma tuy'));
  });

  it('canonical lowercases and collapses whitespace', () => {
    expect(canonical('  Gia   hạn\nTẠM TRÚ ')).toBe('gia hạn tạm trú');
  });

  it('splits syllables', () => {
    expect(syllables('Điều 5, khoản 2: hoà giải')).toEqual(['điều', '5', 'khoản', '2', 'hòa', 'giải']);
  });
});
