// BM25 (Robertson/Spärck Jones idf, k1, b, document-length normalisation) computed in SQL over
// the postings table, so it runs the same on PGlite and on PostgreSQL.
//
// Folded syllables are very common ("co" stands for có/cơ/cố/cỗ…): a term in most units has an
// idf near zero and its postings would dominate the cost. Terms above `maxDfRatio` are left out
// of scoring (their largest possible contribution is a small fraction of one informative term's);
// if nothing is left, the rarest few terms are kept.
import type { Queryable } from '../db/index.ts';
import type { UnitKind } from '../ingest/types.ts';
import type { QueryTerm } from './query.ts';
import { TITLE_PREFIX } from '../ingest/store.ts';

export interface Bm25Params {
  k1: number;
  b: number;
  maxDfRatio: number;
  /** Weight of a query term's match in a unit's title (article title, procedure name, question). */
  titleWeight: number;
  /** At most this many body terms (the rarest) are scored. */
  maxTerms: number;
  /** At most this many title-field terms (the rarest) are scored. */
  maxTitleTerms: number;
}
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75, maxDfRatio: 0.2, titleWeight: 0.3, maxTerms: 40, maxTitleTerms: 40 };

export interface ScoredUnit {
  unitId: number;
  documentId: number;
  score: number;
}

export interface RankFilters {
  kinds?: UnitKind[] | undefined;
  includeRepealed?: boolean | undefined;
}

/** Each term is looked up in the body and, with the title prefix, in the title field. */
export function withTitleTerms(terms: QueryTerm[], p: Bm25Params): QueryTerm[] {
  return p.titleWeight > 0 ? [...terms, ...terms.map((t) => ({ term: `${TITLE_PREFIX}${t.term}`, weight: t.weight * p.titleWeight }))] : terms;
}

/**
 * The terms that are scored, each with its weight × idf, from the document frequencies of the
 * query's terms (those absent from the index left out) and the collection size `n`.
 */
export function scoredTerms(terms: QueryTerm[], dfs: { term: string; df: number }[], n: number, p: Bm25Params): { term: string; wi: number }[] {
  // Title terms share the body's idf (BM25F-style): a title is a field of the unit, not a
  // collection of its own; with their own (much smaller) df, title matches would swamp the body.
  // A title term is scored when its body term is.
  const body = dfs.filter((d) => !d.term.startsWith(TITLE_PREFIX));
  let keptBody = body.filter((d) => d.df <= n * p.maxDfRatio);
  if (!keptBody.length) keptBody = [...body].sort((a, b) => a.df - b.df).slice(0, 3);
  // A long question (a pasted paragraph) is scored on its most informative terms only.
  if (keptBody.length > p.maxTerms) keptBody = [...keptBody].sort((a, b) => a.df - b.df || (a.term < b.term ? -1 : 1)).slice(0, p.maxTerms);
  if (!keptBody.length) return [];
  const bodyDf = new Map(keptBody.map((d) => [d.term, d.df]));
  const present = new Set(dfs.map((d) => d.term));
  const kept = [
    ...keptBody,
    ...keptBody
      .filter((d) => present.has(`${TITLE_PREFIX}${d.term}`))
      .sort((a, b) => a.df - b.df || (a.term < b.term ? -1 : 1))
      .slice(0, p.maxTitleTerms)
      .map((d) => ({ term: `${TITLE_PREFIX}${d.term}`, df: bodyDf.get(d.term)! })),
  ];
  const weight = new Map(terms.map((t) => [t.term, t.weight]));
  return kept.map((d) => ({ term: d.term, wi: (weight.get(d.term) ?? 1) * Math.log(1 + (n - d.df + 0.5) / (d.df + 0.5)) }));
}

export async function bm25Search(db: Queryable, terms: QueryTerm[], limit: number, filters: RankFilters = {}, p: Bm25Params = DEFAULT_BM25): Promise<ScoredUnit[]> {
  if (!terms.length) return [];
  terms = withTitleTerms(terms, p);
  // One round trip for the collection size and the document frequencies of the query terms.
  const dfs = await db.query<{ term: string; df: number; n: number }>(
    'SELECT term, df, (SELECT count(*) FROM bm25_docs)::float8 AS n FROM bm25_terms WHERE term = ANY($1::text[]) AND df > 0',
    [terms.map((t) => t.term)],
  );
  const n = dfs[0]?.n ?? 0;
  if (!n) return [];
  const kept = scoredTerms(terms, dfs, n, p);
  if (!kept.length) return [];
  const rows = await db.query<{ unit_id: number; document_id: number; score: number }>(
    `WITH t AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS t(term, wi)),
          stats AS (SELECT greatest(avg(len), 1)::float8 AS avgdl FROM bm25_docs),
          s AS MATERIALIZED (SELECT p.unit_id,
                       -- titles are short: no length normalisation for title-field terms (b = 0)
                       sum(t.wi * p.tf * ($3::float8 + 1) / (p.tf + $3::float8 * CASE WHEN t.term LIKE 't:%'
                             THEN 1 ELSE (1 - $4::float8 + $4::float8 * d.len / stats.avgdl) END)) AS score
                FROM t CROSS JOIN LATERAL (SELECT unit_id, tf FROM bm25_postings WHERE term = t.term) p
                  JOIN bm25_docs d ON d.unit_id = p.unit_id CROSS JOIN stats
                GROUP BY p.unit_id)
     -- Unfiltered, the best few hundred are enough to fill the page after dropping repealed
     -- units; with a kind filter, every matching unit is considered.
     , top AS (SELECT * FROM s ORDER BY score DESC, unit_id LIMIT CASE WHEN $6::text[] IS NULL THEN $5 * 4 ELSE NULL END)
     SELECT top.unit_id, u.document_id, top.score FROM top
       JOIN units u ON u.id = top.unit_id JOIN documents doc ON doc.id = u.document_id
     WHERE ($6::text[] IS NULL OR u.kind = ANY($6::text[])) AND ($7::boolean OR doc.status <> 'repealed')
     ORDER BY top.score DESC, top.unit_id LIMIT $5`,
    [
      kept.map((d) => d.term),
      kept.map((d) => d.wi),
      p.k1,
      p.b,
      limit,
      filters.kinds?.length ? filters.kinds : null,
      filters.includeRepealed ?? false,
    ],
  );
  return rows.map((r) => ({ unitId: r.unit_id, documentId: r.document_id, score: r.score }));
}
