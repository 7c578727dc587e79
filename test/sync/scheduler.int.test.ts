// The scheduler inside `hoidap serve`: runs what is due, leaves the rest, never runs a source twice at
// once, and survives a source whose pass throws.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { createPoliteFetcher } from '../../src/sync/fetch.ts';
import { dueSources, saveSources, startSyncScheduler } from '../../src/sync/index.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

describe('the sync scheduler', () => {
  let t: TestDb;
  let portal: Server;
  let base = '';
  const requests: string[] = [];
  let clock = new Date('2026-11-24T03:00:00Z');

  beforeAll(async () => {
    t = await openTestDb('pglite');
    portal = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/robots.txt') return res.writeHead(404).end();
      // Slow enough that a second tick arrives while the first pass is still running.
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Thông báo lịch tiếp công dân</h1><p>Ủy ban tiếp công dân vào thứ Năm hằng tuần.</p>'), 300);
    });
    await new Promise<void>((r) => portal.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => portal?.close(() => r()));
    await t?.close();
  });

  it('runs each due source once, skips one still running, and waits for the interval before the next pass', async () => {
    await saveSources(t.db, [
      { id: 'thong-bao', type: 'page', url: `${base}/thong-bao`, kind: 'news', agency: null, patterns: [], everyMinutes: 60, enabled: true },
      { id: 'tat', type: 'page', url: `${base}/tat`, kind: 'news', agency: null, patterns: [], everyMinutes: 60, enabled: false },
    ]);
    const scheduler = startSyncScheduler(
      { db: t.db, embedder: createLexicalEmbedder(), fetcher: createPoliteFetcher({ allowPrivate: true, perHostIntervalMs: 0 }), registry: loadProjectRegistry(), now: () => clock, log: () => {} },
      3_600_000,
    );
    await Promise.all([scheduler.tick(), scheduler.tick()]);
    expect(requests.filter((r) => r === '/thong-bao')).toHaveLength(1);
    expect(requests).not.toContain('/tat');
    expect(await dueSources(t.db, clock)).toEqual([]);
    clock = new Date(clock.getTime() + 61 * 60_000);
    expect((await dueSources(t.db, clock)).map((s) => s.id)).toEqual(['thong-bao']);
    await scheduler.tick();
    expect(requests.filter((r) => r === '/thong-bao')).toHaveLength(2);
    await scheduler.stop();
    const runs = await t.db.query<{ source_id: string; created: number; unchanged: number }>('SELECT source_id, created, unchanged FROM sync_runs ORDER BY id');
    expect(runs).toEqual([
      { source_id: 'thong-bao', created: 1, unchanged: 0 },
      { source_id: 'thong-bao', created: 0, unchanged: 1 },
    ]);
  });
});
