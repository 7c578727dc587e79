// Cloudflare Workers entry: the same createApp(deps) as Node, over PostgreSQL + pgvector through a
// Hyperdrive binding. Workers keep no connection between requests, so each request opens its own
// `pg` pool (Hyperdrive pools the real connections) and closes it once the response and any
// background work (Zalo replies, notifications) are done. What Node reads from files at start comes
// bundled (src/worker/assets.ts). The store is migrated and filled from Node (`hoidap ingest` with
// DATABASE_URL); the Worker only reads and answers. WebSocket chat is not served here: the widget
// falls back to POST /v1/ask and polling, as it does behind any proxy that blocks WebSockets.
import { createAbuseGuards, createChannelSwitches, type AbuseGuards } from './abuse/index.ts';
import { createConfiguredAnswerService } from './answer/index.ts';
import { createApp } from './app.ts';
import { createConfiguredZaloClient, createConfiguredZaloWorker } from './channels/zalo/index.ts';
import type { ZaloWorker } from './channels/zalo/worker.ts';
import { ConfigError, loadConfig, type Config } from './config/index.ts';
import { openPg } from './db/pg.ts';
import type { Db } from './db/types.ts';
import { createLexicalEmbedder } from './embed/lexical.ts';
import { createOpenAiEmbedder } from './embed/openai.ts';
import type { Embedder } from './embed/types.ts';
import { createWorkersAiEmbedder, type WorkersAiBinding } from './embed/workers-ai.ts';
import { maskingEmbedder } from './embed/types.ts';
import { maskPersonal } from './text/personal.ts';
import { createEscalation } from './escalation/index.ts';
import type { Logger } from './http/errors.ts';
import { createLogger } from './log.ts';
import { createOpsMetrics } from './ops/index.ts';
import { runRetentionIfDue } from './privacy/retention.ts';
import { createConfiguredSearcher } from './retrieval/search.ts';
import { createConfiguredStt } from './voice/index.ts';
import { assets } from './worker/assets.ts';
import { dohResolve } from './sync/doh.ts';
import { createPoliteFetcher } from './sync/fetch.ts';
import { dueSources, runSources } from './sync/index.ts';

export interface Env {
  /** PostgreSQL with pgvector (wrangler.toml [[hyperdrive]]). */
  HYPERDRIVE?: { connectionString: string };
  /** Workers AI, for EMBEDDER=workers-ai. */
  AI?: WorkersAiBinding;
  /** A Cloudflare Queue for Zalo work at volume: the webhook enqueues, the queue consumer answers. */
  ZALO_QUEUE?: { send(body: unknown): Promise<void> };
  [name: string]: unknown;
}

export interface WorkerContext {
  waitUntil(p: Promise<unknown>): void;
}

interface QueueBatch {
  messages: readonly unknown[];
  ackAll(): void;
}

/** The same masked JSON lines as Node, through console.log (Workers Logs). */
function workerLogger(level: Config['logLevel']): Logger {
  return createLogger(level, { write: (line) => console.log(line.trimEnd()) });
}

/** The configuration from the Worker's variables and secrets; DATABASE_URL from Hyperdrive. */
export function workerConfig(env: Env): Config {
  const vars: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
  if (env.HYPERDRIVE?.connectionString) vars.DATABASE_URL = env.HYPERDRIVE.connectionString;
  return loadConfig(vars);
}

const configs = new WeakMap<object, Config>();
// Rate limits and the kill-switch cache live as long as the isolate, not one request: each isolate
// applies the limits on its own (a client spread over several isolates gets that many times more).
const guardsFor = new WeakMap<Config, AbuseGuards>();
let embedderPromise: Promise<Embedder> | null = null;
// Counters live as long as the isolate (each isolate counts its own requests and answers).
const metrics = createOpsMetrics();

function embedderFor(config: Config, env: Env): Promise<Embedder> {
  embedderPromise ??= (async () => {
    const e = config.embedder;
    if (e.kind === 'workers-ai') {
      if (!env.AI) throw new ConfigError('EMBEDDER=workers-ai needs the AI binding ([ai] binding = "AI" in wrangler.toml)');
      return maskingEmbedder(await createWorkersAiEmbedder({ binding: env.AI, model: e.model ?? '@cf/baai/bge-m3' }), maskPersonal);
    }
    if (e.kind === 'openai') return maskingEmbedder(await createOpenAiEmbedder({ baseUrl: e.baseUrl!, model: e.model ?? 'text-embedding-3-small', apiKey: e.apiKey ?? config.llm.apiKey }), maskPersonal);
    if (e.kind === 'onnx') throw new ConfigError('EMBEDDER=onnx needs local model files and ONNX Runtime: it runs on Node only');
    return createLexicalEmbedder();
  })();
  embedderPromise.catch(() => (embedderPromise = null));
  return embedderPromise;
}

/** Everything one request needs; `settle` closes the database once background work is done. */
export async function requestRuntime(env: Env, opts: { fetch?: typeof fetch } = {}) {
  let config = configs.get(env);
  if (!config) configs.set(env, (config = workerConfig(env)));
  if (!config.databaseUrl) throw new ConfigError('No database: bind Hyperdrive as HYPERDRIVE (or set DATABASE_URL)');
  const log = workerLogger(config.logLevel);
  const a = assets();
  const embedder = await embedderFor(config, env);
  const db: Db = await openPg(config.databaseUrl, 3);
  let guards = guardsFor.get(config);
  if (!guards) guardsFor.set(config, (guards = createAbuseGuards(config)));
  const switches = createChannelSwitches({ db, channelsOff: config.channelsOff, now: () => new Date(), cache: guards.switchCache });
  const now = () => new Date();
  const background: Promise<unknown>[] = [];
  const zalo = createConfiguredZaloClient(config, { db, now, log, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const escalation = createEscalation(config, { db, embedder, now, log, agencies: a.agencies, channels: zalo ? [zalo.channel()] : [], ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const searcher = await createConfiguredSearcher(config, db, embedder, a.lexicon, { rerankerWeights: a.rerankerWeights });
  const answers = await createConfiguredAnswerService(config, {
    db,
    searcher,
    lexicon: a.lexicon,
    log,
    now,
    agencies: a.agencies,
    glossary: a.glossary,
    prompts: a.prompts,
    onTicket: (t) => escalation.onTicket(t),
    onAnswer: (a) => metrics.countAnswer(a),
  });
  const stt = createConfiguredStt(config);
  const zaloWorker: ZaloWorker | null = zalo
    ? createConfiguredZaloWorker(config, { db, answers, client: zalo, log, now, stt, retryDeliveries: () => escalation.deliveries.retryDue(), abuse: { switches, questions: guards.zaloQuestions, notices: guards.zaloNotices } })
    : null;
  // A new Zalo event: answered after the 200 (waitUntil), or handed to the queue when one is bound.
  const wake = () => {
    if (env.ZALO_QUEUE) background.push(env.ZALO_QUEUE.send({ kind: 'zalo_inbox' }).catch((e: unknown) => log('error', 'zalo queue send failed', { error: String(e) })));
    else if (zaloWorker) background.push(zaloWorker.runOnce());
  };
  const app = createApp({
    metrics,
    config,
    db,
    embedder,
    searcher,
    answers,
    readiness: () => ({ phase: 'ready' }),
    log,
    now,
    escalation,
    zaloWorker: { wake },
    abuse: guards,
    switches,
    stt,
    widget: () => Promise.resolve(a.widget),
  });
  return {
    app,
    zaloWorker,
    escalation,
    /** One pass over the portal sources that are due (the cron trigger). */
    async syncDue() {
      const due = await dueSources(db, now());
      if (!due.length) return null;
      // Workers have no resolver of their own: host names are checked through DNS over HTTPS.
      const fetcher = createPoliteFetcher({ resolve: (host) => dohResolve(host, opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
      return runSources(due, { db, embedder, fetcher, registry: a.registry, now, log });
    },
    /** The daily retention pass, when a day has gone by since the last one (the cron trigger). */
    retentionIfDue: () => runRetentionIfDue(db, { now: now(), months: config.retentionMonths }),
    /** Waits for the background work, then closes this request's connections. */
    async settle() {
      await Promise.allSettled(background);
      await db.close();
    },
  };
}

function unavailable(e: unknown): Response {
  const configError = e instanceof ConfigError;
  console.log(JSON.stringify({ level: 'error', msg: 'worker cannot serve', error: e instanceof Error ? e.message : String(e) }));
  return Response.json(
    { error: { code: configError ? 'misconfigured' : 'unavailable', message: configError ? 'Dịch vụ chưa được cấu hình đúng.' : 'Dịch vụ tạm thời không khả dụng, bạn thử lại sau ít phút.' } },
    { status: 503 },
  );
}

export default {
  async fetch(request: Request, env: Env, ctx: WorkerContext): Promise<Response> {
    let rt: Awaited<ReturnType<typeof requestRuntime>>;
    try {
      rt = await requestRuntime(env);
    } catch (e) {
      return unavailable(e);
    }
    try {
      return await rt.app.fetch(request);
    } finally {
      ctx.waitUntil(rt.settle());
    }
  },

  /** The Zalo queue's consumer: drains the inbox (and retries officers' messages). */
  async queue(batch: QueueBatch, env: Env): Promise<void> {
    const rt = await requestRuntime(env);
    try {
      while ((await rt.zaloWorker?.runOnce()) ?? 0) {
        /* until the inbox has nothing due */
      }
      batch.ackAll();
    } finally {
      await rt.settle();
    }
  },

  /** A cron trigger (wrangler.toml [triggers]): Zalo events that are due again, officers' messages to retry, portal sources due for a sync pass, the daily retention pass. */
  async scheduled(_controller: unknown, env: Env, ctx: WorkerContext): Promise<void> {
    const rt = await requestRuntime(env);
    ctx.waitUntil(
      (async () => {
        try {
          if (rt.zaloWorker) await rt.zaloWorker.runOnce();
          else await rt.escalation.deliveries.retryDue();
          await rt.syncDue();
          await rt.retentionIfDue();
        } finally {
          await rt.settle();
        }
      })(),
    );
  },
};
