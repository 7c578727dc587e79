// A small app for the abuse tests: the real createApp and chat socket over a migrated PGlite, with
// an answer service that answers at once (or slowly, for "slow" questions), on loopback; plus a
// raw HTTP client that can pick its source address (127.0.0.2 is another client) and send
// chunked bodies.
import { request } from 'node:http';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createAbuseGuards, createChannelSwitches, originAllowed, questionGate } from '../../src/abuse/index.ts';
import type { AnswerService } from '../../src/answer/pipeline.ts';
import type { AskResponse } from '../../src/answer/types.ts';
import { createApp } from '../../src/app.ts';
import { attachChatSockets, type ChatSockets } from '../../src/channels/web/ws.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import type { Db } from '../../src/db/index.ts';
import type { Embedder } from '../../src/embed/index.ts';
import type { Searcher } from '../../src/retrieval/search.ts';
import { openTestDb } from '../support/db.ts';

export interface AbuseApp {
  base: string;
  port: number;
  db: Db;
  config: Config;
  clock: { now: Date };
  /** Questions the answer service was asked. */
  asked: string[];
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/** Answers every question at once; a question containing "chậm" takes slowMs. Conversations are real rows. */
function stubAnswers(db: Db, asked: string[], slowMs: number): AnswerService {
  return {
    async ask(input) {
      asked.push(input.question);
      if (input.question.includes('chậm')) await new Promise((r) => setTimeout(r, slowMs));
      let conversationId = input.conversationId;
      if (!conversationId) {
        conversationId = crypto.randomUUID();
        await db.query('INSERT INTO conversations (id, channel) VALUES ($1, $2)', [conversationId, input.channel === 'cli' ? 'api' : (input.channel ?? 'api')]);
      }
      const r: AskResponse = { conversationId, answerId: crypto.randomUUID(), status: 'answered', answer: 'Trả lời thử.', citations: [], lang: 'vi', reason: 'answered' as AskResponse['reason'] };
      return r;
    },
  };
}

export async function startAbuseApp(env: Record<string, string> = {}, o: { slowMs?: number } = {}): Promise<AbuseApp> {
  const t = await openTestDb('pglite');
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const clock = { now: new Date('2026-11-24T08:00:00Z') };
  const now = () => clock.now;
  const asked: string[] = [];
  const answers = stubAnswers(t.db, asked, o.slowMs ?? 3000);
  const guards = createAbuseGuards(config, () => clock.now.getTime());
  const switches = createChannelSwitches({ db: t.db, channelsOff: config.channelsOff, now, cache: guards.switchCache });
  const app = createApp({
    config,
    db: t.db,
    embedder: {} as Embedder,
    searcher: { search: async () => ({ hits: [], restored: null }) } as unknown as Searcher,
    answers,
    readiness: () => ({ phase: 'ready' }),
    log: () => {},
    now,
    abuse: guards,
    switches,
    widget: async () => 'console.log("widget")',
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const sockets: ChatSockets = attachChatSockets(server as unknown as Server, {
    db: t.db,
    answers,
    log: () => {},
    gate: questionGate({ limiter: guards.questions, switches }),
    trustProxy: config.abuse.trustProxy,
    allowOrigin: (origin) => originAllowed(origin, config),
  });
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    db: t.db,
    config,
    clock,
    asked,
    app,
    async close() {
      await sockets.close();
      await new Promise<void>((r) => server.close(() => r()));
      await t.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = { error?: { code: string; message: string } }>(): T;
}

/**
 * One HTTP request with node:http: from `from` (a loopback address other than 127.0.0.1 is another
 * client), and with `chunks` sent as a chunked body (no Content-Length).
 */
export function raw(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: string; chunks?: string[]; from?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    const req = request({ host: '127.0.0.1', port, agent: false, method: o.method ?? 'POST', path: o.path, headers, ...(o.from ? { localAddress: o.from } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
      res.on('error', reject);
    });
    // A server that refuses a body early may close before it is all sent.
    req.on('error', reject);
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(o.body);
  });
}

export const askJson = (port: number, body: Record<string, unknown>, o: { from?: string; headers?: Record<string, string> } = {}) =>
  raw(port, { path: '/v1/ask', headers: { 'content-type': 'application/json', ...o.headers }, body: JSON.stringify(body), ...(o.from ? { from: o.from } : {}) });
