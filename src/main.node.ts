// Node entry: open the store, fill it from data/ on first start, serve HTTP.
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createConfiguredAnswerService } from './answer/index.ts';
import { createApp, type Readiness } from './app.ts';
import { progressReporter } from './cli/progress.ts';
import type { Config } from './config/index.ts';
import { openDb } from './db/index.ts';
import { createEmbedder } from './embed/index.ts';
import { attachChatSockets } from './channels/web/ws.ts';
import { createZaloClient } from './channels/zalo/client.ts';
import { formatForZalo, splitForZalo } from './channels/zalo/split.ts';
import { createZaloWorker } from './channels/zalo/worker.ts';
import type { Server as HttpServer } from 'node:http';
import { createEscalation } from './escalation/index.ts';
import { ingestPaths } from './ingest/pipeline.ts';
import { loadProjectRegistry } from './ingest/registry.ts';
import { storeStats } from './ingest/stats.ts';
import { createLogger } from './log.ts';
import { createConfiguredSearcher } from './retrieval/search.ts';
import { loadLexicon } from './text/lexicon.ts';

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

export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const embedder = await createEmbedder(config);
  let readiness: Readiness = { phase: 'migrating' };
  const db = await openDb(config, embedder.dim);
  const lexicon = loadLexicon();
  const searcher = await createConfiguredSearcher(config, db, embedder, lexicon, { memoryIndex: true, log: (msg, fields) => log('info', msg, fields) });
  const now = () => new Date();
  // Zalo, when the OA is configured: the client (tokens, sending) carries officers' answers too.
  const z = config.zalo;
  const zalo = z.appId && z.appSecret && z.oaSecretKey && (z.refreshToken || z.accessToken) ? createZaloClient({ db, config, now, log }) : null;
  const escalation = createEscalation(config, { db, embedder, now, log, channels: zalo ? [zalo.channel()] : [] });
  const answers = await createConfiguredAnswerService(config, { db, searcher, lexicon, log, now, agencies: escalation.agencies, onTicket: (t) => escalation.onTicket(t) });
  const zaloWorker = zalo
    ? createZaloWorker({ db, answers, sender: zalo, log, now, format: (answer, citations) => splitForZalo(formatForZalo(answer, citations)) })
    : null;
  const app = createApp({ config, db, embedder, searcher, answers, readiness: () => readiness, log, now, escalation, ...(zaloWorker ? { zaloWorker } : {}) });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is already in use (set PORT to another one)' : e.message;
      void db.close().finally(() => reject(new StartupError(`Cannot listen on ${config.host}:${config.port}: ${why}`)));
    });
  });
  const sockets = attachChatSockets(server as unknown as HttpServer, { db, answers, deliveries: escalation.deliveries, log, ready: () => readiness.phase === 'ready' });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log('info', 'listening', { port, driver: db.driver, embedder: embedder.id });

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
  zaloWorker?.start();

  return {
    port,
    async close() {
      zaloWorker?.stop();
      await sockets.close();
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
    },
  };
}
