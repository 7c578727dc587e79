// One file pushed by an agency through the ingestion API, read by the same readers as
// `hoidap ingest` and written with the same per-document upsert (store.ts writeDocument).
// What differs from a local ingest, and why:
// - every document is stamped with the pushing agency (documents.agency), and an agency may write
//   only documents that are new or already its own: a pushed law, procedure or gazette entry whose
//   identity is already held by another agency, or by the national corpus loaded from files, is
//   refused for that item alone, so one agency cannot rewrite what another publishes;
// - Q&A and plain texts are named inside the agency (`qa:<agency>:<id>`, `text:<agency>/<file>`),
//   so two agencies' "cau-hoi-1" never collide; a Q&A record naming another agency is refused;
// - the source of every variant is `api:<agency>/<filename>`, so the same push twice finds its
//   own earlier variant and writes nothing (idempotent);
// - gazette entries become searchable documents but do not feed the law-name registry or the
//   gazette_entries table, which resolve every law's identity: that stays with the operator.
// Documents are written in short transactions of a few documents, and the in-memory index is only
// told of a write when something is written, so a push of unchanged data costs the search nothing.
import { announceIndexChange } from '../db/changes.ts';
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import { detectKind, kindFitsFile } from './detect.ts';
import type { IngestSummary } from './pipeline.ts';
import { gazetteDocument, readGazette } from './readers/gazette.ts';
import { readLaws } from './readers/laws.ts';
import { readProcedures } from './readers/procedures.ts';
import { readQa } from './readers/qa.ts';
import { readTextFile } from './readers/text.ts';
import type { DocumentRegistry } from './registry.ts';
import { loadKnownDocument, sha256, sourceKey, writeDocument, type WriteOp, type WriteOutcome } from './store.ts';
import type { DocumentInput, DocumentKind, IngestIssue, IngestKind, ReaderItem } from './types.ts';

export interface PushDeps {
  db: Db;
  embedder: Embedder;
  registry: DocumentRegistry;
}

export interface PushInput {
  agency: string;
  kind: IngestKind;
  /** The name the agency gave the file (already made safe); names Q&A-less texts and the source. */
  filename: string;
  /** Where the pushed bytes were written, ending in the filename. */
  path: string;
  bytes: number;
}

/** Documents per transaction: short, so answers waiting on the database are not held up behind a long push. */
const BATCH = 10;

/**
 * The embedded database runs in this thread and its queries resolve as microtasks, so a push that
 * never waits on a timer or socket would hold the event loop until it is done. Between
 * transactions the push steps aside for whatever else is waiting (a citizen's question).
 */
const stepAside = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const RANK: Record<WriteOutcome, number> = { unchanged: 0, changed: 1, created: 2 };

export const pushSource = (agency: string, filename: string) => `api:${agency}/${filename}`;

function readerFor(kind: DocumentKind, input: PushInput, registry: DocumentRegistry): AsyncGenerator<ReaderItem> {
  switch (kind) {
    case 'law':
      return readLaws(input.path, registry);
    case 'procedure':
      return readProcedures(input.path);
    case 'qa':
      // Records without an agency are named after the pushing one.
      return readQa(input.path, input.agency);
    case 'gazette':
      return readGazette(input.path);
    case 'news':
    case 'text':
      return readTextFile(input.path, kind);
  }
}

/** The document as the agency may write it, or why not. */
function stamp(doc: DocumentInput, agency: string): DocumentInput | { refused: string } {
  if (doc.kind === 'qa' && doc.meta.agency && doc.meta.agency !== agency) {
    return { refused: `this Q&A record names agency "${doc.meta.agency}"; a key of "${agency}" pushes only its own` };
  }
  const meta = { ...doc.meta, agency };
  if (doc.kind === 'qa') return { ...doc, meta, units: doc.units.map((u) => ({ ...u, structure: { ...u.structure, agency } })) };
  if (doc.kind === 'text' || doc.kind === 'news') return { ...doc, docKey: `${doc.kind}:${agency}/${doc.sourceId}`, meta };
  return { ...doc, meta };
}

export async function pushFile(deps: PushDeps, input: PushInput): Promise<IngestSummary> {
  const { db, embedder } = deps;
  const source = pushSource(input.agency, input.filename);
  const errors: IngestIssue[] = [];
  const report = (line: number, message: string) => errors.push({ file: input.filename, line, message });
  const outcomes = new Map<string, WriteOutcome>();
  const note = (docKey: string, o: WriteOutcome) => {
    const cur = outcomes.get(docKey);
    if (!cur || RANK[o] > RANK[cur]) outcomes.set(docKey, o);
  };
  const [run] = await db.query<{ id: number }>('INSERT INTO ingest_runs (paths) VALUES ($1) RETURNING id', [[source]]);

  let announced = false;
  let batch: DocumentInput[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const docs = batch;
    batch = [];
    const written = await db.transaction(async (tx) => {
      const owners = new Map(
        (await tx.query<{ doc_key: string; agency: string | null }>('SELECT doc_key, agency FROM documents WHERE doc_key = ANY($1::text[])', [docs.map((d) => d.docKey)])).map((r) => [r.doc_key, r.agency]),
      );
      const out: { docKey: string; outcome: WriteOutcome }[] = [];
      for (const input of docs) {
        if (owners.has(input.docKey) && owners.get(input.docKey) !== input.meta.agency) {
          report(input.line, `"${input.sourceId}" is the document ${input.docKey}, which another agency or the national corpus publishes; not changed`);
          continue;
        }
        const payload = { kind: input.kind, meta: input.meta, units: input.units };
        const op: WriteOp = { input, source, payload, payloadHash: sha256(JSON.stringify(payload)) };
        const known = await loadKnownDocument(tx, input.docKey);
        if (known?.sources.get(sourceKey(source, input.sourceId)) === op.payloadHash) {
          out.push({ docKey: input.docKey, outcome: 'unchanged' });
          continue;
        }
        if (!announced) {
          announced = true;
          announceIndexChange(db, 'writing');
        }
        out.push({ docKey: input.docKey, outcome: (await writeDocument(tx, embedder, op, known)).outcome });
      }
      return out;
    });
    for (const w of written) note(w.docKey, w.outcome);
    await stepAside();
  };

  try {
    let kind: DocumentKind | null = null;
    if (input.bytes === 0) report(0, 'empty file');
    else if (input.kind === 'auto') {
      const d = await detectKind(input.path);
      if ('error' in d) report(0, d.error.replace('pass --kind', 'pass kind'));
      else kind = d.kind;
    } else if (!kindFitsFile(input.kind, input.path)) report(0, `kind ${input.kind} cannot read this file type`);
    else kind = input.kind;

    if (kind) {
      const firstLine = new Map<string, number>();
      let records = 0;
      for await (const item of readerFor(kind, input, deps.registry)) {
        if ('issue' in item) {
          report(item.issue.line, item.issue.message);
          continue;
        }
        records++;
        const stamped = stamp('gazette' in item ? gazetteDocument(item.gazette, item.line) : item.doc, input.agency);
        if ('refused' in stamped) {
          report('gazette' in item ? item.line : item.doc.line, stamped.refused);
          continue;
        }
        const first = firstLine.get(stamped.docKey);
        if (first !== undefined) {
          report(stamped.line, `duplicate: "${stamped.sourceId}" is the same document as the record at line ${first}; skipped`);
          continue;
        }
        firstLine.set(stamped.docKey, stamped.line);
        batch.push(stamped);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      if (records === 0 && !errors.length) report(0, 'no records found');
    }
  } finally {
    if (announced) announceIndexChange(db, 'written');
  }

  const summary: IngestSummary = { created: 0, changed: 0, unchanged: 0, skipped: errors.length, errors };
  for (const o of outcomes.values()) summary[o]++;
  await db.query('UPDATE ingest_runs SET finished_at = now(), summary = $2 WHERE id = $1', [run!.id, JSON.stringify({ ...summary, errors: errors.length })]);
  return summary;
}
