import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { startServer, type RunningServer } from '../src/main.node.ts';
import { tempDir } from './support/fixtures.ts';

describe('hoidap serve on the embedded defaults', () => {
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    server = await startServer(loadConfig({ DATA_DIR: join(tempDir(), 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('fills an empty store from data/ on first start and reports readiness with counts', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; documents: number; units: { qa: number; gazette: number } };
    expect(body.status).toBe('ok');
    expect(body.units.qa).toBeGreaterThanOrEqual(30);
    expect(body.units.gazette).toBeGreaterThanOrEqual(19);
    expect(body.documents).toBe(body.units.qa + body.units.gazette);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${base}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('searches the store over HTTP', async () => {
    const res = await fetch(`${base}/v1/search?q=${encodeURIComponent('lam lai can cuoc bi mat')}&k=3`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { rank: number; kind: string; ref: string; score: number; snippet: string }[]; restoredQuery: string | null };
    expect(body.results).toHaveLength(3);
    expect(body.results[0]).toMatchObject({ rank: 1, kind: 'qa', ref: expect.stringMatching(/căn cước/) });
    expect(body.restoredQuery).toMatch(/căn cước/);
  });

  it.each([
    ['', 'missing q'],
    ['?q=', 'empty q'],
    ['?q=x&k=abc', 'k not a number'],
    ['?q=x&k=500', 'k too large'],
    ['?q=x&kind=poem', 'unknown kind'],
  ])('rejects a bad search request (%s: %s) with 400 and a JSON error', async (qs) => {
    const res = await fetch(`${base}/v1/search${qs}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'invalid_query', message: expect.any(String) }) });
  });
});
