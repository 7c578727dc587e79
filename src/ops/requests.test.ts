import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { onError, type Logger } from '../http/errors.ts';
import { createOpsMetrics } from './index.ts';
import { markUnmatched, requestId, requestLog } from './requests.ts';

function probeApp() {
  const logged: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const log: Logger = (level, msg, fields = {}) => logged.push({ level, msg, fields });
  const metrics = createOpsMetrics();
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', requestLog({ log, metrics }));
  // Middleware registered after the routes must not take their place in the route label.
  const sub = new Hono();
  sub.get('/v1/tickets/:code', (c) => c.json({ code: c.req.param('code'), requestId: c.get('requestId') }));
  sub.get('/boom/:id', () => {
    throw new Error('boom');
  });
  app.route('/', sub);
  app.use('/v1/*', async (_c, next) => next());
  app.notFound((c) => {
    markUnmatched(c);
    return c.json({ error: { code: 'not_found' } }, 404);
  });
  app.onError((_e, c) => c.json({ error: { code: 'internal' } }, 500));
  return { app, logged, metrics };
}

describe('request id', () => {
  it('generates an id, returns it in X-Request-Id and hands it to the handler', async () => {
    const { app } = probeApp();
    const res = await app.request('/v1/tickets/HD-ABCDE-FGHIJ');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
  });

  it('is set on a Response a handler built itself', async () => {
    const app = new Hono();
    app.use('*', requestId());
    app.get('/raw', () => new Response('x'));
    app.get('/fetched', async () => Response.json({ a: 1 }));
    for (const path of ['/raw', '/fetched']) expect((await app.request(path, { headers: { 'x-request-id': 'raw-1' } })).headers.get('x-request-id')).toBe('raw-1');
  });

  it('keeps a sane incoming id', async () => {
    const { app } = probeApp();
    const res = await app.request('/v1/tickets/X', { headers: { 'x-request-id': 'lb-01.abc_DEF-9' } });
    expect(res.headers.get('x-request-id')).toBe('lb-01.abc_DEF-9');
  });

  it.each([['x'.repeat(65)], ['has space'], ['a"b'], ['caf\u00e9'], ['a=b'], ['{"level":"error"}']])('replaces an incoming id %j', async (incoming) => {
    const { app } = probeApp();
    const res = await app.request('/v1/tickets/X', { headers: { 'x-request-id': incoming } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('request log', () => {
  it('logs one line per request with the route pattern, never the path or query string', async () => {
    const { app, logged } = probeApp();
    const res = await app.request('/v1/tickets/HD-SECRET-CODE1?phone=0912345678', { headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(200);
    expect(logged).toHaveLength(1);
    const line = logged[0]!;
    expect(line.msg).toBe('request');
    expect(Object.keys(line.fields).sort()).toEqual(['method', 'ms', 'requestId', 'route', 'status']);
    expect(line.fields).toMatchObject({ requestId: 'req-1', method: 'GET', route: '/v1/tickets/:code', status: 200 });
    expect(JSON.stringify(logged)).not.toMatch(/SECRET|0912345678|phone/);
  });

  it('labels a request no route matched as unmatched, and a thrown error with its route and 500', async () => {
    const { app, logged, metrics } = probeApp();
    await app.request('/v1/nothing/here');
    await app.request('/boom/42');
    expect(logged.map((l) => [l.level, l.fields.route, l.fields.status])).toEqual([
      ['info', 'unmatched', 404],
      ['warn', '/boom/:id', 500],
    ]);
    const text = await metrics.render({ db: { query: async <T>() => [] as T[], exec: async () => {} }, now: () => new Date() });
    expect(text).toContain('hoidap_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('hoidap_http_requests_total{method="GET",route="/boom/:id",status="500"} 1');
    expect(text).not.toContain('/boom/42');
  });

  it('counts an unknown method as OTHER', async () => {
    const { app, metrics } = probeApp();
    await app.request('/v1/tickets/X', { method: 'PROPFIND' });
    const text = await metrics.render({ db: { query: async <T>() => [] as T[], exec: async () => {} }, now: () => new Date() });
    expect(text).toMatch(/hoidap_http_requests_total\{method="OTHER",route="[^"]*",status="404"\} 1/);
    expect(text).not.toContain('PROPFIND');
  });
});

describe('unhandled errors', () => {
  it('are logged with the request id and the route pattern, not the path', async () => {
    const logged: { msg: string; fields: Record<string, unknown> }[] = [];
    const log: Logger = (_level, msg, fields = {}) => logged.push({ msg, fields });
    const app = new Hono();
    app.use('*', requestId());
    app.get('/v1/tickets/:code', () => {
      throw new Error('kaput');
    });
    app.onError(onError(log));
    const res = await app.request('/v1/tickets/HD-SECRET-CODE1', { headers: { 'x-request-id': 'err-1' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('err-1');
    const line = logged.find((l) => l.msg === 'unhandled error');
    expect(line?.fields).toMatchObject({ requestId: 'err-1', method: 'GET', route: '/v1/tickets/:code' });
    expect(JSON.stringify(line)).not.toContain('HD-SECRET-CODE1');
  });
});
