import { delay, http, HttpResponse } from 'msw';
import { sseChat as sse } from '../../test/support/llm.ts';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerFixture, type AnswerFixture } from '../../test/support/answers.ts';
import { loadConfig } from '../config/index.ts';
import { createConfiguredLlm } from './llm.ts';

const LLM = 'http://llm.test/v1';
const OLLAMA = 'http://ollama.test';

type ChatBody = { messages: { role: string; content: string }[] };
/** The number the prompt gives the temporary-residence procedure among its sources. */
const n = (body: ChatBody) => Number(/\[(\d+)\] Thủ tục 1\.004194/.exec(body.messages[1]!.content)?.[1] ?? 0);

let reply: (body: { messages: { role: string; content: string }[] }) => Promise<Response> | Response = () => sse('{}');
const requests: { messages: { role: string; content: string }[]; temperature?: number; response_format?: unknown; stream?: boolean }[] = [];

const server = setupServer(
  http.post(`${LLM}/chat/completions`, async ({ request }) => {
    const body = (await request.json()) as (typeof requests)[number];
    requests.push(body);
    return reply(body);
  }),
  http.post(`${OLLAMA}/api/chat`, async ({ request }) => {
    const body = (await request.json()) as { messages: { content: string }[]; format?: string; options?: { temperature?: number } };
    expect(body.format).toBe('json');
    expect(body.options?.temperature).toBe(0);
    const k = n(body as unknown as ChatBody);
    const answer = JSON.stringify({ answer: `Lệ phí đăng ký tạm trú trực tuyến là 7.000 đồng [${k}].`, sources: [k] });
    const lines = [
      { model: 'm', created_at: '2026-11-23T00:00:00Z', message: { role: 'assistant', content: answer.slice(0, 20) }, done: false },
      { model: 'm', created_at: '2026-11-23T00:00:00Z', message: { role: 'assistant', content: answer.slice(20) }, done: false },
      { model: 'm', created_at: '2026-11-23T00:00:00Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' },
    ];
    return new HttpResponse(lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { headers: { 'content-type': 'application/x-ndjson' } });
  }),
);

describe('the LLM composer (OpenAI-compatible and Ollama, mocked)', () => {
  let fx: AnswerFixture;
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    fx = await answerFixture();
  }, 120_000);
  afterEach(() => {
    requests.length = 0;
  });
  afterAll(async () => {
    server.close();
    await fx.close();
  });

  const openai = async (timeoutMs = 2000) =>
    fx.service({ llm: await createConfiguredLlm(loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: LLM, LLM_MODEL: 'm', LLM_TIMEOUT_MS: String(timeoutMs) })) });
  const QUESTION = 'Lệ phí đăng ký tạm trú là bao nhiêu?';

  it('writes a fluent cited answer at temperature 0 with JSON output and a versioned prompt', async () => {
    reply = (b) => sse(JSON.stringify({ answer: `Nếu nộp trực tuyến, lệ phí đăng ký tạm trú là 7.000 đồng [${n(b)}]. Hồ sơ được giải quyết trong 3 ngày làm việc [${n(b)}].`, sources: [n(b)] }));
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.status).toBe('answered');
    expect(r.answer).toBe('Nếu nộp trực tuyến, lệ phí đăng ký tạm trú là 7.000 đồng [1]. Hồ sơ được giải quyết trong 3 ngày làm việc [1].');
    expect(r.citations).toMatchObject([{ n: 1, ref: 'Thủ tục 1.004194 – Đăng ký tạm trú' }]);
    expect(requests[0]).toMatchObject({ temperature: 0, stream: true, response_format: { type: 'json_object' } });
    expect(requests[0]!.messages[0]!.content).toMatch(/Chỉ dùng thông tin trong các nguồn/);
    const [row] = await fx.db.query<{ composer: string; prompt_version: string }>('SELECT composer, prompt_version FROM answers WHERE id = $1', [r.answerId]);
    expect(row).toEqual({ composer: 'llm', prompt_version: 'answer.vi.v2' });
  });

  it('works with a server that ignores streaming and answers with one JSON body', async () => {
    reply = (b) =>
      HttpResponse.json({
        id: 'c1',
        object: 'chat.completion',
        created: 0,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ answer: `Lệ phí là 7.000 đồng [${n(b)}].`, sources: [n(b)] }) }, finish_reason: 'stop' }],
      });
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.answer).toBe('Lệ phí là 7.000 đồng [1].');
    expect(requests.map((q) => q.stream ?? false)).toEqual([true, false]);
  });

  it('accepts a plain-text answer with citations from a model that ignores the JSON instruction, and still verifies it', async () => {
    reply = (b) => sse(`Lệ phí đăng ký tạm trú là 7.000 đồng [${n(b)}]. Nếu nộp trực tiếp thì 99.000 đồng [${n(b)}].`);
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.answer).toBe('Lệ phí đăng ký tạm trú là 7.000 đồng [1].');
  });

  it('catches a hallucinated fee: the sentence with a number no source states is removed', async () => {
    reply = (b) => sse(JSON.stringify({ answer: `Lệ phí đăng ký tạm trú là 50.000 đồng [${n(b)}]. Thời hạn giải quyết là 3 ngày làm việc [${n(b)}].`, sources: [n(b)] }));
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.status).toBe('answered');
    expect(r.answer).not.toMatch(/50\.000/);
    expect(r.answer).toBe('Thời hạn giải quyết là 3 ngày làm việc [1].');
  });

  it('removes a citation to a source that was not retrieved', async () => {
    reply = (b) => sse(JSON.stringify({ answer: `Lệ phí là 7.000 đồng [${n(b)}]. Theo Nghị định mới, bạn được miễn phí [9].`, sources: [n(b), 9] }));
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.answer).toBe('Lệ phí là 7.000 đồng [1].');
    expect(r.citations.map((c) => c.n)).toEqual([1]);
  });

  it('falls back to the extractive answer when every claim fails verification', async () => {
    reply = (b) => sse(JSON.stringify({ answer: `Lệ phí là 99.000 đồng [${n(b)}].`, sources: [n(b)] }));
    const extractive = await fx.service().ask({ question: QUESTION });
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.status).toBe('answered');
    expect(r.answer).toBe(extractive.answer);
  });

  it.each([
    ['an HTTP error', () => HttpResponse.json({ error: { message: 'boom' } }, { status: 500 })],
    ['a reply that is not JSON', () => sse('Xin lỗi, tôi không biết.')],
    ['JSON of the wrong shape', () => sse(JSON.stringify({ text: 'x' }))],
    ['an empty answer', () => sse(JSON.stringify({ answer: '', sources: [] }))],
  ])('falls back to the extractive answer on %s', async (_name, handler) => {
    reply = handler;
    const extractive = await fx.service().ask({ question: QUESTION });
    const r = await (await openai()).ask({ question: QUESTION });
    expect(r.status).toBe('answered');
    expect(r.answer).toBe(extractive.answer);
    const [row] = await fx.db.query<{ composer: string }>('SELECT composer FROM answers WHERE id = $1', [r.answerId]);
    expect(row!.composer).toBe('extractive');
  });

  it('falls back to the extractive answer when the model is slower than the timeout', async () => {
    reply = async () => {
      await delay(3000);
      return sse(JSON.stringify({ answer: 'Lệ phí là 7.000 đồng [1].', sources: [1] }));
    };
    const extractive = await fx.service().ask({ question: QUESTION });
    const started = Date.now();
    const r = await (await openai(300)).ask({ question: QUESTION });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.answer).toBe(extractive.answer);
  });

  it('passes the question through the personal-data masker before it reaches the prompt', async () => {
    reply = (b) => sse(JSON.stringify({ answer: `Lệ phí là 7.000 đồng [${n(b)}].`, sources: [n(b)] }));
    const llm = await createConfiguredLlm(loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: LLM, LLM_MODEL: 'm' }));
    const masked = fx.service({ llm, masker: (s) => s.replace(/\b\d{12}\b/g, '[CCCD]') });
    await masked.ask({ question: 'Tôi số CCCD 001203004567, đăng ký tạm trú lệ phí bao nhiêu?' });
    const prompt = JSON.stringify(requests[0]!.messages);
    expect(prompt).not.toContain('001203004567');
    expect(prompt).toContain('[CCCD]');
  });

  it('uses the LLM to rewrite a follow-up when one is configured', async () => {
    reply = (body) =>
      body.messages[0]!.content.includes('standalone question')
        ? sse(JSON.stringify({ question: 'Lệ phí đăng ký tạm trú là bao nhiêu?' }))
        : sse(JSON.stringify({ answer: `Lệ phí là 7.000 đồng [${n(body)}].`, sources: [n(body)] }));
    const svc = await openai();
    const first = await svc.ask({ question: 'Đăng ký tạm trú cần giấy tờ gì?' });
    const second = await svc.ask({ question: 'thế còn lệ phí?', conversationId: first.conversationId });
    expect(second.rewrittenQuestion).toBe('Lệ phí đăng ký tạm trú là bao nhiêu?');
    expect(second.citations[0]?.ref).toBe('Thủ tục 1.004194 – Đăng ký tạm trú');
  });

  it('works with Ollama too', async () => {
    const llm = await createConfiguredLlm(loadConfig({ LLM_PROVIDER: 'ollama', LLM_BASE_URL: OLLAMA, LLM_MODEL: 'm' }));
    const r = await fx.service({ llm }).ask({ question: QUESTION });
    expect(r.answer).toBe('Lệ phí đăng ký tạm trú trực tuyến là 7.000 đồng [1].');
    expect(r.citations).toMatchObject([{ n: 1, ref: 'Thủ tục 1.004194 – Đăng ký tạm trú' }]);
  });
});
