// What a portal published: page URLs from sitemaps, feeds and listing pages. Pure — the caller fetches.
//
// Portals serve sitemaps and feeds that are not well-formed XML (bare "&" in URLs, HTML entities,
// unclosed elements, a BOM or stray text before the prolog), so these readers scan elements with
// forgiving patterns instead of an XML parser: one bad entry costs that entry, never the whole file.
import { parse, TextNode, type HTMLElement } from 'node-html-parser';
import { collapseSpace, normalizeText } from '../text/normalize.ts';

export interface Discovered {
  url: string;
  /** sitemap lastmod / feed updated, ISO or null */
  updated: string | null;
  /** feed entry id (guid / atom id) or null */
  id: string | null;
  title: string | null;
}

/**
 * Decodes entities that end in ";" (named HTML ones too). Without the semicolon "&copy=1" in a URL's
 * query would turn into "©=1", so bare ampersands stay as written.
 */
export function decodeEntities(s: string): string {
  return s.replace(/&(?:#\d+|#x[0-9a-f]+|[a-z][a-z\d]*);/gi, (e) => new TextNode(e).text);
}

/** An absolute http(s) URL without its fragment, or null when `raw` is not a usable link. */
export function absoluteUrl(raw: string, base: string, keepOtherSchemes = false): string | null {
  const href = raw.trim();
  if (!href || /^(javascript|mailto|tel|data|about):/i.test(href)) return null;
  let u: URL;
  try {
    u = new URL(href, base);
  } catch {
    return null;
  }
  // A sitemap or feed that lists a file: or ftp: address is kept, so the fetcher refuses it and the
  // pass reports it; a page's other links are only dropped.
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return keepOtherSchemes ? u.href : null;
  u.hash = '';
  return u.href;
}

/**
 * Dates as ISO 8601: "yyyy-mm-dd" when the source gives only a day (inventing midnight in some zone
 * would shift the day), otherwise a UTC timestamp. Unreadable dates → null.
 */
export function isoDate(raw: string | null | undefined): string | null {
  const s = collapseSpace(raw ?? '');
  if (!s) return null;
  const day = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (day) return ymd(+day[1]!, +day[2]!, +day[3]!);
  // Vietnamese sites write day first: "15/01/2025", "15/01/2025 08:30", "Thứ Tư, 15/01/2025 - 10:00 AM".
  const dmy = /(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\D{1,3}?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])[Mm])?)?/.exec(s);
  if (dmy) {
    const date = ymd(+dmy[3]!, +dmy[2]!, +dmy[1]!);
    if (!date || dmy[4] === undefined) return date;
    const h = dmy[7] ? (+dmy[4] % 12) + (dmy[7].toLowerCase() === 'p' ? 12 : 0) : +dmy[4];
    // A wall-clock time on a Vietnamese portal is Vietnam time.
    const t = Date.parse(`${date}T${String(h).padStart(2, '0')}:${dmy[5]}:${dmy[6] ?? '00'}+07:00`);
    return Number.isNaN(t) ? date : new Date(t).toISOString();
  }
  // Without a zone Date.parse would use the machine's; a Vietnamese portal means Vietnam time.
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(s);
  if (local) {
    const t = Date.parse(`${local[1]}T${local[2]}+07:00`);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  // Date.parse accepts almost anything with a number in it ("Tin 1" → 2001); insist on a year.
  if (!/\b(19|20)\d{2}\b/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function ymd(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Forgiving XML scanning

interface Xml {
  /** The document with comments removed and every CDATA section replaced by "\u0000n\u0000". */
  src: string;
  cdata: string[];
}

/**
 * Comments hide entries on purpose (disabled URLs) and CDATA may hold markup ("<a href>" in a
 * description) that must not be mistaken for the feed's own elements: mask both before scanning.
 */
function prepare(xml: unknown): Xml {
  const cdata: string[] = [];
  const src = String(xml ?? '')
    .replace(/^\uFEFF/, '')
    .replace(/\u0000/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g, (_, inner: string) => `\u0000${cdata.push(inner) - 1}\u0000`)
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
  return { src, cdata };
}

/** Text of an XML fragment: CDATA taken literally, entities decoded elsewhere, tags dropped. */
function xmlText(fragment: string, x: Xml): string {
  return fragment
    .split(/\u0000(\d+)\u0000/)
    .map((part, i) => (i % 2 ? (x.cdata[Number(part)] ?? '') : decodeEntities(stripTags(part))))
    .join('');
}

function stripTags(s: string): string {
  return s.replace(/<\/?[A-Za-z][^>]*>/g, ' ');
}

/** Titles may carry escaped HTML ("&lt;b&gt;"): decode, then drop the tags it revealed. */
function plainTitle(fragment: string | null, x: Xml): string | null {
  if (fragment === null) return null;
  const t = collapseSpace(normalizeText(stripTags(xmlText(fragment, x))));
  return t || null;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Block {
  /** The start tag, for its attributes. */
  tag: string;
  body: string;
}

/**
 * Splits `src` into `<name>` elements (any namespace prefix). An element ends at its closing tag or,
 * when that is missing, where the next one opens — so one unclosed element does not swallow the rest.
 */
function blocks(src: string, name: string): Block[] {
  const open = new RegExp(`<(?:[\\w.-]+:)?${esc(name)}(?=[\\s>/])[^>]*>`, 'gi');
  const close = new RegExp(`</(?:[\\w.-]+:)?${esc(name)}\\s*>`, 'i');
  const starts = [...src.matchAll(open)];
  return starts.map((m, i) => {
    const from = m.index + m[0].length;
    const body = src.slice(from, starts[i + 1]?.index ?? src.length);
    const end = close.exec(body);
    return { tag: m[0], body: end ? body.slice(0, end.index) : body };
  });
}

/** Inner XML of the first child element `name` (unprefixed unless `prefix` is given), or null. */
function child(body: string, name: string, prefix?: string): string | null {
  const n = `${prefix ? `${esc(prefix)}:` : ''}${esc(name)}`;
  const re = new RegExp(`<${n}(?=[\\s>/])[^>]*?(?:/>|>([\\s\\S]*?)(?:</${n}\\s*>|(?=<${n}[\\s>])|$))`, 'i');
  const m = re.exec(body);
  return m ? (m[1] ?? '') : null;
}

function childText(body: string, x: Xml, name: string, prefix?: string): string | null {
  const inner = child(body, name, prefix);
  if (inner === null) return null;
  const t = xmlText(inner, x).trim();
  return t || null;
}

/** Attributes of a start tag, values entity-decoded; names lowercased. */
function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    out[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sitemaps

/**
 * A sitemap's pages (`<urlset>`) and child sitemaps (`<sitemapindex>`); a mixed or broken file yields
 * whatever entries are readable. A plain-text sitemap (one URL a line) is read too.
 */
export function parseSitemap(xml: string, baseUrl: string): { pages: Discovered[]; sitemaps: string[] } {
  const pages: Discovered[] = [];
  const sitemaps: string[] = [];
  const seenPages = new Set<string>();
  const seenMaps = new Set<string>();
  const x = prepare(xml);

  if (!x.src.includes('<')) {
    for (const line of x.src.split(/\r?\n/)) {
      const url = /^https?:\/\//i.test(line.trim()) ? absoluteUrl(line, baseUrl) : null;
      if (url && !seenPages.has(url)) {
        seenPages.add(url);
        pages.push({ url, updated: null, id: null, title: null });
      }
    }
    return { pages, sitemaps };
  }

  for (const { body } of blocks(x.src, 'sitemap')) {
    const loc = childText(body, x, 'loc');
    const url = loc ? absoluteUrl(loc, baseUrl) : null;
    if (url && !seenMaps.has(url)) {
      seenMaps.add(url);
      sitemaps.push(url);
    }
  }
  for (const { body: raw } of blocks(x.src, 'url')) {
    // Image and video extensions carry their own <image:loc>; only the page's own <loc> counts.
    const body = raw.replace(/<(image|video):\1\b[\s\S]*?(?:<\/\1:\1\s*>|$)/gi, ' ');
    const loc = childText(body, x, 'loc');
    const url = loc ? absoluteUrl(loc, baseUrl, true) : null;
    if (!url || seenPages.has(url)) continue;
    seenPages.add(url);
    // Google News sitemaps name the article; plain ones do not.
    pages.push({ url, updated: isoDate(childText(body, x, 'lastmod')), id: null, title: plainTitle(child(body, 'title', 'news'), x) });
  }
  return { pages, sitemaps };
}

// ---------------------------------------------------------------------------------------------
// Feeds

/** Items of an RSS 2.0 / RSS 1.0 feed or entries of an Atom feed, in feed order, one per URL. */
export function parseFeed(xml: string, baseUrl: string): Discovered[] {
  const x = prepare(xml);
  const out: Discovered[] = [];
  const seen = new Set<string>();
  const add = (d: Discovered | null) => {
    if (d && !seen.has(d.url)) {
      seen.add(d.url);
      out.push(d);
    }
  };
  const feedTag = /<(?:[\w.-]+:)?feed(?=[\s>])[^>]*>/i.exec(x.src);
  if (feedTag) {
    // Atom resolves relative links against xml:base when the feed declares one.
    const xmlBase = attributes(feedTag[0])['xml:base'];
    const base = (xmlBase && absoluteUrl(xmlBase, baseUrl)) || baseUrl;
    for (const b of blocks(x.src, 'entry')) add(atomEntry(b, x, base));
  }
  for (const b of blocks(x.src, 'item')) add(rssItem(b, x, baseUrl));
  return out;
}

function rssItem({ tag, body }: Block, x: Xml, base: string): Discovered | null {
  const guid = childText(body, x, 'guid');
  const guidTag = /<guid\b[^>]*>/i.exec(body)?.[0] ?? '';
  const permalink = attributes(guidTag).ispermalink?.toLowerCase() !== 'false';
  // RSS 2.0 lets a permalink guid stand in for a missing <link>.
  const link = childText(body, x, 'link') ?? (permalink && guid && /^https?:\/\//i.test(guid) ? guid : null);
  const url = link ? absoluteUrl(link, base, true) : null;
  if (!url) return null;
  const updated =
    childText(body, x, 'pubDate') ?? childText(body, x, 'date', 'dc') ?? childText(body, x, 'updated') ?? childText(body, x, 'published');
  return { url, updated: isoDate(updated), id: guid ?? attributes(tag)['rdf:about'] ?? null, title: plainTitle(child(body, 'title'), x) };
}

function atomEntry({ body }: Block, x: Xml, base: string): Discovered | null {
  let href: string | null = null;
  for (const m of body.matchAll(/<(?:atom:)?link(?=[\s>/])[^>]*>/gi)) {
    const a = attributes(m[0]);
    if ((a.rel ?? 'alternate').toLowerCase() === 'alternate' && a.href) {
      href = a.href;
      break;
    }
  }
  const url = href ? absoluteUrl(href, base, true) : null;
  if (!url) return null;
  return {
    url,
    updated: isoDate(childText(body, x, 'updated') ?? childText(body, x, 'published')),
    id: childText(body, x, 'id'),
    title: plainTitle(child(body, 'title'), x),
  };
}

// ---------------------------------------------------------------------------------------------
// Listing pages

/**
 * Links on a listing page whose absolute URL matches any of `patterns` (regular-expression sources,
 * case-sensitive like URL paths; an invalid pattern is ignored, no patterns keeps nothing).
 */
export function listingLinks(html: string, baseUrl: string, patterns: string[]): Discovered[] {
  const res: RegExp[] = [];
  for (const p of patterns) {
    try {
      res.push(new RegExp(p));
    } catch {
      // A bad pattern in a portal's settings must not stop the others from working.
    }
  }
  if (!res.length) return [];
  let root: HTMLElement;
  try {
    root = parse(String(html ?? ''), { comment: false, parseNoneClosedTags: true });
  } catch {
    return [];
  }
  const baseHref = root.querySelector('base[href]')?.getAttribute('href');
  const base = (baseHref && absoluteUrl(baseHref, baseUrl)) || baseUrl;
  const out: Discovered[] = [];
  const byUrl = new Map<string, Discovered>();
  for (const a of root.querySelectorAll('a[href]')) {
    const url = absoluteUrl(a.getAttribute('href') ?? '', base);
    if (!url || !res.some((re) => re.test(url))) continue;
    const title = collapseSpace(normalizeText(a.text)) || collapseSpace(normalizeText(a.getAttribute('title') ?? '')) || null;
    const known = byUrl.get(url);
    // Listings often link a thumbnail and a headline to the same page: keep the one with words.
    if (known) {
      if (!known.title && title) known.title = title;
      continue;
    }
    const d: Discovered = { url, updated: null, id: null, title };
    byUrl.set(url, d);
    out.push(d);
  }
  return out;
}
