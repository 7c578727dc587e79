// One set of HTTP cases against the Node service (`hoidap serve`) and the Worker (`wrangler dev`,
// workerd from npm), both over the same store: a PostgreSQL with pgvector (PGlite behind its socket
// server, in its own process) reached by the Worker through its Hyperdrive binding. Same statuses,
// same answers, same citations; a Zalo webhook handled on both; a ticket looked up on both.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskResponse } from '../../src/answer/types.ts';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import { openDb, type Db } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { writeAnswerCorpus } from '../support/answers.ts';
import { artifactWriter } from '../support/artifacts.ts';
import { ROOT, spawnCli } from '../support/cli.ts';
import { freePort } from '../support/db.ts';
import { killed, spawnUntil, startPgliteProcess } from '../support/processes.ts';

const APP_ID = '4143927346023457012';
const OA_SECRET = 'edge-oa-secret';
const USER = '8123456789012345678';

/** Questions from citizens: procedures, articles, English, no diacritics, abbreviations, off-topic, greetings, an officer. */
const QUESTIONS = [
  'Gia hạn tạm trú cần những giấy tờ gì?',
  'Đăng ký tạm trú nộp hồ sơ ở đâu?',
  'Thời hạn giải quyết đăng ký thường trú là bao lâu?',
  'Lệ phí đăng ký tạm trú là bao nhiêu?',
  'xoa dang ky thuong tru trong truong hop nao',
  'Điều 20 Luật Cư trú quy định gì?',
  'Điều kiện đăng ký thường trú tại chỗ ở hợp pháp do thuê, mượn',
  'Nơi cư trú của người chưa thành niên được xác định thế nào?',
  'Công dân có quyền tự do cư trú không?',
  'Những hành vi nào bị nghiêm cấm về cư trú?',
  'Tuổi kết hôn của nam và nữ là bao nhiêu?',
  'Những trường hợp nào bị cấm kết hôn?',
  'Vợ chồng có nghĩa vụ gì với nhau?',
  'Tài sản chung của vợ chồng gồm những gì?',
  'How do I register temporary residence?',
  'What documents are needed to extend temporary residence?',
  'dang ky tam tru online duoc khong',
  'TTHC gia hạn tạm trú',
  'thủ tục tách hộ',
  'khai báo tạm vắng',
  'Xin chào',
  'Cảm ơn bạn nhiều',
  'Thời tiết Hà Nội hôm nay thế nào?',
  'Tôi muốn gặp cán bộ về đăng ký tạm trú',
];

interface Target {
  name: string;
  base: string;
}

async function ask(t: Target, body: Record<string, unknown>): Promise<{ status: number; json: AskResponse }> {
  const res = await fetch(`${t.base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as AskResponse };
}

/** What must be the same on both: the status, the answer and every citation. */
const comparable = (r: AskResponse) => ({
  status: r.status,
  reason: r.reason,
  lang: r.lang,
  answer: r.ticket ? r.answer.replace(r.ticket.code, '<code>').replace(/\d{2}\/\d{2}\/\d{4}/g, '<date>') : r.answer,
  citations: r.citations,
  agency: r.ticket?.agency ?? null,
});

describe('the same app on Node and on Workers (wrangler dev)', () => {
  const children: ChildProcess[] = [];
  let db: Db;
  let node: Target;
  let worker: Target;
  let oa: Server;
  const oaSends: { recipient: Record<string, string>; text: string }[] = [];
  let coldStartMs = 0;

  beforeAll(async () => {
    // The database, in its own process, filled from Node as in production.
    const { url, child: pg } = await startPgliteProcess(24);
    children.push(pg);
    const embedder = createLexicalEmbedder();
    db = await openDb({ databaseUrl: url, dataDir: '' }, embedder.dim);
    const summary = await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, [writeAnswerCorpus(), join(ROOT, 'data/qa')]);
    expect(summary.errors).toEqual([]);

    // A fake Zalo OA API on loopback, for both.
    oa = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        if (req.url?.startsWith('/v3.0/oa/message/cs')) oaSends.push(JSON.parse(body) as { recipient: Record<string, string>; text: string });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 0, message: 'Success', data: { message_id: `oa-${oaSends.length}` } }));
      });
    });
    await new Promise<void>((r) => oa.listen(0, '127.0.0.1', r));
    const oaUrl = `http://127.0.0.1:${(oa.address() as AddressInfo).port}`;
    const zalo = {
      ZALO_APP_ID: APP_ID,
      ZALO_APP_SECRET: 'edge-app-secret',
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: 'AT-0',
      ZALO_REFRESH_TOKEN: 'RT-0',
      ZALO_API_BASE_URL: oaUrl,
      ZALO_OAUTH_BASE_URL: oaUrl,
      // More questions than one client may ask a minute: this test compares answers, not limits.
      RATE_LIMIT_PER_MINUTE: '0',
    };

    const nodePort = await freePort();
    const serve = spawnCli(['serve'], { DATABASE_URL: url, PORT: String(nodePort), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...zalo });
    children.push(serve);

    const workerPort = await freePort();
    const started = Date.now();
    const wrangler = spawn(
      join(ROOT, 'node_modules/.bin/wrangler'),
      ['dev', '--port', String(workerPort), '--ip', '127.0.0.1', '--persist-to', mkdtempSync(join(tmpdir(), 'hoidap-wrangler-')), ...Object.entries(zalo).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          CI: 'true',
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url,
          WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(wrangler);
    // The Worker logs to wrangler's output: kept for the personal-data grep after the suite.
    const keep = artifactWriter('logs', 'wrangler');
    wrangler.stdout!.on('data', (d: Buffer) => keep(d.toString('utf8')));
    await Promise.all([spawnUntil(serve, /"msg":"listening"/, 'hoidap serve'), spawnUntil(wrangler, /Ready on http/, 'wrangler dev', 180_000)]);
    node = { name: 'node', base: `http://127.0.0.1:${nodePort}` };
    worker = { name: 'worker', base: `http://127.0.0.1:${workerPort}` };
    // Cold start: from launching `wrangler dev` to the first answer.
    const first = await ask(worker, { question: QUESTIONS[0]! });
    expect(first.status).toBe(200);
    coldStartMs = Date.now() - started;
    console.log(`wrangler dev: cold start to first answer ${coldStartMs} ms`);
  }, 300_000);

  afterAll(async () => {
    await db?.close();
    for (const c of children.reverse()) await killed(c);
    await new Promise<void>((r) => (oa ? oa.close(() => r()) : r()));
  });

  it('reports the same store on /health', async () => {
    const [a, b] = await Promise.all([node, worker].map(async (t) => (await fetch(`${t.base}/health`)).json() as Promise<Record<string, unknown>>));
    expect(a!.status).toBe('ok');
    expect({ ...b, driver: undefined }).toEqual({ ...a, driver: undefined });
  });

  it(`answers ${QUESTIONS.length} questions identically: statuses, answers and citations`, async () => {
    let answered = 0;
    for (const question of QUESTIONS) {
      const [a, b] = [await ask(node, { question }), await ask(worker, { question })];
      expect(b.status, question).toBe(a.status);
      expect(comparable(b.json), question).toEqual(comparable(a.json));
      if (a.json.status === 'answered' && a.json.citations.length) answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(12);
  });

  it('continues a conversation (a follow-up) the same way', async () => {
    for (const t of [node, worker]) {
      const first = await ask(t, { question: 'Gia hạn tạm trú cần những giấy tờ gì?' });
      const next = await ask(t, { question: 'thế còn lệ phí?', conversationId: first.json.conversationId });
      expect(next.json.rewrittenQuestion, t.name).toMatch(/tạm trú/);
    }
  });

  it('searches the same', async () => {
    const [a, b] = await Promise.all(
      [node, worker].map(async (t) => {
        const { tookMs: _took, ...rest } = (await (await fetch(`${t.base}/v1/search?q=${encodeURIComponent('gia hạn tạm trú')}&k=5`)).json()) as Record<string, unknown>;
        return rest;
      }),
    );
    expect((a as { results: unknown[] }).results.length).toBe(5);
    expect(b).toEqual(a);
  });

  it('refuses bad input with the same 4xx on both', async () => {
    for (const body of ['{', JSON.stringify({ question: 42 }), JSON.stringify({ question: '' }), JSON.stringify({ question: 'x', lang: 'fr' })]) {
      const [a, b] = await Promise.all([node, worker].map((t) => fetch(`${t.base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })));
      expect(a!.status).toBeGreaterThanOrEqual(400);
      expect(a!.status).toBeLessThan(500);
      expect(b!.status, body).toBe(a!.status);
      expect(((await b!.json()) as { error: { code: string } }).error.code).toBe(((await a!.json()) as { error: { code: string } }).error.code);
    }
  });

  it('looks up a ticket on either, whichever opened it', async () => {
    const opened = await ask(worker, { question: 'Tôi muốn gặp cán bộ công an xã về đăng ký tạm trú' });
    expect(opened.json.status).toBe('escalated');
    const code = opened.json.ticket!.code;
    const [a, b] = await Promise.all([node, worker].map(async (t) => (await fetch(`${t.base}/v1/tickets/${code}`)).json()));
    expect(b).toEqual(a);
    expect((a as { ticket: { code: string } }).ticket.code).toBe(code);
    expect((await fetch(`${worker.base}/v1/tickets/HD-NOPE0-NOPE0`)).status).toBe(404);
  });

  it('handles a signed Zalo webhook on both: stored, acknowledged, answered through the OA API', async () => {
    for (const t of [node, worker]) {
      const msgId = `edge-${t.name}-${Date.now()}`;
      const timestamp = String(Date.now());
      const raw = JSON.stringify({ app_id: APP_ID, event_name: 'user_send_text', timestamp, sender: { id: USER }, recipient: { id: '579745863508352884' }, message: { msg_id: msgId, text: 'Gia hạn tạm trú cần những giấy tờ gì?' } });
      const post = (signature: string) => fetch(`${t.base}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': signature }, body: raw });
      expect((await post(`mac=${zaloMac(APP_ID, raw, timestamp, 'wrong')}`)).status, t.name).toBe(401);
      const ok = await post(`mac=${zaloMac(APP_ID, raw, timestamp, OA_SECRET)}`);
      expect(ok.status, t.name).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, duplicate: false });
      expect(await (await post(zaloMac(APP_ID, raw, timestamp, OA_SECRET))).json()).toEqual({ ok: true, duplicate: true });
      // Answered after the 200, in the background: wait for the reply and for the row to be marked done
      // (the send comes first, the mark just after it).
      const status = async () => (await db.query<{ status: string }>('SELECT status FROM zalo_inbox WHERE event_key = $1', [msgId]))[0]?.status;
      const deadline = Date.now() + 20_000;
      while ((!oaSends.some((s) => s.recipient.message_id === msgId) || (await status()) !== 'done') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(oaSends.filter((s) => s.recipient.message_id === msgId).length, t.name).toBeGreaterThanOrEqual(1);
      expect(await status(), t.name).toBe('done');
    }
  });

  it('serves the widget and the API description on both', async () => {
    for (const t of [node, worker]) {
      const w = await fetch(`${t.base}/widget.js`);
      expect(w.status, t.name).toBe(200);
      expect(w.headers.get('content-type'), t.name).toMatch(/javascript/);
      expect((await w.text()).length, t.name).toBeGreaterThan(5000);
      expect((await fetch(`${t.base}/openapi.json`)).status, t.name).toBe(200);
    }
    expect(coldStartMs).toBeGreaterThan(0);
  });

  it('builds a Worker bundle within the paid plan limit, without PGlite, ONNX Runtime or esbuild', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hoidap-worker-bundle-'));
    const printed = execFileSync(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', WRANGLER_SEND_METRICS: 'false' },
      encoding: 'utf8',
    });
    const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(printed);
    expect(m, printed).not.toBeNull();
    const [total, gzip] = [Number(m![1]), Number(m![2])];
    console.log(`worker bundle: ${total} KiB, ${gzip} KiB gzipped (paid plan limit 10 MiB gzipped)`);
    expect(gzip).toBeLessThan(10 * 1024);
    const bundle = readFileSync(join(out, 'main.worker.js'), 'utf8');
    for (const banned of ['@electric-sql/pglite', 'onnxruntime', '@huggingface/transformers', 'esbuild-wasm', 'require("esbuild")']) expect(bundle.includes(banned), banned).toBe(false);
  });
});
