// Personal data through every way in: the web API, a voice transcript, a Zalo message, a citizen's
// addition to a ticket. Stored text is masked, the raw words are sealed and opened only for the
// owning agency's staff, and nothing raw reaches the log, the LLM or the embedding service. The log
// and the request bodies are also kept for the grep that follows the whole suite.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createAnswerService } from '../../src/answer/pipeline.ts';
import { createConfiguredLlm } from '../../src/answer/llm.ts';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import { createZaloWorker } from '../../src/channels/zalo/worker.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createEmbedder } from '../../src/embed/index.ts';
import { createEscalation } from '../../src/escalation/index.ts';
import { createLogger } from '../../src/log.ts';
import { createSealer } from '../../src/privacy/seal.ts';
import { addStaff } from '../../src/staff/auth.ts';
import { loadLexicon } from '../../src/text/lexicon.ts';
import { loadGlossary } from '../../src/text/english.ts';
import { PERSONAL_CORPUS } from '../../src/text/personal-corpus.ts';
import { answerFixture, type AnswerFixture } from '../support/answers.ts';
import { artifactWriter } from '../support/artifacts.ts';
import { sseChat } from '../support/llm.ts';
import { grepArtifacts, rawValuesIn } from '../support/pii-grep.ts';

const KEY = Buffer.alloc(32, 42).toString('base64');
const LLM = 'http://llm.test/v1';
const EMBED = 'http://embed.test/v1';
const ZALO = { ZALO_APP_ID: 'app-1', ZALO_APP_SECRET: 'secret', ZALO_OA_SECRET_KEY: 'oa-secret-key', ZALO_ACCESS_TOKEN: 'token' };
const PASSWORD = 'mật khẩu thử nghiệm 2026';
const NOW = new Date('2026-11-23T03:00:00Z');

const keepLog = artifactWriter('logs', 'personal-flow');
const keepOutbound = artifactWriter('outbound', 'personal-flow');
const logLines: string[] = [];
const outbound: string[] = [];

const mock = setupServer(
  http.post(`${LLM}/chat/completions`, async ({ request }) => {
    const body = await request.text();
    outbound.push(body);
    keepOutbound(`${body}\n`);
    // An answer citing the first source, whatever it says (the verifier decides whether it stays).
    return sseChat(JSON.stringify({ answer: 'Theo quy định [1].', sources: [1] }));
  }),
  http.post(`${EMBED}/embeddings`, async ({ request }) => {
    const body = await request.text();
    outbound.push(body);
    keepOutbound(`${body}\n`);
    const n = (JSON.parse(body) as { input: string[] | string }).input;
    const count = Array.isArray(n) ? n.length : 1;
    return HttpResponse.json({ data: Array.from({ length: count }, (_, index) => ({ index, embedding: [0.1, 0.2, 0.3] })), model: 'e' });
  }),
);

const withPersonal = PERSONAL_CORPUS.filter((c) => c.spans.length);
describe('personal data through every channel', () => {
  let fx: AnswerFixture;
  let app: ReturnType<typeof createApp>;
  const sealer = createSealer(KEY);
  let ticket: { code: string; agency: string };
  const ESCALATED = 'Tôi muốn gặp cán bộ: CCCD của tôi là 001203004567, số điện thoại 0912 345 678, tôi bị mất sổ tạm trú';

  beforeAll(async () => {
    mock.listen({ onUnhandledRequest: 'error' });
    fx = await answerFixture();
    const config = loadConfig({ LOG_LEVEL: 'info', DATA_ENCRYPTION_KEY: KEY, RATE_LIMIT_PER_MINUTE: '0', ...ZALO });
    const log = createLogger('info', {
      write: (line) => {
        logLines.push(line);
        keepLog(line);
      },
    });
    const now = () => NOW;
    const escalation = createEscalation(config, { db: fx.db, embedder: fx.embedder, now, log });
    const llm = await createConfiguredLlm(loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: LLM, LLM_MODEL: 'm', LLM_TIMEOUT_MS: '5000' }));
    const answers = createAnswerService({
      db: fx.db,
      searcher: fx.searcher,
      lexicon: loadLexicon(),
      glossary: loadGlossary(),
      agencies: escalation.agencies,
      now,
      log,
      llm,
      sealer,
      onTicket: (t) => escalation.onTicket(t),
    });
    app = createApp({ config, db: fx.db, embedder: fx.embedder, searcher: fx.searcher, answers, readiness: () => ({ phase: 'ready' }), log, now, escalation });

    // Every labelled string with personal data, as a citizen's question on the web.
    for (const c of withPersonal) {
      const res = await app.request('/v1/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: c.text, channel: 'web' }) });
      expect(res.status, c.text).toBe(200);
    }
    const res = await app.request('/v1/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: ESCALATED }) });
    const body = (await res.json()) as { ticket: { code: string; agency: string } };
    ticket = body.ticket;
    // The citizen adds a way to reach them.
    const added = await app.request(`/v1/tickets/${ticket.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Email của tôi: an.nguyen@gmail.com, STK 1903 4567 8901 23' }) });
    expect(added.status).toBe(202);
    // A spoken question whose ID number is read out digit by digit.
    const voice = await app.request('/v1/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'số căn cước của tôi là không không một hai không ba không không bốn năm sáu bảy bị mất thì làm lại ở đâu', channel: 'voice' }),
    });
    expect(voice.status).toBe(200);
    // A Zalo message, answered by the worker.
    const event = { app_id: 'app-1', event_name: 'user_send_text', timestamp: String(NOW.getTime()), sender: { id: '8123456789012345678' }, recipient: { id: '999' }, message: { msg_id: 'm-personal-1', text: 'SĐT em 0987 654 321, CCCD 036198001234, hỏi gia hạn tạm trú' } };
    const raw = JSON.stringify(event);
    const hook = await app.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': zaloMac('app-1', raw, event.timestamp, 'oa-secret-key') }, body: raw });
    expect(hook.status).toBe(200);
    const sent: string[] = [];
    const worker = createZaloWorker({ db: fx.db, answers, sender: { sendText: async (_to, text) => (sent.push(text), { status: 'sent' as const }) }, log, now, sealer });
    expect(await worker.runOnce()).toBe(1);
    expect(sent.length).toBeGreaterThan(0);
    // Something a remote embedding service would have been sent.
    const embedder = await createEmbedder(loadConfig({ EMBEDDER: 'openai', EMBEDDING_BASE_URL: EMBED, EMBEDDING_MODEL: 'e' }));
    await embedder.embedQuery('CCCD 001203004567 làm lại căn cước');
    await embedder.embedDocuments(['Liên hệ 0912345678 hoặc an.nguyen@gmail.com']);
  }, 180_000);

  afterAll(async () => {
    mock.close();
    await fx?.close();
  });

  it('keeps only masked text in every stored column a person or a report can read', async () => {
    const rows = await fx.db.query<{ t: string }>(
      `SELECT text AS t FROM turns UNION ALL SELECT coalesce(rewritten, '') FROM turns
       UNION ALL SELECT question FROM answers UNION ALL SELECT coalesce(rewritten, '') FROM answers
       UNION ALL SELECT question FROM tickets UNION ALL SELECT coalesce(body, '') FROM ticket_events
       UNION ALL SELECT payload::text FROM zalo_inbox`,
    );
    expect(rows.length).toBeGreaterThan(withPersonal.length * 2);
    expect(rawValuesIn(rows.map((r) => r.t).join('\n'))).toEqual([]);
    // The spoken ID number became digits before it was masked: not one of them survives but the last three.
    expect(rows.some((r) => r.t.includes('001203004567'))).toBe(false);
  });

  it('seals the raw words, which only the key opens', async () => {
    const [turn] = await fx.db.query<{ text: string; text_sealed: string }>(
      `SELECT t.text, t.text_sealed FROM turns t JOIN tickets k ON k.conversation_id = t.conversation_id WHERE k.code = $1 AND t.role = 'citizen' ORDER BY t.id LIMIT 1`,
      [ticket.code],
    );
    expect(turn!.text).not.toContain('001203004567');
    expect(turn!.text_sealed).toMatch(/^v1:/);
    expect(await sealer.open(turn!.text_sealed)).toBe(ESCALATED);
    expect(await createSealer(Buffer.alloc(32, 1).toString('base64')).open(turn!.text_sealed)).toBeNull();
    const [inbox] = await fx.db.query<{ payload: { message: { text: string } }; payload_sealed: string }>(`SELECT payload, payload_sealed FROM zalo_inbox WHERE event_key = 'm-personal-1'`);
    expect(inbox!.payload.message.text).not.toContain('0987');
    expect(await sealer.open(inbox!.payload_sealed)).toContain('0987 654 321');
    // The Zalo question went through the pipeline raw, so the turn it made is sealed too.
    const [zaloTurn] = await fx.db.query<{ text_sealed: string | null }>(`SELECT t.text_sealed FROM turns t JOIN conversations c ON c.id = t.conversation_id WHERE c.citizen_ref = '8123456789012345678' AND t.role = 'citizen'`);
    expect(await sealer.open(zaloTurn!.text_sealed)).toContain('036198001234');
  });

  it('shows the raw words to the owning agency and the masked text to an admin of another agency', async () => {
    await addStaff(fx.db, { email: 'owner@agency.test', name: 'Cán bộ thụ lý', agency: ticket.agency, role: 'officer', password: PASSWORD });
    const other = ticket.agency === 'tiep-nhan-chung' ? 'cong-an-xa' : 'tiep-nhan-chung';
    await addStaff(fx.db, { email: 'admin@other.test', name: 'Quản trị', agency: other, role: 'admin', password: PASSWORD });
    const view = async (email: string) => {
      const login = await app.request('/staff/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const res = await app.request(`/staff/api/tickets/${ticket.code}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as { ticket: { question: string; question_sealed?: unknown }; conversation: { text: string }[]; events: { body: string | null }[]; revealed: boolean };
    };
    const owner = await view('owner@agency.test');
    expect(owner.revealed).toBe(true);
    expect(owner.ticket.question).toContain('001203004567');
    expect(owner.conversation.map((t) => t.text).join('\n')).toContain('an.nguyen@gmail.com');
    expect(owner.events.map((e) => e.body ?? '').join('\n')).toContain('1903 4567 8901 23');
    expect(owner.ticket.question_sealed).toBeUndefined();

    const admin = await view('admin@other.test');
    expect(admin.revealed).toBe(false);
    expect(rawValuesIn(JSON.stringify(admin))).toEqual([]);
    expect(admin.ticket.question).toContain('567');

    const pub = await app.request(`/v1/tickets/${ticket.code}`);
    expect(rawValuesIn(await pub.text())).toEqual([]);
  });

  it('sends the LLM and the embedding service only masked text, and logs none', async () => {
    expect(outbound.length).toBeGreaterThan(10);
    expect(outbound.some((b) => b.includes('/chat') || b.includes('messages'))).toBe(true);
    expect(rawValuesIn(outbound.join('\n'))).toEqual([]);
    expect(logLines.length).toBeGreaterThan(withPersonal.length);
    expect(rawValuesIn(logLines.join('\n'))).toEqual([]);
    // The grep that runs after the suite reads what this test kept, and finds nothing either.
    expect(grepArtifacts().findings.filter((f) => f.file.includes('personal-flow'))).toEqual([]);
  });

  it('keeps nothing raw without a key', async () => {
    const plain = fx.service();
    const r = await plain.ask({ question: 'CCCD 079203001234 hỏi gia hạn tạm trú', channel: 'api' });
    const rows = await fx.db.query<{ text: string; text_sealed: string | null }>(`SELECT text, text_sealed FROM turns WHERE conversation_id = $1 AND role = 'citizen'`, [r.conversationId]);
    expect(rows[0]!.text).not.toContain('079203001234');
    expect(rows[0]!.text_sealed).toBeNull();
  });
});
