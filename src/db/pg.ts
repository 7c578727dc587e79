// PostgreSQL server with pgvector through `pg` (DATABASE_URL).
import pg from 'pg';
import { DbOpenError, DbUnavailableError, type Db, type Queryable, type Row } from './types.ts';

export interface PgOptions {
  /** How long to wait for a connection (new or from the pool) before the database counts as down. */
  connectTimeoutMs?: number;
  /**
   * How long one statement of `query` may go unanswered (a server that vanished without closing
   * its sockets). `exec` scripts (migrations, ANALYZE) have no bound: they are long by nature.
   */
  queryTimeoutMs?: number;
}

/** Node's socket errors that mean the server cannot be reached or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server that is going away or not taking connections (class 08: connection exception). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What `pg` and `pg-pool` say when a connection ends, cannot be made in time, or a reply never comes. */
const UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection refused|server closed the connection/i;

/** Whether an error from `pg` means the database is unreachable (passing) rather than a bad statement. */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof DbUnavailableError) return true;
  if (!e || typeof e !== 'object') return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  // An AggregateError (every address refused) carries the codes on its parts.
  const parts = (e as { errors?: unknown }).errors;
  if (Array.isArray(parts) && parts.some(isConnectionError)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Rethrows a connection error as DbUnavailableError (the HTTP layer answers 503), anything else as is. */
function unavailable(e: unknown): never {
  if (e instanceof DbUnavailableError || !isConnectionError(e)) throw e;
  const code = (e as { code?: unknown }).code;
  throw new DbUnavailableError(`database unavailable: ${(e as Error).message || String(code ?? e)}`, { cause: e });
}

export async function openPg(url: string, maxConnections = 10, opts: PgOptions = {}): Promise<Db> {
  const queryTimeout = opts.queryTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    // A peer that vanished without a FIN is noticed by TCP keepalive, not left open for good.
    keepAlive: true,
  });
  // An idle client that loses its server must not crash the process; the pool drops it and the
  // next checkout connects afresh, so the service recovers by itself when the server is back.
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
      try {
        return (await q.query({ text: sql, ...(params ? { values: params } : {}), query_timeout: queryTimeout } as pg.QueryConfig)).rows as T[];
      } catch (e) {
        return unavailable(e);
      }
    },
    async exec(sql: string) {
      try {
        await q.query(sql);
      } catch (e) {
        unavailable(e);
      }
    },
  });

  const self = wrap(pool);
  return {
    driver: 'pg',
    ...self,
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        return unavailable(e);
      }
      // A checked-out client has no pool listener: its server going away mid-transaction would
      // otherwise be an unhandled 'error' event, which ends the process.
      let lost: Error | undefined;
      const onLost = (e: Error) => (lost = e);
      client.on('error', onLost);
      const tx = wrap(client);
      try {
        await tx.exec('BEGIN');
        const out = await fn(tx);
        await tx.exec('COMMIT');
        return out;
      } catch (e) {
        if (!lost && isConnectionError(e)) lost = e as Error;
        if (!lost) await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.off('error', onLost);
        // A broken connection (or one with a reply still due) is dropped, not handed to the next caller.
        client.release(lost);
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
