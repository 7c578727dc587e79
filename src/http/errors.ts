import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { t } from '../messages.ts';

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

export type Logger = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

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
    log('error', 'unhandled error', { path: c.req.path, error: err.stack ?? String(err) });
    return c.json({ error: { code: 'internal', message: t('internal') } }, 500);
  };
}
