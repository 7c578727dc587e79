// Every request gets an id (X-Request-Id: a sane incoming one is kept, so a proxy's id follows the
// request through), one JSON log line when it ends, and its count and latency in the metrics. Routes
// are reported by their pattern (/v1/tickets/:code): no ticket code, id, query string or body ever
// reaches a log line or a metric label.
import type { Context, MiddlewareHandler } from 'hono';
import type {} from 'hono/request-id'; // its c.get('requestId') typing
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../http/errors.ts';
import type { OpsMetrics } from './index.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by the not-found handler: no route matched this request. */
    routeUnmatched?: true;
  }
}

const SANE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Like hono's requestId middleware (c.get('requestId'), the X-Request-Id response header), but an
 * incoming id is kept only when it is at most 64 of [A-Za-z0-9._-]: anything else is replaced.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SANE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
    // A handler that returned a Response of its own dropped the header set above.
    if (c.res.headers.get('x-request-id') !== id) c.header('X-Request-Id', id);
  };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Any other method (a fuzzer's) is one label value, not a new series each. */
export function methodOf(c: Context): string {
  return METHODS.has(c.req.method) ? c.req.method : 'OTHER';
}

/** Marks the request as matching no route (call it from app.notFound). */
export function markUnmatched(c: Context): void {
  c.set('routeUnmatched', true);
}

/**
 * The pattern of the route that handles the request: the last matched one registered for a method
 * (middleware are registered for ALL), else the last matched middleware's ("/v1/*"), or "unmatched".
 */
export function routeOf(c: Context): string {
  if (c.get('routeUnmatched')) return 'unmatched';
  const matched = matchedRoutes(c);
  const handler = matched.findLast((r) => r.method !== 'ALL') ?? matched.at(-1);
  return handler?.path ?? 'unmatched';
}

export function requestLog(deps: { log: Logger; metrics: OpsMetrics }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const route = routeOf(c);
    const status = c.res.status;
    const method = methodOf(c);
    deps.metrics.observeRequest(method, route, status, ms / 1000);
    deps.log(status >= 500 ? 'warn' : 'info', 'request', {
      requestId: c.get('requestId'),
      method,
      route,
      status,
      ms: Math.round(ms * 10) / 10,
    });
  };
}
