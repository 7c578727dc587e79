// GET /metrics and the request log over the whole app on loopback: counters and per-agency gauges
// after real traffic (an answer, escalations, an overdue ticket, a 404), route labels that are
// patterns (no ticket code anywhere), the bearer token, and one JSON log line per request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (0.0.4): samples with their labels, unescaped. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
    let l: RegExpExecArray | null;
    let end = 0;
    while ((l = re.exec(body))) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      end = re.lastIndex;
    }
    if (end !== body.length) throw new Error(`bad labels: ${line}`);
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('GET /metrics and the request log', () => {
  let app: StaffApp;
  const logLines: string[] = [];
  const codes: string[] = [];
  let text = '';
  let samples: Sample[] = [];
  let types = new Map<string, string>();
  let residence = '';
  let marriage = '';

  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${app.base}/metrics`, { headers });

  beforeAll(async () => {
    app = await startStaffApp('pglite', { log: createLogger('info', { write: (line) => logLines.push(line) }), env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '0' } });
    const answered = await app.ask({ question: 'Gia hạn tạm trú cần giấy tờ gì?', channel: 'web' });
    expect(answered.status).toBe('answered');
    // A residence ticket (commune police) and a marriage one (another agency); then the clock moves
    // past their due time and one more residence question arrives (open, not overdue).
    const escalate = async (question: string, channel: string) => {
      const r = await app.ask({ question: `Tôi muốn gặp cán bộ: ${question}`, channel });
      if (!r.ticket) throw new Error(`not escalated: ${JSON.stringify(r)}`);
      codes.push(r.ticket.code);
      return r.ticket.agency;
    };
    residence = await escalate('đăng ký tạm trú cho con', 'web');
    marriage = await escalate('đăng ký kết hôn với người nước ngoài', 'zalo');
    expect(marriage).not.toBe(residence);
    app.clock.now = new Date(app.clock.now.getTime() + 30 * 24 * 3600_000);
    expect(await escalate('đăng ký thường trú', 'web')).toBe(residence);
    // Zalo traffic as the worker leaves it: two events waiting, one failed; an officer's answer
    // waiting for a retry, one sent, one pending on the web.
    const db = app.fx.db;
    await db.query(`INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, status) VALUES ('m1', 'user_send_text', 'u1', '{}', 'new'), ('m2', 'user_send_text', 'u1', '{}', 'new'), ('m3', 'user_send_text', 'u2', '{}', 'failed'), ('m4', 'user_send_text', 'u2', '{}', 'done')`);
    const conv = answered.conversationId;
    await db.query(
      `INSERT INTO deliveries (conversation_id, channel, recipient, text, status, next_attempt_at) VALUES ($1, 'zalo', 'u1', 'a', 'failed', now()), ($1, 'zalo', 'u1', 'b', 'sent', NULL), ($1, 'zalo', 'u2', 'c', 'undeliverable', NULL), ($1, 'web', NULL, 'd', 'pending', NULL)`,
      [conv],
    );
    await db.query(`INSERT INTO zalo_sent (user_id, mode) VALUES ('u1', 'reply'), ('u1', 'reply'), ('u2', 'cs')`);
    expect((await fetch(`${app.base}/v1/tickets/${codes[0]}`)).status).toBe(200);
    expect((await fetch(`${app.base}/v1/tickets/${codes[1]}?lang=en`)).status).toBe(200);
    expect((await fetch(`${app.base}/no/such/page?code=${codes[2]}`)).status).toBe(404);
    expect((await fetch(`${app.base}/v1/search?q=${encodeURIComponent('tạm trú')}&k=3`)).status).toBe(200);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    text = await res.text();
    ({ samples, types } = parseMetrics(text));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('counts requests by method, route pattern and status', () => {
    expect(value(samples, 'hoidap_http_requests_total', { method: 'POST', route: '/v1/ask', status: '200' })).toBe(4);
    expect(value(samples, 'hoidap_http_requests_total', { method: 'GET', route: '/v1/tickets/:code', status: '200' })).toBe(2);
    expect(value(samples, 'hoidap_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(value(samples, 'hoidap_http_requests_total', { method: 'GET', route: '/v1/search', status: '200' })).toBe(1);
    expect(value(samples, 'hoidap_http_request_duration_seconds_count', { method: 'POST', route: '/v1/ask' })).toBe(4);
    expect(value(samples, 'hoidap_http_request_duration_seconds_bucket', { method: 'POST', route: '/v1/ask', le: '+Inf' })).toBe(4);
    expect(value(samples, 'hoidap_http_request_duration_seconds_sum', { method: 'POST', route: '/v1/ask' })).toBeGreaterThan(0);
    expect(types.get('hoidap_http_request_duration_seconds')).toBe('histogram');
  });

  it('labels routes by their pattern: no ticket code, query string or search words appear', () => {
    const routes = new Set(samples.filter((s) => s.name === 'hoidap_http_requests_total').map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(['/v1/ask', '/v1/search', '/v1/tickets/:code', 'unmatched']);
    for (const code of codes) expect(text).not.toContain(code);
    expect(text).not.toMatch(/tạm|lang=|\?/);
  });

  it('counts answers by status, reason, composer and channel', () => {
    expect(value(samples, 'hoidap_answers_total', { status: 'answered', channel: 'web', composer: 'extractive' })).toBe(1);
    const escalated = samples.filter((s) => s.name === 'hoidap_answers_total' && s.labels.status === 'escalated');
    expect(escalated.map((s) => [s.labels.reason, s.labels.channel, s.value]).sort()).toEqual([
      ['officer_requested', 'web', 2],
      ['officer_requested', 'zalo', 1],
    ]);
  });

  it('reports open, overdue and escalated tickets per agency from the database', () => {
    expect(value(samples, 'hoidap_db_up', {})).toBe(1);
    expect(value(samples, 'hoidap_tickets_open', { agency: residence })).toBe(2);
    expect(value(samples, 'hoidap_tickets_overdue', { agency: residence })).toBe(1);
    expect(value(samples, 'hoidap_escalations_total', { agency: residence })).toBe(2);
    expect(value(samples, 'hoidap_tickets_open', { agency: marriage })).toBe(1);
    expect(value(samples, 'hoidap_tickets_overdue', { agency: marriage })).toBe(1);
    expect(value(samples, 'hoidap_escalations_total', { agency: marriage })).toBe(1);
    // Every agency of the directory has a series, 0 until its first ticket, so alerts see it.
    const agencies = samples.filter((s) => s.name === 'hoidap_tickets_open').map((s) => s.labels.agency);
    expect(agencies.length).toBeGreaterThan(2);
    expect(samples.filter((s) => s.name === 'hoidap_tickets_open').reduce((n, s) => n + s.value, 0)).toBe(3);
  });

  it('reports Zalo deliveries, sent messages, the inbox and the delivery queue from the database', () => {
    expect(['new', 'working', 'failed'].map((status) => value(samples, 'hoidap_zalo_inbox_depth', { status }))).toEqual([2, 0, 1]);
    expect(['pending', 'sent', 'seen', 'failed', 'undeliverable'].map((status) => value(samples, 'hoidap_zalo_deliveries_total', { status }))).toEqual([0, 1, 0, 1, 1]);
    expect(value(samples, 'hoidap_zalo_sent_total', { mode: 'reply' })).toBe(2);
    expect(value(samples, 'hoidap_zalo_sent_total', { mode: 'cs' })).toBe(1);
    expect(value(samples, 'hoidap_delivery_queue_depth', { channel: 'zalo' })).toBe(1);
    expect(value(samples, 'hoidap_delivery_queue_depth', { channel: 'web' })).toBe(1);
  });

  it('reports the process as up and ready, with its memory', () => {
    expect(value(samples, 'hoidap_up', {})).toBe(1);
    expect(value(samples, 'hoidap_ready', {})).toBe(1);
    expect(value(samples, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
  });

  it('refuses a scrape without the bearer token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789abc' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
      const res = await scrape(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toMatch(/METRICS_TOKEN/);
    }
  });

  it('returns a request id on every response and echoes a sane incoming one', async () => {
    const mine = await fetch(`${app.base}/health`, { headers: { 'x-request-id': 'probe-42.a_b' } });
    expect(mine.headers.get('x-request-id')).toBe('probe-42.a_b');
    const forged = await fetch(`${app.base}/health`, { headers: { 'x-request-id': 'x'.repeat(65) } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const notFound = await fetch(`${app.base}/nope`);
    expect(notFound.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one JSON line per request with its id, route pattern, status and time, and no query string or path', async () => {
    await fetch(`${app.base}/health`, { headers: { 'x-request-id': 'log-probe-1' } });
    const requests = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    const probe = requests.find((l) => l.requestId === 'log-probe-1');
    expect(probe).toMatchObject({ level: 'info', method: 'GET', route: '/health', status: 200 });
    expect(typeof probe!.ms).toBe('number');
    for (const r of requests) {
      expect(Object.keys(r).sort()).toEqual(['level', 'method', 'ms', 'msg', 'requestId', 'route', 'status', 'time']);
      expect(String(r.requestId)).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    }
    const ticketLines = requests.filter((r) => r.route === '/v1/tickets/:code');
    expect(ticketLines).toHaveLength(2);
    const all = logLines.filter((l) => (JSON.parse(l) as { msg: string }).msg === 'request').join('\n');
    for (const code of codes) expect(all).not.toContain(code);
    expect(all).not.toMatch(/\?|q=|lang=|tạm/);
  });
});
