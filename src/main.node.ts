// Node entry: open the store, fill it from data/ on first start, serve HTTP.
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createAbuseGuards, createChannelSwitches, originAllowed, questionGate, type AbuseGuards } from './abuse/index.ts';
import { createConfiguredAnswerService } from './answer/index.ts';
import { createOpsMetrics } from './ops/index.ts';
import { createApp, type Readiness } from './app.ts';
import { progressReporter } from './cli/progress.ts';
import type { Config } from './config/index.ts';
import { openDb, type Db } from './db/index.ts';
import { createEmbedder, type Embedder } from './embed/index.ts';
import { attachChatSockets } from './channels/web/ws.ts';
import { createConfiguredZaloClient, createConfiguredZaloWorker, zaloConfigured } from './channels/zalo/index.ts';
import type { Server as HttpServer } from 'node:http';
import { createEscalation } from './escalation/index.ts';
import { ingestPaths } from './ingest/pipeline.ts';
import { loadProjectRegistry } from './ingest/registry.ts';
import { storeStats } from './ingest/stats.ts';
import { createLogger } from './log.ts';
import { scheduleRetention } from './privacy/retention.ts';
import { createConfiguredSearcher, type Searcher } from './retrieval/search.ts';
import { loadLexicon, type Lexicon } from './text/lexicon.ts';
import { createConfiguredStt } from './voice/index.ts';

export const PROJECT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));
/** The parts of data/ that are knowledge (the rest are lexicons and the routing table). */
export const BUNDLED_KNOWLEDGE = ['gazette', 'qa'].map((d) => PROJECT_DATA_DIR + d);

/** The service cannot start (port taken, …); the message says why. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** The answer and escalation services, and Zalo's client and inbox worker when the OA is configured. */
async function createServices(
  config: Config,
  deps: { db: Db; embedder: Embedder; searcher: Searcher; lexicon: Lexicon; log: ReturnType<typeof createLogger>; now: () => Date; guards: AbuseGuards },
) {
  const { db, embedder, searcher, lexicon, log, now, guards } = deps;
  // One set of limiters and one switch cache per process, shared by HTTP, the chat socket and the worker.
  const switches = createChannelSwitches({ db, channelsOff: config.channelsOff, now, cache: guards.switchCache });
  // The Zalo client (tokens, sending) carries officers' answers as well as the worker's replies.
  const zalo = createConfiguredZaloClient(config, { db, now, log });
  const escalation = createEscalation(config, { db, embedder, now, log, channels: zalo ? [zalo.channel()] : [] });
  // GET /metrics counts the answers of this process, whichever channel asked (HTTP, chat socket, Zalo).
  const metrics = createOpsMetrics();
  const answers = await createConfiguredAnswerService(config, { db, searcher, lexicon, log, now, agencies: escalation.agencies, onTicket: (t) => escalation.onTicket(t), onAnswer: (a) => metrics.countAnswer(a) });
  const zaloWorker = zalo
    ? createConfiguredZaloWorker(config, { db, answers, client: zalo, log, now, stt: createConfiguredStt(config), retryDeliveries: () => escalation.deliveries.retryDue(), abuse: { switches, questions: guards.zaloQuestions, notices: guards.zaloNotices } })
    : null;
  return { escalation, answers, zaloWorker, metrics, switches };
}

/**
 * The Zalo inbox worker alone, beside one or more `hoidap serve` processes that share DATABASE_URL
 * (those can run with ZALO_WORKER=off). The embedded database belongs to one process, so it is refused.
 */
export async function startZaloWorker(config: Config): Promise<{ close(): Promise<void> }> {
  if (!config.databaseUrl) throw new StartupError('hoidap worker needs DATABASE_URL: the embedded database can only be used by one process, and `hoidap serve` already runs the worker itself.');
  if (!zaloConfigured(config)) throw new StartupError('hoidap worker needs the Zalo OA configured: ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY and ZALO_REFRESH_TOKEN (or ZALO_ACCESS_TOKEN).');
  const log = createLogger(config.logLevel);
  const embedder = await createEmbedder(config);
  const db = await openDb(config, embedder.dim);
  const lexicon = loadLexicon();
  const searcher = await createConfiguredSearcher(config, db, embedder, lexicon, { memoryIndex: true, log: (msg, fields) => log('info', msg, fields) });
  await searcher.warmUp?.();
  const now = () => new Date();
  const { zaloWorker } = await createServices(config, { db, embedder, searcher, lexicon, log, now, guards: createAbuseGuards(config) });
  zaloWorker!.start();
  log('info', 'zalo worker started', { driver: db.driver });
  return {
    async close() {
      await zaloWorker!.stop();
      await db.close();
    },
  };
}

/** The sync scheduler, when sources are configured and SYNC is on; a bad sources file is logged, not fatal. */
async function startSync(config: Config, deps: { db: Db; embedder: Embedder; log: ReturnType<typeof createLogger>; now: () => Date }) {
  const { installSources, createSyncDeps } = await import('./sync/node.ts');
  const { loadSources, startSyncScheduler } = await import('./sync/index.ts');
  try {
    await installSources(deps.db, config);
  } catch (e) {
    deps.log('error', 'sync: the sources file was not loaded', { error: e instanceof Error ? e.message : String(e) });
  }
  if (!config.sync.scheduler || !(await loadSources(deps.db)).some((s) => s.enabled)) return null;
  const scheduler = startSyncScheduler(createSyncDeps(config, deps));
  void scheduler.tick();
  deps.log('info', 'sync scheduler started');
  return scheduler;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const embedder = await createEmbedder(config);
  let readiness: Readiness = { phase: 'migrating' };
  const db = await openDb(config, embedder.dim);
  const lexicon = loadLexicon();
  const searcher = await createConfiguredSearcher(config, db, embedder, lexicon, { memoryIndex: true, log: (msg, fields) => log('info', msg, fields) });
  const now = () => new Date();
  const guards = createAbuseGuards(config);
  const { escalation, answers, zaloWorker, metrics, switches } = await createServices(config, { db, embedder, searcher, lexicon, log, now, guards });
  const runWorker = config.zalo.worker ? zaloWorker : null;
  const app = createApp({ config, db, embedder, searcher, answers, readiness: () => readiness, log, now, escalation, metrics, abuse: guards, switches, ...(zaloWorker ? { zaloWorker } : {}) });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is already in use (set PORT to another one)' : e.message;
      void db.close().finally(() => reject(new StartupError(`Cannot listen on ${config.host}:${config.port}: ${why}`)));
    });
  });
  // Slow clients cannot hold connections open: the headers within 15 s, the whole request (a voice
  // note over a slow phone line included) within 2 min. Handlers are bounded by REQUEST_TIMEOUT_MS.
  const http = server as unknown as HttpServer;
  http.headersTimeout = 15_000;
  http.requestTimeout = 120_000;
  const sockets = attachChatSockets(http, {
    db,
    answers,
    deliveries: escalation.deliveries,
    log,
    ready: () => readiness.phase === 'ready',
    gate: questionGate({ limiter: guards.questions, switches }),
    trustProxy: config.abuse.trustProxy,
    allowOrigin: (origin) => originAllowed(origin, config),
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log('info', 'listening', { port, driver: db.driver, embedder: embedder.id });
  if (!config.dataEncryptionKey) log('warn', 'DATA_ENCRYPTION_KEY is not set: only masked text is kept, so officers see citizens\' numbers masked too (see README, personal data)');

  const stats = await storeStats(db);
  if (stats.documents === 0) {
    readiness = { phase: 'ingesting', progress: 0 };
    log('info', 'empty store: ingesting the bundled knowledge base', { dir: PROJECT_DATA_DIR });
    const bar = progressReporter(process.stderr, 'Nạp dữ liệu mẫu');
    const summary = await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, BUNDLED_KNOWLEDGE, {
      onProgress: (p) => {
        readiness = { phase: 'ingesting', progress: p.bytesTotal ? p.bytesDone / p.bytesTotal : 1 };
        bar.update(p);
      },
    });
    bar.done();
    log('info', 'bundled knowledge base ingested', { ...summary, errors: summary.errors.length });
  }
  await searcher.warmUp?.();
  readiness = { phase: 'ready' };
  runWorker?.start();
  // Portal sources from data/sources.json (or SYNC_SOURCES_FILE), synced on their schedule.
  const sync = await startSync(config, { db, embedder, log, now });
  // Daily retention (RETENTION_MONTHS); the pass is claimed in the database, so several processes run it once.
  const retention = scheduleRetention({ db, months: config.retentionMonths, now, log });

  return {
    port,
    async close() {
      await sync?.stop();
      await retention.stop();
      await runWorker?.stop();
      await sockets.close();
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
    },
  };
}
