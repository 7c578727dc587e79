import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

describe('loadConfig', () => {
  it('uses the embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8787);
    expect(c.dataDir).toBe('.data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.embedder.kind).toBe('lexical');
    expect(c.llm.provider).toBe('none');
    expect(c.zalo.apiBaseUrl).toBe('https://openapi.zalo.me');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(8787);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ EMBEDDER: 'word2vec' }, 'EMBEDDER'],
    [{ LLM_PROVIDER: 'gpt' }, 'LLM_PROVIDER'],
    [{ ZALO_API_BASE_URL: 'ftp://zalo' }, 'ZALO_API_BASE_URL'],
    [{ EMBEDDER: 'onnx' }, 'EMBEDDING_MODEL_PATH'],
    [{ LLM_PROVIDER: 'ollama' }, 'LLM_MODEL'],
  ])('rejects %j with a message naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('accepts a postgres URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' }).databaseUrl).toContain('127.0.0.1');
  });
});
