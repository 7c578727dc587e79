// Body size limits (Content-Length and chunked), the request timeout, the widget's CORS allowlist,
// the Origin check on the chat socket's upgrade, and the security headers.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STAFF_INLINE_HANDLERS } from '../../src/abuse/http.ts';
import { CHAT_PATH } from '../../src/channels/web/ws.ts';
import { APPEND_CANNED } from '../../src/staff/views.ts';
import { askJson, raw, startAbuseApp, type AbuseApp } from './support.ts';

const PORTAL = 'https://dichvucong.minhson.gov.vn';
const EVIL = 'https://evil.example.com';

describe('abuse guards over HTTP', () => {
  let app: AbuseApp;
  beforeAll(async () => {
    app = await startAbuseApp({ RATE_LIMIT_PER_MINUTE: '0', CORS_ORIGINS: PORTAL, PUBLIC_URL: 'https://hoidap.minhson.gov.vn', REQUEST_TIMEOUT_MS: '1000' }, { slowMs: 4000 });
  }, 60_000);
  afterAll(() => app.close());

  describe('body size', () => {
    const big = JSON.stringify({ question: 'x'.repeat(70 * 1024) });

    it('refuses a body over MAX_BODY_BYTES announced by Content-Length with 413 payload_too_large', async () => {
      const r = await raw(app.port, { path: '/v1/ask', headers: { 'content-type': 'application/json' }, body: big });
      expect(r.status).toBe(413);
      expect(r.json().error?.code).toBe('payload_too_large');
      expect(app.asked).toHaveLength(0);
    });

    it('refuses a chunked body once it passes the limit', async () => {
      const chunks = Array.from({ length: 20 }, (_, i) => (i === 0 ? '{"question":"' : 'y'.repeat(8 * 1024)));
      const r = await raw(app.port, { path: '/v1/ask', headers: { 'content-type': 'application/json' }, chunks: [...chunks, '"}'] });
      expect(r.status).toBe(413);
      expect(r.json().error?.code).toBe('payload_too_large');
    });

    it('still answers a small chunked question', async () => {
      const r = await raw(app.port, { path: '/v1/ask', headers: { 'content-type': 'application/json' }, chunks: ['{"question":', '"Lệ phí cấp căn cước?"}'] });
      expect(r.status).toBe(200);
    });

    it('refuses a big chunked Zalo webhook before reading it whole', async () => {
      const r = await raw(app.port, { path: '/webhooks/zalo', headers: { 'content-type': 'application/json' }, chunks: Array.from({ length: 12 }, () => 'z'.repeat(8 * 1024)) });
      expect(r.status).toBe(413);
    });

    it('leaves /v1/voice to its own (larger) audio limit', async () => {
      const boundary = 'b0undary';
      const audio = 'R'.repeat(100 * 1024);
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="q.wav"\r\nContent-Type: audio/wav\r\n\r\n${audio}\r\n--${boundary}--\r\n`;
      const r = await raw(app.port, { path: '/v1/voice', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
      expect(r.status).not.toBe(413);
      // A bad recording (400/415/422) or no speech to text configured (503), never a crash.
      expect(r.status).not.toBe(500);
      expect(r.json().error?.code).not.toBe('payload_too_large');
    });

    it('leaves /v1/ingest to its own INGEST_MAX_BYTES limit', async () => {
      const r = await raw(app.port, { path: '/v1/ingest/documents', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(100 * 1024) }) });
      expect(r.status).not.toBe(413);
    });
  });

  it('answers a request still running after REQUEST_TIMEOUT_MS with 503 timeout', async () => {
    const started = Date.now();
    const r = await askJson(app.port, { question: 'Câu hỏi chậm' });
    const ms = Date.now() - started;
    expect(r.status).toBe(503);
    expect(r.json().error).toMatchObject({ code: 'timeout' });
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3500);
  });

  describe('CORS', () => {
    it('gives an allowed portal Access-Control-Allow-Origin, and another origin none', async () => {
      const ok = await askJson(app.port, { question: 'Hỏi' }, { headers: { origin: PORTAL } });
      expect(ok.headers['access-control-allow-origin']).toBe(PORTAL);
      expect(String(ok.headers.vary)).toMatch(/origin/i);
      const evil = await askJson(app.port, { question: 'Hỏi' }, { headers: { origin: EVIL } });
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it("allows PUBLIC_URL's own origin", async () => {
      const r = await askJson(app.port, { question: 'Hỏi' }, { headers: { origin: 'https://hoidap.minhson.gov.vn' } });
      expect(r.headers['access-control-allow-origin']).toBe('https://hoidap.minhson.gov.vn');
    });

    it('answers a preflight from an allowed portal, and not one from another origin', async () => {
      const pre = (origin: string) =>
        raw(app.port, { method: 'OPTIONS', path: '/v1/ask', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      const ok = await pre(PORTAL);
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(PORTAL);
      expect(String(ok.headers['access-control-allow-methods'])).toMatch(/POST/);
      const evil = await pre(EVIL);
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('chat socket Origin', () => {
    const open = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${app.port}${CHAT_PATH}`, { headers });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('error', () => resolve(-1));
      });

    it('refuses the upgrade from a page on a foreign origin with 403', async () => {
      expect(await open({ origin: EVIL })).toBe(403);
    });

    it('accepts its own host, an allowed portal, and clients that send no Origin', async () => {
      expect(await open({ origin: `http://127.0.0.1:${app.port}` })).toBe(101);
      expect(await open({ origin: PORTAL })).toBe(101);
      expect(await open({})).toBe(101);
    });
  });

  describe('security headers', () => {
    it('sends nosniff, a referrer policy and (PUBLIC_URL being https) HSTS on API answers', async () => {
      const r = await raw(app.port, { method: 'GET', path: '/health' });
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      // PUBLIC_URL is https here.
      expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      // The API stays callable and embeddable from portals.
      expect(r.headers['x-frame-options']).toBeUndefined();
      expect(r.headers['cross-origin-resource-policy']).toBeUndefined();
    });

    it('keeps /widget.js loadable from other sites', async () => {
      const r = await raw(app.port, { method: 'GET', path: '/widget.js' });
      expect(r.status).toBe(200);
      expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBeUndefined();
    });

    it('gives the demo page a CSP that allows what it loads: its inline style, /widget.js, same-origin requests', async () => {
      const r = await raw(app.port, { method: 'GET', path: '/' });
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain("'unsafe-eval'");
      // The page has no inline script for the CSP to block.
      expect(r.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    });
  });
});

describe('HSTS', () => {
  it('is not sent when PUBLIC_URL is plain http (or unset)', async () => {
    const app = await startAbuseApp({ RATE_LIMIT_PER_MINUTE: '0', PUBLIC_URL: 'http://localhost:8787' });
    try {
      const r = await raw(app.port, { method: 'GET', path: '/health' });
      expect(r.headers['strict-transport-security']).toBeUndefined();
      // With the default empty CORS_ORIGINS, another origin gets no CORS header.
      const cross = await askJson(app.port, { question: 'Hỏi' }, { headers: { origin: EVIL } });
      expect(cross.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe("the staff console's inline handlers", () => {
  it('are exactly the ones whose hashes the CSP allows', () => {
    const source = readFileSync(new URL('../../src/staff/views.ts', import.meta.url), 'utf8');
    const handlers = [...source.matchAll(/\son[a-z]+="([^"]*)"/g)].map((m) => m[1]);
    expect(handlers.length).toBeGreaterThan(0);
    // Every inline handler in the views is a constant listed for the CSP, not a literal.
    for (const h of handlers) expect(h).toBe('${APPEND_CANNED}');
    expect(STAFF_INLINE_HANDLERS).toContain(APPEND_CANNED);
  });
});
