// GET /metrics for Prometheus. With METRICS_TOKEN set, a scraper must send it as a bearer token.
import { Hono } from 'hono';
import type { Config } from '../config/index.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { st } from '../messages.ts';
import type { OpsMetrics } from './index.ts';
import { CONTENT_TYPE } from './metrics.ts';

export interface MetricsRouteDeps {
  config: Pick<Config, 'metricsToken'>;
  db: Queryable;
  metrics: OpsMetrics;
  now: () => Date;
  ready: () => boolean;
  agencies?: () => readonly string[];
}

export function metricsRoutes(deps: MetricsRouteDeps) {
  return new Hono().get('/metrics', async (c) => {
    const token = deps.config.metricsToken;
    if (token) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!(await sameSecret(given, token))) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new AppError(401, 'unauthorized', st('metrics_unauthorized'));
      }
    }
    const body = await deps.metrics.render({ db: deps.db, now: deps.now, ready: deps.ready(), ...(deps.agencies ? { agencies: deps.agencies() } : {}) });
    return c.body(body, 200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' });
  });
}

/**
 * Compares two secrets in time independent of where they differ, and of their lengths: both are
 * hashed first (Web Crypto, so Workers run it too), then every byte of the digests is compared.
 */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([crypto.subtle.digest('SHA-256', enc.encode(a)), crypto.subtle.digest('SHA-256', enc.encode(b))]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
