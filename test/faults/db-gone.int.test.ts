// Fault: the database goes away under a running `hoidap serve` (DATABASE_URL at a PGlite socket
// server in its own process, which is stopped), then comes back on the same port with the same data.
// While it is gone every entry point answers a canned 503 quickly and the process stays up; once it
// is back the service answers again by itself, without a restart.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import { openDb } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { t } from '../../src/messages.ts';
import { ROOT, spawnCli } from '../support/cli.ts';
import { freePort } from '../support/db.ts';
import { tempDir } from '../support/fixtures.ts';
import { killed, spawnUntil, startPgliteProcess } from '../support/processes.ts';

const APP_ID = 'fault-app';
const OA_SECRET = 'fault-oa-secret';
const QUESTION = 'Làm lại căn cước bị mất cần giấy tờ gì?';
/** "Quickly": far below the 30 s request timeout; a connection refused is known at once. */
const FAST_MS = 5_000;

describe('the database goes away and comes back under hoidap serve', () => {
  const pgDir = join(tempDir('hoidap-fault-db-'), 'pgdata');
  let pgPort: number;
  let pg: ChildProcess | null = null;
  let serve: ChildProcess | null = null;
  let serveLog: () => string = () => '';
  let base: string;

  const startDb = async () => {
    const p = await startPgliteProcess(24, { dataDir: pgDir, port: pgPort });
    pg = p.child;
    return p.url;
  };

  beforeAll(async () => {
    pgPort = await freePort();
    const url = await startDb();
    // A small store, filled from outside as in production, so `serve` starts without ingesting.
    const embedder = createLexicalEmbedder();
    const db = await openDb({ databaseUrl: url, dataDir: '' }, embedder.dim);
    const summary = await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, [join(ROOT, 'data/qa')]);
    await db.close();
    expect(summary.errors).toEqual([]);

    const port = await freePort();
    serve = spawnCli(['serve'], {
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      ZALO_APP_ID: APP_ID,
      ZALO_APP_SECRET: 'fault-app-secret',
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'AT-0',
      ZALO_REFRESH_TOKEN: 'RT-0',
      // The webhook is under test, not the replies: nothing is sent to Zalo.
      ZALO_WORKER: 'off',
    });
    serveLog = (await spawnUntil(serve, /"msg":"listening"/, 'hoidap serve')).stderr;
    base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/health`)).status === 200, 60_000);
  }, 180_000);

  afterAll(async () => {
    await killed(serve);
    await killed(pg);
  });

  const ask = () => fetch(`${base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) });
  const search = () => fetch(`${base}/v1/search?q=${encodeURIComponent('căn cước')}&k=3`);
  const webhook = (msgId: string) => {
    const raw = JSON.stringify({
      app_id: APP_ID,
      event_name: 'user_send_text',
      timestamp: String(Date.now()),
      sender: { id: '8000000000000000001' },
      recipient: { id: 'oa-1' },
      message: { msg_id: msgId, text: QUESTION },
    });
    const ts = (JSON.parse(raw) as { timestamp: string }).timestamp;
    return fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${zaloMac(APP_ID, raw, ts, OA_SECRET)}` }, body: raw });
  };

  it('answers, searches, reports healthy and stores Zalo events while the database is up', async () => {
    const r = await ask();
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toMatch(/answered|escalated/);
    expect((await search()).status).toBe(200);
    const h = await fetch(`${base}/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', database: 'up' });
    const w = await webhook('fault-msg-before');
    expect(w.status).toBe(200);
    expect(await w.json()).toEqual({ ok: true, duplicate: false });
    expect(await chatAsk(base)).toMatchObject({ type: 'answer_done' });
  });

  it('answers a canned 503 at every entry point, quickly, and stays up while the database is gone', async () => {
    await killed(pg);
    pg = null;
    const unavailable = { error: { code: 'unavailable', message: t('unavailable') } };

    for (const [name, call] of [
      ['ask', ask],
      ['search', search],
    ] as const) {
      const t0 = performance.now();
      const r = await call();
      expect(performance.now() - t0, `${name} answered within ${FAST_MS} ms`).toBeLessThan(FAST_MS);
      expect(r.status, name).toBe(503);
      expect(r.headers.get('retry-after'), name).toBe('5');
      expect(await r.json(), name).toEqual(unavailable);
    }

    const t0 = performance.now();
    const h = await fetch(`${base}/health`);
    expect(performance.now() - t0).toBeLessThan(FAST_MS);
    expect(h.status).toBe(503);
    expect(await h.json()).toMatchObject({ status: 'unavailable', database: 'down', message: t('unavailable') });

    // Zalo redelivers what was not acknowledged with a 2xx: the event is not lost.
    const w = await webhook('fault-msg-during');
    expect(w.status).toBe(503);
    expect(await w.json()).toEqual(unavailable);

    expect(await chatAsk(base)).toMatchObject({ type: 'error', code: 'unavailable', message: t('unavailable') });

    // Several at once, as under traffic: all canned, none hangs.
    const burst = await Promise.all(Array.from({ length: 10 }, ask));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(503));

    expect(serve!.exitCode).toBeNull();
    expect(serve!.signalCode).toBeNull();
    expect(serveLog()).not.toMatch(/"msg":"unhandled error"/);
  }, 60_000);

  it('answers again by itself once the database is back on the same port, with the same data', async () => {
    await startDb();
    // The pool reconnects on the next checkout: the first requests after the server is back succeed.
    await until(async () => (await fetch(`${base}/health`)).status === 200, 10_000);
    const r = await ask();
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toMatch(/answered|escalated/);
    expect((await search()).status).toBe(200);
    // Zalo's redelivery of the event refused while the database was gone is stored now; the one
    // stored before the outage is still there (same data).
    const again = await webhook('fault-msg-during');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, duplicate: false });
    const before = await webhook('fault-msg-before');
    expect(await before.json()).toEqual({ ok: true, duplicate: true });
    expect(await chatAsk(base)).toMatchObject({ type: 'answer_done' });
    expect(serve!.exitCode).toBeNull();
  }, 60_000);
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One question over the chat WebSocket; resolves with the frame that ends it (answer_done or error). */
function chatAsk(base: string): Promise<{ type: string; code?: string; message?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/chat/ws`, { handshakeTimeout: 5000 });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('no answer over the chat socket within 10 s'))), 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'ask', id: 'q1', question: QUESTION })));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string; code?: string; message?: string };
      if (f.type === 'answer_done' || f.type === 'error') {
        clearTimeout(timer);
        ws.close();
        resolve(f);
      }
    });
    ws.on('error', (e) => (clearTimeout(timer), reject(e)));
  });
}
