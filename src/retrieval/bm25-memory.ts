// The same BM25 as bm25.ts, scored in memory from a copy of the postings. The embedded database
// runs one statement at a time, so under concurrent questions every SQL scoring waits for the
// others (about 25 ms each on the full corpus); in memory the same scoring takes about a
// millisecond. The copy is read in one bulk COPY (a few seconds for 2.7 million postings, ~25 MB).
// Ingestion in this process (the only writer of an embedded database) makes the copy step aside at
// once and reload when it is done; a fingerprint checked every few seconds catches anything else.
// Whenever the copy is not current, the SQL path answers.
import { onIndexChange } from '../db/changes.ts';
import type { Db } from '../db/index.ts';
import type { UnitKind } from '../ingest/types.ts';
import { TITLE_PREFIX } from '../ingest/store.ts';
import { DEFAULT_BM25, scoredTerms, withTitleTerms, type Bm25Params, type RankFilters, type ScoredUnit } from './bm25.ts';
import type { QueryTerm } from './query.ts';

interface Snapshot {
  fingerprint: string;
  n: number;
  avgdl: number;
  df: Map<string, number>;
  /** term → [start, end) into unitIdx / tf. */
  range: Map<string, [number, number]>;
  unitIdx: Int32Array;
  tf: Int32Array;
  unitId: Int32Array;
  documentId: Int32Array;
  len: Float64Array;
  kind: UnitKind[];
  repealed: Uint8Array;
}

const FINGERPRINT = `SELECT (SELECT count(*) FROM bm25_docs)::text || ':' || (SELECT coalesce(max(unit_id), 0) FROM bm25_docs)::text || ':' ||
  (SELECT coalesce(sum(len), 0) FROM bm25_docs)::text || ':' || (SELECT count(*) FROM bm25_terms)::text || ':' ||
  (SELECT count(*) FROM documents WHERE status = 'repealed')::text AS f`;

async function fingerprint(db: Db): Promise<string> {
  return (await db.query<{ f: string }>(FINGERPRINT))[0]!.f;
}

function* tsvLines(text: string): Generator<string[]> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) yield text.slice(start, end).split('\t');
    start = end + 1;
  }
}

async function load(db: Db & { copyOut: NonNullable<Db['copyOut']> }): Promise<Snapshot> {
  const fp = await fingerprint(db);
  const docs = await db.query<{ unit_id: number; len: number; document_id: number; kind: UnitKind; repealed: boolean }>(
    `SELECT b.unit_id, b.len, u.document_id, u.kind, (d.status = 'repealed') AS repealed
     FROM bm25_docs b JOIN units u ON u.id = b.unit_id JOIN documents d ON d.id = u.document_id ORDER BY b.unit_id`,
  );
  const byUnit = new Map<number, number>();
  const unitId = new Int32Array(docs.length);
  const documentId = new Int32Array(docs.length);
  const len = new Float64Array(docs.length);
  const repealed = new Uint8Array(docs.length);
  const kind: UnitKind[] = [];
  let total = 0;
  docs.forEach((d, i) => {
    byUnit.set(d.unit_id, i);
    unitId[i] = d.unit_id;
    documentId[i] = d.document_id;
    len[i] = Number(d.len);
    repealed[i] = d.repealed ? 1 : 0;
    kind.push(d.kind);
    total += Number(d.len);
  });
  const df = new Map<string, number>();
  for (const [term, n] of tsvLines(await db.copyOut('SELECT term, df FROM bm25_terms WHERE df > 0'))) df.set(term!, Number(n));
  const text = await db.copyOut('SELECT term, unit_id, tf FROM bm25_postings ORDER BY term, unit_id');
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  const unitIdx = new Int32Array(rows);
  const tf = new Int32Array(rows);
  const range = new Map<string, [number, number]>();
  let k = 0;
  let current = '';
  let from = 0;
  for (const [term, unit, f] of tsvLines(text)) {
    const idx = byUnit.get(Number(unit));
    if (idx === undefined) continue; // a posting of a unit being replaced right now
    if (term !== current) {
      if (k > from) range.set(current, [from, k]);
      current = term!;
      from = k;
    }
    unitIdx[k] = idx;
    tf[k] = Number(f);
    k++;
  }
  if (k > from) range.set(current, [from, k]);
  return { fingerprint: fp, n: docs.length, avgdl: Math.max(docs.length ? total / docs.length : 1, 1), df, range, unitIdx, tf, unitId, documentId, len, kind, repealed };
}

/** Scores like bm25Search, on a snapshot. */
export function scoreSnapshot(s: Snapshot, terms: QueryTerm[], limit: number, filters: RankFilters = {}, p: Bm25Params = DEFAULT_BM25): ScoredUnit[] {
  if (!terms.length || !s.n) return [];
  terms = withTitleTerms(terms, p);
  const dfs = [...new Set(terms.map((t) => t.term))].flatMap((term) => (s.df.has(term) ? [{ term, df: s.df.get(term)! }] : []));
  const n = s.n;
  const kept = scoredTerms(terms, dfs, n, p);
  const scores = new Float64Array(n);
  const touched: number[] = [];
  for (const d of kept) {
    const r = s.range.get(d.term);
    if (!r) continue;
    const wi = d.wi;
    const title = d.term.startsWith(TITLE_PREFIX);
    for (let j = r[0]; j < r[1]; j++) {
      const u = s.unitIdx[j]!;
      const f = s.tf[j]!;
      const norm = title ? 1 : 1 - p.b + (p.b * s.len[u]!) / s.avgdl;
      if (scores[u] === 0) touched.push(u);
      scores[u]! += (wi * f * (p.k1 + 1)) / (f + p.k1 * norm);
    }
  }
  let ranked = touched.filter((u) => scores[u]! > 0).sort((a, b) => scores[b]! - scores[a]! || s.unitId[a]! - s.unitId[b]!);
  if (!filters.kinds?.length) ranked = ranked.slice(0, limit * 4);
  const out: ScoredUnit[] = [];
  for (const u of ranked) {
    if (filters.kinds?.length && !filters.kinds.includes(s.kind[u]!)) continue;
    if (!filters.includeRepealed && s.repealed[u]) continue;
    out.push({ unitId: s.unitId[u]!, documentId: s.documentId[u]!, score: scores[u]! });
    if (out.length >= limit) break;
  }
  return out;
}

export interface MemoryBm25 {
  /** Scores in memory when the copy is current, else null (the caller uses SQL). */
  search(terms: QueryTerm[], limit: number, filters?: RankFilters, p?: Bm25Params): ScoredUnit[] | null;
  /** Collection size and document frequencies from the copy, or null when it is not current. */
  termStats(terms: string[]): { n: number; df: Map<string, number> } | null;
  /** Resolves when a copy of the index as it is now is loaded (or failed). */
  ready(): Promise<void>;
  close(): void;
}

/**
 * An in-memory copy of the embedded database's BM25 index. Every `checkMs` it compares a cheap
 * fingerprint of the index; when the index changed and then stayed the same for one more check
 * (an ingestion finished), it loads a new copy in the background. Until then SQL answers.
 */
export function createMemoryBm25(db: Db, opts: { checkMs?: number; log?: (msg: string, fields?: Record<string, unknown>) => void } = {}): MemoryBm25 | null {
  if (!db.copyOut) return null;
  const copyDb = db as Db & { copyOut: NonNullable<Db['copyOut']> };
  const checkMs = opts.checkMs ?? 2000;
  let snapshot: Snapshot | null = null;
  let current = '';
  let seen = '';
  let loading: Promise<void> | null = null;
  let closed = false;

  const refresh = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      const s = await load(copyDb);
      if (closed) return;
      snapshot = s;
      opts.log?.('bm25 index loaded in memory', { units: s.n, terms: s.range.size, postings: s.unitIdx.length, ms: Math.round(performance.now() - t0) });
    } catch (e) {
      if (!closed) opts.log?.('bm25 index copy failed; scoring in SQL', { error: String(e) });
    }
  };
  // Writes in this process: step aside at once, reload as soon as they are done.
  let writing = 0;
  let pending: Promise<void> = Promise.resolve();
  const unsubscribe = onIndexChange(db, (change) => {
    if (change === 'writing') {
      writing++;
      snapshot = null;
      return;
    }
    writing = Math.max(0, writing - 1);
    if (writing || closed) return;
    const reload = async () => {
      if (loading) await loading;
      current = seen = await fingerprint(db);
      loading = refresh().finally(() => (loading = null));
      await loading;
    };
    pending = reload().catch(() => {});
  });
  const first = (async () => {
    try {
      current = seen = await fingerprint(db);
    } catch {
      return;
    }
    loading = refresh().finally(() => (loading = null));
    await loading;
  })();
  const timer = setInterval(() => {
    if (closed || loading || writing) return;
    void fingerprint(db)
      .then((fp) => {
        if (fp === current) return;
        // Changed: wait until it holds still for one check (an ingestion in progress keeps changing it).
        if (fp !== seen) {
          seen = fp;
          snapshot = null;
          return;
        }
        current = fp;
        loading = refresh().finally(() => (loading = null));
      })
      .catch(() => {});
  }, checkMs);
  timer.unref();

  return {
    search(terms, limit, filters, p) {
      const s = snapshot;
      if (!s || writing || s.fingerprint !== current) return null;
      return scoreSnapshot(s, terms, limit, filters, p);
    },
    termStats(terms) {
      const s = snapshot;
      if (!s || writing || s.fingerprint !== current) return null;
      return { n: s.n, df: new Map(terms.flatMap((t) => (s.df.has(t) ? [[t, s.df.get(t)!] as [string, number]] : []))) };
    },
    ready: async () => {
      await first;
      await pending;
    },
    close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
}
