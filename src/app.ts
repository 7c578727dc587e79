// createApp(deps): mounts the feature routers, the OpenAPI document and the single error handler.
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { answerRoutes } from './answer/routes.ts';
import { webRoutes } from './channels/web/routes.ts';
import { zaloWebhookRoutes } from './channels/zalo/webhook.ts';
import { createConfiguredStt, voiceLimits } from './voice/index.ts';
import { voiceRoutes } from './voice/routes.ts';
import type { SpeechToText } from './voice/stt.ts';
import type { AnswerService } from './answer/pipeline.ts';
import type { Config } from './config/index.ts';
import type { Db } from './db/index.ts';
import type { Embedder } from './embed/index.ts';
import { healthRoutes } from './health/routes.ts';
import { AppError, onError, type Logger } from './http/errors.ts';
import { t } from './messages.ts';
import { searchRoutes } from './retrieval/routes.ts';
import type { AgencyDirectory } from './escalation/agencies.ts';
import type { DeliveryService } from './escalation/delivery.ts';
import { publicTicketRoutes } from './escalation/routes.ts';
import { staffRoutes } from './staff/routes.ts';
import type { StaffService } from './staff/service.ts';
import type { Searcher } from './retrieval/search.ts';

export interface Readiness {
  phase: 'migrating' | 'ingesting' | 'ready';
  progress?: number;
}

export interface AppDeps {
  config: Config;
  db: Db;
  embedder: Embedder;
  searcher: Searcher;
  answers: AnswerService;
  readiness: () => Readiness;
  log: Logger;
  now: () => Date;
  /** The agency queues and the staff console; without them only the citizen-facing API is served. */
  escalation?: { agencies: AgencyDirectory; deliveries: DeliveryService; staff: StaffService };
  /** Answers stored Zalo events; the webhook wakes it. */
  zaloWorker?: { wake(): void };
  /** Speech to text for /v1/voice; from the configuration when absent. */
  stt?: SpeechToText;
  /** The built chat widget (Workers bundle it); built in memory with esbuild when absent. */
  widget?: () => Promise<string>;
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono();
  // The widget runs on portals' own sites: the citizen API answers any origin (it uses no cookies).
  app.use('/v1/*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['content-type'], maxAge: 600 }));
  // Answers given while the first ingestion runs would escalate what the store is about to know.
  const whenReady = async (_c: unknown, next: () => Promise<void>) => {
    if (deps.readiness().phase !== 'ready') throw new AppError(503, 'starting', t('starting'));
    await next();
  };
  app.use('/v1/ask', whenReady);
  app.use('/v1/voice', whenReady);
  app.route('/', healthRoutes(deps));
  app.route('/', searchRoutes(deps));
  app.route('/', answerRoutes(deps));
  app.route('/', voiceRoutes({ db: deps.db, answers: deps.answers, stt: deps.stt ?? createConfiguredStt(deps.config), limits: voiceLimits(deps.config) }));
  app.route('/', webRoutes(deps));
  app.route('/', zaloWebhookRoutes({ db: deps.db, config: deps.config, now: deps.now, ...(deps.zaloWorker ? { onEvent: () => deps.zaloWorker!.wake() } : {}) }));
  if (deps.escalation) {
    const e = deps.escalation;
    app.route('/', publicTicketRoutes({ db: deps.db, agencies: e.agencies, deliveries: e.deliveries, now: deps.now }));
    app.route('/', staffRoutes({ config: deps.config, db: deps.db, agencies: e.agencies, staff: e.staff, now: deps.now, searcher: deps.searcher }));
  }
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'hoidap',
      version: '0.1.0',
      description: 'Cited answers from Vietnamese laws, procedures and Q&A; what cannot be answered goes to the responsible agency.',
    },
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: t('notFound') } }, 404));
  app.onError(onError(deps.log));
  return app;
}
