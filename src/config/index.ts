// The only module that reads the environment. Everything else receives a parsed `Config`.
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = () =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), 'must be an http(s) URL');
const httpUrl = () => url().optional();
const httpUrlOr = (fallback: string) => url().default(fallback);

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Channels that can be switched off (CHANNELS_OFF, or at runtime by an admin). */
export const CHANNELS = ['web', 'zalo', 'voice', 'api', 'ingest'] as const;
export type SwitchableChannel = (typeof CHANNELS)[number];

const schema = z.object({
  PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int('must be a whole number').min(0, 'must be 0–65535').max(65535, 'must be 0–65535').default(8787),
  ),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  EMBEDDER: z.preprocess(emptyAsUndefined, z.enum(['lexical', 'onnx', 'openai', 'workers-ai']).default('lexical')),
  EMBEDDING_MODEL_PATH: optionalString,
  EMBEDDING_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl()),
  EMBEDDING_MODEL: optionalString,
  EMBEDDING_API_KEY: optionalString,
  RERANKER_MODEL_PATH: optionalString,
  RERANKER: z.preprocess(emptyAsUndefined, z.enum(['title', 'learned']).default('title')),
  LLM_PROVIDER: z.preprocess(emptyAsUndefined, z.enum(['none', 'openai', 'ollama']).default('none')),
  LLM_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl()),
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(100, 'must be at least 100').max(300_000, 'must be at most 300000').default(20_000)),
  ANSWER_MIN_CONFIDENCE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0, 'must be 0–1').max(1, 'must be 0–1').optional()),
  STT_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl()),
  STT_MODEL: optionalString,
  STT_API_KEY: optionalString,
  STT_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(1000, 'must be at least 1000').max(300_000, 'must be at most 300000').default(30_000)),
  VOICE_MAX_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(600, 'must be at most 600').default(120)),
  VOICE_AUDIO_HOSTS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('.zadn.vn,.zdn.vn,.zalo.me')
      .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
      .refine((hosts) => hosts.every((h) => /^\.?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h)), 'must be a comma-separated list of host names (".example.vn" for its subdomains)'),
  ),
  ZALO_APP_ID: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_ACCESS_TOKEN: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  ZALO_API_BASE_URL: z.preprocess(emptyAsUndefined, httpUrlOr('https://openapi.zalo.me')),
  ZALO_OAUTH_BASE_URL: z.preprocess(emptyAsUndefined, httpUrlOr('https://oauth.zaloapp.com')),
  ZALO_WORKER: z.preprocess(emptyAsUndefined, z.enum(['on', 'off'], { message: 'must be on or off' }).default('on')),
  ZALO_WORKER_LOCK_SECONDS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int('must be a whole number').min(5, 'must be at least 5').max(3600, 'must be at most 3600').default(120),
  ),
  SYNC: z.preprocess(emptyAsUndefined, z.enum(['on', 'off'], { message: 'must be on or off' }).default('on')),
  SYNC_SOURCES_FILE: optionalString,
  SYNC_ALLOW_PRIVATE: z.preprocess(emptyAsUndefined, z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  AGENCY_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  PUBLIC_URL: z.preprocess(emptyAsUndefined, httpUrl()),
  DATA_ENCRYPTION_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .trim()
      .refine((v) => /^[A-Za-z0-9+/_-]+=*$/.test(v) && decodeBase64Length(v) === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
      .optional(),
  ),
  RATE_LIMIT_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(0, 'must be 0 (off) or more').max(100_000, 'must be at most 100000').default(15)),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')),
  MAX_BODY_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(1024, 'must be at least 1024').max(10_000_000, 'must be at most 10000000').default(64 * 1024)),
  INGEST_MAX_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(1024, 'must be at least 1024').max(200_000_000, 'must be at most 200000000').default(2 * 1024 * 1024)),
  REQUEST_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(1000, 'must be at least 1000').max(600_000, 'must be at most 600000').default(30_000)),
  CORS_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((v) => v.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean))
      .refine((list) => list.every((o) => o === '*' || (/^https?:\/\/[^/\s]+$/i.test(o) && URL.canParse(o))), 'must be a comma-separated list of origins such as https://dichvucong.example.gov.vn, or *'),
  ),
  CHANNELS_OFF: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((v) => v.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean))
      .refine((list) => list.every((c) => (CHANNELS as readonly string[]).includes(c)), `must be a comma-separated list of: ${CHANNELS.join(', ')}`),
  ),
  RETENTION_MONTHS: z.preprocess(emptyAsUndefined, z.coerce.number().int('must be a whole number').min(0, 'must be 0 (keep) or more').max(240, 'must be at most 240').default(12)),
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
});

function decodeBase64Length(v: string): number {
  try {
    return atob(v.replace(/-/g, '+').replace(/_/g, '/')).length;
  } catch {
    return -1;
  }
}

type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  embedder: {
    kind: Env['EMBEDDER'];
    modelPath: string | undefined;
    baseUrl: string | undefined;
    model: string | undefined;
    apiKey: string | undefined;
  };
  /** Optional ONNX cross-encoder for reranking search results. */
  rerankerModelPath: string | undefined;
  /** Without a cross-encoder: the title-precision reranker alone, or followed by the learned one. */
  reranker: Env['RERANKER'];
  llm: { provider: Env['LLM_PROVIDER']; baseUrl: string | undefined; model: string | undefined; apiKey: string | undefined; timeoutMs: number };
  /** Overrides the calibrated escalation threshold of the answer pipeline. */
  answerMinConfidence: number | undefined;
  /** Speech to text (an OpenAI-compatible /audio/transcriptions); audio from outside only from audioHosts, over https. */
  stt: { baseUrl: string | undefined; model: string | undefined; apiKey: string | undefined; timeoutMs: number; maxSeconds: number; audioHosts: string[] };
  zalo: {
    appId: string | undefined;
    appSecret: string | undefined;
    oaSecretKey: string | undefined;
    accessToken: string | undefined;
    refreshToken: string | undefined;
    apiBaseUrl: string;
    oauthBaseUrl: string;
    /** Whether `hoidap serve` runs the inbox worker itself (ZALO_WORKER, default on). */
    worker: boolean;
    /** How long a claimed inbox row stays locked: after a worker dies, its rows wait this long for another. */
    workerLockMs: number;
  };
  logLevel: Env['LOG_LEVEL'];
  /** Portal sync: whether `hoidap serve` runs the scheduler, the sources file, and whether private addresses may be fetched (tests on loopback). */
  sync: { scheduler: boolean; sourcesFile: string | undefined; allowPrivate: boolean };
  /** Signs new-ticket notifications to agencies' notifyUrl (HMAC-SHA256). */
  agencyWebhookSecret: string | undefined;
  /** The service's public address, for links in notifications. */
  publicUrl: string | undefined;
  /** AES-256-GCM key (base64) sealing citizens' raw words at rest; without it only masked text is kept. */
  dataEncryptionKey: string | undefined;
  abuse: {
    /** Questions per minute per citizen and per client address (0: no limit). */
    ratePerMinute: number;
    /** Whether the client address comes from X-Forwarded-For / CF-Connecting-IP (behind a proxy). */
    trustProxy: boolean;
    /** Largest JSON body accepted by the public API (413 above). */
    maxBodyBytes: number;
    /** Largest body accepted by the agencies' ingestion API. */
    ingestMaxBytes: number;
    /** A request still running after this long is answered 503. */
    requestTimeoutMs: number;
    /** Origins whose pages may call the citizen API (the widget); '*' for any. */
    corsOrigins: string[];
  };
  /** Channels switched off by the environment (an admin can switch others at runtime). */
  channelsOff: SwitchableChannel[];
  /** Conversations inactive this many months are deleted by the retention job (0: kept). */
  retentionMonths: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

/** A configuration problem; `message` names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Throws `ConfigError` naming each wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      return `${name}=${JSON.stringify(env[name] ?? '')}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.EMBEDDER === 'onnx' && !e.EMBEDDING_MODEL_PATH) problems.push('EMBEDDING_MODEL_PATH is required when EMBEDDER=onnx');
  if (e.EMBEDDER === 'openai' && !e.EMBEDDING_BASE_URL) problems.push('EMBEDDING_BASE_URL is required when EMBEDDER=openai');
  if (e.LLM_PROVIDER !== 'none' && !e.LLM_MODEL) problems.push(`LLM_MODEL is required when LLM_PROVIDER=${e.LLM_PROVIDER}`);
  if (e.LLM_PROVIDER === 'openai' && !e.LLM_BASE_URL && !e.LLM_API_KEY)
    problems.push('LLM_BASE_URL or LLM_API_KEY is required when LLM_PROVIDER=openai');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    embedder: { kind: e.EMBEDDER, modelPath: e.EMBEDDING_MODEL_PATH, baseUrl: e.EMBEDDING_BASE_URL, model: e.EMBEDDING_MODEL, apiKey: e.EMBEDDING_API_KEY },
    rerankerModelPath: e.RERANKER_MODEL_PATH,
    reranker: e.RERANKER,
    llm: { provider: e.LLM_PROVIDER, baseUrl: e.LLM_BASE_URL, model: e.LLM_MODEL, apiKey: e.LLM_API_KEY, timeoutMs: e.LLM_TIMEOUT_MS },
    answerMinConfidence: e.ANSWER_MIN_CONFIDENCE,
    agencyWebhookSecret: e.AGENCY_WEBHOOK_SECRET,
    publicUrl: e.PUBLIC_URL,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY,
    abuse: {
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      trustProxy: e.TRUST_PROXY === 'true',
      maxBodyBytes: e.MAX_BODY_BYTES,
      ingestMaxBytes: e.INGEST_MAX_BYTES,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      corsOrigins: e.CORS_ORIGINS,
    },
    channelsOff: e.CHANNELS_OFF as SwitchableChannel[],
    retentionMonths: e.RETENTION_MONTHS,
    metricsToken: e.METRICS_TOKEN,
    stt: { baseUrl: e.STT_BASE_URL, model: e.STT_MODEL, apiKey: e.STT_API_KEY, timeoutMs: e.STT_TIMEOUT_MS, maxSeconds: e.VOICE_MAX_SECONDS, audioHosts: e.VOICE_AUDIO_HOSTS },
    zalo: {
      appId: e.ZALO_APP_ID,
      appSecret: e.ZALO_APP_SECRET,
      oaSecretKey: e.ZALO_OA_SECRET_KEY,
      accessToken: e.ZALO_ACCESS_TOKEN,
      refreshToken: e.ZALO_REFRESH_TOKEN,
      apiBaseUrl: e.ZALO_API_BASE_URL,
      oauthBaseUrl: e.ZALO_OAUTH_BASE_URL,
      worker: e.ZALO_WORKER === 'on',
      workerLockMs: e.ZALO_WORKER_LOCK_SECONDS * 1000,
    },
    logLevel: e.LOG_LEVEL,
    sync: { scheduler: e.SYNC === 'on', sourcesFile: e.SYNC_SOURCES_FILE, allowPrivate: e.SYNC_ALLOW_PRIVATE === 'true' },
  };
}
