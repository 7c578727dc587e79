import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../http/errors.ts';
import { createPoliteFetcher, isPrivateAddress, type FetchPolicy } from './fetch.ts';

// A real HTTP server on loopback per test; every request it sees is recorded with its arrival time.

type Route = (req: IncomingMessage, res: ServerResponse) => void;
interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  at: number;
}
interface TestServer {
  origin: string;
  host: string;
  hits: Hit[];
  paths(): string[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push({ path, headers: req.headers, at: performance.now() });
    const route = routes[path] ?? routes[path.split('?')[0]!];
    if (route) route(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    hits,
    paths: () => hits.map((h) => h.path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

const text =
  (body: string, headers: Record<string, string> = {}, status = 200): Route =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
const redirect =
  (location: string, status = 302): Route =>
  (_req, res) =>
    res.writeHead(status, { location }).end();

/** Loopback tests need allowPrivate; spacing is off unless a test is about it. */
function fetcher(policy: FetchPolicy = {}) {
  return createPoliteFetcher({ allowPrivate: true, perHostIntervalMs: 0, timeoutMs: 5000, ...policy });
}

/** Real fetch that records every URL it is asked for. */
function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    },
  };
}

function recordingLog(): { log: Logger; entries: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  return { entries, log: (level, msg, fields) => entries.push({ level, msg, ...(fields ? { fields } : {}) }) };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('PoliteFetcher: responses', () => {
  it('returns the body, final URL and caching headers, and sends our User-Agent', async () => {
    const s = await startServer({
      '/vbpq/1': text('Nghị định 15/2024/NĐ-CP', { etag: '"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }),
    });
    const r = await fetcher().get(`${s.origin}/vbpq/1`);
    expect(r).toEqual({
      status: 'ok',
      url: `${s.origin}/vbpq/1`,
      finalUrl: `${s.origin}/vbpq/1`,
      httpStatus: 200,
      body: 'Nghị định 15/2024/NĐ-CP',
      contentType: 'text/plain; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT',
    });
    const page = s.hits.find((h) => h.path === '/vbpq/1')!;
    expect(page.headers['user-agent']).toBe('hoidap-sync/1.0 (+https://github.com/hoidap)');
    expect(page.headers['if-none-match']).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since and reports 304 as not_modified', async () => {
    const s = await startServer({
      '/vbpq/1': (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
        else text('changed')(req, res);
      },
    });
    const conditional = { etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' };
    const r = await fetcher().get(`${s.origin}/vbpq/1`, conditional);
    expect(r).toEqual({ status: 'not_modified', url: `${s.origin}/vbpq/1`, finalUrl: `${s.origin}/vbpq/1` });
    const page = s.hits.find((h) => h.path === '/vbpq/1')!;
    expect(page.headers['if-none-match']).toBe('"v1"');
    expect(page.headers['if-modified-since']).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
  });

  it('sends only the validator it has', async () => {
    const s = await startServer({
      '/tt': (req, res) => {
        if (req.headers['if-modified-since'] === 'Wed, 01 Jan 2025 00:00:00 GMT') res.writeHead(304).end();
        else text('changed')(req, res);
      },
    });
    const r = await fetcher().get(`${s.origin}/tt`, { etag: null, lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' });
    expect(r.status).toBe('not_modified');
    expect(s.hits.find((h) => h.path === '/tt')!.headers['if-none-match']).toBeUndefined();
  });

  it('reports a 500 as http_error with the status', async () => {
    const s = await startServer({ '/loi': text('oops', {}, 500) });
    const r = await fetcher().get(`${s.origin}/loi`);
    expect(r).toMatchObject({ status: 'error', code: 'http_error', httpStatus: 500 });
  });

  it('reports a 404 as http_error with the status', async () => {
    const s = await startServer();
    expect(await fetcher().get(`${s.origin}/khong-co`)).toMatchObject({ status: 'error', code: 'http_error', httpStatus: 404 });
  });

  it('decodes a charset TextDecoder knows and falls back to UTF-8 for one it does not', async () => {
    const s = await startServer({
      '/latin1': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9])),
      '/unknown': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=x-made-up' }).end(Buffer.from('Hộ tịch')),
    });
    const f = fetcher();
    expect(await f.get(`${s.origin}/latin1`)).toMatchObject({ status: 'ok', body: 'café' });
    expect(await f.get(`${s.origin}/unknown`)).toMatchObject({ status: 'ok', body: 'Hộ tịch' });
  });
});

describe('PoliteFetcher: size and time limits', () => {
  it('stops a streamed body without Content-Length at the cap with too_large', async () => {
    const s = await startServer({
      '/lon': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(512);
        res.write(chunk);
        res.write(chunk);
        res.write(chunk);
        res.end(chunk);
      },
    });
    const r = await fetcher({ maxBytes: 1024 }).get(`${s.origin}/lon`);
    expect(r).toMatchObject({ status: 'error', code: 'too_large' });
  });

  it('refuses a declared Content-Length over the cap at once', async () => {
    const s = await startServer({ '/lon': text('y'.repeat(5000), { 'content-length': '5000' }) });
    const r = await fetcher({ maxBytes: 1024 }).get(`${s.origin}/lon`);
    expect(r).toMatchObject({ status: 'error', code: 'too_large' });
    expect(r.status === 'error' && r.message).toMatch(/declares 5000 bytes/);
  });

  it('accepts a body exactly at the cap', async () => {
    const s = await startServer({ '/vua': text('z'.repeat(1024)) });
    expect(await fetcher({ maxBytes: 1024 }).get(`${s.origin}/vua`)).toMatchObject({ status: 'ok', body: 'z'.repeat(1024) });
  });

  it('times out a server that does not answer', async () => {
    const s = await startServer({
      '/cham': (_req, res) => {
        const t = setTimeout(() => res.end('late'), 3000);
        res.on('close', () => clearTimeout(t));
      },
    });
    const started = performance.now();
    const r = await fetcher({ timeoutMs: 200 }).get(`${s.origin}/cham`);
    expect(r).toMatchObject({ status: 'error', code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('times out a body that stalls after the headers', async () => {
    const s = await startServer({
      '/nua-chung': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('một nửa');
      },
    });
    const r = await fetcher({ timeoutMs: 200 }).get(`${s.origin}/nua-chung`);
    expect(r).toMatchObject({ status: 'error', code: 'timeout' });
  });
});

describe('PoliteFetcher: URLs and redirects', () => {
  it.each(['file:///etc/passwd', 'ftp://example.gov.vn/a', 'data:text/plain,hi', 'javascript:alert(1)', 'gopher://example.gov.vn/'])(
    'refuses %s with blocked_scheme before any request',
    async (url) => {
      const spy = recordingFetch();
      expect(await fetcher({ fetch: spy.fetch }).get(url)).toMatchObject({ status: 'error', code: 'blocked_scheme', url });
      expect(spy.urls).toEqual([]);
    },
  );

  it('refuses credentials in the URL and unparseable URLs with bad_url', async () => {
    const spy = recordingFetch();
    const f = fetcher({ fetch: spy.fetch });
    expect(await f.get('http://user:pass@127.0.0.1/')).toMatchObject({ code: 'bad_url' });
    expect(await f.get('không phải url')).toMatchObject({ code: 'bad_url' });
    expect(spy.urls).toEqual([]);
  });

  it('follows a redirect within the host', async () => {
    const s = await startServer({ '/cu': redirect('/moi', 301), '/moi': text('trang mới') });
    const r = await fetcher().get(`${s.origin}/cu`);
    expect(r).toMatchObject({ status: 'ok', url: `${s.origin}/cu`, finalUrl: `${s.origin}/moi`, body: 'trang mới' });
  });

  it('refuses a redirect to another host (same hostname, other port) without requesting it', async () => {
    const b = await startServer({ '/': text('elsewhere') });
    const a = await startServer({ '/di': redirect(`${b.origin}/`) });
    const r = await fetcher().get(`${a.origin}/di`);
    expect(r).toMatchObject({ status: 'error', code: 'redirect_offsite' });
    expect(b.hits).toEqual([]);
  });

  it('follows a redirect to a host listed in allowedHosts', async () => {
    const b = await startServer({ '/': text('elsewhere') });
    const a = await startServer({ '/di': redirect(`${b.origin}/`) });
    const r = await fetcher({ allowedHosts: [b.host] }).get(`${a.origin}/di`);
    expect(r).toMatchObject({ status: 'ok', finalUrl: `${b.origin}/`, body: 'elsewhere' });
  });

  it('refuses a redirect to file:///etc/passwd with blocked_scheme', async () => {
    const s = await startServer({ '/di': redirect('file:///etc/passwd') });
    expect(await fetcher().get(`${s.origin}/di`)).toMatchObject({ status: 'error', code: 'blocked_scheme' });
  });

  it('gives up after maxRedirects with too_many_redirects', async () => {
    const routes: Record<string, Route> = {};
    for (let i = 0; i < 10; i++) routes[`/vong/${i}`] = redirect(`/vong/${i + 1}`);
    const s = await startServer(routes);
    const r = await fetcher({ maxRedirects: 2, respectRobots: false }).get(`${s.origin}/vong/0`);
    expect(r).toMatchObject({ status: 'error', code: 'too_many_redirects' });
    expect(s.paths()).toEqual(['/vong/0', '/vong/1', '/vong/2']);
  });
});

describe('PoliteFetcher: address checks (allowPrivate false)', () => {
  it('refuses 127.0.0.1 without any request reaching the server', async () => {
    const s = await startServer({ '/': text('secret') });
    const r = await createPoliteFetcher({ perHostIntervalMs: 0 }).get(`${s.origin}/`);
    expect(r).toMatchObject({ status: 'error', code: 'blocked_address' });
    expect(s.hits).toEqual([]);
  });

  it('refuses the decimal spelling of loopback, which the URL parser turns into 127.0.0.1', async () => {
    const s = await startServer({ '/': text('secret') });
    const port = new URL(s.origin).port;
    expect(await createPoliteFetcher().get(`http://2130706433:${port}/`)).toMatchObject({ code: 'blocked_address' });
    expect(s.hits).toEqual([]);
  });

  it.each(['http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::]/', 'http://[fd00::1]/'])('refuses %s without a request', async (url) => {
    const spy = recordingFetch();
    expect(await createPoliteFetcher({ fetch: spy.fetch }).get(url)).toMatchObject({ status: 'error', code: 'blocked_address' });
    expect(spy.urls).toEqual([]);
  });

  it('refuses a hostname that resolves to 10.0.0.5', async () => {
    const spy = recordingFetch();
    const resolved: string[] = [];
    const f = createPoliteFetcher({
      fetch: spy.fetch,
      resolve: async (host) => {
        resolved.push(host);
        return ['10.0.0.5'];
      },
    });
    const r = await f.get('http://intranet.example.gov.vn/vbpq/1');
    expect(r).toMatchObject({ status: 'error', code: 'blocked_address' });
    expect(r.status === 'error' && r.message).toMatch(/10\.0\.0\.5/);
    expect(resolved).toEqual(['intranet.example.gov.vn']);
    expect(spy.urls).toEqual([]);
  });

  it('refuses a hostname when any one of its addresses is private', async () => {
    const spy = recordingFetch();
    const f = createPoliteFetcher({ fetch: spy.fetch, resolve: async () => ['203.0.113.10', '127.0.0.1'] });
    expect(await f.get('http://mixed.example.gov.vn/')).toMatchObject({ code: 'blocked_address' });
    expect(spy.urls).toEqual([]);
  });

  it('reports a failed DNS lookup as network', async () => {
    const f = createPoliteFetcher({
      resolve: async () => {
        throw new Error('getaddrinfo ENOTFOUND');
      },
    });
    expect(await f.get('http://khong-ton-tai.example.gov.vn/')).toMatchObject({ code: 'network' });
  });

  it('refuses a public host that redirects to loopback, and loopback sees no request', async () => {
    const loopback = await startServer({ '/secret': text('secret') });
    const publicUrls: string[] = [];
    // A "public" portal played by an injected fetch; anything else goes to the real network stack.
    const f = createPoliteFetcher({
      perHostIntervalMs: 0,
      resolve: async (host) => (host === 'portal.example.gov.vn' ? ['203.0.113.10'] : ['127.0.0.1']),
      fetch: async (input, init) => {
        const url = new URL(String(input));
        if (url.hostname !== 'portal.example.gov.vn') return fetch(input, init);
        publicUrls.push(url.pathname);
        if (url.pathname === '/robots.txt') return new Response('', { status: 404 });
        return new Response(null, { status: 302, headers: { location: `${loopback.origin}/secret` } });
      },
      allowedHosts: [loopback.host],
    });
    const r = await f.get('http://portal.example.gov.vn/vbpq/1');
    expect(r).toMatchObject({ status: 'error', code: 'blocked_address' });
    expect(publicUrls).toEqual(['/robots.txt', '/vbpq/1']);
    expect(loopback.hits).toEqual([]);
  });
});

describe('PoliteFetcher: robots.txt', () => {
  it('refuses a disallowed path without requesting it, and reads robots.txt once per origin', async () => {
    const s = await startServer({
      '/robots.txt': text('User-agent: *\nDisallow: /noi-bo/\n'),
      '/vbpq/1': text('công khai'),
      '/vbpq/2': text('công khai'),
    });
    const f = fetcher();
    expect(await f.get(`${s.origin}/noi-bo/bao-cao`)).toMatchObject({ status: 'error', code: 'robots_disallowed' });
    expect(await f.get(`${s.origin}/vbpq/1`)).toMatchObject({ status: 'ok' });
    expect(await f.get(`${s.origin}/vbpq/2`)).toMatchObject({ status: 'ok' });
    expect(s.paths()).toEqual(['/robots.txt', '/vbpq/1', '/vbpq/2']);
    expect(s.hits[0]!.headers['user-agent']).toMatch(/^hoidap-sync\//);
  });

  it('checks robots.txt on a redirect hop too', async () => {
    const s = await startServer({ '/robots.txt': text('User-agent: *\nDisallow: /noi-bo/\n'), '/di': redirect('/noi-bo/x') });
    expect(await fetcher().get(`${s.origin}/di`)).toMatchObject({ code: 'robots_disallowed' });
    expect(s.paths()).toEqual(['/robots.txt', '/di']);
  });

  it('shares one robots.txt request between concurrent fetches', async () => {
    const s = await startServer({ '/robots.txt': text('User-agent: *\nDisallow:\n'), '/a': text('a'), '/b': text('b') });
    const f = fetcher();
    await Promise.all([f.get(`${s.origin}/a`), f.get(`${s.origin}/b`)]);
    expect(s.paths().filter((p) => p === '/robots.txt')).toHaveLength(1);
  });

  it('allows everything quietly when robots.txt is missing', async () => {
    const s = await startServer({ '/vbpq/1': text('ok') });
    const { log, entries } = recordingLog();
    expect(await fetcher({ log }).get(`${s.origin}/vbpq/1`)).toMatchObject({ status: 'ok' });
    expect(entries).toEqual([]);
  });

  it('allows everything but logs when robots.txt answers 5xx', async () => {
    const s = await startServer({ '/robots.txt': text('down', {}, 503), '/vbpq/1': text('ok') });
    const { log, entries } = recordingLog();
    expect(await fetcher({ log }).get(`${s.origin}/vbpq/1`)).toMatchObject({ status: 'ok' });
    expect(entries).toMatchObject([{ level: 'warn', fields: { code: 'http_error', url: `${s.origin}/robots.txt` } }]);
  });

  it('does not fetch robots.txt when respectRobots is false', async () => {
    const s = await startServer({ '/robots.txt': text('User-agent: *\nDisallow: /\n'), '/vbpq/1': text('ok') });
    expect(await fetcher({ respectRobots: false }).get(`${s.origin}/vbpq/1`)).toMatchObject({ status: 'ok' });
    expect(s.paths()).toEqual(['/vbpq/1']);
  });
});

describe('PoliteFetcher: politeness', () => {
  // Server-side arrival times; the gap runs from the end of one request to the start of the next, so
  // arrivals are at least the interval apart. 5 ms of slack covers timer rounding.
  const SLACK = 5;

  it('spaces requests to one host by perHostIntervalMs', async () => {
    const s = await startServer({ '/1': text('1'), '/2': text('2'), '/3': text('3') });
    const f = fetcher({ perHostIntervalMs: 250, respectRobots: false });
    const results = await Promise.all(['/1', '/2', '/3'].map((p) => f.get(`${s.origin}${p}`)));
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    for (const gap of gaps(s.hits.map((h) => h.at))) expect(gap).toBeGreaterThanOrEqual(250 - SLACK);
  });

  it('raises the spacing to robots.txt Crawl-delay', async () => {
    const s = await startServer({ '/robots.txt': text('User-agent: *\nCrawl-delay: 0.3\n'), '/1': text('1'), '/2': text('2'), '/3': text('3') });
    const f = fetcher({ perHostIntervalMs: 10 });
    await Promise.all(['/1', '/2', '/3'].map((p) => f.get(`${s.origin}${p}`)));
    expect(s.paths()).toEqual(['/robots.txt', '/1', '/2', '/3']);
    for (const gap of gaps(s.hits.slice(1).map((h) => h.at))) expect(gap).toBeGreaterThanOrEqual(300 - SLACK);
  });

  it('does not delay one host for another', async () => {
    const a = await startServer({ '/1': text('a1'), '/2': text('a2') });
    const b = await startServer({ '/1': text('b1'), '/2': text('b2') });
    const f = fetcher({ perHostIntervalMs: 400, respectRobots: false });
    const started = performance.now();
    await Promise.all([a, b, a, b].map((s, i) => f.get(`${s.origin}/${i < 2 ? 1 : 2}`)));
    const elapsed = performance.now() - started;
    expect(Math.abs(a.hits[0]!.at - b.hits[0]!.at)).toBeLessThan(150);
    expect(a.hits[1]!.at - a.hits[0]!.at).toBeGreaterThanOrEqual(400 - SLACK);
    expect(b.hits[1]!.at - b.hits[0]!.at).toBeGreaterThanOrEqual(400 - SLACK);
    // One host after the other would take at least three intervals.
    expect(elapsed).toBeLessThan(1200);
  });
});

describe('isPrivateAddress', () => {
  const cases: [string, boolean][] = [
    ['10.0.0.5', true],
    ['10.255.255.255', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['172.15.255.255', false],
    ['192.168.1.1', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['255.255.255.255', true],
    ['198.18.0.1', true],
    ['198.19.255.255', true],
    ['198.20.0.1', false],
    ['8.8.8.8', false],
    ['203.0.113.10', false],
    ['14.225.0.1', false],
    ['::1', true],
    ['::', true],
    ['0:0:0:0:0:0:0:1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.5', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::a00:1', true],
    ['64:ff9b::8.8.8.8', false],
    ['2002:7f00:1::', true],
    ['2001:4860:4860::8888', false],
    ['2405:4800::1', false],
    ['[::1]', true],
    ['not-an-ip', false],
  ];
  it.each(cases)('%s → %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});
