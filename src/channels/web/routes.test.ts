import { gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { webRoutes } from './routes.ts';
import { MAX_GZIP_BYTES } from './widget/build.ts';

describe('GET /widget.js', () => {
  it('serves the built widget as JavaScript with an ETag and a short cache lifetime', async () => {
    const app = webRoutes({ widget: async () => 'console.log("widget")' });
    const res = await app.request('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{24}"$/);
    expect(await res.text()).toBe('console.log("widget")');
  });

  it('answers 304 without a body when the browser already has this version', async () => {
    const app = webRoutes({ widget: async () => 'a()' });
    const etag = (await app.request('/widget.js')).headers.get('etag')!;
    const same = await app.request('/widget.js', { headers: { 'if-none-match': `W/${etag}` } });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    const other = await app.request('/widget.js', { headers: { 'if-none-match': '"0000"' } });
    expect(other.status).toBe(200);
  });

  it('sends it gzipped to a browser that accepts gzip, with a weak ETag that still matches', async () => {
    const app = webRoutes({ widget: async () => `var s = ${JSON.stringify('Hỏi đáp '.repeat(500))};` });
    const res = await app.request('/widget.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(gunzipSync(body).toString()).toContain('Hỏi đáp Hỏi đáp');
    expect((await app.request('/widget.js', { headers: { 'if-none-match': etag, 'accept-encoding': 'gzip' } })).status).toBe(304);
  });

  it('builds once and keeps it, but tries again after a failed build', async () => {
    let calls = 0;
    const web = webRoutes({
      widget: async () => {
        calls++;
        if (calls === 1) throw new Error('esbuild exploded');
        return 'ok()';
      },
    });
    const app = new Hono().route('/', web).onError((_e, c) => c.text('failed', 500));
    expect((await app.request('/widget.js')).status).toBe(500);
    expect((await app.request('/widget.js')).status).toBe(200);
    expect((await app.request('/widget.js')).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('builds the real widget within its size budget, without zod', async () => {
    const res = await webRoutes({}).request('/widget.js');
    expect(res.status).toBe(200);
    const code = await res.text();
    expect(code).toContain('hoidap-widget');
    expect(code).toContain('/v1/chat/ws');
    // Vietnamese strings first, as escapes or not.
    expect(code).toMatch(/AI c(ó|\\xF3|\\u00F3) th/i);
    // The protocol's zod schemas stay on the server.
    expect(code).not.toMatch(/ZodError|safeParse/);
    expect(gzipSync(code).length).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  }, 30_000);
});

describe('GET /', () => {
  it('serves a Vietnamese demo portal page that embeds the widget with one tag', async () => {
    const res = await webRoutes({ widget: async () => '' }).request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Cổng thông tin điện tử');
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).toContain('<script src="/widget.js" data-portal="demo-tinh" async></script>');
  });
});
