// Embedded PostgreSQL (PGlite, WASM) with pgvector, file-backed under DATA_DIR.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { DbOpenError, type Db, type Queryable, type Row } from './types.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is single-process: two processes opening one data directory would corrupt it.
 * A pid lock file turns that mistake into a clear error; a lock left by a dead process is taken over.
 */
function acquireLock(dir: string): () => void {
  const file = join(dir, 'hoidap.lock');
  try {
    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new DbOpenError(
        `The embedded database in ${dir} is in use by another hoidap process (pid ${holder}). ` +
          'Stop it first, or point both at a PostgreSQL server with DATABASE_URL.',
      );
    }
  } catch (e) {
    if (e instanceof DbOpenError) throw e;
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

export async function openPglite(dataDir: string | null): Promise<Db> {
  let release = () => {};
  let pg: PGlite;
  if (dataDir) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    release = acquireLock(dir);
    try {
      // On Node the data directory is a NODEFS mount: writes reach the files directly and the
      // post-query "sync to filesystem" has nothing to flush, yet awaiting it costs ~0.5 ms per
      // statement. Relaxed durability skips only that wait (measured: SELECT 1 0.76 → 0.27 ms).
      pg = new PGlite(join(dir, 'pgdata'), { extensions: { vector }, relaxedDurability: true });
      await pg.waitReady;
    } catch (e) {
      release();
      throw new DbOpenError(`Cannot open the embedded database in ${dir}: ${(e as Error).message}`);
    }
  } else {
    pg = new PGlite({ extensions: { vector } });
    await pg.waitReady;
  }

  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T = Row>(sql: string, params?: unknown[]) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });

  const self = wrap(pg);
  let closed = false;
  return {
    driver: 'pglite',
    ...self,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async copyOut(select: string) {
      const r = (await pg.query(`COPY (${select}) TO '/dev/blob' WITH (FORMAT text)`)) as { blob?: Blob };
      return r.blob ? await r.blob.text() : '';
    },
    async sizeBytes() {
      const [r] = await self.query<{ n: number }>('SELECT pg_database_size(current_database())::float8 AS n');
      return r?.n ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
      release();
    },
  };
}
