// `hoidap sync` from the command line against a fake portal on loopback: an ad-hoc URL (its type
// detected), a second run that writes nothing, a sources file, the refusals and usage errors, and
// what operators see at /staff/api/sync.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSources, runSources } from '../../src/sync/index.ts';
import { createPoliteFetcher } from '../../src/sync/fetch.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { runCli } from '../support/cli.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

const page = (n: number) => `<html><head><title>Nghị định ${n}/2026/NĐ-CP</title></head><body>
<table><tr><td>Số ký hiệu</td><td>${n}/2026/NĐ-CP</td></tr><tr><td>Loại văn bản</td><td>Nghị định</td></tr><tr><td>Ngày ban hành</td><td>10/01/2026</td></tr></table>
<p>Điều 1. Phạm vi điều chỉnh</p><p>Nghị định này quy định về thủ tục số ${n} trong lĩnh vực hộ tịch.</p>
<p>Điều 2. Hiệu lực thi hành</p><p>Nghị định này có hiệu lực kể từ ngày ký.</p></body></html>`;

describe('hoidap sync', () => {
  let portal: Server;
  let base = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'hoidap-sync-cli-'));
  const env = () => ({ DATA_DIR: dataDir, SYNC_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    portal = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/robots.txt') return res.writeHead(404).end();
      if (path === '/sitemap.xml')
        return res
          .writeHead(200, { 'content-type': 'application/xml' })
          .end(`<?xml version="1.0"?><urlset><url><loc>${base}/vb/1</loc><lastmod>2026-01-10</lastmod></url><url><loc>${base}/vb/2</loc><lastmod>2026-01-10</lastmod></url></urlset>`);
      const m = /^\/vb\/(\d+)$/.exec(path);
      if (m) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: `"v${m[1]}"` }).end(page(Number(m[1])));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => portal.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => portal?.close(() => r()));
  });

  it('syncs an ad-hoc sitemap URL, then finds nothing new on the second run', async () => {
    const first = await runCli(['sync', '--url', `${base}/sitemap.xml`, '--kind', 'law', '--agency', 'tu-phap-xa', '--json'], env());
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(a).toMatchObject({ created: 2, changed: 0, failed: 0 });
    expect(a.fetched).toBe(3);
    const second = await runCli(['sync', '--url', `${base}/sitemap.xml`, '--kind', 'law', '--json'], env());
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({ fetched: 1, created: 0, changed: 0, unchanged: 2, failed: 0 });
    const stats = await runCli(['stats', '--json'], env());
    expect(JSON.parse(stats.stdout).units.law_article).toBe(4);
  });

  it('refuses a loopback portal unless private addresses are allowed, and says so (exit 3)', async () => {
    const r = await runCli(['sync', '--url', `${base}/vb/1`, '--kind', 'law', '--json'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { failed: number; sources: { errors: { code: string }[] }[] };
    expect(out.failed).toBe(1);
    expect(out.sources[0]!.errors[0]!.code).toBe('blocked_address');
  });

  it('runs the sources of a sources file, and explains a bad one', async () => {
    const file = join(dataDir, 'sources.json');
    writeFileSync(file, JSON.stringify([{ id: 'tu-phap', type: 'page', url: `${base}/vb/3`, kind: 'law', agency: 'tu-phap-xa', everyMinutes: 60 }]));
    const r = await runCli(['sync', '--json'], { ...env(), SYNC_SOURCES_FILE: file });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ created: 1, failed: 0 });
    const one = await runCli(['sync', '--source', 'tu-phap', '--json'], { ...env(), SYNC_SOURCES_FILE: file });
    expect(JSON.parse(one.stdout.trim().split('\n').at(-1)!)).toMatchObject({ created: 0, unchanged: 1 });

    writeFileSync(file, JSON.stringify([{ id: 'x', type: 'listing', url: `${base}/`, kind: 'law' }]));
    const bad = await runCli(['sync', '--json'], { ...env(), SYNC_SOURCES_FILE: file });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('sources.json');
    expect(bad.stderr).toContain('patterns');
  });

  it('answers usage errors with exit 2 and a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['sync', '--source', 'khong-co'], /no source "khong-co"/],
      [['sync', '--url', `${base}/vb/1`], /--url needs --kind/],
      [['sync', '--url', 'ftp://example.vn/x', '--kind', 'law'], /http\(s\) URL/],
      [['sync', '--url', `${base}/vb/1`, '--source', 'a', '--kind', 'law'], /not both/],
      [['sync', '--kind', 'law'], /go with --url/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env());
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});

describe('what operators see of portal sync', () => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp('pglite');
  }, 180_000);
  afterAll(async () => app?.close());

  it('lists each source with its last passes and failing pages, for supervisors and admins only', async () => {
    await saveSources(app.fx.db, [{ id: 'cong-bao', type: 'page', url: 'http://127.0.0.1:9/khong-mo', kind: 'gazette', agency: null, patterns: [], everyMinutes: 60, enabled: true }]);
    const fetcher = createPoliteFetcher({ allowPrivate: true, timeoutMs: 1000, perHostIntervalMs: 0 });
    await runSources([{ id: 'cong-bao', type: 'page', url: 'http://127.0.0.1:9/khong-mo', kind: 'gazette', agency: null, patterns: [], everyMinutes: 60, enabled: true }], {
      db: app.fx.db,
      embedder: app.fx.embedder,
      fetcher,
      registry: loadProjectRegistry(),
      now: () => new Date(),
      log: () => {},
    });
    const admin = await app.login('admin');
    const res = await admin.fetch('/staff/api/sync');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sources: { id: string; runs: { failed: number }[]; failing: { url: string; error: string }[] }[] };
    expect(body.sources[0]).toMatchObject({ id: 'cong-bao', runs: [{ failed: 1 }], failing: [{ url: 'http://127.0.0.1:9/khong-mo' }] });
    expect((await (await app.login('supervisorA')).fetch('/staff/api/sync')).status).toBe(200);
    expect((await (await app.login('officerA')).fetch('/staff/api/sync')).status).toBe(403);
    const html = await (await admin.fetch('/staff/sync')).text();
    expect(html).toContain('Đồng bộ cổng thông tin');
    expect(html).toContain('cong-bao');
    expect(html).toContain('http://127.0.0.1:9/khong-mo');
    expect((await (await app.login('officerA')).fetch('/staff/sync')).status).toBe(404);
  });
});
