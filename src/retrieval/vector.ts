// k-NN over chunk embeddings through the HNSW index, collapsed to units (best chunk wins).
// With filters, pgvector 0.8 iterative index scans keep returning enough rows.
import type { Db } from '../db/index.ts';
import { toVectorLiteral } from '../embed/types.ts';
import type { RankFilters, ScoredUnit } from './bm25.ts';

export async function vectorSearch(db: Db, query: number[], limit: number, filters: RankFilters = {}, chunkLimit = limit * 3): Promise<ScoredUnit[]> {
  return db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL hnsw.ef_search = ${Math.max(40, Math.min(1000, chunkLimit))}; SET LOCAL hnsw.iterative_scan = relaxed_order`);
    const rows = await tx.query<{ unit_id: number; document_id: number; score: number }>(
      `WITH c AS MATERIALIZED (
         SELECT unit_id, document_id, embedding <=> $1::vector AS d FROM chunks
         WHERE ($3::text[] IS NULL OR kind = ANY($3::text[]))
         ORDER BY embedding <=> $1::vector LIMIT $2)
       SELECT c.unit_id, c.document_id, (1 - min(c.d))::float8 AS score FROM c JOIN documents doc ON doc.id = c.document_id
       WHERE ($4::boolean OR doc.status <> 'repealed')
       GROUP BY c.unit_id, c.document_id ORDER BY score DESC, c.unit_id LIMIT $5`,
      [toVectorLiteral(query), chunkLimit, filters.kinds?.length ? filters.kinds : null, filters.includeRepealed ?? false, limit],
    );
    return rows.map((r) => ({ unitId: r.unit_id, documentId: r.document_id, score: r.score }));
  });
}
