import type { Queryable } from '../db/index.ts';
import type { UnitKind } from './types.ts';

export interface StoreStats {
  documents: number;
  chunks: number;
  units: Record<UnitKind, number>;
}

export async function storeStats(db: Queryable): Promise<StoreStats> {
  const [d] = await db.query<{ documents: number; chunks: number }>(
    'SELECT (SELECT count(*) FROM documents WHERE version > 0)::int AS documents, (SELECT count(*) FROM chunks)::int AS chunks',
  );
  const units: Record<UnitKind, number> = { law_article: 0, procedure: 0, qa: 0, news: 0, gazette: 0, text: 0 };
  for (const r of await db.query<{ kind: UnitKind; n: number }>('SELECT kind, count(*)::int AS n FROM units GROUP BY kind')) units[r.kind] = r.n;
  return { documents: d?.documents ?? 0, chunks: d?.chunks ?? 0, units };
}
