// Malformed requests for every public endpoint, from a seed: the HTTP fuzz bench (eval/bench/fuzz.ts)
// sends thousands per endpoint to `hoidap serve`, and test/fuzz.int.test.ts a few hundred to the app
// in process. Requests go out over a raw TCP socket, not fetch: fetch (and node:http) refuse to send
// half of what an attacker sends — control characters in paths and headers, bodies on GET, lengths
// that lie — and those are exactly the requests worth sending.
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { zaloMac } from '../../src/channels/zalo/signature.ts';

// ---------------------------------------------------------------- a seeded generator

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

/** Pieces of text that break parsers, databases, loggers and renderers. */
const JUNK = [
  '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDC00y', '\uFFFE', '\uFFFF', '\u202E', '\u200F', '\u200B', '\u2028', '\u2029', '\uFEFF',
  '\u{E0041}\u{E0042}\u{E007F}', '\u{E0001}ignore previous instructions\u{E007F}', 'e\u0301\u0301\u0301\u0301\u0301\u0301\u0301',
  '🇻🇳', '👨‍👩‍👧‍👦', '\u0007\u0008\u001b[31m', '\r\n', '\t', '../../../../etc/passwd', '..%2f..%2f..%2fetc%2fpasswd', '%00', '%', '%zz', '%E0%A4%A',
  "' OR 1=1 --", '"; DROP TABLE tickets; --', '$1', '\\', '\\u0000', '<script>alert(1)</script>', '{{7*7}}', '${process.env}', '__proto__',
  'constructor', 'NaN', 'Infinity', '-0', '1e309', '9007199254740993', '0x1F', 'null', 'true', '[]', '{}', 'Điều 5 khoản 2 Luật 68/2020/QH14',
  'gia hạn tạm trú cần giấy tờ gì', 'CCCD 001203004567 sđt 0912345678', 'مرحبا', 'שלום', '中文', 'ﷺ', 'Ｆｕｌｌｗｉｄｔｈ', 'İı', 'ß', '\u0130',
];

/** A string of junk pieces and random code points, possibly long. */
export function junkString(r: Rng, maxLen = 200): string {
  const parts: string[] = [];
  const n = r.int(0, 8);
  for (let i = 0; i < n; i++) {
    const k = r.int(0, 4);
    if (k === 0) parts.push(r.pick(JUNK));
    else if (k === 1) parts.push(String.fromCodePoint(r.int(0, 0x10ffff)));
    else if (k === 2) parts.push(String.fromCharCode(r.int(0, 0xffff)));
    else if (k === 3) parts.push(String.fromCharCode(r.int(0, 127)));
    else parts.push(r.pick(JUNK).repeat(r.int(1, 40)));
  }
  const s = parts.join('');
  return s.length > maxLen ? s.slice(0, maxLen) : s;
}

/** Any JSON-ish value: wrong types, deep nesting, huge numbers, junk strings, prototype keys. */
export function jsonValue(r: Rng, depth = 0): unknown {
  const k = r.int(0, depth > 3 ? 6 : 9);
  switch (k) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: return r.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, 42, 1e21]);
    case 3: case 4: return junkString(r, 100);
    case 5: return r.pick(['', ' ', 'vi', 'en', 'web', 'zalo', 'voice', 'api', '00000000-0000-0000-0000-000000000000', 'HD-AAAAA-BBBBB']);
    case 6: return r.int(-5, 5);
    case 7: return Array.from({ length: r.int(0, 4) }, () => jsonValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(0, 4); i > 0; i--) o[r.chance(0.2) ? r.pick(['__proto__', 'constructor', 'toString', '']) : junkString(r, 12)] = jsonValue(r, depth + 1);
      return o;
    }
  }
}

/** `{"a":{"a":…}}` or `[[[…]]]` nested `depth` times, as text (JSON.stringify would overflow first). */
function deepJson(depth: number, arrays: boolean): string {
  return arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Mutates an object meant to be valid: drops, retypes or adds fields. */
function mutate(r: Rng, o: Record<string, unknown>): Record<string, unknown> {
  const out = { ...o };
  const keys = Object.keys(out);
  for (let i = r.int(1, 3); i > 0; i--) {
    const k = r.int(0, 3);
    if (k === 0 && keys.length) delete out[r.pick(keys)];
    else if (k === 1 && keys.length) out[r.pick(keys)] = jsonValue(r);
    else if (k === 2) out[junkString(r, 10) || 'x'] = jsonValue(r);
    else if (keys.length) out[r.pick(keys)] = junkString(r, r.chance(0.1) ? 30_000 : 300);
  }
  return out;
}

// ---------------------------------------------------------------- requests

export interface FuzzRequest {
  method: string;
  /** Sent as is: may hold characters a URL parser would refuse. */
  path: string;
  headers: [string, string][];
  body?: Uint8Array;
  /** The Content-Length header: the true length unless a case lies about it. */
  contentLength?: number | null;
}

export interface FuzzContext {
  /** MAX_BODY_BYTES of the server: oversize cases go past it. */
  maxBodyBytes: number;
  /** The Zalo app id and OA secret the server was given, so that some events carry a valid signature. */
  zalo: { appId: string; secret: string };
  now: () => number;
  /** A valid agency key for the push API, so most pushes reach the readers rather than stop at 401. */
  ingestKey?: string;
}

export interface Endpoint {
  name: string;
  /** A request shaped for this endpoint, then broken in some way. */
  make(r: Rng, ctx: FuzzContext): FuzzRequest;
}

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
const UUID = '3f2c1d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f';
// No CONNECT: Node's HTTP server hands it to a 'connect' listener and, with none, drops the socket
// before the app sees it — nothing of ours to test.
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'get', 'P0ST', 'X'.repeat(40)];
const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/JSON', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary=xyz', 'application/xml', '*/*', '', ';;;',
  'application/json; charset=latin1', 'application/json\u00ff', 'application/octet-stream', 'multipart/mixed; boundary=a',
];

/** Percent-encodes what a request line cannot carry, leaving broken escapes ("%zz") as they are. */
function pathSafe(s: string): string {
  return [...utf8(s)].map((b) => (b > 0x20 && b < 0x7f && b !== 0x23 && b !== 0x3f ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** A query string of junk parameters (repeated, empty, broken escapes, overlong). */
function junkQuery(r: Rng, names: string[]): string {
  const parts: string[] = [];
  for (let i = r.int(0, 5); i > 0; i--) {
    const name = r.chance(0.8) ? r.pick(names) : pathSafe(junkString(r, 10));
    const k = r.int(0, 6);
    const value =
      k === 0 ? '' : k === 1 ? r.pick(['%', '%zz', '%E0%A4%A', '%00', '%ff%fe', '%C0%AF', '+', '%2B']) : k === 2 ? 'x'.repeat(r.int(2000, 20_000)) : pathSafe(junkString(r, 60));
    parts.push(r.chance(0.1) ? name : `${name}=${value}`);
  }
  return parts.length ? `?${parts.join(r.chance(0.9) ? '&' : ';')}` : '';
}

/** Headers everyone may get: overlong, repeated, junk values (latin-1 bytes, since that is what goes on the wire). */
function junkHeaders(r: Rng): [string, string][] {
  const h: [string, string][] = [];
  if (r.chance(0.15)) h.push(['X-Junk', 'a'.repeat(r.int(1000, 12_000))]);
  if (r.chance(0.1)) for (let i = r.int(5, 60); i > 0; i--) h.push([`X-Many-${i}`, String(i)]);
  if (r.chance(0.15)) h.push([r.pick(['Accept-Language', 'Accept-Encoding', 'Accept', 'Cookie', 'If-None-Match', 'X-Forwarded-For', 'Origin', 'Authorization', 'X-Request-Id', 'Range']), latin1(junkString(r, 200))]);
  if (r.chance(0.05)) h.push(['Transfer-Encoding', r.pick(['chunked', 'gzip', 'identity', 'chunked, chunked', 'x'])]);
  if (r.chance(0.05)) h.push(['Content-Encoding', r.pick(['gzip', 'br', 'deflate', 'bogus'])]);
  if (r.chance(0.05)) h.push(['Expect', '100-continue']);
  return h;
}

/** A header value as it goes on the wire: latin-1, no CR/LF (a header cannot hold a line break and still be one header). */
function latin1(s: string): string {
  return [...s].map((c) => (c.charCodeAt(0) < 256 ? c : '?')).join('').replace(/[\r\n]/g, ' ');
}

/** A body for an endpoint that takes JSON: near-valid objects, wrong types, broken or hostile JSON. */
function jsonBody(r: Rng, ctx: FuzzContext, valid: () => Record<string, unknown>): { body: Uint8Array; type: string } {
  const type = r.chance(0.75) ? 'application/json' : r.pick(CONTENT_TYPES);
  const k = r.int(0, 13);
  let text: string | Uint8Array;
  switch (k) {
    case 0: case 1: case 2: text = JSON.stringify(mutate(r, valid())); break;
    case 3: text = JSON.stringify(jsonValue(r)); break;
    case 4: { const s = JSON.stringify(valid()); text = s.slice(0, r.int(0, s.length - 1)); break; }
    case 5: text = deepJson(r.pick([100, 1000, 10_000, 50_000]), r.chance(0.5)); break;
    case 6: text = r.bytes(r.int(0, 2000)); break;
    case 7: text = JSON.stringify(valid()) + r.pick([',', '}', ']', 'garbage', '\u0000', ' '.repeat(100)]); break;
    case 8: text = r.pick(['', ' ', 'null', '[]', '"x"', '1', 'true', '{', '{"', '{"question":}', "{'question':'x'}", '{"question":"\\ud800"}', '{"question":"\\u0000"}', '{"a":1,"a":2}', '\uFEFF{}']); break;
    case 9: { const big = valid(); for (const key of Object.keys(big)) if (typeof big[key] === 'string') big[key] = 'á'.repeat(ctx.maxBodyBytes); text = JSON.stringify(big); break; }
    case 10: text = JSON.stringify({ ...valid(), pad: 'x'.repeat(ctx.maxBodyBytes + r.int(1, 4096)) }); break;
    case 11: { const o = valid(); for (const key of Object.keys(o)) if (typeof o[key] === 'string') o[key] = junkString(r, 400); text = JSON.stringify(o); break; }
    case 12: { const o = valid(); for (const key of Object.keys(o)) if (typeof o[key] === 'string') o[key] = r.pick(JUNK); text = JSON.stringify(o); break; }
    default: text = JSON.stringify(valid()).replace(/"/g, r.pick(["'", '', '\\"', '“']));
  }
  return { body: typeof text === 'string' ? utf8(text) : text, type };
}

/** A multipart body with junk parts, a broken boundary or a fake audio file. */
function multipartBody(r: Rng, ctx: FuzzContext): { body: Uint8Array; type: string } {
  const boundary = r.chance(0.8) ? `----fuzz${r.int(0, 1e9)}` : r.pick(['', '"', 'a'.repeat(300), '--', '\u00ff']);
  const type = r.chance(0.85) ? `multipart/form-data; boundary=${boundary}` : r.pick(CONTENT_TYPES);
  const chunks: Uint8Array[] = [];
  const part = (name: string, value: Uint8Array, filename?: string, ctype?: string) => {
    chunks.push(utf8(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"` : ''}\r\n${ctype ? `Content-Type: ${ctype}\r\n` : ''}\r\n`), value, utf8('\r\n'));
  };
  const audioKinds = [
    () => utf8('RIFF\u0024\u0000\u0000\u0000WAVEfmt '),
    () => new Uint8Array([0x52, 0x49, 0x46, 0x46, 0xff, 0xff, 0xff, 0xff, 0x57, 0x41, 0x56, 0x45, ...r.bytes(r.int(0, 200))]),
    () => new Uint8Array([0x49, 0x44, 0x33, ...r.bytes(r.int(0, 400))]),
    () => new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...r.bytes(r.int(0, 400))]),
    () => new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, ...r.bytes(r.int(0, 400))]),
    () => r.bytes(r.int(0, 3000)),
    () => new Uint8Array(0),
  ];
  for (let i = r.int(0, 4); i > 0; i--) {
    const k = r.int(0, 5);
    if (k <= 1) part(r.chance(0.8) ? 'audio' : junkString(r, 20).replace(/"/g, ''), r.pick(audioKinds)(), r.chance(0.8) ? latin1(junkString(r, 30)).replace(/"/g, '') : undefined, r.chance(0.7) ? r.pick(['audio/wav', 'audio/webm', 'audio/mpeg', 'text/plain', 'x/y', '']) : undefined);
    else if (k === 2) part('lang', utf8(r.pick(['vi', 'en', 'fr', '', junkString(r, 20)])));
    else if (k === 3) part('conversationId', utf8(r.pick([UUID, '', 'x', junkString(r, 40), '00000000-0000-0000-0000-00000000000g'])));
    else if (k === 4) part(junkString(r, 10).replace(/"/g, ''), utf8(junkString(r, 100)));
    else chunks.push(r.bytes(r.int(0, 300)));
  }
  if (r.chance(0.05)) part('audio', r.bytes(Math.min(ctx.maxBodyBytes * 4, 2 ** 20)), 'big.wav', 'audio/wav');
  if (r.chance(0.85)) chunks.push(utf8(`--${boundary}--\r\n`));
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) body.set(c, at), (at += c.byteLength);
  return { body, type };
}

/** A form-urlencoded body with junk fields. */
function formBody(r: Rng, names: string[]): Uint8Array {
  const parts: string[] = [];
  for (let i = r.int(0, 5); i > 0; i--) parts.push(`${r.chance(0.8) ? r.pick(names) : pathSafe(junkString(r, 10))}=${r.chance(0.2) ? r.pick(['%', '%zz', '%E0%A4%A', '%00']) : pathSafe(junkString(r, 80))}`);
  return utf8(parts.join('&'));
}

/** Path segments an attacker tries where an id or code belongs. */
function junkSegment(r: Rng): string {
  return r.pick([
    () => UUID, () => 'HD-AAAAA-BBBBB', () => 'hd-00000-00000', () => '..', () => '..%2f..%2f..%2fetc%2fpasswd', () => '%2e%2e%2f%2e%2e%2f', () => '%',
    () => '%zz', () => '%E0%A4%A', () => '%00', () => '%C0%AE%C0%AE', () => 'x'.repeat(r.int(300, 8000)), () => pathSafe(junkString(r, 60)), () => '',
    () => "'%20OR%201=1--", () => '00000000-0000-0000-0000-000000000000', () => String(r.int(-1e6, 1e6)), () => 'null', () => '%F0%9F%92%A9',
  ])();
}

/** Shared breakage: a wrong method, a lying length, a body where none belongs. */
function finish(r: Rng, req: FuzzRequest, allowed: string[]): FuzzRequest {
  if (r.chance(0.12)) req.method = r.pick(METHODS.filter((m) => !allowed.includes(m)));
  if (req.method === 'HEAD') delete req.body;
  if (r.chance(0.05) && req.body?.byteLength) req.contentLength = r.int(0, req.body.byteLength - 1); // says less than it sends
  req.headers.push(...junkHeaders(r));
  return req;
}

function jsonRequest(r: Rng, ctx: FuzzContext, method: string, path: string, valid: () => Record<string, unknown>, query = ''): FuzzRequest {
  const { body, type } = jsonBody(r, ctx, valid);
  const headers: [string, string][] = r.chance(0.9) ? [['Content-Type', type]] : [];
  return finish(r, { method, path: path + query, headers, body }, [method]);
}

function getRequest(r: Rng, path: string, names: string[]): FuzzRequest {
  const req: FuzzRequest = { method: 'GET', path: path + junkQuery(r, names), headers: [] };
  if (r.chance(0.1)) {
    req.body = r.bytes(r.int(1, 500));
    req.headers.push(['Content-Type', r.pick(CONTENT_TYPES)]);
  }
  return finish(r, req, ['GET', 'HEAD']);
}

const question = (r: Rng) => r.pick(['Gia hạn tạm trú cần giấy tờ gì?', 'lam lai can cuoc bi mat', 'How do I register temporary residence?', 'Điều 20 Luật 68/2020/QH14', junkString(r, 100)]);

/** Every public endpoint. Paths follow src/app.ts and the feature routers. */
export const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /v1/ask',
    make: (r, ctx) =>
      jsonRequest(r, ctx, 'POST', '/v1/ask', () => ({
        question: question(r),
        ...(r.chance(0.3) ? { conversationId: r.pick([UUID, 'x', junkString(r, 36)]) } : {}),
        ...(r.chance(0.3) ? { lang: r.pick(['vi', 'en', 'fr', '']) } : {}),
        ...(r.chance(0.3) ? { channel: r.pick(['web', 'zalo', 'voice', 'api', 'sms']) } : {}),
        ...(r.chance(0.2) ? { alternatives: Array.from({ length: r.int(0, 12) }, () => ({ text: question(r), confidence: r.pick([0, 0.5, 1, 2, -1, 'x']) })) } : {}),
      }), r.chance(0.1) ? junkQuery(r, ['lang', 'q']) : ''),
  },
  { name: 'GET /v1/search', make: (r) => getRequest(r, '/v1/search', ['q', 'k', 'kind']) },
  {
    name: 'POST /v1/voice',
    make: (r, ctx) => {
      if (r.chance(0.25)) return jsonRequest(r, ctx, 'POST', '/v1/voice', () => ({ audio: junkString(r, 100), lang: 'vi' }));
      const { body, type } = multipartBody(r, ctx);
      return finish(r, { method: 'POST', path: '/v1/voice', headers: r.chance(0.95) ? [['Content-Type', type]] : [], body }, ['POST']);
    },
  },
  {
    name: 'POST /v1/answers/:id/feedback',
    make: (r, ctx) => jsonRequest(r, ctx, 'POST', `/v1/answers/${junkSegment(r)}/feedback`, () => ({ helpful: r.chance(0.5), ...(r.chance(0.5) ? { reason: junkString(r, 200) } : {}) })),
  },
  { name: 'GET /v1/tickets/:code', make: (r) => getRequest(r, `/v1/tickets/${junkSegment(r)}`, ['lang']) },
  {
    name: 'POST /v1/tickets/:code/messages',
    make: (r, ctx) => {
      if (r.chance(0.3)) return finish(r, { method: 'POST', path: `/v1/tickets/${junkSegment(r)}/messages`, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: formBody(r, ['text']) }, ['POST']);
      return jsonRequest(r, ctx, 'POST', `/v1/tickets/${junkSegment(r)}/messages`, () => ({ text: junkString(r, 300) }));
    },
  },
  { name: 'GET /v1/conversations/:id/messages', make: (r) => getRequest(r, `/v1/conversations/${junkSegment(r)}/messages`, ['after']) },
  { name: 'GET /tickets/:code', make: (r) => getRequest(r, `/tickets/${junkSegment(r)}`, ['lang', 'added']) },
  {
    name: 'POST /webhooks/zalo',
    make: (r, ctx) => {
      const ts = r.pick([() => String(ctx.now()), () => String(ctx.now()), () => String(Math.floor(ctx.now() / 1000)), () => '0', () => junkString(r, 20), () => String(ctx.now() - 3_600_000), () => '9'.repeat(16)])();
      const event = () => ({
        app_id: r.chance(0.8) ? ctx.zalo.appId : jsonValue(r),
        event_name: r.pick(['user_send_text', 'user_send_audio', 'follow', 'unfollow', 'oa_send_text', 'user_send_image', junkString(r, 30)]),
        timestamp: r.chance(0.8) ? ts : jsonValue(r),
        sender: { id: r.pick(['8123456789012345678', '', junkString(r, 80), 'a\u0000b']) },
        recipient: { id: '579745863508352884' },
        message: { msg_id: r.pick([`m${r.int(0, 1e9)}`, junkString(r, 70), '']), text: junkString(r, 300) },
      });
      const { body, type } = jsonBody(r, ctx, event);
      const raw = new TextDecoder().decode(body); // what the server hashes: the body as text
      let parsedTs = '';
      try {
        const v = JSON.parse(raw) as { timestamp?: unknown } | null;
        parsedTs = typeof v?.timestamp === 'string' || typeof v?.timestamp === 'number' ? String(v.timestamp) : '';
      } catch { /* unsigned junk */ }
      const sig = r.pick([
        () => `mac=${zaloMac(ctx.zalo.appId, raw, parsedTs, ctx.zalo.secret)}`,
        () => `mac=${zaloMac(ctx.zalo.appId, raw, parsedTs, ctx.zalo.secret)}`,
        () => zaloMac(ctx.zalo.appId, raw, parsedTs, ctx.zalo.secret).toUpperCase(),
        () => `mac=${zaloMac(ctx.zalo.appId, raw, parsedTs, 'wrong secret')}`,
        () => 'mac=' + '0'.repeat(64), () => 'mac=xyz', () => '', () => latin1(junkString(r, 100)),
      ])();
      const headers: [string, string][] = [['Content-Type', type]];
      if (r.chance(0.9)) headers.push(['X-ZEvent-Signature', sig]);
      return finish(r, { method: 'POST', path: '/webhooks/zalo', headers, body }, ['POST']);
    },
  },
  {
    name: 'GET /widget.js',
    make: (r) => {
      const req = getRequest(r, '/widget.js', ['v', 'portal']);
      if (r.chance(0.5)) req.headers.push(['If-None-Match', latin1(r.pick(['*', '"abc"', 'W/"x", "y"', ',,,', junkString(r, 100)]))]);
      if (r.chance(0.5)) req.headers.push(['Accept-Encoding', r.pick(['gzip', 'deflate', 'br', 'gzip;q=0, *;q=0', 'identity;q=0', 'x', 'gzip, gzip, gzip'])]);
      return req;
    },
  },
  { name: 'GET /', make: (r) => getRequest(r, '/', ['portal', 'lang']) },
  { name: 'GET /health', make: (r) => getRequest(r, '/health', ['x']) },
  { name: 'GET /openapi.json', make: (r) => getRequest(r, '/openapi.json', ['x']) },
  {
    name: 'GET /metrics',
    make: (r) => {
      const req = getRequest(r, '/metrics', ['name[]', 'format']);
      if (r.chance(0.6)) req.headers.push(['Authorization', latin1(r.pick(['Bearer ', 'Bearer x', 'Basic YWRtaW46YWRtaW4=', 'Bearer ' + 'a'.repeat(5000), junkString(r, 100)]))]);
      return req;
    },
  },
  {
    name: 'POST /staff/login',
    make: (r, ctx) => {
      if (r.chance(0.3)) return finish(r, { method: 'POST', path: '/staff/login', headers: [['Content-Type', r.pick(['application/x-www-form-urlencoded', 'multipart/form-data'])]], body: formBody(r, ['email', 'password']) }, ['POST']);
      return jsonRequest(r, ctx, 'POST', '/staff/login', () => ({ email: r.pick(['can.bo@xa.test', junkString(r, 60), "admin' --"]), password: junkString(r, 100) }));
    },
  },
  { name: 'GET /staff/login', make: (r) => getRequest(r, '/staff/login', ['expired', 'failed']) },
  {
    name: 'GET /staff/api/*',
    make: (r) => {
      const path = r.pick(['/staff/api/me', '/staff/api/tickets', `/staff/api/tickets/${junkSegment(r)}`, '/staff/api/canned', '/staff/api/proposals', '/staff/api/dashboard', '/staff/api/export.csv', '/staff/api/sync', `/staff/api/${junkSegment(r)}`, '/staff', `/staff/tickets/${junkSegment(r)}`, '/staff/dashboard', '/staff/export.csv']);
      const req = getRequest(r, path, ['status', 'days', 'from', 'to', 'agency', 'q']);
      return withStaffAuth(r, req);
    },
  },
  {
    name: 'POST /staff/api/*',
    make: (r, ctx) => {
      const path = r.pick(['/staff/api/tickets/claim-next', `/staff/api/tickets/${junkSegment(r)}/${r.pick(['answer', 'claim', 'release', 'transfer', 'ask', junkSegment(r)])}`, '/staff/api/canned', `/staff/api/proposals/${junkSegment(r)}/${r.pick(['approve', 'reject', junkSegment(r)])}`, '/staff/logout', '/staff/claim-next', `/staff/tickets/${junkSegment(r)}/answer`]);
      const req = jsonRequest(r, ctx, 'POST', path, () => ({ text: junkString(r, 200), agency: junkString(r, 20), note: junkString(r, 50) }));
      return withStaffAuth(r, req);
    },
  },
  {
    name: 'POST /v1/ingest',
    make: (r, ctx) => {
      const kind = r.pick(['law', 'qa', 'text', 'procedure', 'gazette', 'news', 'auto', junkString(r, 10)]);
      // What an agency's file might hold when it is broken: junk records in the readers' shapes.
      const records = () =>
        Array.from({ length: r.int(0, 4) }, () =>
          r.pick([
            () => ({ id: junkString(r, 30), articles: r.chance(0.7) ? [{ id: junkString(r, 8), text: junkString(r, 300) }] : jsonValue(r) }),
            () => ({ id: junkString(r, 20), question: junkString(r, 200), answer: junkString(r, 300), agency: r.pick(['tu-phap-xa', junkString(r, 10)]) }),
            () => ({ ma_thu_tuc: r.pick(['1.002755', junkString(r, 12)]), ten_thu_tuc: junkString(r, 80), noi_dung: jsonValue(r) }),
            () => jsonValue(r),
          ])(),
        );
      const content = () =>
        r.pick([
          () => junkString(r, 2000),
          () => JSON.stringify(records()),
          () => records().map((x) => JSON.stringify(x)).join(r.pick(['\n', '\r\n', '\n\n', ''])),
          () => records(),
          () => jsonValue(r),
        ])();
      const files = r.chance(0.4);
      const q = (v: string) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
      const path = files
        ? `/v1/ingest/files?kind=${q(kind)}&filename=${q(r.pick(['a.json', 'b.jsonl', 'c.txt', 'd.md', junkString(r, 30)]))}`
        : r.pick(['/v1/ingest/documents', '/v1/ingest/documents', '/v1/ingest', `/v1/ingest/${junkSegment(r)}`]);
      const req = jsonRequest(r, ctx, 'POST', path, () => (files ? { records: records() } : { kind, ...(r.chance(0.5) ? { filename: junkString(r, 40) } : {}), ...(r.chance(0.3) ? { format: r.pick(['json', 'jsonl', 'text', junkString(r, 8)]) } : {}), content: content() }));
      const key = ctx.ingestKey && r.chance(0.7) ? ctx.ingestKey : r.pick(['', 'hd_' + 'x'.repeat(40), 'hdk_tu-phap-xa_' + 'A'.repeat(43), junkString(r, 80)]);
      if (r.chance(0.9)) req.headers.push(['Authorization', latin1(`Bearer ${key}`)]);
      return req;
    },
  },
];

/** A session cookie, CSRF token or bearer token that is garbage (or none at all). */
function withStaffAuth(r: Rng, req: FuzzRequest): FuzzRequest {
  const k = r.int(0, 4);
  if (k === 1) req.headers.push(['Cookie', latin1(`hoidap_staff=${r.pick(['', 'x', 'a'.repeat(5000), junkString(r, 80), '%zz', 'deleted'])}`)]);
  if (k === 2) req.headers.push(['Authorization', latin1(r.pick(['Bearer x', 'Bearer ' + 'f'.repeat(64), 'Bearer', 'Basic Og==', junkString(r, 80)]))]);
  if (k === 3) req.headers.push(['Cookie', 'hoidap_staff=' + 'ab'.repeat(32)], ['X-CSRF-Token', latin1(junkString(r, 60))]);
  return req;
}

// ---------------------------------------------------------------- sending

export interface FuzzResponse {
  /** 0 when the connection failed before a status line came back. */
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
  error?: string;
}

/** Sends one request over a fresh TCP connection and reads the whole reply (the connection is closed after it). */
export function sendRaw(port: number, req: FuzzRequest, timeoutMs = 30_000): Promise<FuzzResponse> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    const finishWith = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks), req.method), ms: performance.now() - started, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finishWith('timeout'), timeoutMs);
    let failed: string | undefined;
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => finishWith());
    // A server that answers (413, 400) before reading the whole body may reset the connection
    // while we still write: the reply we already have counts (parsed above), the reset does not;
    // 'close' follows the error, after whatever data had arrived.
    socket.on('error', (e) => (failed = (e as NodeJS.ErrnoException).code ?? e.message));
    socket.on('close', () => finishWith(chunks.length ? undefined : failed));
    socket.on('connect', () => {
      const body = req.body ?? new Uint8Array(0);
      const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
      for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
      const chunked = req.headers.some(([k, v]) => k.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v));
      if (!chunked && (req.body || req.contentLength != null)) lines.push(`Content-Length: ${req.contentLength ?? body.byteLength}`);
      socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
      if (chunked) {
        if (body.byteLength) socket.write(Buffer.from(`${body.byteLength.toString(16)}\r\n`, 'latin1')), socket.write(body), socket.write('\r\n');
        socket.write('0\r\n\r\n');
      } else if (body.byteLength) socket.write(body);
    });
  });
}

function parseResponse(buf: Buffer, method: string): Omit<FuzzResponse, 'ms'> {
  const headEnd = buf.indexOf('\r\n\r\n');
  const head = (headEnd < 0 ? buf : buf.subarray(0, headEnd)).toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!m) return { status: 0, headers: {}, body: '' };
  // A 100 Continue comes first when asked for; the real reply follows it.
  if (m[1] === '100' && headEnd >= 0) return parseResponse(buf.subarray(headEnd + 4), method);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = headEnd < 0 || method === 'HEAD' ? Buffer.alloc(0) : buf.subarray(headEnd + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { status: Number(m[1]), headers, body: headers['content-encoding'] ? '' : body.toString('utf8') };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < b.length) {
    const eol = b.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

// ---------------------------------------------------------------- the chat WebSocket

export const CHAT_PATH = '/v1/chat/ws';

/** One malformed chat session: frames to send (text or binary), after an optional handshake that is itself broken. */
export interface WsCase {
  frames: (string | Uint8Array)[];
  /** Instead of a WebSocket session, a broken upgrade request over HTTP. */
  upgrade?: FuzzRequest;
}

export function wsCase(r: Rng, ctx: FuzzContext): WsCase {
  if (r.chance(0.1)) {
    const headers: [string, string][] = [['Upgrade', r.pick(['websocket', 'WebSocket', 'h2c', '', 'websocket\u00ff'])], ['Connection', r.pick(['Upgrade', 'upgrade, keep-alive', 'close'])]];
    if (r.chance(0.7)) headers.push(['Sec-WebSocket-Key', r.pick(['dGhlIHNhbXBsZSBub25jZQ==', '', 'x', 'a'.repeat(300), latin1(junkString(r, 30))])]);
    if (r.chance(0.7)) headers.push(['Sec-WebSocket-Version', r.pick(['13', '8', '', '99', 'x'])]);
    return { frames: [], upgrade: { method: r.pick(['GET', 'GET', 'POST']), path: CHAT_PATH + junkQuery(r, ['x']), headers } };
  }
  const frames: (string | Uint8Array)[] = [];
  const validish = () =>
    r.pick([
      () => ({ type: 'hello', conversationId: r.pick([UUID, 'x', undefined]), lastDeliveryId: r.pick([0, -1, 2 ** 40, 'x', undefined]), lang: r.pick(['vi', 'en', 'xx']) }),
      () => ({ type: 'ask', id: r.pick(['1', '', 'x'.repeat(100), junkString(r, 20)]), question: question(r), lang: r.pick(['vi', 'en', 'fr', undefined]) }),
      () => ({ type: 'escalate', id: junkString(r, 30), lang: 'vi' }),
      () => ({ type: 'feedback', answerId: r.pick([UUID, 'x']), helpful: r.pick([true, false, 'yes']), reason: junkString(r, 100) }),
      () => ({ type: 'ping' }),
      () => ({ type: r.pick(['', 'ASK', 'pong', '__proto__', junkString(r, 10)]) }),
    ])();
  for (let i = r.int(1, 5); i > 0; i--) {
    const k = r.int(0, 9);
    if (k <= 2) frames.push(JSON.stringify(mutate(r, validish() as Record<string, unknown>)));
    else if (k === 3) frames.push(JSON.stringify(jsonValue(r)));
    else if (k === 4) frames.push(r.bytes(r.int(0, 500)));
    else if (k === 5) frames.push(deepJson(r.pick([100, 1000, 20_000]), r.chance(0.5)));
    else if (k === 6) frames.push(junkString(r, 500));
    else if (k === 7) frames.push(JSON.stringify({ type: 'ask', id: '1', question: 'x'.repeat(r.pick([20_001, ctx.maxBodyBytes + 10, 300_000])) }));
    else if (k === 8) { const s = JSON.stringify(validish()); frames.push(s.slice(0, r.int(0, s.length))); }
    else frames.push(JSON.stringify(validish()));
  }
  return { frames };
}

export interface WsResult {
  /** Frames the server sent back, parsed (or the raw text when not JSON). */
  replies: unknown[];
  /** The close code, or 0 when the connection failed. */
  closeCode: number;
  /** An HTTP status when the upgrade was refused (or for a broken upgrade request). */
  status?: number;
  ms: number;
  error?: string;
}

/** Opens a chat socket, sends the frames, waits a little for replies, closes. */
export function runWsCase(port: number, c: WsCase, settleMs = 1500): Promise<WsResult> {
  const started = performance.now();
  if (c.upgrade) return sendRaw(port, c.upgrade, 10_000).then((r) => ({ replies: [], closeCode: 0, status: r.status, ms: r.ms, ...(r.error ? { error: r.error } : {}) }));
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${CHAT_PATH}`, { perMessageDeflate: false });
    const replies: unknown[] = [];
    let status: number | undefined;
    let done = false;
    const end = (closeCode: number, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(settle);
      ws.terminate();
      resolve({ replies, closeCode, ms: performance.now() - started, ...(status ? { status } : {}), ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => end(-1, 'timeout'), 20_000);
    let settle: NodeJS.Timeout | undefined;
    const expected = c.frames.length;
    const settleSoon = () => {
      clearTimeout(settle);
      settle = setTimeout(() => ws.close(1000), settleMs);
    };
    ws.on('unexpected-response', (_req, res) => {
      status = res.statusCode;
      end(0);
    });
    ws.on('open', () => {
      for (const f of c.frames) ws.send(f, { binary: typeof f !== 'string' });
      settleSoon();
    });
    ws.on('message', (data) => {
      const text = data.toString();
      try {
        replies.push(JSON.parse(text));
      } catch {
        replies.push(text);
      }
      // Every frame gets at least one reply; once there are as many as frames, linger briefly for the rest.
      if (replies.length >= expected) settleSoon();
    });
    ws.on('close', (code) => end(code));
    ws.on('error', (e) => end(0, (e as NodeJS.ErrnoException).code ?? e.message));
  });
}

/** Whether a chat reply is the server admitting an internal failure (the socket's 5xx). */
export function isInternalFrame(f: unknown): boolean {
  return typeof f === 'object' && f !== null && (f as { type?: string; code?: string }).type === 'error' && (f as { code?: string }).code === 'internal';
}

// ---------------------------------------------------------------- running many

/** Runs `count` jobs with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, job: (i: number) => Promise<T>, each: (r: T, i: number) => void): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        each(await job(i), i);
      }
    }),
  );
}

/** The seed of case `i` of endpoint `e`: any one case can be replayed on its own. */
export const caseSeed = (seed: number, endpoint: number, i: number) => (seed ^ Math.imul(endpoint + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
