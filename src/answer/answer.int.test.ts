import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/index.ts';
import { answerFixture, type AnswerFixture } from '../../test/support/answers.ts';
import type { AskResponse } from './types.ts';

describe('POST /v1/ask over HTTP', () => {
  let fx: AnswerFixture;
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    fx = await answerFixture();
    const app = createApp({
      // Any portal may call this API (the CORS test below); more questions than one client may ask a minute.
      config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', CORS_ORIGINS: '*' }),
      db: fx.db,
      embedder: fx.embedder,
      searcher: fx.searcher,
      answers: fx.service(),
      readiness: () => ({ phase: 'ready' }),
      log: () => {},
      now: () => new Date(),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    close = () => new Promise<void>((r) => server.close(() => r()));
  }, 120_000);
  afterAll(async () => {
    await close();
    await fx.close();
  });

  const ask = async (body: unknown, init: RequestInit = {}) => {
    const res = await fetch(`${base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
    return { status: res.status, body: (await res.json()) as AskResponse & { error?: { code: string; message: string } } };
  };

  it('answers a portal on another origin (CORS), preflight included', async () => {
    const pre = await fetch(`${base}/v1/ask`, { method: 'OPTIONS', headers: { origin: 'https://cong.tinh.gov.vn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    const res = await fetch(`${base}/v1/ask`, { method: 'POST', headers: { origin: 'https://cong.tinh.gov.vn', 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Gia hạn tạm trú cần giấy tờ gì?' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers a procedure question with a structured, cited answer', async () => {
    const { status, body } = await ask({ question: 'Gia hạn tạm trú cần những giấy tờ gì?' });
    expect(status).toBe(200);
    expect(body.status).toBe('answered');
    expect(body.answer).toMatch(/Gia hạn tạm trú/);
    expect(body.answer).toMatch(/Hồ sơ cần chuẩn bị/);
    expect(body.answer).toMatch(/\[1\]/);
    expect(body.citations[0]).toMatchObject({ n: 1, kind: 'procedure', ref: 'Thủ tục 1.002755 – Gia hạn tạm trú', url: expect.stringMatching(/^https:\/\/dichvucong\.gov\.vn\//) });
    expect(body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('quotes the article that answers a law question, with the smallest reference', async () => {
    const { body } = await ask({ question: 'Nam nữ bao nhiêu tuổi thì được kết hôn?' });
    expect(body.status).toBe('answered');
    expect(body.citations[0]?.ref).toMatch(/Điều 8, Luật Hôn nhân và gia đình/);
    expect(body.answer).toMatch(/20 tuổi/);
    expect(body.answer).toMatch(/18 tuổi/);
  });

  it('understands a follow-up from the stored conversation', async () => {
    const first = await ask({ question: 'Đăng ký tạm trú cần những giấy tờ gì?' });
    expect(first.body.citations[0]?.ref).toBe('Thủ tục 1.004194 – Đăng ký tạm trú');
    const second = await ask({ question: 'thế còn lệ phí?', conversationId: first.body.conversationId });
    expect(second.status).toBe(200);
    expect(second.body.conversationId).toBe(first.body.conversationId);
    expect(second.body.rewrittenQuestion).toBe('lệ phí Đăng ký tạm trú');
    expect(second.body.status).toBe('answered');
    expect(second.body.citations[0]?.ref).toBe('Thủ tục 1.004194 – Đăng ký tạm trú');
    // The fee comes first because it is what was asked.
    expect(second.body.answer.split('\n')[1]).toMatch(/^- Phí, lệ phí: 7,000 Việt Nam Đồng/);
  });

  it('escalates what the sources cannot answer, with a ticket for the routed agency and a due date', async () => {
    const { body } = await ask({ question: 'Đèn đường đầu ngõ nhà tôi hỏng cả tuần nay, tối đi lại rất nguy hiểm' });
    expect(body.status).toBe('escalated');
    expect(body.citations).toEqual([]);
    expect(body.ticket?.code).toMatch(/^HD-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(new Date(body.ticket!.dueAt).getTime()).toBeGreaterThan(Date.now());
    expect(body.answer).toContain(body.ticket!.code);
    const rows = await fx.db.query<{ agency: string; status: string }>('SELECT agency, status FROM tickets WHERE code = $1', [body.ticket!.code]);
    expect(rows).toEqual([{ agency: body.ticket!.agency, status: 'new' }]);
  });

  it('escalates "talk to an officer" to the agency of the conversation topic, and looks the ticket up by its code', async () => {
    const first = await ask({ question: 'Đăng ký thường trú cần giấy tờ gì?' });
    const officer = await ask({ question: 'Cho tôi gặp cán bộ', conversationId: first.body.conversationId });
    expect(officer.body).toMatchObject({ status: 'escalated', reason: 'officer_requested', ticket: { agency: 'cong-an-xa' } });
    const status = await ask({ question: `Câu hỏi ${officer.body.ticket!.code} của tôi đến đâu rồi?` });
    expect(status.body).toMatchObject({ status: 'answered', reason: 'ticket_status' });
    expect(status.body.answer).toContain('đang chờ cán bộ tiếp nhận');
  });

  it('answers greetings and refuses chit-chat without retrieving', async () => {
    expect((await ask({ question: 'Xin chào' })).body).toMatchObject({ status: 'answered', reason: 'greeting', citations: [] });
    expect((await ask({ question: 'Kể chuyện cười đi' })).body).toMatchObject({ status: 'refused', reason: 'off_topic', citations: [] });
  });

  it('gives English framing around the Vietnamese source', async () => {
    const { body } = await ask({ question: 'What documents do I need for temporary residence registration?', lang: 'en' });
    expect(body.lang).toBe('en');
    expect(body.status).toBe('answered');
    expect(body.answer).toMatch(/^(Under .+\[1\], the official Vietnamese text says:|Procedure “.+” \(code [\d.]+\) \[1\] — the official text is in Vietnamese:)/);
    expect(body.citations[0]?.ref).toMatch(/tạm trú|Luật Cư trú/i);
  });

  it('replies clearly to an over-long question', async () => {
    const { status, body } = await ask({ question: `${'tạm trú '.repeat(300)}?` });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'refused', reason: 'too_long' });
    expect(body.answer).toMatch(/2\.000 ký tự/);
  });

  it.each([
    ['wrong type', { question: 1 }, 400, 'invalid_request'],
    ['missing question', { lang: 'vi' }, 400, 'invalid_request'],
    ['empty question', { question: '   ' }, 400, 'empty_question'],
    ['unknown field', { question: 'x', foo: 1 }, 400, 'invalid_request'],
    ['bad lang', { question: 'x', lang: 'fr' }, 400, 'invalid_request'],
    ['bad conversation id', { question: 'x', conversationId: 'abc' }, 400, 'invalid_request'],
    ['unknown conversation', { question: 'x', conversationId: '00000000-0000-4000-8000-000000000000' }, 404, 'conversation_not_found'],
    ['invalid JSON', '{"question": "x"', 400, 'invalid_json'],
    ['an array', '[]', 400, 'invalid_request'],
  ])('rejects a bad request (%s) with a 4xx JSON error', async (_name, body, status, code) => {
    const r = await ask(body);
    expect(r.status).toBe(status);
    expect(r.body.error).toEqual(expect.objectContaining({ code, message: expect.any(String) }));
  });

  it('rejects a body without a JSON content type', async () => {
    const r = await ask('question=x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect(r.body.error).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
  });

  it('records feedback on an answer, and offers an officer when it did not help', async () => {
    const { body } = await ask({ question: 'Gia hạn tạm trú mất mấy ngày?' });
    const post = (id: string, b: unknown) => fetch(`${base}/v1/answers/${id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    const no = await post(body.answerId, { helpful: false, reason: 'Không đúng trường hợp của tôi' });
    expect(no.status).toBe(200);
    expect(await no.json()).toMatchObject({ ok: true, offerOfficer: true });
    expect((await post(body.answerId, { helpful: 'yes' })).status).toBe(400);
    expect((await post('00000000-0000-4000-8000-000000000000', { helpful: true })).status).toBe(404);
    const rows = await fx.db.query<{ helpful: boolean; reason: string }>('SELECT helpful, reason FROM answer_feedback WHERE answer_id = $1', [body.answerId]);
    expect(rows).toEqual([{ helpful: false, reason: 'Không đúng trường hợp của tôi' }]);
  });

  it('keeps one answer record per answer, with status, citations, units, timings and composer', async () => {
    const { body } = await ask({ question: 'Xóa đăng ký tạm trú mất mấy ngày?' });
    const [row] = await fx.db.query<{ status: string; composer: string; citations: unknown[]; units: { unitId: number; score: number; cited: boolean }[]; timings: Record<string, number> }>(
      'SELECT status, composer, citations, units, timings FROM answers WHERE id = $1',
      [body.answerId],
    );
    expect(row).toMatchObject({ status: 'answered', composer: 'extractive' });
    expect(row!.citations).toHaveLength(body.citations.length);
    expect(row!.units.filter((u) => u.cited).length).toBe(body.citations.length);
    expect(Object.keys(row!.timings)).toEqual(expect.arrayContaining(['guard_input', 'rewrite', 'route', 'retrieve', 'decide', 'compose', 'verify', 'guard_output', 'total']));
  });

  it('describes /v1/ask in /openapi.json, generated from the zod schemas', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/ask', '/v1/search', '/v1/answers/{id}/feedback']));
    expect(doc.components.schemas).toHaveProperty('AskRequest');
    expect(JSON.stringify(doc.components.schemas.AskRequest)).toContain('conversationId');
  });

  // Last: the server answers 413 without reading the rest and closes that connection.
  it('rejects a 1 MB body with 413 before reading it', async () => {
    const r = await ask({ question: 'x'.repeat(1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.error).toEqual(expect.objectContaining({ code: 'payload_too_large', message: expect.any(String) }));
  });
});
