// Hybrid retrieval: BM25 and vector k-NN fused by reciprocal rank, explicit references first,
// repealed provisions never ranked as current law, results collapsed to citable units.
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import type { UnitKind } from '../ingest/types.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { looseKey } from '../text/normalize.ts';
import { matchesPartial } from '../text/references.ts';
import { buildAccentModel, lacksDiacritics, restoreDiacritics } from '../text/restore.ts';
import { bm25Search, DEFAULT_BM25, type Bm25Params, type ScoredUnit } from './bm25.ts';
import { analyzeQuery, DEFAULT_QUERY_WEIGHTS, type AnalyzedQuery, type QueryWeights } from './query.ts';
import { createMemoryBm25, type MemoryBm25 } from './bm25-memory.ts';
import { chainRerankers, createLearnedReranker, loadRerankerWeights } from './learned-rerank.ts';
import { createTitleReranker } from './title-rerank.ts';
import { createAnswerTypeReranker } from './answer-type.ts';
import { vectorSearch } from './vector.ts';

export interface SearchOptions {
  k?: number;
  kinds?: UnitKind[];
  includeRepealed?: boolean;
  /** Which rankers to use (for evaluation); default both. */
  mode?: 'hybrid' | 'bm25' | 'vector';
}

export interface SearchHit {
  unitId: number;
  unitKey: string;
  documentId: number;
  /** The document's identity after normalisation ("law:68/2020/qh14", "procedure:1.002755"). */
  docKey: string;
  kind: UnitKind;
  docKind: string;
  label: string;
  title: string | null;
  ref: string;
  documentName: string;
  documentNumber: string | null;
  status: string;
  /** Numbers of the documents this unit's document replaces (a newer decree names the one it supersedes). */
  replaces?: string[];
  /** When the unit's document took effect (ISO date), if known. */
  effectiveDate?: string | null;
  url: string | null;
  text: string;
  score: number;
  match: { bm25?: number; vector?: number; reference?: 'unit' | 'document' | 'law' };
}

export interface SearchResult {
  query: AnalyzedQuery;
  /** The question with its diacritics restored from the vocabulary of the best hits, when it was typed without them. */
  restored: string | null;
  hits: SearchHit[];
  timings: Record<string, number>;
}

export interface RetrievalParams {
  bm25: Bm25Params;
  query: QueryWeights;
  /** Weights of the two rankings in reciprocal-rank fusion, and its constant. */
  fusion: { bm25: number; vector: number; k: number };
  /** Added for units of a law the question names ("theo Luật Cư trú…"). */
  namedLawBoost: number;
  candidates: number;
  vectorCandidates: number;
}

export const DEFAULT_RETRIEVAL: RetrievalParams = {
  bm25: DEFAULT_BM25,
  query: DEFAULT_QUERY_WEIGHTS,
  fusion: { bm25: 1, vector: 0.5, k: 60 },
  namedLawBoost: 0.01,
  candidates: 50,
  vectorCandidates: 40,
};

/** Re-orders candidates; the default keeps the fused order. An ONNX cross-encoder can plug in here. */
export interface Reranker {
  readonly id: string;
  rerank(query: string, hits: SearchHit[]): Promise<SearchHit[]>;
}
export const identityReranker: Reranker = { id: 'none', rerank: async (_q, hits) => hits };

interface KnownLaw {
  id: number;
  number: string | null;
  keys: string[];
}

export interface Searcher {
  search(q: string, opts?: SearchOptions): Promise<SearchResult>;
  /** Resolves when in-memory structures (the BM25 copy) are loaded; search works before, only slower. */
  warmUp?(): Promise<void>;
  /** Collection size and document frequencies without a query, when they are in memory. */
  termStats?(terms: string[]): { n: number; df: Map<string, number> } | null;
}

export interface SearcherDeps {
  db: Db;
  embedder: Embedder;
  lexicon: Lexicon;
  reranker?: Reranker;
  /** An in-memory copy of the BM25 index (embedded database, long-running processes). */
  memory?: MemoryBm25 | null;
  params?: Partial<RetrievalParams>;
}

/**
 * The searcher for a configuration: lexicon from data/lexicon, and the ONNX cross-encoder if
 * RERANKER_MODEL_PATH is set, else the title-precision reranker (followed by the learned one with
 * RERANKER=learned; see docs/adr/0003-answers.md for why it is not the default); then the
 * expected-answer-type step (answer-type.ts).
 */
/** Loaded by a computed specifier so that bundlers (the Workers build) leave ONNX Runtime out: it only runs on Node. */
const ONNX_RERANKER_MODULE = './rerank.ts';
const loadOnnxReranker = (): Promise<typeof import('./rerank.ts')> => import(/* @vite-ignore */ ONNX_RERANKER_MODULE);

export async function createConfiguredSearcher(
  config: { rerankerModelPath: string | undefined; reranker?: 'title' | 'learned' },
  db: Db,
  embedder: Embedder,
  lexicon: Lexicon,
  opts: { memoryIndex?: boolean; log?: (msg: string, fields?: Record<string, unknown>) => void; /** Given by a runtime without files (Workers). */ rerankerWeights?: number[] } = {},
): Promise<Searcher> {
  // Long-running processes on the embedded database score BM25 in memory (see bm25-memory.ts);
  // a PostgreSQL server scores it in SQL, with several connections in parallel.
  const memory = opts.memoryIndex && db.driver === 'pglite' ? createMemoryBm25(db, opts.log ? { log: opts.log } : {}) : null;
  const termStats = memory ? (t: string[]) => memory.termStats(t) : undefined;
  const base = config.rerankerModelPath
    ? await (await loadOnnxReranker()).createOnnxReranker(config.rerankerModelPath)
    : config.reranker === 'learned'
      ? chainRerankers(createTitleReranker(lexicon), createLearnedReranker({ db, lexicon, weights: opts.rerankerWeights ?? loadRerankerWeights(), termStats }))
      : createTitleReranker(lexicon);
  // Whatever ordered the hits, one that cannot answer what is asked (an age, a fee…) gives way.
  const reranker = chainRerankers(base, createAnswerTypeReranker({ db, lexicon, termStats }));
  return createSearcher({ db, embedder, lexicon, reranker, memory });
}

export function createSearcher(deps: SearcherDeps): Searcher {
  const { db, embedder, lexicon } = deps;
  const reranker = deps.reranker ?? identityReranker;
  // The lexical embedder sees the same words BM25 does; measured on the development sets, fusing
  // it only adds noise, so it gets no weight. Semantic embedders (ONNX, OpenAI) are fused.
  const base = embedder.id.startsWith('lexical') ? { ...DEFAULT_RETRIEVAL, fusion: { ...DEFAULT_RETRIEVAL.fusion, vector: 0 } } : DEFAULT_RETRIEVAL;
  const p: RetrievalParams = { ...base, ...deps.params };
  let laws: { at: number; list: KnownLaw[] } | null = null;

  async function knownLaws(): Promise<KnownLaw[]> {
    if (laws && Date.now() - laws.at < 30_000) return laws.list;
    const rows = await db.query<{ id: number; number: string | null; name: string; aliases: string[] }>(
      "SELECT id, number, name, aliases FROM documents WHERE kind = 'law'",
    );
    const list = rows.map((r) => ({ id: r.id, number: r.number, keys: [r.name, ...(r.aliases ?? [])].map(looseKey).filter((k) => k.split(' ').length >= 2) }));
    laws = { at: Date.now(), list };
    return list;
  }

  /** Units the question points at explicitly, and laws it names. */
  async function resolveReferences(a: AnalyzedQuery): Promise<{ units: Map<number, 'unit' | 'document'>; namedDocs: Set<number> }> {
    const units = new Map<number, 'unit' | 'document'>();
    const namedDocs = new Set<number>();
    const folded = ` ${looseKey(a.text)} `;
    const list = await knownLaws();
    for (const law of list) if (law.keys.some((k) => folded.includes(` ${k} `))) namedDocs.add(law.id);
    const byNumber = new Set<number>();
    for (const d of a.refs.documents) {
      for (const law of list) {
        if (!law.number) continue;
        if ((d.number && law.number === d.number) || (d.partial && matchesPartial(law.number, d.partial))) byNumber.add(law.id);
      }
    }
    for (const id of byNumber) namedDocs.add(id);
    if (a.refs.procedureCodes.length) {
      const rows = await db.query<{ id: number }>(
        "SELECT u.id FROM units u JOIN documents d ON d.id = u.document_id WHERE d.kind = 'procedure' AND d.number = ANY($1)",
        [a.refs.procedureCodes],
      );
      for (const r of rows) units.set(r.id, 'unit');
    }
    if (a.refs.articles.length && namedDocs.size) {
      const rows = await db.query<{ id: number }>('SELECT id FROM units WHERE document_id = ANY($1) AND unit_key = ANY($2)', [
        [...namedDocs],
        a.refs.articles.map((r) => `article:${r.article}`),
      ]);
      for (const r of rows) units.set(r.id, 'unit');
    } else if (byNumber.size) {
      // A document number without an article: that document's best units come first.
      const rows = await db.query<{ id: number }>('SELECT id FROM units WHERE document_id = ANY($1)', [[...byNumber]]);
      for (const r of rows) if (!units.has(r.id)) units.set(r.id, 'document');
    }
    return { units, namedDocs };
  }

  return {
    warmUp: async () => deps.memory?.ready(),
    termStats: (terms) => deps.memory?.termStats(terms) ?? null,
    async search(q, opts = {}) {
      const k = Math.max(1, Math.min(100, opts.k ?? 10));
      const mode = opts.mode ?? 'hybrid';
      const filters = { kinds: opts.kinds, includeRepealed: opts.includeRepealed };
      const timings: Record<string, number> = {};
      const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        try {
          return await fn();
        } finally {
          timings[name] = performance.now() - t0;
        }
      };
      const a = analyzeQuery(q, lexicon, p.query);
      const n = Math.max(p.candidates, k);
      const [bm25, vector, refs] = await Promise.all([
        mode === 'vector' ? Promise.resolve([] as ScoredUnit[]) : time('bm25', async () => deps.memory?.search(a.terms, n, filters, p.bm25) ?? bm25Search(db, a.terms, n, filters, p.bm25)),
        mode === 'bm25' || (mode === 'hybrid' && p.fusion.vector === 0) ? Promise.resolve([] as ScoredUnit[]) : time('vector', async () => vectorSearch(db, await embedder.embedQuery(a.text), p.vectorCandidates, filters)),
        time('references', () => resolveReferences(a)),
      ]);

      const fused = new Map<number, { score: number; match: SearchHit['match'] }>();
      const entry = (id: number) => fused.get(id) ?? (fused.set(id, { score: 0, match: {} }).get(id)!);
      // A law the question names lifts its articles (before the cut, so none is lost).
      const named = (r: ScoredUnit) => (refs.namedDocs.has(r.documentId) ? p.namedLawBoost : 0);
      bm25.forEach((r, i) => {
        const e = entry(r.unitId);
        if (!e.score && named(r)) {
          e.score += named(r);
          e.match.reference = 'law';
        }
        e.score += p.fusion.bm25 / (p.fusion.k + i + 1);
        e.match.bm25 = r.score;
      });
      vector.forEach((r, i) => {
        const e = entry(r.unitId);
        if (!e.score && named(r)) {
          e.score += named(r);
          e.match.reference = 'law';
        }
        e.score += (mode === 'vector' ? 1 : p.fusion.vector) / (p.fusion.k + i + 1);
        e.match.vector = r.score;
      });
      for (const [id, how] of refs.units) {
        const e = entry(id);
        e.score += how === 'unit' ? 10 : 1;
        e.match.reference = how;
      }
      const ranked = [...fused].sort((x, y) => y[1].score - x[1].score || x[0] - y[0]);
      // A few spare units in case some are filtered out below (repealed, other kind).
      const ids = ranked.slice(0, k + 4).map(([id]) => id);
      const details = await time('details', () => loadUnits(db, ids));

      let hits: SearchHit[] = [];
      for (const [id, f] of ranked) {
        const d = details.get(id);
        if (!d) continue;
        if (!opts.includeRepealed && d.status === 'repealed') continue;
        if (opts.kinds?.length && !opts.kinds.includes(d.kind)) continue;
        hits.push({ ...d, score: f.score, match: f.match });
      }
      hits.sort((x, y) => y.score - x.score || x.unitId - y.unitId);
      hits = await time('rerank', () => reranker.rerank(a.text, hits));
      hits = hits.slice(0, k);
      let restored: string | null = null;
      if (lacksDiacritics(a.text) && hits.length) {
        // The vocabulary of the best few hits (their opening text) is enough, and cheap.
        const r = restoreDiacritics(a.text, buildAccentModel(hits.slice(0, 4).map((h) => `${h.title ?? ''}\n${h.text.slice(0, 3000)}`)));
        restored = r !== a.text ? r : null;
      }
      return { query: a, restored, hits, timings };
    },
  };
}

type UnitDetails = Omit<SearchHit, 'score' | 'match'>;

export function unitRef(r: { kind: string; label: string; title: string | null; document_name: string; number: string | null }): string {
  if (r.kind === 'law_article') return `${r.label}, ${r.document_name}${r.number && !r.document_name.includes(r.number) ? ` (${r.number})` : ''}`;
  if (r.kind === 'procedure') return `${r.label} – ${r.title ?? r.document_name}`;
  return `${r.label}: ${r.title ?? r.document_name}`;
}

async function loadUnits(db: Db, ids: number[]): Promise<Map<number, UnitDetails>> {
  if (!ids.length) return new Map();
  const rows = await db.query<{
    id: number;
    unit_key: string;
    document_id: number;
    doc_key: string;
    kind: UnitKind;
    doc_kind: string;
    label: string;
    title: string | null;
    document_name: string;
    number: string | null;
    status: string;
    replaces: string[] | null;
    effective_date: string | Date | null;
    url: string | null;
    text: string;
  }>(
    `SELECT u.id, u.unit_key, u.document_id, d.doc_key, u.kind, d.kind AS doc_kind, u.label, u.title, d.name AS document_name, d.number, d.status,
            d.replaces, d.effective_date, coalesce(u.url, d.url) AS url, u.text
     FROM units u JOIN documents d ON d.id = u.document_id WHERE u.id = ANY($1)`,
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        unitId: r.id,
        unitKey: r.unit_key,
        documentId: r.document_id,
        docKey: r.doc_key,
        kind: r.kind,
        docKind: r.doc_kind,
        label: r.label,
        title: r.title,
        ref: unitRef(r),
        documentName: r.document_name,
        documentNumber: r.number,
        status: r.status,
        replaces: r.replaces ?? [],
        effectiveDate: r.effective_date ? new Date(r.effective_date).toISOString().slice(0, 10) : null,
        url: r.url,
        text: r.text,
      },
    ]),
  );
}
