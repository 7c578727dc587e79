/**
 * The connector's HTTP client for government portals: polite (robots.txt, per-host spacing, conditional
 * requests) and SSRF-safe (http/https only, no private addresses, redirects re-checked hop by hop).
 *
 * Known gap — DNS rebinding: we resolve the host and check every address, then hand the URL to fetch,
 * which resolves it again. A hostile DNS server could answer with a public address for our check and a
 * private one for the connection. Closing it needs a connect-time lookup hook (an undici Agent with
 * `connect.lookup`), which built-in fetch does not expose; the sources we sync are a configured list of
 * government portals, so the remaining risk is accepted.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from '../http/errors.ts';
import { ALLOW_ALL, parseRobots, type Robots } from './robots.ts';
import { discard, readCapped } from '../http/body.ts';

export interface FetchPolicy {
  /** Allow private, loopback, link-local, CGNAT, multicast, unspecified and IPv4-mapped/ULA IPv6 addresses (tests on loopback set this). Default false. */
  allowPrivate?: boolean;
  /** Each HTTP request, headers and body, from the moment it is sent (time queued for politeness is not counted). Default 15 000. */
  timeoutMs?: number;
  /** Body cap while streaming, default 5 MiB → error too_large (robots.txt is truncated at the cap instead). */
  maxBytes?: number;
  userAgent?: string;
  /** Minimum gap between the end of one request to a host and the start of the next; robots Crawl-delay raises it. Default 1000. */
  perHostIntervalMs?: number;
  maxRedirects?: number;
  respectRobots?: boolean;
  /** Hosts (`URL.host`, i.e. hostname[:port]) a redirect may lead to besides the start URL's own host; other hosts → redirect_offsite. */
  allowedHosts?: string[];
  fetch?: typeof fetch;
  /** DNS lookup, injectable for tests; default node:dns/promises lookup(all: true). */
  resolve?: (host: string) => Promise<string[]>;
  /** For the rate limiter. */
  now?: () => number;
  /** Told when robots.txt could not be read and everything is assumed allowed. */
  log?: Logger;
}

export interface Conditional {
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchOutcome =
  | { status: 'ok'; url: string; finalUrl: string; httpStatus: number; body: string; contentType: string | null; etag: string | null; lastModified: string | null }
  | { status: 'not_modified'; url: string; finalUrl: string }
  | { status: 'error'; url: string; code: FetchErrorCode; message: string; httpStatus?: number };

export type FetchErrorCode =
  | 'blocked_scheme'
  | 'blocked_address'
  | 'robots_disallowed'
  | 'redirect_offsite'
  | 'too_many_redirects'
  | 'too_large'
  | 'timeout'
  | 'http_error'
  | 'network'
  | 'bad_url';

export interface PoliteFetcher {
  get(url: string, conditional?: Conditional): Promise<FetchOutcome>;
}

const DEFAULT_USER_AGENT = 'hoidap-sync/1.0 (+https://github.com/hoidap)';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Failure = { ok: false; code: FetchErrorCode; message: string; httpStatus?: number };
type Walked =
  | { ok: true; finalUrl: URL; notModified: true }
  | { ok: true; finalUrl: URL; notModified: false; httpStatus: number; headers: Headers; body: Uint8Array }
  | Failure;
type Hop = { kind: 'redirect'; location: string } | { kind: 'not_modified' } | { kind: 'body'; httpStatus: number; headers: Headers; body: Uint8Array } | Failure;

interface WalkOptions {
  conditional?: Conditional;
  checkRobots: boolean;
  /** Pages fail when over the cap; robots.txt keeps what fits (RFC 9309 asks crawlers to parse at least the first 500 KiB). */
  overCap: 'fail' | 'truncate';
}

interface HostSlot {
  /** Settles when the last queued request to this host has finished. */
  tail: Promise<void>;
  lastEnd: number | null;
  gapMs: number;
}

function fail(code: FetchErrorCode, message: string, httpStatus?: number): Failure {
  return httpStatus === undefined ? { ok: false, code, message } : { ok: false, code, message, httpStatus };
}

export function createPoliteFetcher(policy: FetchPolicy = {}): PoliteFetcher {
  const allowPrivate = policy.allowPrivate ?? false;
  const timeoutMs = policy.timeoutMs ?? 15_000;
  const maxBytes = policy.maxBytes ?? 5 * 1024 * 1024;
  const userAgent = policy.userAgent ?? DEFAULT_USER_AGENT;
  const intervalMs = policy.perHostIntervalMs ?? 1000;
  const maxRedirects = policy.maxRedirects ?? 5;
  const respectRobots = policy.respectRobots ?? true;
  const allowedHosts = new Set((policy.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const fetchImpl = policy.fetch ?? fetch;
  const resolve = policy.resolve ?? defaultResolve;
  const now = policy.now ?? Date.now;

  const slots = new Map<string, HostSlot>();
  const robotsByOrigin = new Map<string, Promise<Robots>>();

  function slotFor(host: string): HostSlot {
    let slot = slots.get(host);
    if (!slot) {
      slot = { tail: Promise.resolve(), lastEnd: null, gapMs: intervalMs };
      slots.set(host, slot);
    }
    return slot;
  }

  /** Serialise requests to one host and space them; other hosts have their own chains and run in parallel. */
  function schedule<T>(host: string, task: () => Promise<T>): Promise<T> {
    const slot = slotFor(host);
    const run = slot.tail.then(async () => {
      if (slot.lastEnd !== null) {
        const wait = slot.lastEnd + slot.gapMs - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      try {
        return await task();
      } finally {
        slot.lastEnd = now();
      }
    });
    slot.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async function checkAddress(url: URL): Promise<Failure | null> {
    if (allowPrivate) return null;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (isIP(host)) {
      addresses = [host];
    } else {
      try {
        addresses = await resolve(host);
      } catch (err) {
        return fail('network', `DNS lookup for ${host} failed: ${(err as Error).message}`);
      }
      if (addresses.length === 0) return fail('network', `DNS lookup for ${host} returned no addresses`);
    }
    // One bad address is enough: fetch may connect to any of them.
    const bad = addresses.find((a) => isIP(a) === 0 || isPrivateAddress(a));
    return bad === undefined ? null : fail('blocked_address', `${host} resolves to ${bad}, which is not a public address`);
  }

  function robotsFor(url: URL): Promise<Robots> {
    let robots = robotsByOrigin.get(url.origin);
    if (!robots) {
      robots = loadRobots(url);
      robotsByOrigin.set(url.origin, robots);
    }
    return robots;
  }

  async function loadRobots(url: URL): Promise<Robots> {
    const robotsUrl = new URL('/robots.txt', url.origin);
    const walked = await walk(robotsUrl, { checkRobots: false, overCap: 'truncate' });
    if (walked.ok && !walked.notModified) {
      const robots = parseRobots(decode(walked.body, walked.headers.get('content-type')), userAgent);
      if (robots.crawlDelaySec !== null) {
        const slot = slotFor(url.host);
        slot.gapMs = Math.max(slot.gapMs, robots.crawlDelaySec * 1000);
      }
      return robots;
    }
    // 4xx: the site publishes no rules. Anything else (5xx, network, a blocked redirect) is also read as
    // "allow all" so one broken robots.txt does not stop a sync, but someone should hear about it.
    const quiet = !walked.ok && walked.code === 'http_error' && walked.httpStatus !== undefined && walked.httpStatus < 500;
    if (!quiet) {
      policy.log?.('warn', 'robots.txt unavailable; assuming everything is allowed', {
        url: robotsUrl.href,
        ...(walked.ok ? {} : { code: walked.code, reason: walked.message }),
      });
    }
    return ALLOW_ALL;
  }

  /** Follow redirects by hand so every hop gets the scheme, host, address and robots checks. */
  async function walk(start: URL, options: WalkOptions): Promise<Walked> {
    let current = start;
    for (let redirects = 0; ; redirects++) {
      const blocked = await checkAddress(current);
      if (blocked) return blocked;
      if (options.checkRobots && !(await robotsFor(current)).allowed(current.pathname + current.search)) {
        return fail('robots_disallowed', `robots.txt disallows ${current.href}`);
      }
      const hop = await schedule(current.host, () => send(current, options));
      if ('ok' in hop) return hop;
      if (hop.kind === 'not_modified') return { ok: true, finalUrl: current, notModified: true };
      if (hop.kind === 'body') return { ok: true, finalUrl: current, notModified: false, ...hop };

      if (redirects >= maxRedirects) return fail('too_many_redirects', `more than ${maxRedirects} redirects from ${start.href}`);
      let next: URL;
      try {
        next = new URL(hop.location, current);
      } catch {
        return fail('bad_url', `unparseable redirect Location ${JSON.stringify(hop.location)} from ${current.href}`);
      }
      const refused = checkUrl(next);
      if (refused) return refused;
      if (next.host !== start.host && !allowedHosts.has(next.host)) {
        return fail('redirect_offsite', `${current.href} redirects to ${next.href}, outside ${start.host}`);
      }
      current = next;
    }
  }

  async function send(url: URL, options: WalkOptions): Promise<Hop> {
    const headers: Record<string, string> = { 'user-agent': userAgent };
    if (options.conditional?.etag) headers['if-none-match'] = options.conditional.etag;
    if (options.conditional?.lastModified) headers['if-modified-since'] = options.conditional.lastModified;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetchImpl(url.href, { redirect: 'manual', headers, signal: controller.signal });
      if (REDIRECT_STATUSES.has(res.status)) {
        const location = res.headers.get('location');
        discard(res);
        if (location === null) return fail('http_error', `HTTP ${res.status} without a Location from ${url.href}`, res.status);
        return { kind: 'redirect', location };
      }
      if (res.status === 304) {
        discard(res);
        return { kind: 'not_modified' };
      }
      if (res.status < 200 || res.status > 299) {
        discard(res);
        return fail('http_error', `HTTP ${res.status} from ${url.href}`, res.status);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (options.overCap === 'fail' && declared > maxBytes) {
        discard(res);
        return fail('too_large', `${url.href} declares ${declared} bytes, over the ${maxBytes}-byte cap`);
      }
      const { bytes, overflowed } = await readCapped(res, maxBytes);
      if (overflowed && options.overCap === 'fail') return fail('too_large', `${url.href} sent more than ${maxBytes} bytes`);
      return { kind: 'body', httpStatus: res.status, headers: res.headers, body: bytes };
    } catch (err) {
      if (controller.signal.aborted) return fail('timeout', `${url.href} took longer than ${timeoutMs} ms`);
      return fail('network', `${url.href}: ${errorText(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(raw, conditional) {
      let start: URL;
      try {
        start = new URL(raw);
      } catch {
        return { status: 'error', url: raw, code: 'bad_url', message: `not a URL: ${JSON.stringify(raw)}` };
      }
      const refused = checkUrl(start);
      const walked = refused ?? (await walk(start, { conditional, checkRobots: respectRobots, overCap: 'fail' }));
      if (!walked.ok) {
        const { code, message, httpStatus } = walked;
        return httpStatus === undefined ? { status: 'error', url: raw, code, message } : { status: 'error', url: raw, code, message, httpStatus };
      }
      if (walked.notModified) return { status: 'not_modified', url: raw, finalUrl: walked.finalUrl.href };
      const contentType = walked.headers.get('content-type');
      return {
        status: 'ok',
        url: raw,
        finalUrl: walked.finalUrl.href,
        httpStatus: walked.httpStatus,
        body: decode(walked.body, contentType),
        contentType,
        etag: walked.headers.get('etag'),
        lastModified: walked.headers.get('last-modified'),
      };
    },
  };
}

function checkUrl(url: URL): Failure | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('blocked_scheme', `${url.protocol} URLs are not fetched`);
  if (url.username !== '' || url.password !== '') return fail('bad_url', 'URLs with credentials are not fetched');
  return null;
}

async function defaultResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}


/** UTF-8 unless the server names another charset TextDecoder knows (older portals still send windows-1258). */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Node's fetch hides the socket error (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

// ---------------------------------------------------------------------------------------------------------
// Address classification

/** [network, prefix length]. 240/4 is reserved and includes the limited broadcast 255.255.255.255. */
const PRIVATE_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const PRIVATE_V4_RANGES = PRIVATE_V4.map(([network, bits]) => ({ network: parseV4(network), bits }));

/**
 * True for addresses a sync must never reach: private, loopback, link-local, CGNAT, benchmarking,
 * multicast, reserved and unspecified IPv4; ::, ::1, ULA, link- and site-local and multicast IPv6; and IPv6
 * forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) when that address is one of these.
 * Anything that is not an IP address is false; callers decide what a non-address means.
 */
export function isPrivateAddress(ip: string): boolean {
  const address = ip.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  switch (isIP(address)) {
    case 4:
      return isPrivateV4(parseV4(address));
    case 6:
      return isPrivateV6(parseV6(address));
    default:
      return false;
  }
}

function isPrivateV4(n: number): boolean {
  return PRIVATE_V4_RANGES.some(({ network, bits }) => n >>> (32 - bits) === network >>> (32 - bits));
}

function isPrivateV6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedV4 = ((g6 << 16) | g7) >>> 0;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(7) && g7 <= 1) return true; // :: and ::1
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated, still routable inside sites)
  if ((g0 & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (zeroTo(5) && g5 === 0xffff) return isPrivateV4(embeddedV4); // ::ffff:a.b.c.d mapped
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return isPrivateV4(embeddedV4); // ::ffff:0:a.b.c.d translated
  if (zeroTo(6)) return isPrivateV4(embeddedV4); // ::a.b.c.d compatible (deprecated)
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPrivateV4(embeddedV4); // 64:ff9b::/96 NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // 64:ff9b:1::/48 local-use NAT64
  if (g0 === 0x2002) return isPrivateV4(((g1 << 16) | g2) >>> 0); // 2002::/16 6to4
  return false;
}

function parseV4(ip: string): number {
  return ip.split('.').reduce((n, octet) => ((n << 8) | Number(octet)) >>> 0, 0);
}

/** Eight 16-bit groups; input already validated by isIP. */
function parseV6(ip: string): number[] {
  let text = ip.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((x) => parseInt(x, 16));
}
