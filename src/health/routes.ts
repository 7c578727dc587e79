import { Hono } from 'hono';
import type { AppDeps } from '../app.ts';
import { storeStats } from '../ingest/stats.ts';
import { t } from '../messages.ts';

export function healthRoutes(deps: AppDeps) {
  return new Hono().get('/health', async (c) => {
    const state = deps.readiness();
    if (state.phase !== 'ready') {
      return c.json({ status: 'starting', phase: state.phase, progress: state.progress ?? null, message: t('starting') }, 503);
    }
    const stats = await storeStats(deps.db);
    return c.json({ status: 'ok', driver: deps.db.driver, embedder: deps.embedder.id, ...stats });
  });
}
