// The web channel's pages: GET /widget.js (the embeddable chat widget) and GET / (a demo portal
// page with the widget on it). On Node the widget is built in memory with esbuild on the first
// request and kept; a runtime without esbuild (Workers) passes the built file in as `widget`.
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { Logger } from '../../http/errors.ts';
import { demoPage } from './widget/demo-page.ts';

export interface WebDeps {
  log?: Logger;
  /** The built widget; by default, built from src/channels/web/widget/ with esbuild. */
  widget?: () => Promise<string>;
}

interface Served {
  code: string;
  etag: string;
}

async function etagOf(code: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code));
  const hex = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `"${hex}"`;
}

/** Computed, so that bundlers (the Workers build, which passes the built widget in) leave esbuild out. */
const WIDGET_BUILDER = './widget/build.ts';

async function buildInMemory(log?: Logger): Promise<string> {
  const started = Date.now();
  const { buildWidget } = (await import(/* @vite-ignore */ WIDGET_BUILDER)) as typeof import('./widget/build.ts');
  const w = await buildWidget();
  log?.('info', 'widget built', { ms: Date.now() - started, bytes: w.bytes, gzipBytes: w.gzipBytes });
  return w.code;
}

export function webRoutes(deps: WebDeps = {}) {
  const load = deps.widget ?? (() => buildInMemory(deps.log));
  let served: Promise<Served> | null = null;
  const widget = () => {
    if (!served) {
      const p = load().then(async (code) => ({ code, etag: await etagOf(code) }));
      // A failed build is tried again on the next request rather than remembered.
      p.catch(() => {
        if (served === p) served = null;
      });
      served = p;
    }
    return served;
  };

  return new Hono()
    // Compressed here too, for a server with no proxy in front (about 10 kB instead of 28).
    .get('/widget.js', compress(), async (c) => {
      const w = await widget(); // a failed build goes to the app's onError, which logs it
      // The address has no version in it, so browsers and CDNs check back every few minutes and
      // get a 304 while it has not changed.
      c.header('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
      c.header('ETag', w.etag);
      c.header('X-Content-Type-Options', 'nosniff');
      // Portals on other sites load it with a plain <script> tag; the widget's own requests are
      // made without credentials.
      c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      const match = c.req.header('if-none-match');
      if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === w.etag)) return c.body(null, 304);
      return c.body(w.code, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    })
    .get('/', (c) => {
      c.header('Cache-Control', 'no-cache');
      return c.html(demoPage({ widgetSrc: '/widget.js', portal: 'demo-tinh' }));
    });
}
