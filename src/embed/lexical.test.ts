import { describe, expect, it } from 'vitest';
import { createLexicalEmbedder, lexicalVector } from './lexical.ts';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('lexical embedder', () => {
  it('is deterministic and unit length', async () => {
    const e = createLexicalEmbedder(64);
    const [a] = await e.embedDocuments(['Gia hạn tạm trú']);
    const b = await e.embedQuery('Gia hạn tạm trú');
    expect(a).toEqual(b);
    expect(a).toHaveLength(64);
    expect(cos(a!, a!)).toBeCloseTo(1, 6);
  });

  it('puts unaccented text close to its accented form and far from unrelated text', () => {
    const accented = lexicalVector('đăng ký thường trú cho con', 256);
    const plain = lexicalVector('dang ky thuong tru cho con', 256);
    const other = lexicalVector('lệ phí cấp hộ chiếu phổ thông', 256);
    expect(cos(accented, plain)).toBeGreaterThan(0.7);
    expect(cos(accented, other)).toBeLessThan(0.3);
  });

  it('returns a valid vector for empty text', () => {
    const v = lexicalVector('', 16);
    expect(cos(v, v)).toBeCloseTo(1, 6);
  });
});
