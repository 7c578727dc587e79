// createApp(deps): mounts the feature routers, the OpenAPI document and the single error handler.
import { OpenAPIHono } from '@hono/zod-openapi';
import { createAbuseGuards, createChannelSwitches, installAbuseGuards, questionGate, type AbuseGuards, type ChannelSwitches } from './abuse/index.ts';
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
import { createOpsMetrics, type OpsMetrics } from './ops/index.ts';
import { markUnmatched, requestId, requestLog } from './ops/requests.ts';
import { metricsRoutes } from './ops/routes.ts';
import { ingestRoutes } from './ingest/api.ts';
import { AppError, onError, type Logger } from './http/errors.ts';
import { t } from './messages.ts';
import { createSealer } from './privacy/seal.ts';
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
  /** Rate limiters shared with the chat socket and the Zalo worker (one per process or isolate); new ones when absent. */
  abuse?: AbuseGuards;
  /** The channel kill switches; read from channel_switches and CHANNELS_OFF when absent. */
  switches?: ChannelSwitches;
  /**
   * The process's metrics (GET /metrics), shared with the answer service, which counts answers into
   * it through onAnswer; new ones (requests only) when absent.
   */
  metrics?: OpsMetrics;
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono();
  // First, so every response carries X-Request-Id and every request (refused ones too) is logged and counted.
  const metrics = deps.metrics ?? createOpsMetrics();
  app.use('*', requestId());
  app.use('*', requestLog({ log: deps.log, metrics }));
  // Citizens' raw words are sealed at rest and opened only for the owning agency's staff.
  const sealer = createSealer(deps.config.dataEncryptionKey);
  const guards = deps.abuse ?? createAbuseGuards(deps.config, () => deps.now().getTime());
  const switches = deps.switches ?? createChannelSwitches({ db: deps.db, channelsOff: deps.config.channelsOff, now: deps.now, cache: guards.switchCache });
  // Security headers, the widget's CORS allowlist, body limits, timeouts, kill switches, rate limits.
  installAbuseGuards(app, { config: deps.config, gate: questionGate({ limiter: guards.questions, switches }), searches: guards.searches });
  // Answers given while the first ingestion runs would escalate what the store is about to know.
  const whenReady = async (_c: unknown, next: () => Promise<void>) => {
    if (deps.readiness().phase !== 'ready') throw new AppError(503, 'starting', t('starting'));
    await next();
  };
  app.use('/v1/ask', whenReady);
  app.use('/v1/voice', whenReady);
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes({ config: deps.config, db: deps.db, metrics, now: deps.now, ready: () => deps.readiness().phase === 'ready', ...(deps.escalation ? { agencies: () => deps.escalation!.agencies.list.map((a) => a.id) } : {}) }));
  app.route('/', searchRoutes(deps));
  app.route('/', answerRoutes(deps));
  app.route('/', voiceRoutes({ db: deps.db, answers: deps.answers, stt: deps.stt ?? createConfiguredStt(deps.config), limits: voiceLimits(deps.config) }));
  app.route('/', webRoutes(deps));
  app.route('/', zaloWebhookRoutes({ db: deps.db, config: deps.config, now: deps.now, sealer, ...(deps.zaloWorker ? { onEvent: () => deps.zaloWorker!.wake() } : {}) }));
  if (deps.escalation) {
    const e = deps.escalation;
    app.route('/', publicTicketRoutes({ db: deps.db, agencies: e.agencies, deliveries: e.deliveries, now: deps.now, sealer }));
    app.route('/', staffRoutes({ config: deps.config, db: deps.db, agencies: e.agencies, staff: e.staff, now: deps.now, searcher: deps.searcher, sealer, switches }));
    // Agencies push their own documents with their API keys (the agency directory says who may).
    app.route('/', ingestRoutes({ db: deps.db, embedder: deps.embedder, agencies: e.agencies, config: deps.config, now: deps.now, log: deps.log, isOn: (ch) => switches.isOn(ch) }));
  }
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'hoidap',
      version: '0.1.0',
      description: 'Cited answers from Vietnamese laws, procedures and Q&A; what cannot be answered goes to the responsible agency.',
    },
  });
  app.notFound((c) => {
    markUnmatched(c);
    return c.json({ error: { code: 'not_found', message: t('notFound') } }, 404);
  });
  app.onError(onError(deps.log));
  return app;
}
