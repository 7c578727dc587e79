// Test databases: embedded PGlite in memory, or the `pg` driver against a PGlite socket server
// on loopback (this machine has no PostgreSQL with pgvector).
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPg } from '../../src/db/pg.ts';
import { openPglite } from '../../src/db/pglite.ts';

export type Driver = 'pglite' | 'pg';
export const DRIVERS: Driver[] = ['pglite', 'pg'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface SocketServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A PGlite (with pgvector) behind the PostgreSQL wire protocol on 127.0.0.1: in memory, or in
 * `dataDir` on disk so that a server stopped and started again on the same `port` finds its data.
 */
export async function startPgliteServer(maxConnections = 8, prepare?: (server: PGLiteSocketServer) => void, opts: { dataDir?: string; port?: number } = {}): Promise<SocketServer> {
  const pg = new PGlite({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), extensions: { vector } });
  await pg.waitReady;
  const port = opts.port ?? (await freePort());
  const server = new PGLiteSocketServer({ db: pg, host: '127.0.0.1', port, maxConnections });
  prepare?.(server);
  await server.start();
  return {
    url: `postgres://postgres:test@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await pg.close();
    },
  };
}

export interface TestDb {
  db: Db;
  close(): Promise<void>;
}

export async function openTestDb(driver: Driver, embeddingDim = 256, opts: { migrate?: boolean } = {}): Promise<TestDb> {
  if (driver === 'pglite') {
    const db = await openPglite(null);
    if (opts.migrate !== false) await migrate(db, { embeddingDim });
    return { db, close: () => db.close() };
  }
  const server = await startPgliteServer();
  const db = await openPg(server.url, 4);
  if (opts.migrate !== false) await migrate(db, { embeddingDim });
  return {
    db,
    async close() {
      await db.close();
      await server.stop();
    },
  };
}
