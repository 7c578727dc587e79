import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../db/index.ts';
import { createOpsMetrics } from './index.ts';
import { escapeHelp, escapeLabelValue, formatValue, Registry } from './metrics.ts';
import { sameSecret } from './routes.ts';

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('exposition format', () => {
  it('escapes backslashes, double quotes and newlines in label values', () => {
    const r = new Registry();
    r.counter('t_total', 'Test.', ['v']).inc({ v: 'a\\b "c"\nd' });
    expect(lines(r.render())).toContain('t_total{v="a\\\\b \\"c\\"\\nd"} 1');
    expect(escapeLabelValue('\\"\n')).toBe('\\\\\\"\\n');
  });

  it('escapes backslashes and newlines in HELP but keeps quotes', () => {
    const r = new Registry();
    r.gauge('g', 'line one\nsays "hi" \\ bye');
    expect(r.render().split('\n')[0]).toBe('# HELP g line one\\nsays "hi" \\\\ bye');
    expect(escapeHelp('"')).toBe('"');
  });

  it('writes HELP and TYPE once per metric, then one line per label set in first-seen order', () => {
    const r = new Registry();
    const c = r.counter('req_total', 'Requests.', ['method', 'status']);
    c.inc({ method: 'GET', status: '200' });
    c.inc({ status: '404', method: 'GET' }, 2);
    c.inc({ method: 'GET', status: '200' });
    expect(r.render()).toBe(
      '# HELP req_total Requests.\n# TYPE req_total counter\nreq_total{method="GET",status="200"} 2\nreq_total{method="GET",status="404"} 2\n',
    );
  });

  it('renders histogram buckets cumulatively, ending with +Inf equal to _count, with _sum', () => {
    const r = new Registry();
    const h = r.histogram('lat_seconds', 'Latency.', ['route'], [0.1, 0.5, 1]);
    for (const v of [0.05, 0.1, 0.3, 0.7, 3]) h.observe({ route: '/x/:id' }, v);
    expect(lines(r.render())).toEqual([
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{route="/x/:id",le="0.1"} 2',
      'lat_seconds_bucket{route="/x/:id",le="0.5"} 3',
      'lat_seconds_bucket{route="/x/:id",le="1"} 4',
      'lat_seconds_bucket{route="/x/:id",le="+Inf"} 5',
      'lat_seconds_sum{route="/x/:id"} 4.15',
      'lat_seconds_count{route="/x/:id"} 5',
    ]);
  });

  it('sorts and de-duplicates histogram buckets', () => {
    const r = new Registry();
    const h = r.histogram('h', 'H.', [], [1, 0.5, 1]);
    h.observe({}, 0.7);
    expect(lines(r.render()).filter((l) => l.startsWith('h_bucket'))).toEqual(['h_bucket{le="0.5"} 0', 'h_bucket{le="1"} 1', 'h_bucket{le="+Inf"} 1']);
  });

  it('formats special values as the format spells them', () => {
    expect([NaN, Infinity, -Infinity, 0.25, 1e21].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0.25', '1e+21']);
  });

  it('refuses invalid names, a reserved le label, a second registration and wrong labels', () => {
    const r = new Registry();
    expect(() => r.counter('bad-name', 'x')).toThrow(/invalid metric name/);
    expect(() => r.gauge('g1', 'x', ['1abc'])).toThrow(/invalid label name/);
    expect(() => r.histogram('h1', 'x', ['le'])).toThrow(/invalid label name/);
    const c = r.counter('c_total', 'x', ['a']);
    expect(() => r.gauge('c_total', 'x')).toThrow(/registered twice/);
    expect(() => c.inc({ b: '1' } as never)).toThrow(/takes labels \{a\}/);
    expect(() => c.inc({ a: '1', b: '2' } as never)).toThrow(/takes labels/);
    expect(() => c.inc({ a: '1' }, -1)).toThrow(/only goes up/);
  });

  it('a reset gauge forgets its label sets', () => {
    const r = new Registry();
    const g = r.gauge('open', 'Open.', ['agency']);
    g.set({ agency: 'a' }, 3);
    g.reset();
    g.set({ agency: 'b' }, 1);
    expect(lines(r.render())).toEqual(['# HELP open Open.', '# TYPE open gauge', 'open{agency="b"} 1']);
  });
});

describe('createOpsMetrics', () => {
  afterEach(() => vi.restoreAllMocks());

  const now = () => new Date('2026-11-24T05:00:00Z');
  const failing: Queryable = { query: () => Promise.reject(new Error('connection refused')), exec: () => Promise.reject(new Error('x')) };

  it('reports hoidap_db_up 0 and still renders the in-process metrics when the database fails', async () => {
    const m = createOpsMetrics();
    m.observeRequest('GET', '/health', 200, 0.01);
    m.countAnswer({ status: 'answered', reason: 'answered', composer: 'extractive', channel: 'web' });
    const text = await m.render({ db: failing, now, ready: true });
    expect(lines(text)).toEqual(expect.arrayContaining(['hoidap_up 1', 'hoidap_ready 1', 'hoidap_db_up 0', 'hoidap_http_requests_total{method="GET",route="/health",status="200"} 1']));
    expect(text).toContain('hoidap_answers_total{status="answered",reason="answered",composer="extractive",channel="web"} 1');
    expect(text).not.toMatch(/^hoidap_tickets_open\{/m);
  });

  it('gives up on a database that does not answer within the timeout', async () => {
    const m = createOpsMetrics({ dbTimeoutMs: 30 });
    const hanging: Queryable = { query: () => new Promise(() => {}), exec: () => new Promise(() => {}) };
    const t0 = performance.now();
    const text = await m.render({ db: hanging, now });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(lines(text)).toContain('hoidap_db_up 0');
  });

  it('reuses one database snapshot for scrapes within the cache time, and reads again after it', async () => {
    const m = createOpsMetrics({ cacheMs: 5000 });
    let queries = 0;
    const db: Queryable = {
      query: async <T>() => {
        queries++;
        return [] as T[];
      },
      exec: async () => {},
    };
    const clock = { t: now().getTime() };
    const at = () => new Date(clock.t);
    await Promise.all([m.render({ db, now: at }), m.render({ db, now: at })]);
    const perSnapshot = queries;
    expect(perSnapshot).toBeGreaterThan(0);
    clock.t += 4000;
    await m.render({ db, now: at });
    expect(queries).toBe(perSnapshot);
    clock.t += 2000;
    await m.render({ db, now: at });
    expect(queries).toBe(2 * perSnapshot);
  });

  it('zero-fills known agencies, Zalo delivery statuses and inbox statuses from an empty database', async () => {
    const m = createOpsMetrics();
    const empty: Queryable = { query: async <T>() => [] as T[], exec: async () => {} };
    const text = await m.render({ db: empty, now, agencies: ['cong-an-xa'] });
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'hoidap_db_up 1',
        'hoidap_tickets_open{agency="cong-an-xa"} 0',
        'hoidap_tickets_overdue{agency="cong-an-xa"} 0',
        'hoidap_escalations_total{agency="cong-an-xa"} 0',
        'hoidap_zalo_deliveries_total{status="failed"} 0',
        'hoidap_zalo_inbox_depth{status="new"} 0',
        'hoidap_delivery_queue_depth{channel="zalo"} 0',
      ]),
    );
  });

  it('reports process memory on Node and leaves it out where memoryUsage throws (a Workers stub)', async () => {
    const m = createOpsMetrics();
    const empty: Queryable = { query: async <T>() => [] as T[], exec: async () => {} };
    expect(await m.render({ db: empty, now })).toMatch(/^process_resident_memory_bytes \d+$/m);
    vi.spyOn(process, 'memoryUsage').mockImplementation(() => {
      throw new Error('not implemented');
    });
    const text = await m.render({ db: empty, now });
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(text).not.toMatch(/^process_resident_memory_bytes /m);
    expect(lines(text)).toContain('hoidap_up 1');
  });
});

describe('sameSecret', () => {
  it('is true only for identical strings, whatever their lengths', async () => {
    expect(await sameSecret('s3cret-token-0123456789', 's3cret-token-0123456789')).toBe(true);
    expect(await sameSecret('s3cret-token-0123456789', 's3cret-token-012345678')).toBe(false);
    expect(await sameSecret('', 's3cret-token-0123456789')).toBe(false);
    expect(await sameSecret('s3cret-token-0123456780', 's3cret-token-0123456789')).toBe(false);
  });
});
