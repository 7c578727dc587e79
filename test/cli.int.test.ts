import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../src/db/pglite.ts';
import { runCli, spawnCli } from './support/cli.ts';
import { freePort, startPgliteServer } from './support/db.ts';
import { procedureLines, tempDir, write } from './support/fixtures.ts';

const lastJson = (s: string) => JSON.parse(s.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('hoidap CLI', () => {
  it('ingests, reports skipped input with file and line, exits 3, and prints the contract shapes', async () => {
    const env = { DATA_DIR: join(tempDir(), 'data') };
    const dir = tempDir();
    write(dir, 'p.jsonl', `${procedureLines(2).join('\n')}\n{broken\n`);
    write(dir, 'empty.json', '');
    const r = await runCli(['ingest', dir, '--json'], env);
    expect(r.code).toBe(3);
    const out = lastJson(r.stdout);
    expect(out).toMatchObject({ created: 2, changed: 0, unchanged: 0, skipped: 2 });
    expect(out.errors).toEqual([
      { file: expect.stringMatching(/empty\.json$/), line: 0, message: 'empty file' },
      { file: expect.stringMatching(/p\.jsonl$/), line: 3, message: expect.stringMatching(/malformed JSON/) },
    ]);

    const again = await runCli(['ingest', join(dir, 'p.jsonl'), '--kind', 'procedure', '--json'], env);
    expect(lastJson(again.stdout)).toMatchObject({ created: 0, changed: 0, unchanged: 2 });

    const stats = await runCli(['stats', '--json'], env);
    expect(stats.code).toBe(0);
    expect(lastJson(stats.stdout)).toEqual({
      documents: 2,
      chunks: expect.any(Number),
      units: { law_article: 0, procedure: 2, qa: 0, news: 0, gazette: 0, text: 0 },
    });

    const name = (JSON.parse(procedureLines(1)[0]!) as { ten_thu_tuc: string }).ten_thu_tuc;
    const ask = await runCli(['ask', `Thủ tục ${name} cần giấy tờ gì?`, '--json'], env);
    expect(ask.code).toBe(0);
    const answer = lastJson(ask.stdout);
    expect(answer).toMatchObject({ status: 'answered', conversationId: expect.any(String), answer: expect.stringContaining('[1]') });
    expect(answer.citations).toEqual([expect.objectContaining({ n: 1, kind: 'procedure', ref: expect.stringContaining(name.trim().slice(0, 20)) })]);
    const followUp = await runCli(['ask', 'thế còn lệ phí?', '--conversation', String(answer.conversationId), '--json'], env);
    expect(lastJson(followUp.stdout)).toMatchObject({ conversationId: answer.conversationId, rewrittenQuestion: expect.stringMatching(/^lệ phí /) });
  });

  it.each([
    [['ingest', '.', '--kind', 'poem'], /--kind must be one of/],
    [['ingest'], /at least one file/],
    [['stats', '--verbose'], /Unknown option/],
    [['launch'], /unknown command "launch"/],
    [['ask'], /ask needs a question/],
    [['ask', 'x', '--lang', 'fr'], /--lang must be vi or en/],
  ])('rejects bad usage %j with exit code 2', async (args, message) => {
    const r = await runCli(args, { DATA_DIR: join(tempDir(), 'data') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('stops with a message naming a wrong environment variable', async () => {
    const r = await runCli(['stats'], { DATA_DIR: join(tempDir(), 'data'), EMBEDDER: 'magic' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/EMBEDDER/);
  });

  it('finishes an ingest killed part-way with no partial or duplicated document', async () => {
    const dataDir = join(tempDir(), 'data');
    const input = write(tempDir(), 'procedures.jsonl', `${procedureLines(600).join('\n')}\n`);
    const child = spawnCli(['ingest', input], { DATA_DIR: dataDir });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d;
        // Progress lines read "…: 30% (150 văn bản)": kill once some documents are committed.
        if (/\((?:[1-9]\d*) văn bản\)/.test(stderr) && !child.killed) child.kill('SIGKILL');
      });
      child.once('close', () => resolve());
      child.once('error', reject);
    });
    expect(child.signalCode).toBe('SIGKILL');

    const rerun = await runCli(['ingest', input, '--json'], { DATA_DIR: dataDir });
    expect(rerun.code).toBe(0);
    const s = lastJson(rerun.stdout) as { created: number; changed: number; unchanged: number };
    expect(s.unchanged).toBeGreaterThan(0); // part of the work had landed before the kill
    expect(s.created).toBeGreaterThan(0); // and the re-run finished the rest
    expect(s.created + s.unchanged).toBe(600);
    expect(s.changed).toBe(0);

    const db = await openPglite(dataDir);
    try {
      const [c] = await db.query<{ docs: number; partial: number; units: number; dup: number; bare: number; idx: number; pending: number }>(`
        SELECT (SELECT count(*) FROM documents)::int AS docs,
               (SELECT count(*) FROM documents WHERE version = 0)::int AS partial,
               (SELECT count(*) FROM units)::int AS units,
               (SELECT count(*) FROM (SELECT number FROM documents GROUP BY number HAVING count(*) > 1) d)::int AS dup,
               (SELECT count(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.unit_id = u.id))::int AS bare,
               (SELECT count(*) FROM pg_indexes WHERE indexname IN ('chunks_embedding_hnsw', 'bm25_postings_term', 'bm25_postings_unit'))::int AS idx,
               (SELECT count(*) FROM meta WHERE key = 'pending_indexes')::int AS pending`);
      expect(c).toEqual({ docs: 600, partial: 0, units: 600, dup: 0, bare: 0, idx: 3, pending: 0 });
    } finally {
      await db.close();
    }
  });

  it('serves on PORT and refuses a second process on the same embedded database', async () => {
    const dataDir = join(tempDir(), 'data');
    const port = await freePort();
    const server = spawnCli(['serve'], { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    try {
      let status = 0;
      for (let i = 0; i < 120 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe(200);
      const r = await runCli(['stats', '--json'], { DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/in use by another hoidap process \(pid \d+\)/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('close', r));
    }
    // After a clean stop the store opens again.
    const r = await runCli(['stats', '--json'], { DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ units: { qa: expect.any(Number) } });
  });

  it('uses PostgreSQL through DATABASE_URL instead of the embedded database', async () => {
    const pg = await startPgliteServer(4);
    try {
      const dataDir = join(tempDir(), 'unused');
      const input = write(tempDir(), 'p.jsonl', `${procedureLines(3).join('\n')}\n`);
      const env = { DATABASE_URL: pg.url, DATA_DIR: dataDir };
      const r = await runCli(['ingest', input, '--json'], env);
      expect(r.code).toBe(0);
      expect(lastJson(r.stdout)).toMatchObject({ created: 3 });
      const stats = await runCli(['stats', '--json'], env);
      expect(lastJson(stats.stdout)).toMatchObject({ documents: 3, units: { procedure: 3 } });
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await pg.stop();
    }
  });

  it('says clearly when the port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await runCli(['serve'], { DATA_DIR: join(tempDir(), 'data'), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/port is already in use/);
    } finally {
      blocker.close();
    }
  });
});
