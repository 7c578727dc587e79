import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

const NAMES = [
  'PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'EMBEDDER', 'EMBEDDING_MODEL_PATH', 'EMBEDDING_BASE_URL', 'EMBEDDING_MODEL', 'EMBEDDING_API_KEY',
  'RERANKER_MODEL_PATH', 'RERANKER', 'LLM_PROVIDER', 'LLM_BASE_URL', 'LLM_MODEL', 'LLM_API_KEY', 'LLM_TIMEOUT_MS', 'ANSWER_MIN_CONFIDENCE',
  'STT_BASE_URL', 'STT_MODEL', 'STT_API_KEY', 'STT_TIMEOUT_MS', 'VOICE_MAX_SECONDS', 'VOICE_AUDIO_HOSTS', 'ZALO_APP_ID', 'ZALO_APP_SECRET',
  'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN', 'ZALO_API_BASE_URL', 'ZALO_OAUTH_BASE_URL', 'ZALO_WORKER', 'ZALO_WORKER_LOCK_SECONDS',
  'SYNC', 'SYNC_SOURCES_FILE', 'SYNC_ALLOW_PRIVATE', 'LOG_LEVEL', 'AGENCY_WEBHOOK_SECRET', 'PUBLIC_URL', 'DATA_ENCRYPTION_KEY', 'RATE_LIMIT_PER_MINUTE',
  'TRUST_PROXY', 'MAX_BODY_BYTES', 'INGEST_MAX_BYTES', 'REQUEST_TIMEOUT_MS', 'CORS_ORIGINS', 'CHANNELS_OFF', 'RETENTION_MONTHS', 'METRICS_TOKEN',
];
/** Values that are right for some variables and wrong for most. */
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', ' ', '0', '-1', '1e9', 'NaN', '8787', '65536', 'true', 'false', 'yes', 'off', '*', 'web,zalo', 'voice,nope', 'http://127.0.0.1:1', 'file:///etc/passwd', 'postgres://u:p@h/db', 'none', 'ollama', 'openai', 'debug', 'silent', 'a'.repeat(64), '0123456789abcdef'.repeat(4), 'undefined'),
);
const env = fc.dictionary(fc.constantFrom(...NAMES), fc.option(value, { nil: undefined }), { maxKeys: 12 });

describe('loadConfig', () => {
  it('returns a configuration or throws a ConfigError that names a variable, for any environment', () => {
    fc.assert(
      fc.property(env, (e) => {
        try {
          const c = loadConfig(e);
          expect(Number.isInteger(c.port)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect(NAMES.some((n) => (err as Error).message.includes(n))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads back any valid port and rate limit as numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 1000 }), (port, rate) => {
        const c = loadConfig({ PORT: String(port), RATE_LIMIT_PER_MINUTE: String(rate) });
        expect(c.port).toBe(port);
        expect(c.abuse.ratePerMinute).toBe(rate);
      }),
    );
  });
});
