// PostgreSQL server with pgvector through `pg` (DATABASE_URL).
import pg from 'pg';
import { DbOpenError, type Db, type Queryable, type Row } from './types.ts';

export async function openPg(url: string, maxConnections = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new DbOpenError(`Cannot connect to DATABASE_URL (${redact(url)}): ${(e as Error).message}`);
  }

  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T = Row>(sql: string, params?: unknown[]) {
      return (await q.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });

  const self = wrap(pool);
  return {
    driver: 'pg',
    ...self,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async sizeBytes() {
      const [r] = await self.query<{ n: number }>('SELECT pg_database_size(current_database())::float8 AS n');
      return r?.n ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
