// The Worker's entry points run in-process with stand-in bindings: Hyperdrive pointing at a PGlite
// socket server, Workers AI (a fake that embeds like the lexical embedder, so the stored vectors fit),
// a Queue that records what is sent, and the Zalo OA API mocked by msw. Covers fetch (and the
// per-request connection closed after background work), the queue consumer, the cron trigger and a
// Worker without a database.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AskResponse } from '../../src/answer/types.ts';
import { buildWidget, DEFAULT_OUT } from '../../src/channels/web/widget/build.ts';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import type { Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPg } from '../../src/db/pg.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import type { Env } from '../../src/main.worker.ts';
import { ROOT } from '../support/cli.ts';
import { startPgliteServer, type SocketServer } from '../support/db.ts';
import { repairQueue } from '../support/pglite-queue.ts';

const API = 'https://openapi.zalo.test';
const APP_ID = '4143927346023457012';
const OA_SECRET = 'worker-oa-secret';
const USER = '8123456789012345678';

const sends: { recipient: Record<string, string>; text: string }[] = [];
const server = setupServer(
  http.post(`${API}/v3.0/oa/message/cs`, async ({ request }) => {
    const body = (await request.json()) as { recipient: Record<string, string>; message: { text: string } };
    sends.push({ recipient: body.recipient, text: body.message.text });
    return HttpResponse.json({ error: 0, message: 'Success', data: { message_id: `oa-${sends.length}` } });
  }),
);

/** Collects what the Worker hands to waitUntil, as the runtime would keep it alive. */
function context() {
  const pending: Promise<unknown>[] = [];
  return { ctx: { waitUntil: (p: Promise<unknown>) => void pending.push(p) }, settled: () => Promise.all(pending) };
}

describe('the Worker entry points, with stand-in bindings', () => {
  let pg: SocketServer;
  let db: Db;
  let worker: typeof import('../../src/main.worker.ts').default;
  const queued: unknown[] = [];
  const lexical = createLexicalEmbedder();
  let aiCalls = 0;
  let env: Env;

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    pg = await startPgliteServer(12, repairQueue);
    db = await openPg(pg.url, 2);
    await migrate(db, { embeddingDim: lexical.dim });
    await ingestPaths({ db, embedder: lexical, registry: loadProjectRegistry() }, [`${ROOT}data/qa`]);
    // The Worker bundles the built widget; build it here as wrangler's build step would.
    const txt = DEFAULT_OUT.replace(/widget\.js$/, 'widget.txt');
    if (!existsSync(txt)) {
      mkdirSync(txt.replace(/[^/]+$/, ''), { recursive: true });
      writeFileSync(txt, (await buildWidget()).code);
    }
    worker = (await import('../../src/main.worker.ts')).default;
    env = {
      HYPERDRIVE: { connectionString: pg.url },
      EMBEDDER: 'workers-ai',
      EMBEDDING_MODEL: '@cf/test/lexical',
      AI: {
        async run(_model: string, input: { text: string[] }) {
          aiCalls++;
          return { data: await lexical.embedDocuments(input.text) };
        },
      },
      LOG_LEVEL: 'silent',
      ZALO_APP_ID: APP_ID,
      ZALO_APP_SECRET: 'worker-app-secret',
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'AT-0',
      ZALO_REFRESH_TOKEN: 'RT-0',
      ZALO_API_BASE_URL: API,
      ZALO_OAUTH_BASE_URL: 'https://oauth.zalo.test',
    };
  }, 180_000);
  afterAll(async () => {
    server.close();
    await db?.close();
    await pg?.stop();
  });
  beforeEach(() => {
    sends.length = 0;
    queued.length = 0;
  });

  const webhook = (msgId: string) => {
    const timestamp = String(Date.now());
    const raw = JSON.stringify({ app_id: APP_ID, event_name: 'user_send_text', timestamp, sender: { id: USER }, recipient: { id: '1' }, message: { msg_id: msgId, text: 'Làm căn cước cho trẻ em có mất phí không?' } });
    return new Request('http://worker.test/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${zaloMac(APP_ID, raw, timestamp, OA_SECRET)}` }, body: raw });
  };
  const inbox = async (key: string) => (await db.query<{ status: string }>('SELECT status FROM zalo_inbox WHERE event_key = $1', [key]))[0]?.status;

  it('answers through the same app, embedding with Workers AI, and releases its connection after the response', async () => {
    const { ctx, settled } = context();
    const res = await worker.fetch(new Request('http://worker.test/v1/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Làm căn cước cho trẻ em có mất phí không?' }) }), env, ctx);
    expect(res.status).toBe(200);
    const r = (await res.json()) as AskResponse;
    expect(r.status).toBe('answered');
    expect(r.citations.length).toBeGreaterThan(0);
    expect(aiCalls).toBeGreaterThan(0);
    await settled();
    const health = await worker.fetch(new Request('http://worker.test/health'), env, context().ctx);
    expect(((await health.json()) as { embedder: string }).embedder).toBe('workers-ai:@cf/test/lexical:256');
  });

  it('answers a Zalo event after the 200, through waitUntil', async () => {
    const { ctx, settled } = context();
    const res = await worker.fetch(webhook('wk-1'), env, ctx);
    expect(res.status).toBe(200);
    await settled();
    expect(sends.filter((s) => s.recipient.message_id === 'wk-1').length).toBeGreaterThanOrEqual(1);
    expect(await inbox('wk-1')).toBe('done');
  });

  it('hands Zalo events to the queue when one is bound, and its consumer answers them', async () => {
    const withQueue: Env = { ...env, ZALO_QUEUE: { send: async (body: unknown) => void queued.push(body) } };
    const { ctx, settled } = context();
    expect((await worker.fetch(webhook('wk-2'), withQueue, ctx)).status).toBe(200);
    await settled();
    expect(queued).toEqual([{ kind: 'zalo_inbox' }]);
    expect(sends).toHaveLength(0);
    expect(await inbox('wk-2')).toBe('new');
    let acked = false;
    await worker.queue({ messages: queued, ackAll: () => (acked = true) }, withQueue);
    expect(acked).toBe(true);
    expect(sends.some((s) => s.recipient.message_id === 'wk-2')).toBe(true);
    expect(await inbox('wk-2')).toBe('done');
  });

  it('retries on the cron trigger what is due again', async () => {
    await db.query(`INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, status, received_at) VALUES ('wk-3', 'user_send_text', $1, $2, 'new', now())`, [
      USER,
      JSON.stringify({ event_name: 'user_send_text', message: { msg_id: 'wk-3', text: 'Xin chào' } }),
    ]);
    const { ctx, settled } = context();
    await worker.scheduled({}, env, ctx);
    await settled();
    expect(sends.map((s) => s.recipient.message_id)).toContain('wk-3');
  });

  it('answers 503 with a clear error, not a crash, without a database', async () => {
    const res = await worker.fetch(new Request('http://worker.test/health'), { LOG_LEVEL: 'silent' } as Env, context().ctx);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('misconfigured');
  });

  it('syncs the portal sources that are due on the cron trigger, resolving hosts through DNS over HTTPS', async () => {
    const { requestRuntime } = await import('../../src/main.worker.ts');
    const { saveSources } = await import('../../src/sync/index.ts');
    await saveSources(db, [{ id: 'edge-portal', type: 'page', url: 'https://portal.test/vb/9', kind: 'law', agency: null, patterns: [], everyMinutes: 60, enabled: true }]);
    const asked: string[] = [];
    const fake = (async (input: string | URL | Request) => {
      const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      asked.push(`${u.hostname}${u.pathname}`);
      if (u.hostname === 'cloudflare-dns.com') return Response.json({ Status: 0, Answer: u.searchParams.get('type') === 'A' ? [{ type: 1, data: '203.0.113.9' }] : [] });
      if (u.pathname === '/robots.txt') return new Response('', { status: 404 });
      return new Response(
        '<html><head><title>Nghị định 9/2026/NĐ-CP</title></head><body><p>Số ký hiệu: 9/2026/NĐ-CP</p><p>Điều 1. Phạm vi</p><p>Nghị định này quy định cấp phiếu lý lịch tư pháp trực tuyến.</p></body></html>',
        { headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    }) as typeof fetch;
    const rt = await requestRuntime(env, { fetch: fake });
    const totals = await rt.syncDue();
    await rt.settle();
    expect(totals).toMatchObject({ created: 1, failed: 0 });
    expect(asked).toContain('cloudflare-dns.com/dns-query');
    expect(asked).toContain('portal.test/vb/9');
    const again = await requestRuntime(env, { fetch: fake });
    expect(await again.syncDue()).toBeNull(); // not due again for an hour
    await again.settle();
  });
});
