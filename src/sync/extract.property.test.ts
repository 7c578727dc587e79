import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDocNumber } from '../text/legal.ts';
import { clausesOfValidity, extractPage, parseViDate, statusOf } from './extract.ts';
import { parseSources } from './index.ts';

const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const html = fc.oneof(
  anyText,
  fc.array(fc.oneof(fc.constantFrom('<html>', '<head><title>', '</title></head>', '<body>', '<h1>', '</h1>', '<table><tr><td>', '</td><td>', '</td></tr></table>', '<p>', '</p>', '<script>', '</script>', '<div class="content">', '</div>', 'Số hiệu:', '15/2025/NĐ-CP', 'Ngày ban hành:', '15/01/2025', 'Tình trạng hiệu lực:', 'Hết hiệu lực', 'thay thế Nghị định 01/2020/NĐ-CP', '&nbsp;', '<!--', '-->', '<meta property="og:title" content="', '">', '\u0000'), anyText), { maxLength: 40 }).map((p) => p.join('')),
);

describe('extractPage', () => {
  it('extracts from any markup without throwing, with well-formed fields', () => {
    fc.assert(
      fc.property(html, (h) => {
        const p = extractPage(h, 'https://vbpl.example.gov.vn/van-ban/1');
        expect(typeof p.text).toBe('string');
        if (p.number !== null) expect(normalizeDocNumber(p.number)).toBe(p.number);
        for (const d of [p.issueDate, p.effectiveDate]) if (d !== null) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect([null, 'in_force', 'partly_repealed', 'repealed', 'unknown']).toContain(p.status);
      }),
    );
  });
});

describe('parseViDate, statusOf, clausesOfValidity', () => {
  it('reads "ngày d tháng m năm y" as yyyy-mm-dd', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        expect(parseViDate(`Hà Nội, ngày ${day} tháng ${m} năm ${y}`)).toBe(`${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      }),
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const d = parseViDate(s);
        if (d !== null) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect([null, 'in_force', 'partly_repealed', 'repealed', 'unknown']).toContain(statusOf(s));
        expect(typeof clausesOfValidity(s)).toBe('object');
      }),
    );
  });
});

describe('parseSources', () => {
  const source = fc.record({
    id: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
    type: fc.constantFrom('sitemap', 'feed', 'page'),
    url: fc.constantFrom('https://vbpl.example.gov.vn/sitemap.xml', 'http://dichvucong.example.gov.vn/rss'),
    kind: fc.constantFrom('law', 'procedure', 'qa', 'news', 'text', 'gazette'),
    everyMinutes: fc.integer({ min: 5, max: 1440 }),
  });

  it('reads valid sources back as written, with defaults', () => {
    fc.assert(
      fc.property(fc.uniqueArray(source, { selector: (s) => s.id, maxLength: 5 }), (sources) => {
        expect(parseSources(sources)).toEqual(sources.map((s) => ({ ...s, agency: null, patterns: [], enabled: true })));
      }),
    );
  });

  it('refuses anything else with an Error naming the file, and nothing else escapes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.array(fc.oneof(source, fc.jsonValue()), { maxLength: 4 }), fc.array(source.map((s) => ({ ...s, patterns: ['(', '[a-'] })), { minLength: 1, maxLength: 2 })), (json) => {
        try {
          parseSources(json, 'sources.json');
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message.startsWith('sources.json:')).toBe(true);
        }
      }),
    );
  });
});
