import type { Config } from '../config/index.ts';
import { migrate } from './migrate.ts';
import { openPg } from './pg.ts';
import { openPglite } from './pglite.ts';
import type { Db } from './types.ts';

export type { Db, Queryable, Row } from './types.ts';
export { DbOpenError, DbUnavailableError } from './types.ts';

/** Opens the configured database (PostgreSQL if DATABASE_URL is set, else embedded) and migrates it. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, embeddingDim: number): Promise<Db> {
  const db = config.databaseUrl ? await openPg(config.databaseUrl) : await openPglite(config.dataDir);
  try {
    await migrate(db, { embeddingDim });
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
