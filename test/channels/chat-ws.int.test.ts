// The widget's WebSocket chat at /v1/chat/ws over a real `ws` client on loopback: streamed answers
// in order, follow-ups in the conversation, resuming after a disconnect with officers' messages
// replayed once and pushed live, error frames for bad input that leave the socket open, the
// heartbeat that ends silent clients, no upgrade on other paths or before the service is ready,
// and (with faults injected) a delivery racing the replay and an answer that fails.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AnswerService } from '../../src/answer/pipeline.ts';
import type { ServerFrame } from '../../src/channels/web/protocol.ts';
import { attachChatSockets, CHAT_PATH, type ChatSockets } from '../../src/channels/web/ws.ts';
import type { DeliveryService } from '../../src/escalation/delivery.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
type Done = Frame<'answer_done'>;

/** A `ws` client that keeps every frame it receives, in order, and can wait for one. */
class Client {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; at: number }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve({ code, at: performance.now() })));
  }

  static open(url: string, opts: WebSocket.ClientOptions = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: 5000, ...opts });
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The first frame from index `from` on that matches. */
  async waitFor<T extends ServerFrame['type']>(type: T, match: (f: Frame<T>) => boolean = () => true, from = 0, ms = 15_000): Promise<Frame<T>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.slice(from).find((f): f is Frame<T> => f.type === type && match(f as Frame<T>));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${ms} ms; got ${JSON.stringify(this.frames.slice(from)).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Sends a frame and waits for the next frame of a type. */
  async request<T extends ServerFrame['type']>(frame: unknown, type: T, match?: (f: Frame<T>) => boolean): Promise<Frame<T>> {
    const from = this.frames.length;
    this.send(frame);
    return this.waitFor(type, match, from);
  }

  /** Every frame about one request id. */
  about(id: string): ServerFrame[] {
    return this.frames.filter((f) => 'id' in f && f.id === id);
  }

  /** Asks (or escalates) and returns the checked answer_done. */
  async ask(id: string, question: string | null, extra: Record<string, unknown> = {}): Promise<Done> {
    const from = this.frames.length;
    this.send(question === null ? { type: 'escalate', id, ...extra } : { type: 'ask', id, question, ...extra });
    await this.waitFor('answer_done', (f) => f.id === id, from);
    return checkedAnswer(this.about(id), id);
  }

  async pingPong(): Promise<void> {
    await this.request({ type: 'ping' }, 'pong');
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

/** answer_start, deltas with seq 0…n-1, answer_done with seq n whose answer is the deltas joined. */
function checkedAnswer(frames: ServerFrame[], id: string): Done {
  expect(frames.length).toBeGreaterThanOrEqual(3);
  expect(frames[0]).toEqual({ type: 'answer_start', id });
  const deltas = frames.slice(1, -1) as Frame<'answer_delta'>[];
  const done = frames.at(-1) as Done;
  expect(deltas.every((d) => d.type === 'answer_delta')).toBe(true);
  expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
  expect(done.type).toBe('answer_done');
  expect(done.seq).toBe(deltas.length);
  expect(done.answer).toBe(deltas.map((d) => d.text).join(''));
  return done;
}

describe('WebSocket chat at /v1/chat/ws', () => {
  let app: StaffApp;
  let sockets: ChatSockets;
  let url: string;
  const open: Client[] = [];
  const client = async (opts?: WebSocket.ClientOptions) => {
    const c = await Client.open(url, opts);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    app = await startStaffApp();
    if (!app.server || !app.answers) throw new Error('startStaffApp must expose server and answers');
    sockets = attachChatSockets(app.server, { db: app.fx.db, answers: app.answers, deliveries: app.escalation.deliveries, log: () => {} });
    url = `${app.base.replace('http:', 'ws:')}${CHAT_PATH}`;
  }, 180_000);
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await sockets?.close();
    await app?.close();
  });

  it('streams an answer: answer_start, deltas with consecutive seq from 0, answer_done with the whole answer and its citations', async () => {
    const c = await client();
    expect(await c.request({ type: 'hello' }, 'ready')).toEqual({ type: 'ready', conversationId: null, resumed: false });
    const done = await c.ask('q1', 'Gia hạn tạm trú cần giấy tờ gì?');
    expect(done).toMatchObject({ id: 'q1', status: 'answered', lang: 'vi' });
    expect(done.seq).toBeGreaterThanOrEqual(1);
    expect(done.answer).toMatch(/tạm trú/i);
    expect(done.citations.length).toBeGreaterThan(0);
    expect(done.citations[0]).toMatchObject({ n: 1, sourceId: expect.any(String), title: expect.any(String), quote: expect.any(String) });
    expect(done.answerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.conversationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers several asks sent at once on one socket in order, losing and repeating no frame', async () => {
    const c = await client();
    const questions = ['Gia hạn tạm trú cần giấy tờ gì?', 'Đăng ký thường trú cần những giấy tờ gì?', 'Xóa đăng ký tạm trú trong trường hợp nào?', 'Điều kiện đăng ký kết hôn là gì?'];
    questions.forEach((question, i) => c.send({ type: 'ask', id: `m${i}`, question }));
    await c.waitFor('answer_done', (f) => f.id === `m${questions.length - 1}`);
    // Each answer's frames are contiguous and the answers come in the order asked.
    const ids = c.frames.map((f) => ('id' in f ? f.id : f.type));
    const runs = ids.filter((id, i) => i === 0 || ids[i - 1] !== id);
    expect(runs).toEqual(questions.map((_, i) => `m${i}`));
    const dones = questions.map((_, i) => checkedAnswer(c.about(`m${i}`), `m${i}`));
    expect(c.frames.length).toBe(dones.reduce((n, d) => n + d.seq + 2, 0));
    // One conversation for the socket.
    expect(new Set(dones.map((d) => d.conversationId)).size).toBe(1);
  });

  it('understands a follow-up on the same socket from the conversation', async () => {
    const c = await client();
    const first = await c.ask('f1', 'Đăng ký tạm trú cần những giấy tờ gì?');
    const second = await c.ask('f2', 'thế còn lệ phí?');
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.rewrittenQuestion).toMatch(/tạm trú/i);
    expect(second.status).toBe('answered');
  });

  it('resumes a conversation on a new socket: replays an officer message sent while closed exactly once, and pushes one sent while open', async () => {
    const ticketRow = async (code: string) => (await app.fx.db.query<{ agency: string; status: string }>('SELECT agency, status FROM tickets WHERE code = $1', [code]))[0]!;
    const officer = await app.login('officerA');
    const act = async (code: string, action: string, json: unknown) => {
      const res = await officer.fetch(`/staff/api/tickets/${code}/${action}`, { method: 'POST', json });
      expect(res.status, await res.clone().text()).toBe(200);
    };

    const a = await client();
    expect((await a.request({ type: 'hello' }, 'ready')).resumed).toBe(false);
    const asked = await a.ask('r1', 'Đăng ký tạm trú cho người thuê trọ cần hợp đồng thuê nhà bản gốc không?');
    const escalated = await a.ask('r2', null);
    expect(escalated.status).toBe('escalated');
    expect(escalated.conversationId).toBe(asked.conversationId);
    const code = escalated.ticket!.code;
    expect(escalated.ticket).toMatchObject({ agency: 'cong-an-xa' });
    expect(await ticketRow(code)).toMatchObject({ agency: 'cong-an-xa', status: 'new' });
    await act(code, 'claim', {});

    // Open: the officer's question arrives live.
    await act(code, 'ask', { text: 'Bạn thuê trọ ở xã nào?' });
    const live = await a.waitFor('ticket_update');
    expect(live).toMatchObject({ ticketCode: code, deliveryId: expect.any(Number) });
    expect(live.text).toContain('Bạn thuê trọ ở xã nào?');
    expect(Number.isNaN(Date.parse(live.createdAt))).toBe(false);
    await a.close();

    // Closed: the answer waits for the next visit.
    await act(code, 'answer', { text: 'Bạn chỉ cần bản sao hợp đồng thuê nhà; không bắt buộc bản gốc.' });
    expect((await ticketRow(code)).status).toBe('answered');

    const b = await client();
    const from = b.frames.length;
    b.send({ type: 'hello', conversationId: asked.conversationId, lastDeliveryId: live.deliveryId });
    expect(await b.waitFor('ready', undefined, from)).toEqual({ type: 'ready', conversationId: asked.conversationId, resumed: true });
    const replayed = await b.waitFor('ticket_update', undefined, from);
    expect(replayed.deliveryId).toBeGreaterThan(live.deliveryId);
    expect(replayed).toMatchObject({ ticketCode: code });
    expect(replayed.text).toContain('không bắt buộc bản gốc');
    // A round trip later, still only that one.
    await b.pingPong();
    expect(b.frames.filter((f) => f.type === 'ticket_update')).toEqual([replayed]);
    const seen = await app.fx.db.query<{ id: number; status: string }>('SELECT id, status FROM deliveries WHERE conversation_id = $1 ORDER BY id', [asked.conversationId]);
    expect(seen.find((d) => d.id === replayed.deliveryId)?.status).toBe('seen');

    // Open again (the resumed socket follows the conversation): a second question, escalated
    // and answered, arrives live once.
    const more = await b.ask('r3', 'Tạm trú tại nhà người thân có cần xác nhận của chủ hộ không?');
    expect(more.conversationId).toBe(asked.conversationId);
    const second = await b.ask('r4', null);
    expect(second.status).toBe('escalated');
    const code2 = second.ticket!.code;
    expect((await ticketRow(code2)).agency).toBe('cong-an-xa');
    const before = b.frames.length;
    await act(code2, 'claim', {});
    await act(code2, 'answer', { text: 'Cần ý kiến đồng ý của chủ hộ.' });
    const pushed = await b.waitFor('ticket_update', (f) => f.ticketCode === code2, before);
    expect(pushed.text).toContain('Cần ý kiến đồng ý của chủ hộ.');
    await b.pingPong();
    expect(b.frames.filter((f) => f.type === 'ticket_update').map((f) => (f as Frame<'ticket_update'>).deliveryId)).toEqual([replayed.deliveryId, pushed.deliveryId]);

    // A widget that already has everything gets nothing replayed.
    const c = await client();
    expect(await c.request({ type: 'hello', conversationId: asked.conversationId, lastDeliveryId: pushed.deliveryId }, 'ready')).toMatchObject({ resumed: true });
    await c.pingPong();
    expect(c.frames.filter((f) => f.type === 'ticket_update')).toEqual([]);
  });

  it('starts afresh on hello with an unknown conversation id', async () => {
    const c = await client();
    expect(await c.request({ type: 'hello', conversationId: randomUUID(), lastDeliveryId: 3 }, 'ready')).toEqual({ type: 'ready', conversationId: null, resumed: false });
    const done = await c.ask('u1', 'Gia hạn tạm trú cần giấy tờ gì?');
    expect(done.status).toBe('answered');
  });

  it('answers each malformed frame with an error frame and keeps the socket open', async () => {
    const c = await client();
    const cases: [string, unknown, string][] = [
      ['not JSON', '{"type": "ask", ', 'invalid_json'],
      ['an unknown type', { type: 'subscribe', topic: 'all' }, 'invalid_frame'],
      ['JSON that is not an object', '42', 'invalid_frame'],
      ['an ask with wrong field types', { type: 'ask', id: 'w1', question: 42 }, 'invalid_frame'],
      ['a hello with a conversation id that is not one', { type: 'hello', conversationId: 'abc', lastDeliveryId: -1 }, 'invalid_frame'],
      ['feedback with a non-boolean', { type: 'feedback', answerId: randomUUID(), helpful: 'yes' }, 'invalid_frame'],
      ['an empty question', { type: 'ask', id: 'e1', question: '  \n ' }, 'empty_question'],
      ['a frame over 64 kB', { type: 'ask', id: 'big', question: 'tạm trú '.repeat(10_000) }, 'frame_too_large'],
      ['a binary frame', Buffer.from(JSON.stringify({ type: 'ping' })), 'binary_frame'],
      ['feedback on an answer that does not exist', { type: 'feedback', answerId: randomUUID(), helpful: true }, 'answer_not_found'],
    ];
    for (const [what, frame, code] of cases) {
      const from = c.frames.length;
      if (Buffer.isBuffer(frame)) c.ws.send(frame, { binary: true });
      else c.send(frame);
      const err = await c.waitFor('error', undefined, from);
      expect(err.code, what).toBe(code);
      expect(err.message.length, what).toBeGreaterThan(0);
      expect(c.ws.readyState, what).toBe(WebSocket.OPEN);
      await c.pingPong();
    }
    expect(Buffer.byteLength(JSON.stringify(cases[7]![1]))).toBeGreaterThan(64 * 1024);
    // The request id comes back when there is one, so the widget can tell which ask failed.
    expect(c.frames.find((f) => f.type === 'error' && f.code === 'empty_question')).toMatchObject({ id: 'e1' });
    expect(c.frames.find((f): f is Frame<'error'> => f.type === 'error' && f.id === 'w1')?.message).toMatch(/question/);
    // And it still answers.
    expect((await c.ask('after', 'Gia hạn tạm trú cần giấy tờ gì?')).status).toBe('answered');
    expect(sockets.count()).toBeGreaterThanOrEqual(1);
  });

  it('records feedback on an answer and offers an officer after an unhelpful one', async () => {
    const c = await client();
    const done = await c.ask('fb', 'Gia hạn tạm trú cần giấy tờ gì?');
    expect(await c.request({ type: 'feedback', answerId: done.answerId, helpful: false, reason: 'Chưa rõ lệ phí' }, 'feedback_ok')).toEqual({ type: 'feedback_ok', answerId: done.answerId, offerOfficer: true });
    expect(await c.request({ type: 'feedback', answerId: done.answerId, helpful: true }, 'feedback_ok')).toEqual({ type: 'feedback_ok', answerId: done.answerId, offerOfficer: false });
  });

  it('does not accept an upgrade on another path', async () => {
    const base = app.base.replace('http:', 'ws:');
    for (const path of ['/v1/chat/other', '/v1/chat/ws/x', '/']) {
      const outcome = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${base}${path}`, { handshakeTimeout: 2000 });
        ws.once('open', () => (ws.terminate(), resolve('open')));
        ws.once('unexpected-response', (_req, res) => (ws.terminate(), resolve(`http ${res.statusCode}`)));
        ws.once('error', (e) => resolve(`error: ${e.message}`));
      });
      expect(outcome, path).toBe('http 404');
    }
    // The query string does not change the path.
    const c = await Client.open(`${url}?v=1`);
    await c.pingPong();
    await c.close();
  });

  /** attachChatSockets on a server of its own (another heartbeat, or injected faults). */
  async function ownServer(extra: Partial<Parameters<typeof attachChatSockets>[1]> = {}) {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const chat = attachChatSockets(server, { db: app.fx.db, answers: app.answers!, deliveries: app.escalation.deliveries, log: () => {}, ...extra });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      server,
      port,
      chat,
      url: `ws://127.0.0.1:${port}${CHAT_PATH}`,
      async close() {
        await chat.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('refuses the upgrade with 503 until the service is ready', async () => {
    let ready = false;
    const own = await ownServer({ ready: () => ready });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const ws = new WebSocket(own.url, { handshakeTimeout: 2000 });
        ws.once('open', () => (ws.terminate(), resolve('open')));
        ws.once('unexpected-response', (_req, res) => (ws.terminate(), resolve(`http ${res.statusCode}`)));
        ws.once('error', (e) => resolve(`error: ${e.message}`));
      });
      expect(outcome).toBe('http 503');
      ready = true;
      const c = await Client.open(own.url);
      await c.pingPong();
      await c.close();
    } finally {
      await own.close();
    }
  });

  describe('with faults injected', () => {
    it('loses no missed message when a new one is delivered while the missed ones are being replayed', async () => {
      const real = app.escalation.deliveries;
      let during: (() => Promise<unknown>) | null = null;
      const deliveries: DeliveryService = {
        ...real,
        async pending(conversationId, afterId) {
          const rows = await real.pending(conversationId, afterId);
          // An officer's message lands between the replay's read and its sending.
          const act = during;
          during = null;
          if (act) await act();
          return rows;
        },
      };
      const own = await ownServer({ deliveries });
      try {
        const a = await Client.open(own.url);
        const first = await a.ask('x1', 'Gia hạn tạm trú cần giấy tờ gì?');
        await a.close();
        const conversationId = first.conversationId;
        const missed = await real.deliver({ ticketId: null, ticketCode: null, conversationId, text: 'Tin nhắn khi đã đóng.' });
        during = () => real.deliver({ ticketId: null, ticketCode: null, conversationId, text: 'Tin nhắn trong lúc gửi lại.' });

        const b = await Client.open(own.url);
        expect(await b.request({ type: 'hello', conversationId, lastDeliveryId: missed.deliveryId - 1 }, 'ready')).toMatchObject({ resumed: true });
        await b.waitFor('ticket_update', (f) => f.deliveryId === missed.deliveryId);
        await b.pingPong();
        const updates = b.frames.filter((f): f is Frame<'ticket_update'> => f.type === 'ticket_update');
        expect(updates.map((u) => u.text).sort()).toEqual(['Tin nhắn khi đã đóng.', 'Tin nhắn trong lúc gửi lại.'].sort());
        await b.close();
      } finally {
        await own.close();
      }
    });

    it('ends an ask whose answer failed with an error frame that carries its id, and goes on', async () => {
      let fail = true;
      const answers: AnswerService = {
        ask: (input) => {
          if (fail) return Promise.reject(new Error('database went away'));
          return app.answers!.ask(input);
        },
      };
      const logged: string[] = [];
      const own = await ownServer({ answers, log: (_level, msg) => logged.push(msg) });
      try {
        const c = await Client.open(own.url);
        c.send({ type: 'ask', id: 'boom', question: 'Gia hạn tạm trú cần giấy tờ gì?' });
        const err = await c.waitFor('error');
        expect(err).toMatchObject({ id: 'boom', code: 'internal' });
        expect(err.message).not.toContain('database');
        expect(c.about('boom').map((f) => f.type)).toEqual(['answer_start', 'error']);
        expect(logged.length).toBeGreaterThan(0);
        fail = false;
        expect((await c.ask('ok', 'Gia hạn tạm trú cần giấy tờ gì?')).status).toBe('answered');
        await c.close();
      } finally {
        await own.close();
      }
    });
  });

  describe('heartbeat', () => {
    const HEARTBEAT_MS = 200;
    let hb: Awaited<ReturnType<typeof ownServer>>;
    let hbUrl: string;
    beforeAll(async () => {
      hb = await ownServer({ heartbeatMs: HEARTBEAT_MS });
      hbUrl = hb.url;
    });
    afterAll(async () => hb?.close());

    it('terminates a client that stops answering pings after about two heartbeats and keeps one that answers', async () => {
      const normal = await Client.open(hbUrl);
      const pings: number[] = [];
      normal.ws.on('ping', () => pings.push(performance.now()));

      const t0 = performance.now();
      const silent = await Client.open(hbUrl, { autoPong: false });
      // A raw TCP client that completes the upgrade and then ignores everything.
      const raw = connect(hb.port, '127.0.0.1');
      const rawClosed = new Promise<number>((resolve) => raw.once('close', () => resolve(performance.now())));
      let handshake = '';
      await new Promise<void>((resolve) => {
        raw.on('data', (d: Buffer) => {
          handshake += d.toString('latin1');
          if (handshake.includes('\r\n\r\n')) resolve();
        });
        raw.write(`GET ${CHAT_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      expect(handshake).toMatch(/^HTTP\/1\.1 101 /);

      const [silentClosed, rawAt] = await Promise.all([silent.closed, rawClosed]);
      // Terminated (no close frame) between one and a few heartbeats after connecting.
      expect(silentClosed.code).toBe(1006);
      expect(silentClosed.at - t0).toBeGreaterThan(HEARTBEAT_MS * 0.9);
      expect(silentClosed.at - t0).toBeLessThan(HEARTBEAT_MS * 8);
      expect(rawAt - t0).toBeLessThan(HEARTBEAT_MS * 8);

      // The answering client outlives several more heartbeats and still talks.
      await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 4));
      expect(normal.ws.readyState).toBe(WebSocket.OPEN);
      expect(pings.length).toBeGreaterThanOrEqual(3);
      await normal.pingPong();
      expect(hb.chat.count()).toBe(1);
      await normal.close();
    });
  });
});
