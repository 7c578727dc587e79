// Fault: the LLM stops answering. Through the HTTP API of a running service (LLM_PROVIDER=openai at an
// msw server), a model that never replies, or that starts streaming and then stalls, gives the
// citizen the extractive answer once LLM_TIMEOUT_MS has passed — not an error, not a hang until the
// request timeout. src/answer/llm.int.test.ts checks the same fallback on the answer service alone.
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { openDb } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { startServer } from '../../src/main.node.ts';
import { tempDir } from '../support/fixtures.ts';

const LLM = 'http://llm.test/v1';
const TIMEOUT_MS = 1_000;
/** Room for the rest of the answer path on a busy machine; still far below the 30 s request timeout. */
const MARGIN_MS = 4_000;
const QUESTION = 'Làm lại căn cước bị mất cần giấy tờ gì?';

type Behaviour = 'silent' | 'stalls';
let behaviour: Behaviour = 'silent';
let calls = 0;

const llm = setupServer(
  http.post(`${LLM}/chat/completions`, async () => {
    calls++;
    if (behaviour === 'silent') return new Promise<Response>(() => {}); // never answers
    // Headers and a first delta, then nothing more: the stream stays open.
    const chunk = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '{"answer": "Lệ' }, finish_reason: null }] })}\n\n`;
    const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(chunk)) });
    return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
  }),
);

describe('an LLM that does not answer in time', () => {
  const dataDir = join(tempDir('hoidap-fault-llm-'), 'data');
  const base = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', SYNC: 'off' };
  const asked: { answerId: string; answer: string; status: string }[] = [];
  let extractive: { answer: string; status: string };

  beforeAll(async () => {
    llm.listen({
      // The service itself is on loopback; anything else unexpected fails the test.
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname !== '127.0.0.1') print.error();
      },
    });
    // The extractive answer to compare with: the same store, no LLM (this start fills the store).
    const plain = await startServer(loadConfig(base));
    try {
      extractive = await askOver(plain.port);
    } finally {
      await plain.close();
    }
  }, 180_000);

  afterAll(() => llm.close());

  it.each<[Behaviour, string]>([
    ['silent', 'never replies'],
    ['stalls', 'starts streaming and then stalls'],
  ])('answers with the extractive answer, after the timeout and well before the request timeout, when the model %s (%s)', async (b) => {
    behaviour = b;
    calls = 0;
    const server = await startServer(loadConfig({ ...base, LLM_PROVIDER: 'openai', LLM_BASE_URL: LLM, LLM_MODEL: 'm', LLM_TIMEOUT_MS: String(TIMEOUT_MS) }));
    try {
      const started = performance.now();
      const r = await askOver(server.port);
      const ms = performance.now() - started;
      expect(calls).toBeGreaterThanOrEqual(1); // the model was asked: this is its timeout, not a skipped LLM
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(r.status).toBe(extractive.status);
      expect(r.answer).toBe(extractive.answer);
      asked.push(r);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('stores those answers as composed by the extractive composer', async () => {
    expect(asked).toHaveLength(2);
    const db = await openDb({ dataDir, databaseUrl: undefined }, createLexicalEmbedder().dim);
    try {
      const rows = await db.query<{ id: string; composer: string }>('SELECT id, composer FROM answers WHERE id = ANY($1::text[])', [asked.map((a) => a.answerId)]);
      expect(rows.map((r) => r.composer)).toEqual(['extractive', 'extractive']);
    } finally {
      await db.close();
    }
  });
});

async function askOver(port: number): Promise<{ answerId: string; answer: string; status: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { answerId: string; answer: string; status: string };
}
