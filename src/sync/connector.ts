// One sync pass over one portal source: find what it published (sitemap, feed, listing page, or one
// page), fetch only what may have changed (the sitemap's lastmod / the feed's updated date first,
// then ETag / Last-Modified, then the extracted document's hash), hand changed documents to the
// ingestion pipeline, and apply what they say about validity: a document that replaces or repeals
// another makes the other stop being cited at once. Every page's outcome is kept (sync_items) and
// every pass recorded (sync_runs). A failing page or source is reported, never thrown.
import { createHash } from 'node:crypto';
import type { Db } from '../db/types.ts';
import type { Embedder } from '../embed/types.ts';
import type { Logger } from '../http/errors.ts';
import { ingestDocuments } from '../ingest/pipeline.ts';
import type { DocumentRegistry } from '../ingest/registry.ts';
import type { DocumentKind } from '../ingest/types.ts';
import { docNumberKey, normalizeDocNumber } from '../text/legal.ts';
import { listingLinks, parseFeed, parseSitemap, type Discovered } from './discover.ts';
import { pageToDocument } from './documents.ts';
import { extractPage } from './extract.ts';
import type { FetchOutcome, PoliteFetcher } from './fetch.ts';

export interface SyncSource {
  id: string;
  type: 'sitemap' | 'feed' | 'listing' | 'page';
  url: string;
  kind: DocumentKind;
  agency: string | null;
  /** Listing pages: regular expressions a document link must match. */
  patterns: string[];
  everyMinutes: number;
  enabled: boolean;
}

export interface SyncError {
  url: string;
  code: string;
  message: string;
}

export interface PassSummary {
  source: string;
  fetched: number;
  created: number;
  changed: number;
  unchanged: number;
  failed: number;
  errors: SyncError[];
  durationMs: number;
}

export interface SyncDeps {
  db: Db;
  embedder: Embedder;
  fetcher: PoliteFetcher;
  registry: DocumentRegistry;
  now: () => Date;
  log: Logger;
}

/** Pages looked at per pass; the rest wait for the next one. */
export const MAX_PAGES_PER_PASS = 500;
const MAX_CHILD_SITEMAPS = 50;

interface Item {
  url: string;
  updated_hint: string | null;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  status: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export async function syncSource(source: SyncSource, deps: SyncDeps): Promise<PassSummary> {
  const started = deps.now();
  const t0 = Date.now();
  const s: PassSummary = { source: source.id, fetched: 0, created: 0, changed: 0, unchanged: 0, failed: 0, errors: [], durationMs: 0 };
  const fail = (url: string, code: string, message: string) => {
    s.failed++;
    s.errors.push({ url, code, message: message.slice(0, 500) });
  };

  const items = new Map(
    (await deps.db.query<Item>('SELECT url, updated_hint, etag, last_modified, content_hash, status FROM sync_items WHERE source_id = $1', [source.id])).map((i) => [i.url, i]),
  );

  async function get(url: string): Promise<FetchOutcome> {
    const known = items.get(url);
    const r = await deps.fetcher.get(url, { etag: known?.etag ?? null, lastModified: known?.last_modified ?? null });
    // Refused before any request (scheme, address, robots) is not a fetch.
    if (r.status !== 'error' || ['network', 'timeout', 'http_error', 'too_large'].includes(r.code)) s.fetched++;
    return r;
  }

  async function remember(url: string, fields: Partial<Omit<Item, 'url'>> & { doc_key?: string | null; error?: string | null }) {
    await deps.db.query(
      `INSERT INTO sync_items (source_id, url, updated_hint, etag, last_modified, content_hash, doc_key, status, error, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz)
       ON CONFLICT (source_id, url) DO UPDATE SET
         updated_hint = COALESCE(EXCLUDED.updated_hint, sync_items.updated_hint),
         etag = CASE WHEN EXCLUDED.status = 'ok' THEN COALESCE(EXCLUDED.etag, sync_items.etag) ELSE sync_items.etag END,
         last_modified = CASE WHEN EXCLUDED.status = 'ok' THEN COALESCE(EXCLUDED.last_modified, sync_items.last_modified) ELSE sync_items.last_modified END,
         content_hash = COALESCE(EXCLUDED.content_hash, sync_items.content_hash),
         doc_key = COALESCE(EXCLUDED.doc_key, sync_items.doc_key),
         status = EXCLUDED.status, error = EXCLUDED.error, fetched_at = EXCLUDED.fetched_at`,
      [
        source.id,
        url,
        fields.updated_hint ?? null,
        fields.etag ?? null,
        fields.last_modified ?? null,
        fields.content_hash ?? null,
        fields.doc_key ?? null,
        fields.status ?? 'ok',
        fields.error ?? null,
        deps.now().toISOString(),
      ],
    );
  }

  // 1. What the source lists.
  let pages: Discovered[];
  try {
    pages = await discover();
  } catch (e) {
    fail(source.url, 'discovery_failed', e instanceof Error ? e.message : String(e));
    pages = [];
  }

  async function discover(): Promise<Discovered[]> {
    if (source.type === 'page') return [{ url: source.url, updated: null, id: null, title: null }];
    const r = await deps.fetcher.get(source.url);
    s.fetched++;
    if (r.status === 'error') throw new Error(`${r.code}: ${r.message}`);
    if (r.status === 'not_modified') return [];
    if (source.type === 'feed') return parseFeed(r.body, r.finalUrl);
    if (source.type === 'listing') return listingLinks(r.body, r.finalUrl, source.patterns);
    const top = parseSitemap(r.body, r.finalUrl);
    const out = [...top.pages];
    for (const child of top.sitemaps.slice(0, MAX_CHILD_SITEMAPS)) {
      const c = await deps.fetcher.get(child);
      s.fetched++;
      if (c.status === 'ok') out.push(...parseSitemap(c.body, c.finalUrl).pages);
      else if (c.status === 'error') fail(child, c.code, c.message);
    }
    return out;
  }

  // 2. Each page: skip, fetch conditionally, extract, ingest, apply validity.
  const seen = new Set<string>();
  for (const d of pages.slice(0, MAX_PAGES_PER_PASS)) {
    if (seen.has(d.url)) continue;
    seen.add(d.url);
    const known = items.get(d.url);
    if (known?.status === 'ok' && d.updated && known.updated_hint === d.updated) {
      s.unchanged++;
      continue;
    }
    try {
      const r = await get(d.url);
      if (r.status === 'error') {
        fail(d.url, r.code, r.message);
        await remember(d.url, { status: 'failed', error: `${r.code}: ${r.message}`.slice(0, 500) });
        continue;
      }
      if (r.status === 'not_modified') {
        s.unchanged++;
        await remember(d.url, { updated_hint: d.updated, status: 'ok' });
        continue;
      }
      const page = extractPage(r.body, r.finalUrl);
      const doc = pageToDocument(page, { kind: source.kind, agency: source.agency, url: d.url, registry: deps.registry, now: deps.now() });
      if (!doc) {
        fail(d.url, 'empty_page', 'no text or title could be extracted');
        await remember(d.url, { status: 'failed', error: 'empty_page', etag: r.etag, last_modified: r.lastModified });
        continue;
      }
      const hash = sha(JSON.stringify({ kind: doc.kind, meta: doc.meta, units: doc.units }));
      if (known?.content_hash === hash) {
        s.unchanged++;
        await remember(d.url, { updated_hint: d.updated, etag: r.etag, last_modified: r.lastModified, content_hash: hash, status: 'ok' });
        continue;
      }
      const [written] = await ingestDocuments(deps, [{ input: doc, source: `sync:${source.id}` }]);
      if (written!.outcome === 'created') s.created++;
      else if (written!.outcome === 'changed') s.changed++;
      else s.unchanged++;
      await applyValidity(deps.db, doc.meta.number, doc.meta.replaces, page.repeals, written!.docKey);
      await remember(d.url, { updated_hint: d.updated, etag: r.etag, last_modified: r.lastModified, content_hash: hash, doc_key: doc.docKey, status: 'ok' });
    } catch (e) {
      fail(d.url, 'ingest_failed', e instanceof Error ? e.message : String(e));
      deps.log('warn', 'sync: page failed', { source: source.id, url: d.url, error: String(e) });
      await remember(d.url, { status: 'failed', error: String(e).slice(0, 500) }).catch(() => {});
    }
  }

  s.durationMs = Date.now() - t0;
  await deps.db.query(
    `INSERT INTO sync_runs (source_id, started_at, finished_at, fetched, created, changed, unchanged, failed, errors, duration_ms)
     VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10)`,
    [source.id, started.toISOString(), deps.now().toISOString(), s.fetched, s.created, s.changed, s.unchanged, s.failed, JSON.stringify(s.errors.slice(0, 100)), s.durationMs],
  );
  deps.log(s.failed ? 'warn' : 'info', 'sync pass', { source: source.id, fetched: s.fetched, created: s.created, changed: s.changed, unchanged: s.unchanged, failed: s.failed, ms: s.durationMs });
  return s;
}

/**
 * The documents a newer one replaces or repeals are no longer in force: their units stop being
 * cited (retrieval leaves repealed documents out), and those it replaces point to it.
 */
export async function applyValidity(db: Db, number: string | null, replaces: string[], repeals: string[], ownKey: string): Promise<number> {
  const keys = (list: string[]) =>
    [...new Set(list.map((n) => normalizeDocNumber(n) ?? n))].flatMap((n) => [`law:${docNumberKey(n)}`, `gazette:${docNumberKey(n)}`]).filter((k) => k !== ownKey);
  let changed = 0;
  const replacedKeys = keys(replaces);
  if (replacedKeys.length) {
    changed += (
      await db.query(`UPDATE documents SET status = 'repealed', replaced_by = $2, updated_at = now() WHERE doc_key = ANY($1::text[]) AND (status <> 'repealed' OR replaced_by IS DISTINCT FROM $2) RETURNING 1`, [
        replacedKeys,
        number,
      ])
    ).length;
  }
  const repealedKeys = keys(repeals).filter((k) => !replacedKeys.includes(k));
  if (repealedKeys.length) {
    changed += (await db.query(`UPDATE documents SET status = 'repealed', updated_at = now() WHERE doc_key = ANY($1::text[]) AND status <> 'repealed' RETURNING 1`, [repealedKeys])).length;
  }
  return changed;
}
