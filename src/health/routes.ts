import { Hono } from 'hono';
import type { AppDeps } from '../app.ts';
import { DbUnavailableError } from '../db/types.ts';
import { storeStats } from '../ingest/stats.ts';
import { t } from '../messages.ts';

export function healthRoutes(deps: AppDeps) {
  return new Hono().get('/health', async (c) => {
    const state = deps.readiness();
    if (state.phase !== 'ready') {
      return c.json({ status: 'starting', phase: state.phase, progress: state.progress ?? null, message: t('starting') }, 503);
    }
    let stats: Awaited<ReturnType<typeof storeStats>>;
    try {
      stats = await storeStats(deps.db);
    } catch (e) {
      // Not ready while the database is unreachable: a load balancer takes the instance out until it is back.
      if (!(e instanceof DbUnavailableError)) throw e;
      return c.json({ status: 'unavailable', driver: deps.db.driver, database: 'down', message: t('unavailable') }, 503);
    }
    return c.json({ status: 'ok', driver: deps.db.driver, database: 'up', embedder: deps.embedder.id, ...stats });
  });
}
