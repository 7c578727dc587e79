// Portal sync against a fake government portal on loopback: a sitemap of decree pages (with
// Vietnamese metadata, ETag / Last-Modified), an RSS feed of news, a listing page of Q&A, one page
// that fails, one that redirects off-site. First pass, an unchanged second pass, a changed page, a
// decree replaced by a newer one (and the answer to a citizen switching to it at once), SSRF refusals,
// and a broken source that does not hold up the others.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { AskResponse } from '../../src/answer/types.ts';
import { loadConfig } from '../../src/config/index.ts';
import { loadAgencies } from '../../src/escalation/agencies.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { createAnswerService } from '../../src/answer/pipeline.ts';
import { createSearcher } from '../../src/retrieval/search.ts';
import { createTitleReranker } from '../../src/retrieval/title-rerank.ts';
import { syncSource, type SyncDeps, type SyncSource } from '../../src/sync/connector.ts';
import { createPoliteFetcher, type FetchPolicy } from '../../src/sync/fetch.ts';
import { runSources } from '../../src/sync/index.ts';
import { loadGlossary } from '../../src/text/english.ts';
import { loadLexicon } from '../../src/text/lexicon.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { ROOT } from '../support/cli.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';

const NOW = new Date('2026-11-24T03:00:00Z');

function decreePage(o: { number: string; title: string; issued: string; effective: string; status: string; replacedBy?: string; body: string[] }) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${o.title} - Cổng thông tin điện tử</title></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/vb">Văn bản</a></nav>
<div class="content"><h1>${o.title}</h1>
<table class="thuoc-tinh">
<tr><td>Số ký hiệu:</td><td>${o.number}</td></tr>
<tr><td>Loại văn bản:</td><td>Nghị định</td></tr>
<tr><td>Cơ quan ban hành:</td><td>Chính phủ</td></tr>
<tr><td>Ngày ban hành:</td><td>${o.issued}</td></tr>
<tr><td>Ngày có hiệu lực:</td><td>${o.effective}</td></tr>
<tr><td>Tình trạng hiệu lực:</td><td>${o.status}</td></tr>
${o.replacedBy ? `<tr><td>Văn bản thay thế:</td><td>Nghị định ${o.replacedBy}</td></tr>` : ''}
</table>
<div class="noi-dung">${o.body.map((p) => `<p>${p}</p>`).join('\n')}</div></div>
<footer>Bản quyền thuộc Cổng thông tin điện tử. Địa chỉ: 1 Hoàng Hoa Thám, Hà Nội.</footer></body></html>`;
}

const OLD_DECREE = () =>
  decreePage({
    number: '01/2021/NĐ-CP',
    title: 'Nghị định quy định phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành',
    issued: '04/01/2021',
    effective: '01/03/2021',
    status: state.oldRepealed ? 'Hết hiệu lực toàn bộ' : 'Còn hiệu lực',
    ...(state.oldRepealed ? { replacedBy: '15/2025/NĐ-CP' } : {}),
    body: [
      'Điều 1. Phạm vi điều chỉnh',
      'Nghị định này quy định phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành quốc tế và nội địa.',
      'Điều 2. Mức phí thẩm định',
      `Phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành quốc tế là ${state.oldFee} đồng/giấy phép.`,
    ],
  });

const NEW_DECREE = () =>
  decreePage({
    number: '15/2025/NĐ-CP',
    title: 'Nghị định quy định phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành (thay thế)',
    issued: '15/01/2026',
    effective: '01/03/2026',
    status: 'Còn hiệu lực',
    body: [
      'Điều 1. Phạm vi điều chỉnh',
      'Nghị định này quy định phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành quốc tế và nội địa.',
      'Điều 2. Mức phí thẩm định',
      'Phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành quốc tế là 4.000.000 đồng/giấy phép.',
      'Điều 3. Hiệu lực thi hành',
      'Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2026 và thay thế Nghị định số 01/2021/NĐ-CP ngày 04 tháng 01 năm 2021 của Chính phủ.',
    ],
  });

/** What the portal publishes now. */
const state = { oldFee: '3.000.000', oldRepealed: false, publishNew: false, lastmodOld: '2021-01-05', hang: false };

interface Hit {
  path: string;
  status: number;
  conditional: boolean;
}

function etagOf(body: string) {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
}

describe('portal sync (fake portal on loopback)', () => {
  let portal: Server;
  let other: Server;
  let base = '';
  let otherBase = '';
  const hits: Hit[] = [];
  let t: TestDb;
  const embedder = createLexicalEmbedder();
  const lexicon = loadLexicon();
  let deps: SyncDeps;
  let app: ReturnType<typeof createApp>;

  const serve = (req: IncomingMessage, res: ServerResponse, body: string, type = 'text/html; charset=utf-8') => {
    const etag = etagOf(body);
    const conditional = req.headers['if-none-match'] === etag;
    hits.push({ path: req.url ?? '', status: conditional ? 304 : 200, conditional: !!req.headers['if-none-match'] });
    if (conditional) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': type, etag, 'last-modified': 'Mon, 05 Jan 2026 00:00:00 GMT' }).end(body);
  };

  const sitemap = () => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${base}/vb/nd-01-2021</loc><lastmod>${state.lastmodOld}</lastmod></url>
  ${state.publishNew ? `<url><loc>${base}/vb/nd-15-2025</loc><lastmod>2026-01-15</lastmod></url>` : ''}
  <url><loc>${base}/vb/hong</loc></url>
  <url><loc>${base}/vb/chuyen-di</loc></url>
  <url><loc>${base}/private/bi-mat</loc></url>
</urlset>`;

  const rss = () => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin tức</title>
<item><title>Bộ Văn hóa hướng dẫn cấp giấy phép lữ hành trực tuyến</title><link>${base}/tin/1</link><guid>tin-1</guid><pubDate>Mon, 05 Jan 2026 08:00:00 +0700</pubDate></item>
<item><title>Tăng cường kiểm tra hoạt động kinh doanh lữ hành dịp Tết</title><link>/tin/2</link><guid>tin-2</guid><pubDate>Tue, 06 Jan 2026 08:00:00 +0700</pubDate></item>
</channel></rss>`;

  const news = (n: string) => `<html><head><title>Tin ${n}</title></head><body><nav>menu</nav><article><h1>${n === '1' ? 'Bộ Văn hóa hướng dẫn cấp giấy phép lữ hành trực tuyến' : 'Tăng cường kiểm tra hoạt động kinh doanh lữ hành dịp Tết'}</h1>
<p>Ngày 05/01/2026, Bộ Văn hóa, Thể thao và Du lịch hướng dẫn doanh nghiệp nộp hồ sơ cấp giấy phép kinh doanh dịch vụ lữ hành trên Cổng dịch vụ công quốc gia (tin số ${n}).</p></article></body></html>`;

  beforeAll(async () => {
    portal = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/robots.txt') return serve(req, res, 'User-agent: *\nDisallow: /private/\n', 'text/plain');
      if (path === '/sitemap.xml') return serve(req, res, sitemap(), 'application/xml');
      if (path === '/rss.xml') return serve(req, res, rss(), 'application/rss+xml');
      if (path === '/vb/nd-01-2021') return serve(req, res, OLD_DECREE());
      if (path === '/vb/nd-15-2025' && state.publishNew) return serve(req, res, NEW_DECREE());
      if (path === '/tin/1' || path === '/tin/2') return serve(req, res, news(path.slice(-1)));
      if (path === '/trang/gioi-thieu') return serve(req, res, '<html><head><title>Giới thiệu</title></head><body><h1>Giới thiệu Bộ phận một cửa</h1><p>Bộ phận một cửa tiếp nhận hồ sơ từ thứ Hai đến sáng thứ Bảy.</p></body></html>');
      if (path === '/vb/hong') {
        hits.push({ path, status: 500, conditional: false });
        return res.writeHead(500).end('Lỗi máy chủ');
      }
      if (path === '/vb/chuyen-di') {
        hits.push({ path, status: 302, conditional: false });
        return res.writeHead(302, { location: `${otherBase}/trang-khac` }).end();
      }
      if (path === '/cham') {
        hits.push({ path, status: 0, conditional: false });
        return; // never answers
      }
      hits.push({ path, status: 404, conditional: false });
      res.writeHead(404).end('không có');
    });
    other = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Trang ngoài</h1><p>Điều 1. Không thuộc cổng.</p>'));
    await new Promise<void>((r) => portal.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;

    t = await openTestDb('pglite');
    // A background of other knowledge, so term statistics are those of a real store (on a handful of
    // units every word of the question would look as common as a stop word).
    await ingestPaths({ db: t.db, embedder, registry: loadProjectRegistry() }, [`${ROOT}data/qa`]);
    deps = {
      db: t.db,
      embedder,
      fetcher: createPoliteFetcher({ allowPrivate: true, perHostIntervalMs: 0, timeoutMs: 1500 }),
      registry: loadProjectRegistry(),
      now: () => NOW,
      log: () => {},
    };
    const searcher = createSearcher({ db: t.db, embedder, lexicon, reranker: createTitleReranker(lexicon) });
    const answers = createAnswerService({ db: t.db, searcher, lexicon, glossary: loadGlossary(), agencies: loadAgencies(), now: () => NOW, log: () => {}, llm: null });
    app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db: t.db, embedder, searcher, answers, readiness: () => ({ phase: 'ready' }), log: () => {}, now: () => NOW });
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((r) => portal?.close(() => r()));
    await new Promise<void>((r) => other?.close(() => r()));
    await t?.close();
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const laws: SyncSource = { id: 'cong-bo-van-ban', type: 'sitemap', url: '', kind: 'law', agency: 'bo-van-hoa', patterns: [], everyMinutes: 60, enabled: true };
  const feed: SyncSource = { id: 'tin-tuc', type: 'feed', url: '', kind: 'news', agency: 'bo-van-hoa', patterns: [], everyMinutes: 60, enabled: true };
  const src = (s: SyncSource, path: string): SyncSource => ({ ...s, url: `${base}${path}` });
  const ask = async (question: string) => (await (await app.request('/v1/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) })).json()) as AskResponse;
  const doc = async (number: string) => (await t.db.query<{ status: string; version: number; replaced_by: string | null; replaces: string[] }>('SELECT status, version, replaced_by, replaces FROM documents WHERE number = $1', [number]))[0];
  const QUESTION = 'Phí thẩm định cấp giấy phép kinh doanh dịch vụ lữ hành quốc tế là bao nhiêu?';

  it('ingests everything valid on the first pass, and reports the page that fails and the one that leaves the site', async () => {
    const s = await syncSource(src(laws, '/sitemap.xml'), deps);
    expect(s).toMatchObject({ created: 1, changed: 0, failed: 3 });
    expect(s.errors.map((e) => [e.url.replace(base, ''), e.code]).sort()).toEqual([
      ['/private/bi-mat', 'robots_disallowed'],
      ['/vb/chuyen-di', 'redirect_offsite'],
      ['/vb/hong', 'http_error'],
    ]);
    expect(hits.some((h) => h.path.startsWith('/private/'))).toBe(false);
    expect(await doc('01/2021/NĐ-CP')).toMatchObject({ status: 'in_force', version: 1 });
    const f = await syncSource(src(feed, '/rss.xml'), deps);
    expect(f).toMatchObject({ created: 2, failed: 0 });
    const r = await ask(QUESTION);
    expect(r.status).toBe('answered');
    expect(r.citations[0]!.ref).toContain('01/2021/NĐ-CP');
    expect(r.answer).toContain('3.000.000');
    const runs = await t.db.query<{ source_id: string; created: number; failed: number }>('SELECT source_id, created, failed FROM sync_runs ORDER BY id');
    expect(runs).toEqual([
      { source_id: 'cong-bo-van-ban', created: 1, failed: 3 },
      { source_id: 'tin-tuc', created: 2, failed: 0 },
    ]);
  });

  it('fetches only what conditional requests allow on an unchanged second pass, and writes nothing', async () => {
    const before = await t.db.query<{ id: number; version: number; updated_at: Date }>('SELECT id, version, updated_at FROM documents ORDER BY id');
    const s = await syncSource(src(laws, '/sitemap.xml'), deps);
    expect(s).toMatchObject({ created: 0, changed: 0 });
    // The decree's lastmod did not change: not requested at all. Pages without lastmod: asked conditionally.
    expect(hits.filter((h) => h.path === '/vb/nd-01-2021')).toEqual([]);
    const f = await syncSource(src(feed, '/rss.xml'), deps);
    expect(f).toMatchObject({ created: 0, changed: 0, unchanged: 2 });
    expect(hits.filter((h) => h.path.startsWith('/tin/') && h.status === 200)).toEqual([]);
    // A page with no date to go by is asked with its ETag, and the 304 writes nothing.
    expect(await t.db.query('SELECT id, version, updated_at FROM documents ORDER BY id')).toEqual(before);
    const page: SyncSource = { ...laws, id: 'mot-trang', type: 'page', url: `${base}/trang/gioi-thieu`, kind: 'text' };
    expect(await syncSource(page, deps)).toMatchObject({ fetched: 1, created: 1 });
    const after = await t.db.query('SELECT id, version, updated_at FROM documents ORDER BY id');
    hits.length = 0;
    expect(await syncSource(page, deps)).toMatchObject({ fetched: 1, created: 0, changed: 0, unchanged: 1 });
    expect(hits).toEqual([{ path: '/trang/gioi-thieu', status: 304, conditional: true }]);
    expect(await t.db.query('SELECT id, version, updated_at FROM documents ORDER BY id')).toEqual(after);
  });

  it('makes a changed page a new version', async () => {
    state.oldFee = '3.500.000';
    state.lastmodOld = '2026-02-01';
    const s = await syncSource(src(laws, '/sitemap.xml'), deps);
    expect(s).toMatchObject({ created: 0, changed: 1 });
    expect(await doc('01/2021/NĐ-CP')).toMatchObject({ version: 2 });
    expect((await ask(QUESTION)).answer).toContain('3.500.000');
  });

  it('stops citing a decree as soon as a pass brings the one that replaces it, and says what it replaced', async () => {
    state.publishNew = true;
    const s = await syncSource(src(laws, '/sitemap.xml'), deps);
    expect(s.created).toBe(1);
    expect(await doc('15/2025/NĐ-CP')).toMatchObject({ status: 'in_force', replaces: ['01/2021/NĐ-CP'] });
    expect(await doc('01/2021/NĐ-CP')).toMatchObject({ status: 'repealed', replaced_by: '15/2025/NĐ-CP' });
    const r = await ask(QUESTION);
    expect(r.reason).toBe('answered');
    expect(r.citations.map((c) => c.ref).join(' ')).not.toContain('01/2021/NĐ-CP');
    expect(r.citations[0]!.ref).toContain('15/2025/NĐ-CP');
    expect(r.answer).toContain('4.000.000');
    expect(r.answer).toContain('thay thế 01/2021/NĐ-CP');
  });

  it('keeps a decree out of answers when its own page says it was replaced', async () => {
    state.oldRepealed = true;
    state.lastmodOld = '2026-03-02';
    await syncSource(src(laws, '/sitemap.xml'), deps);
    expect(await doc('01/2021/NĐ-CP')).toMatchObject({ status: 'repealed', replaced_by: '15/2025/NĐ-CP' });
  });

  it('refuses and reports links to private addresses, file: URLs and redirects to loopback', async () => {
    // The portal seen as a public host: "cong.test" resolves to a documentation address and is routed to the loopback server.
    const policy: FetchPolicy = {
      allowPrivate: false,
      // Even a host the portal may redirect to is refused when it is a private address.
      allowedHosts: [new URL(base).host],
      perHostIntervalMs: 0,
      timeoutMs: 1500,
      resolve: async (host) => (host === 'cong.test' ? ['203.0.113.10'] : host === 'noi-bo.test' ? ['10.0.0.5'] : ['198.51.100.7']),
      fetch: (input, init) => {
        const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
        if (u.hostname === 'cong.test') {
          u.host = new URL(base).host;
          if (u.pathname === '/sitemap-ssrf.xml')
            return Promise.resolve(
              new Response(
                `<urlset><url><loc>http://noi-bo.test/tai-lieu</loc></url><url><loc>http://10.1.2.3/x</loc></url><url><loc>file:///etc/passwd</loc></url><url><loc>http://cong.test/vong-ve</loc></url></urlset>`,
                { headers: { 'content-type': 'application/xml' } },
              ),
            );
          if (u.pathname === '/vong-ve') return Promise.resolve(new Response(null, { status: 302, headers: { location: `${base}/vb/nd-15-2025` } }));
          if (u.pathname === '/robots.txt') return Promise.resolve(new Response('', { status: 404 }));
        }
        return fetch(u, init);
      },
    };
    const before = hits.length;
    const s = await syncSource({ ...laws, id: 'ssrf', url: 'http://cong.test/sitemap-ssrf.xml' }, { ...deps, fetcher: createPoliteFetcher(policy) });
    const codes = Object.fromEntries(s.errors.map((e) => [e.url, e.code]));
    expect(codes['http://noi-bo.test/tai-lieu']).toBe('blocked_address');
    expect(codes['http://10.1.2.3/x']).toBe('blocked_address');
    expect(codes['file:///etc/passwd']).toBe('blocked_scheme');
    expect(codes['http://cong.test/vong-ve']).toBe('blocked_address');
    expect(s.created + s.changed).toBe(0);
    expect(hits.length).toBe(before); // nothing reached the loopback server
    const failing = await t.db.query<{ url: string }>(`SELECT url FROM sync_items WHERE source_id = 'ssrf' AND status = 'failed'`);
    expect(failing).toHaveLength(4);
  });

  it('lets a slow or broken source fail alone while the others finish and the service answers', async () => {
    const slow: SyncSource = { ...laws, id: 'cham', type: 'page', url: `${base}/cham` };
    const broken: SyncSource = { ...laws, id: 'hong', type: 'sitemap', url: `${base}/khong-co.xml` };
    let passDone = false;
    // The hanging source holds its pass for the fetcher's whole timeout (4 s).
    const pass = runSources([slow, broken, src(feed, '/rss.xml')], { ...deps, fetcher: createPoliteFetcher({ allowPrivate: true, perHostIntervalMs: 0, timeoutMs: 4000 }) }).finally(() => (passDone = true));
    const answer = await ask(QUESTION); // answered while the slow source hangs
    expect(answer.status).toBe('answered');
    expect(passDone).toBe(false);
    const totals = await pass;
    const by = Object.fromEntries(totals.sources.map((s) => [s.source, s]));
    expect(by.cham!.errors[0]!.code).toBe('timeout');
    expect(by.hong!.errors[0]!.code).toBe('discovery_failed');
    expect(by['tin-tuc']!.failed).toBe(0);
    expect(totals.failed).toBe(2);
  });
});
