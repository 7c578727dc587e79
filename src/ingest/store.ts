// SQL for the knowledge store: documents, their source variants, units and chunks.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/index.ts';
import { toVectorLiteral, type Embedder } from '../embed/types.ts';
import { canonical } from '../text/normalize.ts';
import { chunksForUnit, documentLabel } from './chunk.ts';
import { termCounts } from '../text/terms.ts';
import type { DocumentInput, DocumentKind, DocumentMeta, GazetteEntry, UnitInput } from './types.ts';

export interface SourcePayload {
  kind: DocumentKind;
  meta: DocumentMeta;
  units: UnitInput[];
}

export interface KnownDocument {
  id: number;
  contentHash: string;
  sources: Map<string, string>; // "source\0sourceId" -> payload hash
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export const sourceKey = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;

/** Everything needed to decide, without further queries, whether an input is unchanged. */
export async function loadKnownDocuments(db: Queryable): Promise<Map<string, KnownDocument>> {
  const docs = new Map<string, KnownDocument>();
  const byId = new Map<number, KnownDocument>();
  for (const r of await db.query<{ id: number; doc_key: string; content_hash: string }>('SELECT id, doc_key, content_hash FROM documents')) {
    const d = { id: r.id, contentHash: r.content_hash, sources: new Map<string, string>() };
    docs.set(r.doc_key, d);
    byId.set(r.id, d);
  }
  for (const r of await db.query<{ document_id: number; source: string; source_id: string; content_hash: string }>(
    'SELECT document_id, source, source_id, content_hash FROM document_sources',
  )) {
    byId.get(r.document_id)?.sources.set(sourceKey(r.source, r.source_id), r.content_hash);
  }
  return docs;
}

/** The same as loadKnownDocuments, for one document. */
export async function loadKnownDocument(db: Queryable, docKey: string): Promise<KnownDocument | undefined> {
  const [d] = await db.query<{ id: number; content_hash: string }>('SELECT id, content_hash FROM documents WHERE doc_key = $1', [docKey]);
  if (!d) return undefined;
  const rows = await db.query<{ source: string; source_id: string; content_hash: string }>(
    'SELECT source, source_id, content_hash FROM document_sources WHERE document_id = $1',
    [d.id],
  );
  return { id: d.id, contentHash: d.content_hash, sources: new Map(rows.map((r) => [sourceKey(r.source, r.source_id), r.content_hash])) };
}

/**
 * The current content of a document from all its source variants. Per unit, the fullest text
 * wins (ties broken by the text itself), so the result does not depend on ingestion order and
 * two files that differ only in tone marks or punctuation give one stable document.
 */
export function mergeVariants(variants: { source: string; sourceId: string; payload: SourcePayload }[]): SourcePayload {
  const sorted = [...variants].sort((a, b) => (a.source + a.sourceId < b.source + b.sourceId ? -1 : a.source + a.sourceId > b.source + b.sourceId ? 1 : 0));
  const first = sorted[0]!.payload;
  const meta: DocumentMeta = { ...first.meta };
  for (const v of sorted.slice(1)) {
    for (const [k, val] of Object.entries(v.payload.meta) as [keyof DocumentMeta, unknown][]) {
      if ((meta[k] === null || (Array.isArray(meta[k]) && !(meta[k] as unknown[]).length)) && val != null) (meta as unknown as Record<string, unknown>)[k] = val;
    }
  }
  const best = new Map<string, { unit: UnitInput; key: string }>();
  for (const v of sorted) {
    for (const unit of v.payload.units) {
      const key = canonical(unit.text);
      const cur = best.get(unit.unitKey);
      if (!cur || key.length > cur.key.length || (key.length === cur.key.length && key < cur.key)) best.set(unit.unitKey, { unit, key });
    }
  }
  const units = [...best.values()].map((b) => b.unit).sort((a, b) => a.ordinal - b.ordinal || (a.unitKey < b.unitKey ? -1 : 1));
  return { kind: first.kind, meta, units };
}

const validDate = (d: string | null): string | null => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)) ? d : null);

export type WriteOutcome = 'created' | 'changed' | 'unchanged';

export interface WriteOp {
  input: DocumentInput;
  source: string;
  payload: SourcePayload;
  payloadHash: string;
}

/**
 * Records one source's view of a document and, if the merged content changed, replaces the
 * document's units and chunks as a new version. Runs inside the caller's transaction.
 */
export async function writeDocument(
  tx: Queryable,
  embedder: Embedder,
  op: WriteOp,
  known: KnownDocument | undefined,
  opts: { maintainDf: boolean } = { maintainDf: true },
): Promise<{ outcome: WriteOutcome; id: number; hash: string }> {
  const { input, source, payload, payloadHash } = op;
  let id = known?.id;
  if (id === undefined) {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO documents (doc_key, kind, name, source, content_hash, version) VALUES ($1, $2, $3, $4, '', 0) RETURNING id`,
      [input.docKey, input.kind, input.meta.name, source],
    );
    id = row!.id;
  }
  await tx.query(
    `INSERT INTO document_sources (document_id, source, source_id, content_hash, payload) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (document_id, source, source_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, payload = EXCLUDED.payload, updated_at = now()`,
    [id, source, input.sourceId, payloadHash, JSON.stringify(payload)],
  );

  let merged = payload;
  const others = known ? [...known.sources.keys()].filter((k) => k !== sourceKey(source, input.sourceId)) : [];
  if (others.length) {
    const rows = await tx.query<{ source: string; source_id: string; payload: SourcePayload }>(
      'SELECT source, source_id, payload FROM document_sources WHERE document_id = $1',
      [id],
    );
    merged = mergeVariants(rows.map((r) => ({ source: r.source, sourceId: r.source_id, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload })));
  }
  const hash = sha256(JSON.stringify(merged));
  if (known && known.contentHash === hash) return { outcome: 'unchanged', id, hash };

  const m = merged.meta;
  const [ver] = await tx.query<{ version: number }>(
    `UPDATE documents SET kind = $2, number = $3, name = $4, aliases = $5, doc_type = $6, issuer = $7, signer = $8,
       issue_date = $9, effective_date = $10, status = $11, amends = $12, replaces = $13, replaced_by = $14,
       agency = $15, url = $16, source = $17, content_hash = $18, meta = $19, version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING version`,
    [id, merged.kind, m.number, m.name, m.aliases, m.docType, m.issuer, m.signer, validDate(m.issueDate), validDate(m.effectiveDate), m.status, m.amends, m.replaces, m.replacedBy, m.agency, m.url, source, hash, JSON.stringify(m.extra)],
  );
  await tx.query('INSERT INTO document_versions (document_id, version, content_hash, source) VALUES ($1, $2, $3, $4)', [id, ver!.version, hash, source]);
  if (opts.maintainDf) await tx.query(
    `UPDATE bm25_terms t SET df = t.df - x.n
     FROM (SELECT term, count(*)::int AS n FROM bm25_postings WHERE unit_id IN (SELECT id FROM units WHERE document_id = $1) GROUP BY term) x
     WHERE t.term = x.term`,
    [id],
  );
  await tx.query('DELETE FROM bm25_postings WHERE unit_id IN (SELECT id FROM units WHERE document_id = $1)', [id]);
  await tx.query('DELETE FROM units WHERE document_id = $1', [id]);
  await insertUnits(tx, embedder, id, merged, opts.maintainDf);
  return { outcome: known ? 'changed' : 'created', id, hash };
}

async function insertUnits(tx: Queryable, embedder: Embedder, documentId: number, doc: SourcePayload, maintainDf: boolean): Promise<void> {
  if (!doc.units.length) return;
  const u = doc.units;
  const rows = await tx.query<{ id: number; unit_key: string }>(
    `INSERT INTO units (document_id, unit_key, kind, ordinal, label, title, path, text, structure, url)
     SELECT $1, k, kd, o, l, t, ARRAY(SELECT jsonb_array_elements_text(p)), x, s, url
     FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::jsonb[], $10::text[])
       AS v(k, kd, o, l, t, p, x, s, url)
     RETURNING id, unit_key`,
    [
      documentId,
      u.map((x) => x.unitKey),
      u.map((x) => x.kind),
      u.map((x) => x.ordinal),
      u.map((x) => x.label),
      u.map((x) => x.title),
      u.map((x) => JSON.stringify(x.path)),
      u.map((x) => x.text),
      u.map((x) => JSON.stringify(x.structure)),
      u.map((x) => x.url),
    ],
  );
  const unitIds = new Map(rows.map((r) => [r.unit_key, r.id]));
  const cols = { kind: [] as string[], unit: [] as number[], ord: [] as number[], loc: [] as (string | null)[], head: [] as string[], text: [] as string[], search: [] as string[] };
  for (const unit of u) {
    const chunks = chunksForUnit(doc.meta, unit);
    chunks.forEach((c, i) => {
      cols.unit.push(unitIds.get(unit.unitKey)!);
      cols.kind.push(unit.kind);
      cols.ord.push(i);
      cols.loc.push(c.locator);
      cols.head.push(c.heading);
      cols.text.push(c.text);
      cols.search.push(canonical(`${c.heading}\n${c.text}`));
    });
  }
  await insertPostings(tx, doc, unitIds, maintainDf);
  const vectors = await embedder.embedDocuments(cols.search);
  await tx.query(
    `INSERT INTO chunks (unit_id, document_id, kind, ordinal, locator, heading, text, search_text, embedding)
     SELECT u, $1, k, o, l, h, t, s, e::vector
     FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS v(u, k, o, l, h, t, s, e)`,
    [documentId, cols.unit, cols.kind, cols.ord, cols.loc, cols.head, cols.text, cols.search, vectors.map(toVectorLiteral)],
  );
}

/** The text BM25 ranks a unit by: its own text plus the names a citizen would search it by. */
export function lexicalText(meta: DocumentMeta, unit: UnitInput): string {
  // An article is searched by its law's name and aliases too ("luật cư trú", "BLDS").
  if (unit.kind === 'law_article') return `${documentLabel(meta)} ${meta.aliases.join(' ')}\n${unit.label}. ${unit.text}`;
  return `${unit.title ?? ''}\n${unit.text}`;
}

export const TITLE_PREFIX = 't:';

/** Titles a citizen quotes: procedure names and Q&A questions (article titles are short headings inside the body already). */
function unitTitle(unit: UnitInput): string | null {
  return unit.kind === 'procedure' || unit.kind === 'qa' ? unit.title : null;
}

async function insertPostings(tx: Queryable, doc: SourcePayload, unitIds: Map<string, number>, maintainDf: boolean): Promise<void> {
  const terms: string[] = [];
  const ids: number[] = [];
  const tfs: number[] = [];
  const docIds: number[] = [];
  const lens: number[] = [];
  for (const unit of doc.units) {
    const id = unitIds.get(unit.unitKey)!;
    const { counts, length } = termCounts(lexicalText(doc.meta, unit));
    docIds.push(id);
    lens.push(length);
    for (const [term, tf] of counts) {
      terms.push(term);
      ids.push(id);
      tfs.push(Math.min(tf, 32767));
    }
    // The title is also a field of its own ("t:" terms): a question that restates an article's
    // title or a procedure's name should rank it first.
    const title = unitTitle(unit);
    if (title) {
      for (const [term, tf] of termCounts(title).counts) {
        terms.push(`${TITLE_PREFIX}${term}`);
        ids.push(id);
        tfs.push(Math.min(tf, 32767));
      }
    }
  }
  await tx.query('INSERT INTO bm25_docs (unit_id, len) SELECT * FROM unnest($1::int[], $2::int[])', [docIds, lens]);
  await tx.query('INSERT INTO bm25_postings (term, unit_id, tf) SELECT * FROM unnest($1::text[], $2::int[], $3::smallint[])', [terms, ids, tfs]);
  if (maintainDf) await tx.query(
    `INSERT INTO bm25_terms (term, df) SELECT term, count(*) FROM unnest($1::text[]) AS t(term) GROUP BY term
     ON CONFLICT (term) DO UPDATE SET df = bm25_terms.df + EXCLUDED.df`,
    [terms],
  );
}

export async function upsertGazetteEntry(tx: Queryable, e: GazetteEntry, entryKey: string, source: string): Promise<boolean> {
  const hash = sha256(JSON.stringify(e));
  const [cur] = await tx.query<{ content_hash: string }>('SELECT content_hash FROM gazette_entries WHERE entry_key = $1', [entryKey]);
  if (cur?.content_hash === hash) return false;
  await tx.query(
    `INSERT INTO gazette_entries (entry_key, number, doc_type, name, aliases, issuer, signer, signer_title, issue_date, gazette_issue,
       gazette_date, summary, effective_date, status, url, replaces, amends, amended_by, replaced_by, source, content_hash)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
     ON CONFLICT (entry_key) DO UPDATE SET number = EXCLUDED.number, doc_type = EXCLUDED.doc_type, name = EXCLUDED.name,
       aliases = EXCLUDED.aliases, issuer = EXCLUDED.issuer, signer = EXCLUDED.signer, signer_title = EXCLUDED.signer_title,
       issue_date = EXCLUDED.issue_date, gazette_issue = EXCLUDED.gazette_issue, gazette_date = EXCLUDED.gazette_date,
       summary = EXCLUDED.summary, effective_date = EXCLUDED.effective_date, status = EXCLUDED.status, url = EXCLUDED.url,
       replaces = EXCLUDED.replaces, amends = EXCLUDED.amends, amended_by = EXCLUDED.amended_by, replaced_by = EXCLUDED.replaced_by,
       source = EXCLUDED.source, content_hash = EXCLUDED.content_hash, updated_at = now()`,
    [entryKey, e.number, e.type, e.name, e.aliases, e.issuer, e.signer, e.signerTitle, validDate(e.issueDate), e.gazetteIssue, validDate(e.gazetteDate), e.summary, validDate(e.effectiveDate), e.status, e.url, e.replaces, e.amends, e.amendedBy, e.replacedBy, source, hash],
  );
  return true;
}

// --- bulk loading -------------------------------------------------------------------------

/** Indexes that are faster to build once after a bulk load than to update row by row. */
const DEFERRABLE_INDEXES = ['chunks_embedding_hnsw', 'bm25_postings_term', 'bm25_postings_unit'];

/**
 * Filling an empty store is far faster with these indexes built once at the end. Their
 * definitions are kept in `meta` while they are dropped, so a crash in between is repaired
 * by `ensureIndexes` on the next run.
 */
export async function dropIndexesForBulkLoad(db: Db): Promise<boolean> {
  const defs = await db.query<{ name: string; def: string }>('SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE indexname = ANY($1)', [DEFERRABLE_INDEXES]);
  if (!defs.length) return false;
  await db.transaction(async (tx) => {
    const [prev] = await tx.query<{ value: string }>("SELECT value FROM meta WHERE key = 'pending_indexes'");
    const pending = { ...(prev ? (JSON.parse(prev.value) as Record<string, string>) : {}), ...Object.fromEntries(defs.map((d) => [d.name, d.def])) };
    await tx.query(`INSERT INTO meta (key, value) VALUES ('pending_indexes', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(pending)]);
    for (const d of defs) await tx.exec(`DROP INDEX IF EXISTS ${d.name}`);
  });
  return true;
}

/** Recreates indexes left dropped by a bulk load (finished or interrupted). */
export async function ensureIndexes(db: Db): Promise<string[]> {
  const [pending] = await db.query<{ value: string }>("SELECT value FROM meta WHERE key = 'pending_indexes'");
  if (!pending) return [];
  const defs = JSON.parse(pending.value) as Record<string, string>;
  const existing = new Set((await db.query<{ name: string }>('SELECT indexname AS name FROM pg_indexes WHERE indexname = ANY($1)', [Object.keys(defs)])).map((r) => r.name));
  const built: string[] = [];
  // Document frequencies were not maintained during the bulk load: count them once.
  await db.transaction(async (tx) => {
    await tx.exec('DELETE FROM bm25_terms');
    await tx.exec('INSERT INTO bm25_terms (term, df) SELECT term, count(*) FROM bm25_postings GROUP BY term');
  });
  for (const [name, def] of Object.entries(defs)) {
    if (existing.has(name)) continue;
    await db.transaction(async (tx) => {
      await tx.exec("SET LOCAL maintenance_work_mem = '1GB'");
      await tx.exec(def);
    });
    built.push(name);
  }
  await db.query("DELETE FROM meta WHERE key = 'pending_indexes'");
  return built;
}
