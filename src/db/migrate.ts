// Numbered SQL migrations (migrations/NNNN_name.sql), applied in order, once, under a lock,
// by the service at start and by the tests. The only place the schema changes.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DbOpenError, type Db } from './types.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number.parseInt(f.slice(0, 4), 10), name: f.replace(/\.sql$/, ''), sql: readFileSync(dir + f, 'utf8') }));
}

export interface MigrateOptions {
  embeddingDim: number;
  migrations?: Migration[];
}

/** Applies pending migrations in one transaction; returns the versions applied. */
export async function migrate(db: Db, opts: MigrateOptions): Promise<number[]> {
  const migrations = opts.migrations ?? loadMigrations();
  return db.transaction(async (tx) => {
    // Serialises concurrent starts of several instances against one server.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('hoidap.migrate'))");
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql.replaceAll('{{EMBEDDING_DIM}}', String(opts.embeddingDim)));
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      if (m.version === 1) {
        await tx.query("INSERT INTO meta (key, value) VALUES ('embedding_dim', $1)", [String(opts.embeddingDim)]);
      }
      applied.push(m.version);
    }
    const [dim] = await tx.query<{ value: string }>("SELECT value FROM meta WHERE key = 'embedding_dim'");
    if (dim && Number(dim.value) !== opts.embeddingDim) {
      throw new DbOpenError(
        `The store was built with ${dim.value}-dimensional embeddings but the configured embedder (EMBEDDER) ` +
          `produces ${opts.embeddingDim}. Use the embedder the store was built with, or start from an empty DATA_DIR / database.`,
      );
    }
    return applied;
  });
}
