// createApp(deps): mounts the feature routers and the single error handler.
import { Hono } from 'hono';
import type { Config } from './config/index.ts';
import type { Db } from './db/index.ts';
import type { Embedder } from './embed/index.ts';
import { healthRoutes } from './health/routes.ts';
import { searchRoutes } from './retrieval/routes.ts';
import type { Searcher } from './retrieval/search.ts';
import { onError, type Logger } from './http/errors.ts';
import { t } from './messages.ts';

export interface Readiness {
  phase: 'migrating' | 'ingesting' | 'ready';
  progress?: number;
}

export interface AppDeps {
  config: Config;
  db: Db;
  embedder: Embedder;
  searcher: Searcher;
  readiness: () => Readiness;
  log: Logger;
  now: () => Date;
}

export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.route('/', healthRoutes(deps));
  app.route('/', searchRoutes(deps));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: t('notFound') } }, 404));
  app.onError(onError(deps.log));
  return app;
}
