// The HTTP side of the abuse limits, installed by createApp before the feature routers: security
// headers, the widget's CORS allowlist, body size limits, a request timeout, the channel kill
// switches and the question rate limits. Kept here so app.ts only says where they go.
import type { Context, Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import type { Config, SwitchableChannel } from '../config/index.ts';
import { AskRequest } from '../answer/routes.ts';
import { AppError } from '../http/errors.ts';
import { fmt, t, type Lang } from '../messages.ts';
import { APPEND_CANNED } from '../staff/views.ts';
import type { RateLimiter } from './limiter.ts';
import type { ChannelSwitches } from './switches.ts';

/** Inline event handlers the staff console's pages carry; their hashes go into its CSP. */
export const STAFF_INLINE_HANDLERS: readonly string[] = [APPEND_CANNED];

/**
 * A client address as a rate-limit key. IPv6 clients usually hold a whole /64, so they are counted
 * by it; an IPv4 address arriving as ::ffff:a.b.c.d is the IPv4 address.
 */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') && tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Who is calling: the first X-Forwarded-For address only behind a proxy we trust (TRUST_PROXY),
 * else the socket's address on Node, else CF-Connecting-IP (set by Cloudflare itself on Workers,
 * where there is no socket). Null when nothing says (an in-process test request).
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) return addressKey(first);
  }
  const env = c.env as { incoming?: unknown; server?: unknown } | undefined;
  if (env?.incoming || env?.server) {
    try {
      const a = getConnInfo(c).remote.address;
      return a ? addressKey(a) : null;
    } catch {
      return null;
    }
  }
  const cf = c.req.header('cf-connecting-ip');
  return cf ? addressKey(cf) : null;
}

/** Whether a page on `origin` may call the citizen API and open the chat socket. */
export function originAllowed(origin: string, config: Pick<Config, 'abuse' | 'publicUrl'>, ownOrigin?: string | null): boolean {
  const o = origin.replace(/\/+$/, '').toLowerCase();
  if (ownOrigin && o === ownOrigin.toLowerCase()) return true;
  if (config.publicUrl && o === new URL(config.publicUrl).origin.toLowerCase()) return true;
  return config.abuse.corsOrigins.some((allowed) => allowed === '*' || allowed.toLowerCase() === o);
}

/** What stops a question: the channel switched off (503) or the asker over the limit (429). */
export type Refusal = { status: 429 | 503; code: 'rate_limited' | 'channel_off'; message: string; retryAfter?: number };

export interface QuestionGate {
  /** Null when the question may go ahead (and is counted), else why not. */
  admit(q: { channel: SwitchableChannel; address: string | null; conversationId?: string | null | undefined; lang?: Lang | undefined }): Promise<Refusal | null>;
}

export function questionGate(o: { limiter: RateLimiter; switches: ChannelSwitches }): QuestionGate {
  return {
    async admit(q) {
      const lang = q.lang ?? 'vi';
      if (!(await o.switches.isOn(q.channel))) return { status: 503, code: 'channel_off', message: t('channelOff', lang) };
      const keys = [...(q.address ? [`ip:${q.address}`] : []), ...(q.conversationId ? [`citizen:${q.conversationId}`] : [])];
      if (!keys.length) return null;
      const d = o.limiter.take(keys);
      if (d.allowed) return null;
      return { status: 429, code: 'rate_limited', message: fmt('rateLimited', lang, { seconds: d.retryAfterSeconds }), retryAfter: d.retryAfterSeconds };
    },
  };
}

function refuse(c: Context, r: Refusal): Response {
  return c.json({ error: { code: r.code, message: r.message } }, r.status, r.retryAfter ? { 'Retry-After': String(r.retryAfter) } : {});
}

const ASK_CHANNELS: Record<string, SwitchableChannel> = { web: 'web', voice: 'voice', zalo: 'zalo', api: 'api' };

/** The JSON body without consuming it (the route's validator reads it again); null when it is not JSON. */
async function peekJson(c: Context): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = await c.req.raw.clone().json();
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function sha256Base64(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(d)));
}

export interface AbuseInstallDeps {
  config: Config;
  gate: QuestionGate;
  searches: RateLimiter;
}

const isWrite = (method: string) => method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
export const isIngestPath = (path: string) => path === '/v1/ingest' || path.startsWith('/v1/ingest/');

/** Registers the abuse middleware on `app`; call before the routers are mounted. */
export function installAbuseGuards(app: Hono<any, any, any>, deps: AbuseInstallDeps): void {
  const { config, gate } = deps;
  const { abuse } = config;
  const https = config.publicUrl?.startsWith('https:') ?? false;

  // ---- security headers ----
  // Everything: no MIME sniffing, no referrer beyond the origin, HSTS once served over https. The
  // API and /widget.js stay loadable from portals' pages (no CORP, no framing rule here).
  app.use(
    '*',
    secureHeaders({
      overwrite: false,
      crossOriginResourcePolicy: false,
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xFrameOptions: false,
      xDownloadOptions: false,
      referrerPolicy: 'strict-origin-when-cross-origin',
      strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
    }),
  );
  // The staff console: never framed (clickjacking an officer's answer), its own scripts and styles
  // only. Its pages carry inline <style> and style attributes, and one inline handler whose hash
  // is allowed ('unsafe-hashes' covers exactly those handlers, nothing injected).
  const handlerHashes = Promise.all(STAFF_INLINE_HANDLERS.map(sha256Base64));
  const staffHeaders = handlerHashes.then((hashes) =>
    secureHeaders({
      overwrite: true,
      crossOriginResourcePolicy: 'same-origin',
      crossOriginOpenerPolicy: true,
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
      strictTransportSecurity: false,
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: hashes.length ? ["'self'", "'unsafe-hashes'", ...hashes.map((h) => `'sha256-${h}'`)] : ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  app.use('/staff', async (c, next) => (await staffHeaders)(c, next));
  app.use('/staff/*', async (c, next) => (await staffHeaders)(c, next));
  // The demo portal page: its inline <style>, /widget.js, the widget's requests and socket.
  const demoHeaders = secureHeaders({
    overwrite: true,
    crossOriginResourcePolicy: false,
    xFrameOptions: 'SAMEORIGIN',
    strictTransportSecurity: false,
    referrerPolicy: 'strict-origin-when-cross-origin',
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      mediaSrc: ["'self'", 'blob:'],
      frameAncestors: ["'self'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  });
  app.use('/', async (c, next) => (c.req.path === '/' ? demoHeaders(c, next) : next()));

  // ---- CORS: portals on the allowlist (CORS_ORIGINS, PUBLIC_URL) may call the citizen API ----
  app.use(
    '/v1/*',
    cors({
      origin: (origin, c) => {
        if (!origin) return null;
        if (abuse.corsOrigins.includes('*')) return '*';
        return originAllowed(origin, config, new URL(c.req.url).origin) ? origin : null;
      },
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type'],
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );

  // ---- request timeout ----
  // The voice route waits for speech to text first, so it gets that long on top. The agencies'
  // ingestion API parses whole files and is not cut short here.
  app.use('*', async (c, next) => {
    if (isIngestPath(c.req.path) || c.req.header('upgrade')?.toLowerCase() === 'websocket') return next();
    const ms = c.req.path === '/v1/voice' ? abuse.requestTimeoutMs + config.stt.timeoutMs : abuse.requestTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms);
    });
    try {
      const first = await Promise.race([next().then(() => 'done' as const), late]);
      if (first === 'late') throw new AppError(503, 'timeout', t('requestTimeout'));
    } finally {
      clearTimeout(timer);
    }
  });

  // ---- body size ----
  // Every write is refused above MAX_BODY_BYTES before it is read whole (Content-Length first; a
  // chunked body is counted as it streams). /v1/voice keeps its own audio limit and the ingestion
  // API its INGEST_MAX_BYTES (both on their routes: a second limit here would buffer the body twice).
  const general = bodyLimit({
    maxSize: abuse.maxBodyBytes,
    onError: () => {
      throw new AppError(413, 'payload_too_large', t('bodyTooLarge'));
    },
  });
  app.use('*', async (c, next) => {
    if (!isWrite(c.req.method) || c.req.path === '/v1/voice' || isIngestPath(c.req.path)) return next();
    return general(c, next);
  });

  // ---- kill switches and question limits ----
  app.use('/v1/ask', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    // A body that is not a valid question is the route's to refuse (400), uncounted: only what
    // would reach the answer pipeline costs anything.
    const parsed = AskRequest.safeParse(await peekJson(c));
    if (!parsed.success || !parsed.data.question.trim()) return next();
    const body = parsed.data;
    // The route records a question without a channel as 'api'; its switch is that one.
    const channel = ASK_CHANNELS[body.channel ?? 'api']!;
    const conversationId = body.conversationId ? body.conversationId.toLowerCase() : null;
    const lang = body.lang === 'en' ? 'en' : 'vi';
    const refused = await gate.admit({ channel, address: clientAddress(c, abuse.trustProxy), conversationId, lang });
    return refused ? refuse(c, refused) : next();
  });
  // A recording is counted by address only: its conversation id is inside the multipart body,
  // which is not read before the audio limit has been checked.
  app.use('/v1/voice', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const refused = await gate.admit({ channel: 'voice', address: clientAddress(c, abuse.trustProxy) });
    return refused ? refuse(c, refused) : next();
  });
  // Search is cheaper than a question but still worth a ceiling per address.
  app.use('/v1/search', async (c, next) => {
    const address = clientAddress(c, abuse.trustProxy);
    if (!address) return next();
    const d = deps.searches.take([`ip:${address}`]);
    if (d.allowed) return next();
    return refuse(c, { status: 429, code: 'rate_limited', message: fmt('rateLimited', 'vi', { seconds: d.retryAfterSeconds }), retryAfter: d.retryAfterSeconds });
  });
}
