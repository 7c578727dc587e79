// The whole app (answers, public ticket pages, staff console) on a free loopback port over the
// answer fixture, with staff accounts in two agencies, and helpers to act as a citizen or officer.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createEscalation, type Escalation } from '../../src/escalation/index.ts';
import type { AgencyDirectory } from '../../src/escalation/agencies.ts';
import type { OutboundChannel } from '../../src/escalation/delivery.ts';
import type { Db } from '../../src/db/index.ts';
import type { SpeechToText } from '../../src/voice/stt.ts';
import { addStaff } from '../../src/staff/auth.ts';
import type { Logger } from '../../src/http/errors.ts';
import { createOpsMetrics } from '../../src/ops/index.ts';
import type { AnswerService } from '../../src/answer/pipeline.ts';
import type { AskResponse } from '../../src/answer/types.ts';
import { answerFixture, type AnswerFixture } from './answers.ts';
import type { Driver } from './db.ts';

export const PASSWORD = 'mật khẩu thử nghiệm 2026';

/** Residence questions route to the commune police; marriage ones to the commune justice desk. */
export const STAFF = {
  officerA: { email: 'can.bo.a@cong-an-xa.test', name: 'Nguyễn Văn An', agency: 'cong-an-xa', role: 'officer' as const },
  officerA2: { email: 'can.bo.a2@cong-an-xa.test', name: 'Lê Thị Ánh', agency: 'cong-an-xa', role: 'officer' as const },
  supervisorA: { email: 'lanh.dao.a@cong-an-xa.test', name: 'Trần Thị Bình', agency: 'cong-an-xa', role: 'supervisor' as const },
  officerB: { email: 'can.bo.b@tu-phap-xa.test', name: 'Phạm Văn Cường', agency: 'tu-phap-xa', role: 'officer' as const },
  supervisorB: { email: 'lanh.dao.b@tu-phap-xa.test', name: 'Hoàng Thị Dung', agency: 'tu-phap-xa', role: 'supervisor' as const },
  admin: { email: 'quan.tri@hoidap.test', name: 'Quản trị', agency: 'tiep-nhan-chung', role: 'admin' as const },
};
export type StaffKey = keyof typeof STAFF;

export interface StaffSession {
  cookie: string;
  csrf: string;
  /** fetch with the session cookie and CSRF header. */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export interface StaffApp {
  fx: AnswerFixture;
  base: string;
  escalation: Escalation;
  ids: Record<StaffKey, number>;
  /** Now, as the app sees it; tests move it forward. */
  clock: { now: Date };
  /** The Node HTTP server under `base` (to attach the WebSocket chat, say). */
  server?: Server;
  /** The answer service the app runs. */
  answers?: AnswerService;
  login(who: StaffKey): Promise<StaffSession>;
  ask(body: Record<string, unknown>): Promise<AskResponse>;
  /** A question escalated on purpose ("gặp cán bộ"), routed by its words; returns the ticket code. */
  escalate(question: string, channel?: string): Promise<{ code: string; conversationId: string }>;
  close(): Promise<void>;
}

export async function startStaffApp(
  driver: Driver = 'pglite',
  /** channels: the outbound channels, or a function making them over the app's database and clock (a real Zalo client). */
  opts: {
    fetch?: typeof fetch;
    agencies?: AgencyDirectory;
    channels?: OutboundChannel[] | ((db: Db, now: () => Date) => OutboundChannel[]);
    stt?: SpeechToText;
    /** The app's logger (silent when absent). */
    log?: Logger;
    /** More environment for the app's configuration (METRICS_TOKEN…); rate limits are off unless RATE_LIMIT_PER_MINUTE is set here. */
    env?: Record<string, string>;
  } = {},
): Promise<StaffApp> {
  const fx = await answerFixture(driver);
  const clock = { now: new Date() };
  const now = () => clock.now;
  const log: Logger = opts.log ?? (() => {});
  const channels = typeof opts.channels === 'function' ? opts.channels(fx.db, now) : opts.channels;
  const escalation = createEscalation({ agencyWebhookSecret: 'test-secret-0123456789', publicUrl: undefined }, { db: fx.db, embedder: fx.embedder, now, log, ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.agencies ? { agencies: opts.agencies } : {}), ...(channels ? { channels } : {}) });
  const metrics = createOpsMetrics();
  const answers = fx.service({ now, onTicket: (t) => escalation.onTicket(t), onAnswer: (a) => metrics.countAnswer(a) });
  const app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ...opts.env }), db: fx.db, embedder: fx.embedder, searcher: fx.searcher, answers, readiness: () => ({ phase: 'ready' }), log, now, escalation, metrics, ...(opts.stt ? { stt: opts.stt } : {}) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const a = server.address();
  const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  const ids = {} as Record<StaffKey, number>;
  for (const [key, s] of Object.entries(STAFF)) ids[key as StaffKey] = (await addStaff(fx.db, { ...s, password: PASSWORD })).id;

  async function login(who: StaffKey): Promise<StaffSession> {
    const res = await fetch(`${base}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: STAFF[who].email, password: PASSWORD }) });
    if (res.status !== 200) throw new Error(`login ${who}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { csrf: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return {
      cookie,
      csrf: body.csrf,
      fetch: (path, init = {}) => {
        const headers = new Headers(init.headers);
        headers.set('cookie', cookie);
        headers.set('x-csrf-token', body.csrf);
        let reqBody = init.body;
        if (init.json !== undefined) {
          headers.set('content-type', 'application/json');
          reqBody = JSON.stringify(init.json);
        }
        return fetch(`${base}${path}`, { ...init, headers, body: reqBody ?? null, redirect: 'manual' });
      },
    };
  }

  async function ask(body: Record<string, unknown>): Promise<AskResponse> {
    const res = await fetch(`${base}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as AskResponse;
  }

  return {
    fx,
    base,
    escalation,
    ids,
    clock,
    server: server as unknown as Server,
    answers,
    login,
    ask,
    async escalate(question, channel = 'web') {
      const r = await ask({ question: `Tôi muốn gặp cán bộ: ${question}`, channel });
      if (r.status !== 'escalated' || !r.ticket) throw new Error(`not escalated: ${JSON.stringify(r)}`);
      return { code: r.ticket.code, conversationId: r.conversationId };
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await fx.close();
    },
  };
}
