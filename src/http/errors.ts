import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type {} from 'hono/request-id'; // types c.get('requestId')
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DbUnavailableError } from '../db/types.ts';
import { t } from '../messages.ts';
import { routeOf } from '../ops/requests.ts';

/** The one error type handlers throw; rendered as `{error: {code, message}}`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * The database refusing a value the client sent — text with a NUL character (22021), a JSON escape it
 * cannot hold (22P05), malformed input syntax (22P02) — is bad input, not a fault: a 400, not a 500.
 */
export function isRefusedInput(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05' || code === '22P02';
}

export type Logger = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** What a 503 for an unreachable database suggests as the wait before retrying. */
const DB_RETRY_AFTER_S = 5;

export function onError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      // Hono's validator rejects a body that does not parse as JSON with a 400.
      if (status === 400 && /json/i.test(err.message)) return c.json({ error: { code: 'invalid_json', message: t('badJson') } }, 400);
      if (status === 415) return c.json({ error: { code: 'unsupported_media_type', message: t('badContentType') } }, 415);
      const code = status === 400 ? 'bad_request' : status === 413 ? 'payload_too_large' : `http_${status}`;
      return c.json({ error: { code, message: err.message || t('badInput') } }, status);
    }
    if (err instanceof DbUnavailableError) {
      // Passing, not a bug: a canned reply and a hint to retry, while the pool reconnects by itself.
      log('warn', 'database unavailable', { requestId: c.get('requestId'), method: c.req.method, route: routeOf(c), error: err.message });
      c.header('Retry-After', String(DB_RETRY_AFTER_S));
      return c.json({ error: { code: 'unavailable', message: t('unavailable') } }, 503);
    }
    if (isRefusedInput(err)) return c.json({ error: { code: 'invalid_text', message: t('badInput') } }, 400);
    // The client went away mid-body: nobody reads this reply, and it is not our fault.
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && err.message === 'aborted') return c.json({ error: { code: 'aborted', message: t('badInput') } }, 400);
    // The route's pattern, not the raw path (which can hold a ticket code); the request id ties it to the request's log line.
    log('error', 'unhandled error', { requestId: c.get('requestId'), method: c.req.method, route: routeOf(c), error: err.stack ?? String(err) });
    return c.json({ error: { code: 'internal', message: t('internal') } }, 500);
  };
}
