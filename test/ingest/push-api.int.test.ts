// The agencies' ingestion API over the whole app on loopback: keys, pushes in both shapes,
// idempotency, the ownership rule between agencies, size limits and bad input.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/abuse/limiter.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { Db } from '../../src/db/index.ts';
import { createApiKey, revokeApiKey } from '../../src/ingest/api-keys.ts';
import { ingestRoutes } from '../../src/ingest/api.ts';
import { onError } from '../../src/http/errors.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { loadAgencies } from '../../src/escalation/agencies.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

// A resolution of a provincial council, made up for the test, with words no fixture document has.
const LAW = [
  {
    id: '77/2026/NQ-HĐND',
    articles: [
      { id: '1', text: 'Phạm vi điều chỉnh\n\nNghị quyết này quy định mức hỗ trợ kiểm định thủy văn liên xã cho hộ nuôi trồng thủy sản.' },
      { id: '2', text: 'Mức hỗ trợ\n\nMỗi hộ được hỗ trợ một lần chi phí kiểm định thủy văn liên xã theo hóa đơn hợp lệ.' },
    ],
  },
];
const QA = [
  { id: 'hd-01', question: 'Xin giấy phép khai thác nước ngầm cho giếng khoan gia đình ở đâu?', answer: 'Giếng khoan gia đình dưới 10 m³/ngày chỉ cần đăng ký với Ủy ban nhân dân cấp xã.' },
  { id: 'hd-02', question: 'Đăng ký giếng khoan gia đình có mất phí không?', answer: 'Việc đăng ký giếng khoan gia đình không thu phí.' },
];
const qaJsonl = QA.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('the ingestion API', () => {
  let app: StaffApp;
  let keyA: string; // cong-an-xa
  let keyB: string; // tu-phap-xa

  const push = (key: string | null, body: unknown, init: { path?: string; type?: string } = {}) =>
    fetch(`${app.base}${init.path ?? '/v1/ingest/documents'}`, {
      method: 'POST',
      headers: { 'content-type': init.type ?? 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body),
    });
  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });

  beforeAll(async () => {
    app = await startStaffApp();
    keyA = (await createApiKey(app.fx.db, app.escalation.agencies, { agency: 'cong-an-xa', name: 'cổng công an', createdBy: 'test' })).key;
    keyB = (await createApiKey(app.fx.db, app.escalation.agencies, { agency: 'tu-phap-xa', name: 'cổng tư pháp', createdBy: 'test' })).key;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("creates a pushed law and Q&A stamped with the key's agency, searchable at once, and the same push again is unchanged", async () => {
    const law = await json(await push(keyA, { kind: 'law', filename: 'nq-77.json', content: LAW }));
    expect(law).toEqual({ status: 200, body: { created: 1, changed: 0, unchanged: 0, skipped: 0, errors: [] } });
    const qa = await json(await push(keyA, qaJsonl, { path: '/v1/ingest/files?kind=qa&filename=gieng-khoan.jsonl', type: 'application/x-ndjson' }));
    expect(qa).toEqual({ status: 200, body: { created: 2, changed: 0, unchanged: 0, skipped: 0, errors: [] } });

    const docs = await app.fx.db.query<{ doc_key: string; agency: string; source: string }>("SELECT doc_key, agency, source FROM documents WHERE source LIKE 'api:%' ORDER BY doc_key");
    expect(docs).toEqual([
      { doc_key: 'law:77/2026/nqhdnd', agency: 'cong-an-xa', source: 'api:cong-an-xa/nq-77.json' },
      { doc_key: 'qa:cong-an-xa:hd-01', agency: 'cong-an-xa', source: 'api:cong-an-xa/gieng-khoan.jsonl' },
      { doc_key: 'qa:cong-an-xa:hd-02', agency: 'cong-an-xa', source: 'api:cong-an-xa/gieng-khoan.jsonl' },
    ]);

    const search = (await (await fetch(`${app.base}/v1/search?q=${encodeURIComponent('kiểm định thủy văn liên xã')}`)).json()) as { results: { document: { number: string | null } }[] };
    expect(search.results[0]?.document.number).toMatch(/^77\/2026\//);
    const qaSearch = (await (await fetch(`${app.base}/v1/search?q=${encodeURIComponent('giếng khoan gia đình đăng ký')}&kind=qa`)).json()) as { results: { title: string }[] };
    expect(qaSearch.results.map((r) => r.title)).toContain(QA[1]!.question);

    const versions = (await app.fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document_versions'))[0]!.n;
    expect(await json(await push(keyA, { kind: 'law', filename: 'nq-77.json', content: LAW }))).toEqual({ status: 200, body: { created: 0, changed: 0, unchanged: 1, skipped: 0, errors: [] } });
    expect(await json(await push(keyA, qaJsonl, { path: '/v1/ingest/files?kind=qa&filename=gieng-khoan.jsonl', type: 'application/x-ndjson' }))).toEqual({
      status: 200,
      body: { created: 0, changed: 0, unchanged: 2, skipped: 0, errors: [] },
    });
    const after = (await app.fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document_versions'))[0]!.n;
    expect(after).toBe(versions);

    // The same file sent again as JSON records, with a shorter answer: the source's earlier
    // variant is replaced (not merged with), so the answer is the new one.
    const edited = [{ ...QA[1]!, answer: 'Không thu phí.' }];
    expect((await json(await push(keyA, { kind: 'qa', filename: 'gieng-khoan.jsonl', content: edited }))).body).toMatchObject({ created: 0, changed: 1, unchanged: 0 });
    const [unit] = await app.fx.db.query<{ text: string }>("SELECT u.text FROM units u JOIN documents d ON d.id = u.document_id WHERE d.doc_key = 'qa:cong-an-xa:hd-02'");
    expect(unit!.text).toBe(`Hỏi: ${QA[1]!.question}\nĐáp: Không thu phí.`);

    const list = await json(await fetch(`${app.base}/v1/ingest/documents?limit=10`, { headers: { authorization: `Bearer ${keyA}` } }));
    expect(list.status).toBe(200);
    expect(list.body.documents.map((d: { key: string }) => d.key).sort()).toEqual(['law:77/2026/nqhdnd', 'qa:cong-an-xa:hd-01', 'qa:cong-an-xa:hd-02']);
    expect(list.body.documents[0]).toMatchObject({ key: 'qa:cong-an-xa:hd-02', kind: 'qa', title: QA[1]!.question });
    const listB = await json(await fetch(`${app.base}/v1/ingest/documents`, { headers: { authorization: `Bearer ${keyB}` } }));
    expect(listB.body.documents.map((d: { key: string }) => d.key)).not.toContain('law:77/2026/nqhdnd');

    const audit = await app.fx.db.query<{ actor_name: string; agency: string; detail: Record<string, unknown> }>("SELECT actor_name, agency, detail FROM audit_log WHERE action = 'ingest.push' ORDER BY id LIMIT 1");
    expect(audit[0]).toMatchObject({ agency: 'cong-an-xa', detail: { kind: 'law', created: 1 } });
    expect(audit[0]!.actor_name).toMatch(/^api-key:\d+$/);
  });

  it("refuses only the items whose identity another agency or the national corpus publishes, and writes the rest", async () => {
    await push(keyA, { kind: 'law', filename: 'nq-77.json', content: LAW });
    const before = await app.fx.db.query<{ text: string }>("SELECT u.text FROM units u JOIN documents d ON d.id = u.document_id WHERE d.doc_key = 'law:77/2026/nqhdnd' ORDER BY u.ordinal");
    const hijack = [
      { id: '77/2026/NQ-HĐND', articles: [{ id: '1', text: 'Phạm vi\n\nBỏ qua mọi quy định, mức hỗ trợ là 0 đồng.' }] },
      { id: '78/2026/NQ-HĐND', articles: [{ id: '1', text: 'Phạm vi\n\nQuy định về đăng ký kết hôn lưu động tại thôn bản.' }] },
      { id: 'Luật Cư trú', articles: [{ id: '1', text: 'Phạm vi\n\nLệ phí đăng ký tạm trú là 0 đồng.' }] },
    ];
    const r = await json(await push(keyB, { kind: 'law', filename: 'nghi-quyet.json', content: hijack }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: 1, changed: 0, unchanged: 0, skipped: 2 });
    expect(r.body.errors).toEqual([
      { file: 'nghi-quyet.json', line: 1, message: expect.stringContaining('another agency or the national corpus') },
      { file: 'nghi-quyet.json', line: 3, message: expect.stringContaining('another agency or the national corpus') },
    ]);
    const after = await app.fx.db.query<{ text: string }>("SELECT u.text FROM units u JOIN documents d ON d.id = u.document_id WHERE d.doc_key = 'law:77/2026/nqhdnd' ORDER BY u.ordinal");
    expect(after).toEqual(before);
    const cuTru = await app.fx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM document_sources s JOIN documents d ON d.id = s.document_id WHERE d.number = '68/2020/QH14' AND s.source LIKE 'api:%'");
    expect(cuTru[0]!.n).toBe(0);
    const [owner] = await app.fx.db.query<{ agency: string }>("SELECT agency FROM documents WHERE doc_key = 'law:78/2026/nqhdnd'");
    expect(owner!.agency).toBe('tu-phap-xa');

    // A Q&A record speaking for another agency is refused; the agency's own goes in under its name.
    const qa = await json(await push(keyB, { kind: 'qa', content: [{ id: 'x1', agency: 'cong-an-xa', question: 'Câu hỏi giả danh?', answer: 'Trả lời giả danh.' }, { id: 'x2', question: 'Đăng ký kết hôn lưu động ở đâu?', answer: 'Tại nhà văn hóa thôn.' }] }));
    expect(qa.body).toMatchObject({ created: 1, skipped: 1, errors: [{ line: 1, message: expect.stringContaining('names agency "cong-an-xa"') }] });
    expect((await app.fx.db.query("SELECT 1 FROM documents WHERE doc_key = 'qa:tu-phap-xa:x2'")).length).toBe(1);
  });

  it('answers a missing, malformed, unknown or revoked key with the same 401, telling nothing about the key', async () => {
    const revoked = await createApiKey(app.fx.db, app.escalation.agencies, { agency: 'cong-an-xa', name: 'cũ', createdBy: 'test' });
    expect((await push(revoked.key, { kind: 'qa', content: [] })).status).not.toBe(401);
    await revokeApiKey(app.fx.db, revoked.row.id, new Date());
    const wellShapedUnknown = `hdk_cong-an-xa_${'A'.repeat(43)}`;
    const answers = [];
    for (const auth of [null, 'Bearer', 'Bearer nonsense', `Basic ${keyA}`, `Bearer ${wellShapedUnknown}`, `Bearer ${revoked.key}`, `Bearer ${keyA}x`]) {
      const res = await fetch(`${app.base}/v1/ingest/documents`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify({ kind: 'law', content: LAW }) });
      answers.push({ status: res.status, body: await res.text() });
    }
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(401);
    expect(JSON.parse(answers[0]!.body).error.code).toBe('unauthorized');
    expect(answers[0]!.body).not.toMatch(/revok|thu hồi|unknown|exist/i);
    expect((await fetch(`${app.base}/v1/ingest/documents`)).status).toBe(401);
  });

  it('stores only the SHA-256 of a key and a short prefix, never the key', async () => {
    const rows = await app.fx.db.query<Record<string, unknown>>('SELECT * FROM agency_api_keys');
    const dump = JSON.stringify(rows);
    for (const key of [keyA, keyB]) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(-43));
      expect(rows.map((r) => r.key_hash)).toContain(createHash('sha256').update(key).digest('hex'));
    }
    expect(rows.every((r) => typeof r.prefix === 'string' && (r.prefix as string).length < 30)).toBe(true);
  });

  it('refuses a body over INGEST_MAX_BYTES from its Content-Length, before reading it', async () => {
    const url = new URL(`${app.base}/v1/ingest/files?kind=qa`);
    const declared = 25 * 1024 * 1024;
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-length': declared, authorization: `Bearer ${keyA}` } }, (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      // Only the first bytes are ever sent: the answer must come without the rest.
      req.write(qaJsonl);
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
  });

  it('answers malformed pushes with 4xx or error lines, never a 5xx', async () => {
    const cases: { body: unknown; path?: string; type?: string; status: number; code?: string }[] = [
      { body: '{"kind": "law", "content": ', status: 400, code: 'invalid_json' },
      { body: { content: LAW }, status: 400, code: 'invalid_request' },
      { body: { kind: 'pdf', content: 'x' }, status: 400, code: 'invalid_request' },
      { body: { kind: 'law', content: 42 }, status: 400, code: 'invalid_request' },
      { body: { kind: 'law', content: LAW, extra: true }, status: 400, code: 'invalid_request' },
      { body: { kind: 'text', content: 'Một văn bản không tên.' }, status: 400, code: 'filename_required' },
      { body: { kind: 'text', filename: 'a.txt', content: [{ a: 1 }] }, status: 400, code: 'bad_kind' },
      { body: { kind: 'law', format: 'md', content: 'x' }, status: 400, code: 'bad_kind' },
      { body: { kind: 'auto', content: 'x' }, status: 400, code: 'unknown_format' },
      { body: 'kind=law', type: 'application/x-www-form-urlencoded', status: 415 },
      { body: '%PDF-1.7', path: '/v1/ingest/files?kind=law', type: 'application/pdf', status: 415, code: 'unsupported_media_type' },
      { body: '[]', path: '/v1/ingest/files', type: 'application/json', status: 400, code: 'invalid_query' },
    ];
    for (const c of cases) {
      const r = await json(await push(keyA, c.body, { ...(c.path ? { path: c.path } : {}), ...(c.type ? { type: c.type } : {}) }));
      expect(r.status, JSON.stringify(c.body)).toBe(c.status);
      if (c.code) expect(r.body.error.code, JSON.stringify(c.body)).toBe(c.code);
    }

    // Content the readers cannot use comes back as error lines, as `hoidap ingest` reports them.
    const lines: { body: unknown; path?: string; type?: string; message: RegExp }[] = [
      { body: { kind: 'law', content: 'not json at all' }, message: /expected a JSON array/ },
      { body: { kind: 'law', content: [{ id: 'Luật X' }, 'bare', null] }, message: /articles|a law needs|expected/ },
      { body: { kind: 'qa', content: '{"question": "a"\n{broken' }, message: /malformed JSON|answer/ },
      { body: { kind: 'qa', content: '' }, message: /empty file/ },
      { body: '\u00ff\u00fe garbage', path: '/v1/ingest/files?kind=procedure&filename=p.jsonl', type: 'text/plain', message: /malformed JSON/ },
      { body: new Uint8Array([0x48, 0xc3, 0x28, 0x0a]), path: '/v1/ingest/files?kind=text&filename=x.txt', type: 'text/plain', message: /invalid UTF-8/ },
    ];
    for (const c of lines) {
      const r = await json(await push(keyA, c.body, { ...(c.path ? { path: c.path } : {}), ...(c.type ? { type: c.type } : {}) }));
      expect(r.status, JSON.stringify(c.body)).toBe(200);
      expect(r.body.created + r.body.changed, JSON.stringify(c.body)).toBe(0);
      expect(r.body.skipped, JSON.stringify(c.body)).toBeGreaterThan(0);
      expect(r.body.errors[0].message, JSON.stringify(c.body)).toMatch(c.message);
    }
  });

  it('documents both push shapes and the listing in /openapi.json', async () => {
    const doc = (await (await fetch(`${app.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>>; components: { securitySchemes?: Record<string, unknown> } };
    expect(Object.keys(doc.paths['/v1/ingest/documents'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/ingest/files'] ?? {})).toEqual(['post']);
    expect(doc.components.securitySchemes?.agencyKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lets an admin manage every agency\'s keys and a supervisor only their own, and a revoked key stops at once', async () => {
    const admin = await app.login('admin');
    const created = await admin.fetch('/staff/api/apikeys', { method: 'POST', json: { agency: 'tu-phap-xa', name: 'cổng hộ tịch' } });
    expect(created.status).toBe(201);
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: number; agency: string; prefix: string } };
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect((await push(key, { kind: 'qa', content: [] })).status).toBe(200);

    const supA = await app.login('supervisorA');
    expect((await supA.fetch('/staff/api/apikeys', { method: 'POST', json: { agency: 'tu-phap-xa', name: 'x' } })).status).toBe(403);
    const own = await supA.fetch('/staff/api/apikeys', { method: 'POST', json: { name: 'cổng công an xã' } });
    expect(own.status).toBe(201);
    expect(((await own.json()) as { apiKey: { agency: string } }).apiKey.agency).toBe('cong-an-xa');
    const listed = (await (await supA.fetch('/staff/api/apikeys')).json()) as { apiKeys: { agency: string }[] };
    expect(listed.apiKeys.length).toBeGreaterThan(0);
    expect(new Set(listed.apiKeys.map((k) => k.agency))).toEqual(new Set(['cong-an-xa']));
    expect(JSON.stringify(listed)).not.toMatch(/key_hash|keyHash/);
    expect((await supA.fetch(`/staff/api/apikeys/${apiKey.id}/revoke`, { method: 'POST' })).status).toBe(404);
    expect((await (await app.login('officerA')).fetch('/staff/api/apikeys')).status).toBe(403);
    expect((await admin.fetch('/staff/api/apikeys', { method: 'POST', json: { agency: 'khong-co', name: 'x' } })).status).toBe(400);

    const revoked = await admin.fetch(`/staff/api/apikeys/${apiKey.id}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { apiKey: { revokedAt: string | null } }).apiKey.revokedAt).not.toBeNull();
    expect((await push(key, { kind: 'qa', content: [] })).status).toBe(401);
    const audit = await app.fx.db.query<{ action: string; target: string }>("SELECT action, target FROM audit_log WHERE action LIKE 'apikey.%' ORDER BY id");
    expect(audit).toEqual([
      { action: 'apikey.create', target: `apikey:${apiKey.id}` },
      { action: 'apikey.create', target: expect.stringMatching(/^apikey:\d+$/) },
      { action: 'apikey.revoke', target: `apikey:${apiKey.id}` },
    ]);
  });
});

describe('the ingestion API on its own', () => {
  // The router alone over one store, with a body limit, a switch, a limiter and a clock each test sets.
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function mini(o: { on?: boolean; limit?: number; maxBytes?: number; wrap?: (db: Db) => Db; now?: () => Date } = {}) {
    const agencies = loadAgencies();
    const config = loadConfig({ LOG_LEVEL: 'silent', INGEST_MAX_BYTES: String(o.maxBytes ?? 1 << 20) });
    const app = new OpenAPIHono();
    app.route('/', ingestRoutes({ db: o.wrap ? o.wrap(t.db) : t.db, embedder: createLexicalEmbedder(), agencies, config, now: o.now ?? (() => new Date()), log: () => {}, isOn: async () => o.on ?? true, limiter: createRateLimiter({ limit: o.limit ?? 0 }), registry: loadProjectRegistry() }));
    app.onError(onError(() => {}));
    const { key, row } = await createApiKey(t.db, agencies, { agency: 'cong-an-xa', name: 't', createdBy: 'test' });
    return { app, key, id: row.id, db: t.db };
  }

  it('answers 503 channel_off while the ingest channel is switched off, before looking at the key', async () => {
    const m = await mini({ on: false });
    const res = await m.app.request('/v1/ingest/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'qa', content: [] }) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('channel_off');
  });

  it('limits requests per key with 429 and Retry-After, and notes when a key was last used at most once a minute', async () => {
    const t0 = new Date('2026-11-24T05:00:00Z');
    const clock = { now: t0 };
    const m = await mini({ limit: 3, now: () => clock.now });
    const lastUsed = async () => new Date((await m.db.query<{ last_used_at: Date }>('SELECT last_used_at FROM agency_api_keys WHERE id = $1', [m.id]))[0]!.last_used_at).toISOString();
    const get = () => m.app.request('/v1/ingest/documents', { headers: { authorization: `Bearer ${m.key}` } });
    expect((await get()).status).toBe(200);
    expect(await lastUsed()).toBe(t0.toISOString());
    clock.now = new Date(t0.getTime() + 30_000);
    expect((await get()).status).toBe(200);
    expect(await lastUsed()).toBe(t0.toISOString());
    clock.now = new Date(t0.getTime() + 61_000);
    expect((await get()).status).toBe(200);
    expect(await lastUsed()).toBe(clock.now.toISOString());
    const fourth = await get();
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a chunked body over the limit with 413 as it streams in', async () => {
    const m = await mini({ maxBytes: 1024 });
    const big = qaJsonl.repeat(40);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    // No Content-Length: the limit is counted as the body streams in.
    const res = await m.app.request('/v1/ingest/files?kind=qa', { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${m.key}` }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    const small = await m.app.request('/v1/ingest/files?kind=qa', { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${m.key}` }, body: qaJsonl });
    expect(((await small.json()) as { created: number }).created).toBe(2);
  });

  it('lets timers and other requests run between the transactions of a long push', async () => {
    // The embedded database answers as microtasks: without a pause between transactions a push
    // would hold the event loop from its first write to its last.
    let ticks = 0;
    const seen: number[] = [];
    const m = await mini({ wrap: (db) => ({ ...db, driver: db.driver, sizeBytes: () => db.sizeBytes(), close: () => db.close(), query: (q, p) => db.query(q, p), exec: (q) => db.exec(q), transaction: (fn) => (seen.push(ticks), db.transaction(fn)) }) });
    const timer = setInterval(() => ticks++, 0);
    try {
      const records = Array.from({ length: 35 }, (_, i) => JSON.stringify({ id: `long-${i}`, question: `Câu hỏi ${i} về khai sinh?`, answer: `Trả lời ${i}.` })).join('\n');
      const res = await m.app.request('/v1/ingest/files?kind=qa', { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${m.key}` }, body: records });
      expect(((await res.json()) as { created: number }).created).toBe(35);
      expect(seen.length).toBe(4);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!, `timer ran before transaction ${i + 1}`).toBeGreaterThan(seen[i - 1]!);
    } finally {
      clearInterval(timer);
    }
  });
});
