// A fetched portal page as the ingestion pipeline's DocumentInput, so that versions and idempotency
// behave exactly as for files: a numbered legal document keeps the identity the law reader gives it
// (law:<number>), its "Điều N." articles become citable units; a legal document page without articles
// (a decree's summary page, a gazette entry) becomes a gazette entry; Q&A pages a Q&A unit; news and
// everything else one text unit. Procedures are best ingested from the national portal's export
// (`hoidap ingest`): a procedure page is kept as text here.
import { createHash } from 'node:crypto';
import { articleUnit } from '../ingest/readers/laws.ts';
import { docKeyForGazette, paragraphWindows } from '../ingest/readers/common.ts';
import { gazetteDocument } from '../ingest/readers/gazette.ts';
import { qaDocument } from '../ingest/readers/qa.ts';
import { lawDocKey, type DocumentRegistry } from '../ingest/registry.ts';
import { emptyMeta, type DocumentInput, type DocumentKind, type ValidityStatus } from '../ingest/types.ts';
import { normalizeDocNumber } from '../text/legal.ts';
import { collapseSpace, normalizeText } from '../text/normalize.ts';
import type { ExtractedPage } from './extract.ts';

const ARTICLE = /^Điều\s+(\d+[a-zđ]?)\s*[.:]/iu;

/** "Điều N." articles of a document's text, each with its text up to the next article (or a chapter heading). */
export function splitArticles(text: string): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  let cur: { id: string; lines: string[] } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = ARTICLE.exec(line);
    if (m) {
      if (cur) out.push({ id: cur.id, text: cur.lines.join('\n') });
      cur = { id: m[1]!.toLowerCase(), lines: [line.replace(ARTICLE, '').trim() || line] };
    } else if (cur) {
      if (/^(Chương|Mục)\s+[IVXLC\d]+\b/iu.test(line)) {
        out.push({ id: cur.id, text: cur.lines.join('\n') });
        cur = null;
      } else cur.lines.push(line);
    }
  }
  if (cur) out.push({ id: cur.id, text: cur.lines.join('\n') });
  // The same article number twice (a table of contents, then the body): keep the longer.
  const byId = new Map<string, { id: string; text: string }>();
  for (const a of out) if (!byId.has(a.id) || byId.get(a.id)!.text.length < a.text.length) byId.set(a.id, a);
  return [...byId.values()];
}

const numbers = (list: string[]) => [...new Set(list.map((n) => normalizeDocNumber(n) ?? n))];

export function pageToDocument(page: ExtractedPage, o: { kind: DocumentKind; agency: string | null; url: string; registry: DocumentRegistry; now: Date }): DocumentInput | null {
  const text = normalizeText(page.text).trim();
  const title = collapseSpace(page.title ?? '') || null;
  if (!text && !title) return null;
  const number = page.number ? (normalizeDocNumber(page.number) ?? page.number) : null;
  const legal = o.kind === 'law' || o.kind === 'gazette';
  const status: ValidityStatus = page.status ?? (page.replacedBy ? 'repealed' : page.effectiveDate && page.effectiveDate > o.now.toISOString().slice(0, 10) ? 'unknown' : 'in_force');

  if (legal && number) {
    const articles = splitArticles(text);
    const entry = o.registry.resolve(number);
    const meta = {
      ...emptyMeta(title ?? entry?.name ?? `Văn bản ${number}`),
      number,
      aliases: entry?.aliases ?? [],
      docType: page.docType ?? entry?.type ?? null,
      issuer: page.issuer ?? entry?.issuer ?? null,
      signer: page.signer ?? entry?.signer ?? null,
      issueDate: page.issueDate ?? entry?.issueDate ?? null,
      effectiveDate: page.effectiveDate ?? entry?.effectiveDate ?? null,
      status,
      amends: numbers([...page.amends, ...(entry?.amends ?? [])]),
      replaces: numbers([...page.replaces, ...page.repeals, ...(entry?.replaces ?? [])]),
      replacedBy: page.replacedBy ? (normalizeDocNumber(page.replacedBy) ?? page.replacedBy) : (entry?.replacedBy ?? null),
      agency: o.agency,
      url: o.url,
      extra: page.gazette ? { gazette: page.gazette } : {},
    };
    if (articles.length) {
      return {
        kind: 'law',
        docKey: lawDocKey(number, entry),
        sourceId: number,
        line: 1,
        meta,
        units: articles.map((a, i) => articleUnit(a.id, a.text, i, o.url)),
      };
    }
    const doc = gazetteDocument(
      {
        number,
        type: meta.docType,
        name: title ?? meta.name,
        aliases: meta.aliases,
        issuer: meta.issuer,
        signer: meta.signer,
        signerTitle: null,
        issueDate: meta.issueDate,
        effectiveDate: meta.effectiveDate,
        status,
        summary: text.slice(0, 2000) || null,
        gazetteIssue: page.gazette?.issue ?? null,
        gazetteDate: page.gazette?.date ?? null,
        url: o.url,
        replaces: meta.replaces,
        amends: meta.amends,
        amendedBy: [],
        replacedBy: meta.replacedBy,
      },
      1,
    );
    return { ...doc, docKey: docKeyForGazette({ number, name: title ?? meta.name }), meta: { ...doc.meta, replaces: meta.replaces, amends: meta.amends, replacedBy: meta.replacedBy, agency: o.agency } };
  }

  if (o.kind === 'qa' && title && text) {
    return qaDocument({ id: hashOf(o.url), question: title, answer: text, ...(o.agency ? { agency: o.agency } : {}), ...(page.issueDate ? { date: page.issueDate } : {}), sources: [], url: o.url }, 1, 'portal');
  }

  const kind = o.kind === 'news' ? 'news' : 'text';
  const body = text || title!;
  return {
    kind,
    docKey: `${kind}:${hashOf(o.url)}`,
    sourceId: o.url,
    line: 1,
    meta: { ...emptyMeta(title ?? body.slice(0, 120)), number, issueDate: page.issueDate, effectiveDate: page.effectiveDate, agency: o.agency, url: o.url },
    units: [
      {
        unitKey: 'body',
        kind,
        ordinal: 0,
        label: kind === 'news' ? 'Bài viết' : 'Văn bản',
        title,
        path: [],
        text: paragraphWindows(body, 100_000).join('\n'),
        structure: {},
        url: o.url,
      },
    ],
  };
}

const hashOf = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
