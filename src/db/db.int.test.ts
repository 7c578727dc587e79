import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDb, type TestDb } from '../../test/support/db.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { DbOpenError } from './types.ts';

describe.each(DRIVERS)('database on the %s driver', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver, 8, { migrate: false });
  });
  afterAll(() => t.close());

  it('applies every numbered migration once', async () => {
    const applied = await migrate(t.db, { embeddingDim: 8 });
    expect(applied).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(t.db, { embeddingDim: 8 })).toEqual([]);
    const tables = await t.db.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.map((r) => r.t)).toEqual(
      expect.arrayContaining(['documents', 'document_sources', 'document_versions', 'units', 'chunks', 'gazette_entries', 'meta']),
    );
  });

  it('has an HNSW index on chunk embeddings of the configured dimension', async () => {
    const [idx] = await t.db.query<{ def: string }>("SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw'");
    expect(idx?.def).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    const [col] = await t.db.query<{ type: string }>(
      "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'",
    );
    expect(col?.type).toBe('vector(8)');
  });

  it('refuses to open a store built for another embedding dimension', async () => {
    await expect(migrate(t.db, { embeddingDim: 16 })).rejects.toThrow(DbOpenError);
    await expect(migrate(t.db, { embeddingDim: 16 })).rejects.toThrow(/8-dimensional/);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query("INSERT INTO meta (key, value) VALUES ('tx-ok', '1')");
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("INSERT INTO meta (key, value) VALUES ('tx-fail', '1')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const keys = (await t.db.query<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'tx-%' ORDER BY key")).map((r) => r.key);
    expect(keys).toEqual(['tx-ok']);
  });

  it('finds nearest neighbours through the vector index', async () => {
    const [d] = await t.db.query<{ id: number }>(
      "INSERT INTO documents (doc_key, kind, name, source, content_hash) VALUES ('t:1', 'text', 'x', 'test', 'h') RETURNING id",
    );
    const [u] = await t.db.query<{ id: number }>(
      "INSERT INTO units (document_id, unit_key, kind, ordinal, label, text) VALUES ($1, 'u', 'text', 0, 'x', 'x') RETURNING id",
      [d!.id],
    );
    const vecs = ['[1,0,0,0,0,0,0,0]', '[0,1,0,0,0,0,0,0]', '[0.9,0.1,0,0,0,0,0,0]'];
    for (const [i, v] of vecs.entries()) {
      await t.db.query(
        "INSERT INTO chunks (unit_id, document_id, kind, ordinal, heading, text, search_text, embedding) VALUES ($1, $2, 'text', $3, 'h', $4, $4, $5::vector)",
        [u!.id, d!.id, i, `c${i}`, v],
      );
    }
    const rows = await t.db.query<{ text: string }>("SELECT text FROM chunks ORDER BY embedding <=> '[1,0,0,0,0,0,0,0]'::vector LIMIT 2");
    expect(rows.map((r) => r.text)).toEqual(['c0', 'c2']);
  });
});
