import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absoluteUrl, decodeEntities, isoDate, listingLinks, parseFeed, parseSitemap } from './discover.ts';

const BASE = 'https://dichvucong.example.gov.vn/';
const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const markup = fc.oneof(
  anyText,
  fc.array(fc.oneof(fc.constantFrom('<urlset>', '</urlset>', '<url>', '</url>', '<loc>', '</loc>', '<sitemapindex>', '<sitemap>', '<rss>', '<item>', '<link>', '</link>', '<entry>', '<link href="', '">', '<a href="', '</a>', '<![CDATA[', ']]>', '&amp;', '&#x1F600;', '&#99999999;', 'javascript:alert(1)', 'file:///etc/passwd', '/van-ban/1', 'http://', '%zz', '\u0000'), anyText), { maxLength: 30 }).map((p) => p.join('')),
);
const slug = fc.stringMatching(/^[a-z0-9-]{1,20}$/);

describe('absoluteUrl', () => {
  it('gives an http(s) URL without a fragment, which resolves to itself, or null', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.webUrl({ withFragments: true, withQueryParameters: true })), (raw) => {
        const u = absoluteUrl(raw, BASE);
        if (u === null) return;
        expect(u).toMatch(/^https?:\/\//);
        expect(u).not.toContain('#');
        expect(absoluteUrl(u, BASE)).toBe(u);
      }),
    );
  });
});

describe('decodeEntities', () => {
  it('leaves text without "&" unchanged and never throws', () => {
    fc.assert(fc.property(anyText, (s) => void expect(typeof decodeEntities(s)).toBe('string')));
    fc.assert(fc.property(anyText.filter((s) => !s.includes('&')), (s) => void expect(decodeEntities(s)).toBe(s)));
  });
});

describe('isoDate', () => {
  it('reads day-first Vietnamese dates as yyyy-mm-dd', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.constantFrom('/', '-', '.'), (d, sep) => {
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        expect(isoDate(`${day}${sep}${m}${sep}${y}`)).toBe(`${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      }),
    );
  });

  it('gives null or a valid ISO date for any text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const d = isoDate(s);
        if (d !== null) {
          expect(d).toMatch(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?Z)?$/);
          expect(Number.isNaN(Date.parse(d))).toBe(false);
        }
      }),
    );
  });
});

describe('parseSitemap, parseFeed, listingLinks', () => {
  it('list every page of a generated sitemap, once, absolute', () => {
    fc.assert(
      fc.property(fc.array(slug, { maxLength: 20 }), (slugs) => {
        const xml = `<?xml version="1.0"?><urlset>${slugs.map((s) => `<url><loc>/van-ban/${s}</loc><lastmod>2025-01-15</lastmod></url>`).join('')}</urlset>`;
        const { pages } = parseSitemap(xml, BASE);
        expect(pages.map((p) => p.url)).toEqual([...new Set(slugs)].map((s) => `${BASE}van-ban/${s}`));
      }),
    );
  });

  it('return only http(s) links, without throwing, for any markup', () => {
    fc.assert(
      fc.property(markup, (x) => {
        const s = parseSitemap(x, BASE);
        const links = [...s.pages.map((p) => p.url), ...parseFeed(x, BASE).map((p) => p.url), ...listingLinks(x, BASE, ['.*']).map((p) => p.url)];
        // A sitemap may list a file: or ftp: address (kept, so the fetcher refuses and reports it).
        for (const u of links) expect(u).toMatch(/^[a-z][a-z0-9+.-]*:/i);
        for (const u of listingLinks(x, BASE, ['.*'])) expect(u.url).toMatch(/^https?:\/\//);
        for (const u of s.sitemaps) expect(typeof u).toBe('string');
      }),
    );
  });
});
