import { describe, expect, it } from 'vitest';
import { isoDate, listingLinks, parseFeed, parseSitemap } from './discover.ts';

describe('parseSitemap', () => {
  it('reads a urlset: absolute URLs, decoded entities, lastmod as ISO, invalid and duplicate entries skipped', () => {
    const xml = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc> https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=170000&amp;Keyword= </loc>
    <lastmod>2025-01-20</lastmod>
    <image:image><image:loc>https://vbpl.vn/anh/bia.jpg</image:loc></image:image>
  </url>
  <url><loc>/van-ban/nghi-dinh-15-2025-nd-cp.html#dieu-1</loc><lastmod>2025-01-21T08:30:00+07:00</lastmod></url>
  <url><loc><![CDATA[https://vbpl.vn/van-ban?id=2&type=nd]]></loc><lastmod>hôm qua</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><lastmod>2025-01-22</lastmod></url>
  <!-- <url><loc>https://vbpl.vn/an-di</loc></url> -->
  <url><loc>https://vbpl.vn/van-ban/nghi-dinh-15-2025-nd-cp.html</loc></url>
</urlset>`;
    expect(parseSitemap(xml, 'https://vbpl.vn/sitemap.xml')).toEqual({
      pages: [
        { url: 'https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=170000&Keyword=', updated: '2025-01-20', id: null, title: null },
        { url: 'https://vbpl.vn/van-ban/nghi-dinh-15-2025-nd-cp.html', updated: '2025-01-21T01:30:00.000Z', id: null, title: null },
        { url: 'https://vbpl.vn/van-ban?id=2&type=nd', updated: null, id: null, title: null },
      ],
      sitemaps: [],
    });
  });

  it('reads a sitemap index and resolves relative child sitemaps', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://chinhphu.vn/sitemap-vanban-2025.xml</loc><lastmod>2025-02-01</lastmod></sitemap>
  <sitemap><loc>sitemap-tin-tuc.xml</loc></sitemap>
  <sitemap><loc>https://chinhphu.vn/sitemap-vanban-2025.xml</loc></sitemap>
</sitemapindex>`;
    expect(parseSitemap(xml, 'https://chinhphu.vn/sitemaps/index.xml')).toEqual({
      pages: [],
      sitemaps: ['https://chinhphu.vn/sitemap-vanban-2025.xml', 'https://chinhphu.vn/sitemaps/sitemap-tin-tuc.xml'],
    });
  });

  it('takes the article title from a news sitemap', () => {
    const xml = `<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://baochinhphu.vn/a-1.htm</loc>
      <news:news><news:publication><news:name>Báo Chính phủ</news:name></news:publication>
      <news:publication_date>2025-01-16T08:30:00+07:00</news:publication_date><news:title>Nghị định mới về cư trú &amp; tạm trú</news:title></news:news></url></urlset>`;
    expect(parseSitemap(xml, 'https://baochinhphu.vn/sitemap.xml').pages).toEqual([
      { url: 'https://baochinhphu.vn/a-1.htm', updated: null, id: null, title: 'Nghị định mới về cư trú & tạm trú' },
    ]);
  });

  it('reads a plain-text sitemap, one URL a line', () => {
    expect(parseSitemap('https://a.gov.vn/1\n\nkhông phải URL\nhttps://a.gov.vn/2\r\n', 'https://a.gov.vn/').pages.map((p) => p.url)).toEqual([
      'https://a.gov.vn/1',
      'https://a.gov.vn/2',
    ]);
  });

  it('returns what it could read from a truncated or malformed file', () => {
    const xml = `<urlset><url><loc>https://a.gov.vn/1</loc><url><loc>https://a.gov.vn/2?x=1&y=2</loc></url><url><loc>https://a.gov.vn/3`;
    expect(parseSitemap(xml, 'https://a.gov.vn/sitemap.xml').pages.map((p) => p.url)).toEqual([
      'https://a.gov.vn/1',
      'https://a.gov.vn/2?x=1&y=2',
      'https://a.gov.vn/3',
    ]);
    for (const junk of ['', '<', '<<urlset>>', '<html><body>404 Not Found</body></html>', '\u0000', '<url><loc>http://[::1</loc></url>']) {
      expect(() => parseSitemap(junk, 'https://a.gov.vn/')).not.toThrow();
    }
    expect(parseSitemap('<html><body>404</body></html>', 'https://a.gov.vn/')).toEqual({ pages: [], sitemaps: [] });
  });
});

describe('parseFeed', () => {
  it('reads RSS 2.0 items: CDATA, relative links, guid as id, RFC 822 dates, missing dates', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Văn bản mới - Cổng TTĐT Chính phủ</title>
  <link>https://chinhphu.vn/</link>
  <atom:link href="https://chinhphu.vn/rss/van-ban.rss" rel="self"/>
  <item>
    <title><![CDATA[Nghị định 15/2025/NĐ-CP quy định chi tiết Luật Cư trú]]></title>
    <link>/van-ban/nghi-dinh-15-2025-nd-cp-212000</link>
    <description><![CDATA[<p>Ngày 15/01/2025, <a href="/khac">Chính phủ</a> ban hành…</p>]]></description>
    <guid isPermaLink="false">vb-212000</guid>
    <pubDate>Wed, 15 Jan 2025 10:00:00 +0700</pubDate>
  </item>
  <item>
    <title>Thông tư 05/2025/TT-BTC &amp; hướng dẫn</title>
    <guid>https://chinhphu.vn/van-ban/thong-tu-05-2025-tt-btc</guid>
    <dc:date>2025-02-10T09:00:00Z</dc:date>
  </item>
  <item>
    <title>Quyết định 1234/QĐ-TTg</title>
    <link>https://chinhphu.vn/van-ban/qd-1234#tom-tat</link>
  </item>
  <item><title>Không có liên kết</title><guid isPermaLink="false">x-1</guid></item>
</channel></rss>`;
    expect(parseFeed(xml, 'https://chinhphu.vn/rss/van-ban.rss')).toEqual([
      {
        url: 'https://chinhphu.vn/van-ban/nghi-dinh-15-2025-nd-cp-212000',
        updated: '2025-01-15T03:00:00.000Z',
        id: 'vb-212000',
        title: 'Nghị định 15/2025/NĐ-CP quy định chi tiết Luật Cư trú',
      },
      {
        url: 'https://chinhphu.vn/van-ban/thong-tu-05-2025-tt-btc',
        updated: '2025-02-10T09:00:00.000Z',
        id: 'https://chinhphu.vn/van-ban/thong-tu-05-2025-tt-btc',
        title: 'Thông tư 05/2025/TT-BTC & hướng dẫn',
      },
      { url: 'https://chinhphu.vn/van-ban/qd-1234', updated: null, id: null, title: 'Quyết định 1234/QĐ-TTg' },
    ]);
  });

  it('reads Atom entries: alternate or rel-less links, xml:base, escaped HTML titles, updated or published', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://moj.gov.vn/qt/">
  <title>Bộ Tư pháp - Tin mới</title>
  <link rel="self" href="https://moj.gov.vn/feed.atom"/>
  <entry>
    <title type="html">&lt;b&gt;Hỏi đáp&lt;/b&gt; về đăng ký hộ tịch</title>
    <link rel="enclosure" href="/files/a.pdf"/>
    <link rel="alternate" type="text/html" href="tin-tuc/hoi-dap-ho-tich.aspx?id=1&amp;lang=vi"/>
    <id>tag:moj.gov.vn,2025:1</id>
    <updated>2025-03-01T10:00:00+07:00</updated>
  </entry>
  <entry>
    <title><![CDATA[Công văn 456/BTP-HTQTCT]]></title>
    <link href="https://moj.gov.vn/cv/456"/>
    <id>tag:moj.gov.vn,2025:2</id>
    <published>2025-03-02</published>
  </entry>
  <entry><title>Không liên kết</title><id>tag:moj.gov.vn,2025:3</id></entry>
</feed>`;
    expect(parseFeed(xml, 'https://moj.gov.vn/feed.atom')).toEqual([
      {
        url: 'https://moj.gov.vn/qt/tin-tuc/hoi-dap-ho-tich.aspx?id=1&lang=vi',
        updated: '2025-03-01T03:00:00.000Z',
        id: 'tag:moj.gov.vn,2025:1',
        title: 'Hỏi đáp về đăng ký hộ tịch',
      },
      { url: 'https://moj.gov.vn/cv/456', updated: '2025-03-02', id: 'tag:moj.gov.vn,2025:2', title: 'Công văn 456/BTP-HTQTCT' },
    ]);
  });

  it('returns the items before a feed breaks off and never throws on junk', () => {
    const xml = `<rss><channel><item><title>Một</title><link>https://a.gov.vn/1</link></item><item><title>Hai & ba</title><link>https://a.gov.vn/2</link><pubDate>32 Foo 2025`;
    expect(parseFeed(xml, 'https://a.gov.vn/rss')).toEqual([
      { url: 'https://a.gov.vn/1', updated: null, id: null, title: 'Một' },
      { url: 'https://a.gov.vn/2', updated: null, id: null, title: 'Hai & ba' },
    ]);
    for (const junk of ['', '<feed', '<rss><item><link>', '<entry><link href=">', '<![CDATA[', '{"json": true}']) {
      expect(() => parseFeed(junk, 'https://a.gov.vn/')).not.toThrow();
    }
    expect(parseFeed('<html><body><a href="/x">x</a></body></html>', 'https://a.gov.vn/')).toEqual([]);
  });
});

describe('listingLinks', () => {
  const html = `<!DOCTYPE html><html><head><base href="https://congbao.chinhphu.vn/tim-kiem/"></head><body>
    <nav><a href="/">Trang chủ</a><a href="/gioi-thieu">Giới thiệu</a></nav>
    <table class="ds-van-ban">
      <tr><td><a href="van-ban/nghi-dinh-15-2025-nd-cp-45000.htm"><img src="/pdf.png" alt=""></a></td>
          <td><a href="van-ban/nghi-dinh-15-2025-nd-cp-45000.htm#noi-dung" title="Xem">  Nghị định 15/2025/NĐ-CP
            quy định&nbsp;chi tiết </a></td></tr>
      <tr><td><a href="/van-ban/thong-tu-05-2025-tt-btc-45001.htm">Thông tư 05/2025/TT-BTC</a></td></tr>
      <tr><td><a href="https://other.example.com/van-ban/1.htm">Trang khác</a></td></tr>
      <tr><td><a href="javascript:void(0)">In</a><a href="mailto:a@b.vn">Thư</a><a href="#top">Lên đầu</a></td></tr>
    </table>
    <div class="paging"><a href="?page=2">2</a></div>
  </body></html>`;

  it('keeps links matching a pattern, resolved against <base href>, without fragments, once each, titled by their text', () => {
    expect(listingLinks(html, 'https://congbao.chinhphu.vn/tim-kiem?q=cu+tru', ['^https://congbao\\.chinhphu\\.vn/.*van-ban/[^/]+-\\d+\\.htm$'])).toEqual([
      { url: 'https://congbao.chinhphu.vn/tim-kiem/van-ban/nghi-dinh-15-2025-nd-cp-45000.htm', updated: null, id: null, title: 'Nghị định 15/2025/NĐ-CP quy định chi tiết' },
      { url: 'https://congbao.chinhphu.vn/van-ban/thong-tu-05-2025-tt-btc-45001.htm', updated: null, id: null, title: 'Thông tư 05/2025/TT-BTC' },
    ]);
  });

  it('matches any of several patterns and ignores an invalid one', () => {
    const urls = listingLinks(html, 'https://congbao.chinhphu.vn/', ['(', 'other\\.example\\.com', '\\?page=\\d+$']).map((d) => d.url);
    expect(urls).toEqual(['https://other.example.com/van-ban/1.htm', 'https://congbao.chinhphu.vn/tim-kiem/?page=2']);
  });

  it('resolves against the page URL without <base> and keeps nothing without patterns', () => {
    const page = '<ul><li><a href="../hoi-dap/123">Câu hỏi 123</a></li><li><a href="/hoi-dap/124">Câu hỏi 124</a></ul>';
    expect(listingLinks(page, 'https://dichvucong.gov.vn/p/danh-sach/', ['/hoi-dap/\\d+$'])).toEqual([
      { url: 'https://dichvucong.gov.vn/p/hoi-dap/123', updated: null, id: null, title: 'Câu hỏi 123' },
      { url: 'https://dichvucong.gov.vn/hoi-dap/124', updated: null, id: null, title: 'Câu hỏi 124' },
    ]);
    expect(listingLinks(page, 'https://dichvucong.gov.vn/', [])).toEqual([]);
  });

  it('never throws on malformed HTML or a bad base URL', () => {
    expect(listingLinks('<a href="/a/1">Một<a href="/a/2">Hai</a><div><a href=/a/3>Ba', 'https://a.gov.vn/', ['/a/\\d']).map((d) => d.url)).toEqual([
      'https://a.gov.vn/a/1',
      'https://a.gov.vn/a/2',
      'https://a.gov.vn/a/3',
    ]);
    expect(listingLinks('<a href="/a/1">x</a><base href="http://[bad">', 'không phải URL', ['.'])).toEqual([]);
  });
});

describe('isoDate', () => {
  it.each([
    ['2025-01-20', '2025-01-20'],
    ['2025-01-21T08:30:00+07:00', '2025-01-21T01:30:00.000Z'],
    ['Wed, 15 Jan 2025 10:00:00 GMT', '2025-01-15T10:00:00.000Z'],
    ['15/01/2025', '2025-01-15'],
    ['15/01/2025 08:30', '2025-01-15T01:30:00.000Z'],
    ['Thứ Tư, 15/01/2025 - 02:05 PM', '2025-01-15T07:05:00.000Z'],
    ['2025-01-21 08:30:00', '2025-01-21T01:30:00.000Z'],
    ['2025-02-30', null],
    ['Tin 1', null],
    ['', null],
  ])('reads %s', (raw, iso) => {
    expect(isoDate(raw)).toBe(iso);
  });
});
