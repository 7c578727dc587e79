// Ingestion: files → readers → documents → one transaction per batch of whole documents.
// A process killed at any point leaves only whole documents behind; a re-run finishes the job
// (unchanged inputs are recognised by their hash and cost no writes).
import { announceIndexChange } from '../db/changes.ts';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import { detectKind, kindFitsFile } from './detect.ts';
import { readGazette, gazetteDocument } from './readers/gazette.ts';
import { docKeyForGazette } from './readers/common.ts';
import { readLaws } from './readers/laws.ts';
import { readProcedures } from './readers/procedures.ts';
import { readQa } from './readers/qa.ts';
import { readTextFile } from './readers/text.ts';
import type { DocumentRegistry } from './registry.ts';
import {
  dropIndexesForBulkLoad,
  ensureIndexes,
  loadKnownDocuments,
  sha256,
  sourceKey,
  upsertGazetteEntry,
  writeDocument,
  loadKnownDocument,
  type KnownDocument,
  type WriteOp,
  type WriteOutcome,
} from './store.ts';
import type { DocumentInput, DocumentKind, GazetteEntry, IngestIssue, IngestKind, ReaderItem } from './types.ts';

export interface IngestSummary {
  created: number;
  changed: number;
  unchanged: number;
  skipped: number;
  errors: IngestIssue[];
}

export interface IngestProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
  documents: number;
}

export interface IngestDeps {
  db: Db;
  embedder: Embedder;
  registry: DocumentRegistry;
}

export interface IngestOptions {
  kind?: IngestKind;
  onProgress?: (p: IngestProgress) => void;
  /** Documents per transaction. */
  batchSize?: number;
  /** Called after each committed batch (tests use it to stop a run part-way). */
  onBatchCommitted?: (documentsSoFar: number) => void;
}

interface FileEntry {
  path: string;
  size: number;
}

/** Expands folders (recursively, sorted, hidden entries ignored) into files. */
async function listFiles(paths: string[], errors: IngestIssue[]): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const seen = new Set<string>();
  async function walk(p: string, display: string): Promise<void> {
    let st;
    try {
      st = await stat(p);
    } catch {
      errors.push({ file: display, line: 0, message: 'no such file or directory' });
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
      for (const n of names) await walk(join(p, n), join(display, n));
    } else if (st.isFile()) {
      const real = await realpath(p);
      if (seen.has(real)) return;
      seen.add(real);
      out.push({ path: real, size: st.size });
    }
  }
  for (const p of paths) await walk(resolve(p), p);
  return out;
}

function reader(kind: DocumentKind, file: string, registry: DocumentRegistry, onBytes: (n: number) => void): AsyncGenerator<ReaderItem> {
  switch (kind) {
    case 'law':
      return readLaws(file, registry, onBytes);
    case 'procedure':
      return readProcedures(file, onBytes);
    case 'qa':
      return readQa(file, sha256(file).slice(0, 8), onBytes);
    case 'gazette':
      return readGazette(file, onBytes);
    case 'news':
    case 'text':
      return readTextFile(file, kind, onBytes);
  }
}

const RANK: Record<WriteOutcome, number> = { unchanged: 0, changed: 1, created: 2 };

/**
 * Writes documents made in the service itself (an approved Q&A answer) in one transaction, and lets
 * the in-memory index know, so they are searchable as soon as this returns.
 */
export async function ingestDocuments(
  deps: Pick<IngestDeps, 'db' | 'embedder'>,
  docs: { input: DocumentInput; source: string }[],
): Promise<{ docKey: string; id: number; outcome: WriteOutcome }[]> {
  announceIndexChange(deps.db, 'writing');
  try {
    return await deps.db.transaction(async (tx) => {
      const out: { docKey: string; id: number; outcome: WriteOutcome }[] = [];
      for (const { input, source } of docs) {
        const payload = { kind: input.kind, meta: input.meta, units: input.units };
        const op = { input, source, payload, payloadHash: sha256(JSON.stringify(payload)) };
        const r = await writeDocument(tx, deps.embedder, op, await loadKnownDocument(tx, input.docKey));
        out.push({ docKey: input.docKey, id: r.id, outcome: r.outcome });
      }
      return out;
    });
  } finally {
    announceIndexChange(deps.db, 'written');
  }
}

export async function ingestPaths(deps: IngestDeps, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  announceIndexChange(deps.db, 'writing');
  try {
    return await ingestAll(deps, paths, opts);
  } finally {
    announceIndexChange(deps.db, 'written');
  }
}

async function ingestAll(deps: IngestDeps, paths: string[], opts: IngestOptions): Promise<IngestSummary> {
  const { db, embedder, registry } = deps;
  const errors: IngestIssue[] = [];
  let skipped = 0;
  const files = await listFiles(paths, errors);
  skipped += errors.length;
  const bytesTotal = files.reduce((s, f) => s + f.size, 0);
  let bytesDone = 0;
  let documents = 0;
  const outcomes = new Map<string, WriteOutcome>();
  const note = (docKey: string, o: WriteOutcome) => {
    const cur = outcomes.get(docKey);
    if (!cur || RANK[o] > RANK[cur]) outcomes.set(docKey, o);
  };

  const [run] = await db.query<{ id: number }>('INSERT INTO ingest_runs (paths) VALUES ($1) RETURNING id', [paths]);
  const known = await loadKnownDocuments(db);
  await ensureIndexes(db);
  const [{ n: chunkCount } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks');
  const bulk = chunkCount < 2000 && bytesTotal > 2_000_000 && (await dropIndexesForBulkLoad(db));

  const batchSize = opts.batchSize ?? 50;
  let batch: WriteOp[] = [];
  let gazetteBatch: { entry: GazetteEntry; source: string }[] = [];

  const flush = async () => {
    if (!batch.length && !gazetteBatch.length) return;
    const ops = batch;
    const gz = gazetteBatch;
    batch = [];
    gazetteBatch = [];
    const results = await db.transaction(async (tx) => {
      for (const g of gz) await upsertGazetteEntry(tx, g.entry, docKeyForGazette(g.entry), g.source);
      const res: { op: WriteOp; id: number; hash: string; outcome: WriteOutcome }[] = [];
      for (const op of ops) res.push({ op, ...(await writeDocument(tx, embedder, op, known.get(op.input.docKey), { maintainDf: !bulk })) });
      return res;
    });
    // Only after commit does the in-memory view move on, so a failed batch is retried as new.
    for (const r of results) {
      const k: KnownDocument = known.get(r.op.input.docKey) ?? { id: r.id, contentHash: r.hash, sources: new Map() };
      k.contentHash = r.hash;
      k.sources.set(sourceKey(r.op.source, r.op.input.sourceId), r.op.payloadHash);
      known.set(r.op.input.docKey, k);
      note(r.op.input.docKey, r.outcome);
    }
    documents += results.length;
    opts.onBatchCommitted?.(documents);
  };

  const queue = async (input: DocumentInput, source: string) => {
    const payload = { kind: input.kind, meta: input.meta, units: input.units };
    const payloadHash = sha256(JSON.stringify(payload));
    const k = known.get(input.docKey);
    if (k && k.sources.get(sourceKey(source, input.sourceId)) === payloadHash) {
      note(input.docKey, 'unchanged');
      return;
    }
    // The same document twice in one batch: write the first before reading it back.
    if (batch.some((op) => op.input.docKey === input.docKey)) await flush();
    batch.push({ input, source, payload, payloadHash });
    if (batch.length >= batchSize) await flush();
  };

  try {
    for (const f of files) {
      const display = relative(process.cwd(), f.path) || f.path;
      const report = (line: number, message: string) => {
        errors.push({ file: display, line, message });
        skipped++;
      };
      let fileBytes = 0;
      const onBytes = (n: number) => {
        fileBytes += n;
        bytesDone += n;
        opts.onProgress?.({ file: display, bytesDone, bytesTotal, documents });
      };
      if (f.size === 0) {
        report(0, 'empty file');
        continue;
      }
      let kind: DocumentKind;
      if (!opts.kind || opts.kind === 'auto') {
        const d = await detectKind(f.path);
        if ('error' in d) {
          report(0, d.error);
          bytesDone += f.size;
          continue;
        }
        kind = d.kind;
      } else if (!kindFitsFile(opts.kind, f.path)) {
        report(0, `--kind ${opts.kind} cannot read this file type`);
        bytesDone += f.size;
        continue;
      } else kind = opts.kind;

      const docKeysInFile = new Map<string, number>();
      let records = 0;
      for await (const item of reader(kind, f.path, registry, onBytes)) {
        if ('issue' in item) {
          report(item.issue.line, item.issue.message);
          continue;
        }
        records++;
        let doc: DocumentInput;
        if ('gazette' in item) {
          registry.add(item.gazette);
          gazetteBatch.push({ entry: item.gazette, source: f.path });
          doc = gazetteDocument(item.gazette, item.line);
        } else doc = item.doc;
        const first = docKeysInFile.get(doc.docKey);
        if (first !== undefined) {
          report(doc.line, `duplicate: "${doc.sourceId}" is the same document as the record at line ${first}; skipped`);
          continue;
        }
        docKeysInFile.set(doc.docKey, doc.line);
        await queue(doc, f.path);
      }
      await flush();
      bytesDone += f.size - fileBytes;
      if (records === 0 && !errors.some((e) => e.file === display)) report(0, 'no records found');
      opts.onProgress?.({ file: display, bytesDone, bytesTotal, documents });
    }
    await flush();
  } finally {
    if (bulk) await ensureIndexes(db);
  }

  const summary: IngestSummary = { created: 0, changed: 0, unchanged: 0, skipped, errors };
  for (const o of outcomes.values()) summary[o]++;
  // The query planner needs fresh statistics to use the postings index (PGlite has no autovacuum).
  if (summary.created + summary.changed > 0) await db.exec('ANALYZE');
  await db.query('UPDATE ingest_runs SET finished_at = now(), summary = $2 WHERE id = $1', [run!.id, JSON.stringify({ ...summary, errors: errors.length })]);
  return summary;
}
