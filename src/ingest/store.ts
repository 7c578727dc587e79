// SQL for the knowledge store: documents, their source variants, units and chunks.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/index.ts';
import { toVectorLiteral, type Embedder } from '../embed/index.ts';
import { canonical } from '../text/normalize.ts';
import { chunksForUnit } from './chunk.ts';
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
export async function writeDocument(tx: Queryable, embedder: Embedder, op: WriteOp, known: KnownDocument | undefined): Promise<{ outcome: WriteOutcome; id: number; hash: string }> {
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
  await tx.query('DELETE FROM units WHERE document_id = $1', [id]);
  await insertUnits(tx, embedder, id, merged);
  return { outcome: known ? 'changed' : 'created', id, hash };
}

async function insertUnits(tx: Queryable, embedder: Embedder, documentId: number, doc: SourcePayload): Promise<void> {
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
  const cols = { unit: [] as number[], ord: [] as number[], loc: [] as (string | null)[], head: [] as string[], text: [] as string[], search: [] as string[] };
  for (const unit of u) {
    const chunks = chunksForUnit(doc.meta, unit);
    chunks.forEach((c, i) => {
      cols.unit.push(unitIds.get(unit.unitKey)!);
      cols.ord.push(i);
      cols.loc.push(c.locator);
      cols.head.push(c.heading);
      cols.text.push(c.text);
      cols.search.push(canonical(`${c.heading}\n${c.text}`));
    });
  }
  const vectors = await embedder.embedDocuments(cols.search);
  await tx.query(
    `INSERT INTO chunks (unit_id, document_id, ordinal, locator, heading, text, search_text, embedding)
     SELECT u, $1, o, l, h, t, s, e::vector
     FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS v(u, o, l, h, t, s, e)`,
    [documentId, cols.unit, cols.ord, cols.loc, cols.head, cols.text, cols.search, vectors.map(toVectorLiteral)],
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

const VECTOR_INDEX = 'chunks_embedding_hnsw';

/**
 * Filling an empty store is far faster with the HNSW index built once at the end than updated
 * row by row. The index definition is kept in `meta` while it is dropped, so a crash in between
 * is repaired by `ensureVectorIndex` on the next start.
 */
export async function dropVectorIndexForBulkLoad(db: Db): Promise<boolean> {
  const [idx] = await db.query<{ def: string }>('SELECT indexdef AS def FROM pg_indexes WHERE indexname = $1', [VECTOR_INDEX]);
  if (!idx) return false;
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO meta (key, value) VALUES ('pending_vector_index', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [idx.def]);
    await tx.exec(`DROP INDEX IF EXISTS ${VECTOR_INDEX}`);
  });
  return true;
}

export async function ensureVectorIndex(db: Db): Promise<boolean> {
  const [pending] = await db.query<{ value: string }>("SELECT value FROM meta WHERE key = 'pending_vector_index'");
  if (!pending) return false;
  const [exists] = await db.query('SELECT 1 FROM pg_indexes WHERE indexname = $1', [VECTOR_INDEX]);
  await db.transaction(async (tx) => {
    if (!exists) {
      await tx.exec("SET LOCAL maintenance_work_mem = '1GB'");
      await tx.exec(pending.value);
    }
    await tx.query("DELETE FROM meta WHERE key = 'pending_vector_index'");
  });
  return !exists;
}
