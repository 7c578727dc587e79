import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunksForUnit } from './chunk.ts';
import { paragraphWindows } from './readers/common.ts';
import { articleUnit, parseArticleBody } from './readers/laws.ts';
import { emptyMeta } from './types.ts';

const word = fc.constantFrom('Công', 'dân', 'có', 'quyền', 'tự', 'do', 'cư', 'trú.', 'lệ', 'phí;', 'a)', '1.', 'Điều', 'khoản', 'x'.repeat(50));
const paragraph = fc.array(word, { minLength: 1, maxLength: 120 }).map((w) => w.join(' '));
const text = fc.oneof(fc.array(paragraph, { maxLength: 12 }).map((ps) => ps.join('\n')), fc.string({ unit: 'binary', maxLength: 600 }));
const squash = (s: string) => s.replace(/\s+/g, '');

describe('paragraphWindows', () => {
  it('keeps every non-space character, in order, in windows no longer than the limit', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 20, max: 1500 }), (t, max) => {
        const ws = paragraphWindows(t, max);
        for (const w of ws) {
          expect(w.length).toBeLessThanOrEqual(max);
          expect(w.trim().length).toBeGreaterThan(0);
        }
        expect(squash(ws.join(''))).toBe(squash(t));
      }),
    );
  });
});

describe('chunksForUnit', () => {
  it('chunks any article into non-empty pieces that keep its words', () => {
    const article = fc.tuple(paragraph, fc.array(fc.tuple(paragraph, fc.array(paragraph, { maxLength: 3 })), { maxLength: 5 })).map(
      ([intro, clauses]) => `Điều 7. Tiêu đề\n${intro}\n${clauses.map(([c, pts], i) => `${i + 1}. ${c}\n${pts.map((p, j) => `${'abcd'[j]}) ${p}`).join('\n')}`).join('\n')}`,
    );
    fc.assert(
      fc.property(fc.oneof(article, text), (raw) => {
        const unit = articleUnit('7', raw, 7, null);
        const chunks = chunksForUnit(emptyMeta('Luật Thử'), unit);
        for (const c of chunks) {
          expect(c.text.trim().length).toBeGreaterThan(0);
          expect(c.text.length).toBeLessThanOrEqual(1400 * 2 + 1);
        }
        // Every word of the article is in some chunk, or in its heading ("Điều 7. Tiêu đề").
        const all = chunks.map((c) => `${c.heading}\n${c.text}`).join('\n');
        for (const w of new Set(unit.text.split(/\s+/).filter(Boolean))) expect(all).toContain(w);
        expect(typeof parseArticleBody(raw)).toBe('object');
      }),
    );
  });
});
