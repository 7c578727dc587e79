// The HTTP fuzz bench's cases (eval/bench/fuzz-cases.ts), fewer of them, against the whole app served
// in process on loopback: every public endpoint and the chat WebSocket get malformed requests, and
// none may get a 5xx, drop the connection, or answer a 4xx in another shape than {error:{code,message}}.
// The seed is fixed so a failure replays; FUZZ_SEED picks another (npm run bench:fuzz sends 5,000 each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachChatSockets, type ChatSockets } from '../src/channels/web/ws.ts';
import { caseSeed, ENDPOINTS, isInternalFrame, pool, Rng, runWsCase, sendRaw, wsCase, type FuzzContext } from '../eval/bench/fuzz-cases.ts';
import { createApiKey } from '../src/ingest/api-keys.ts';
import { startStaffApp, type StaffApp } from './support/staff.ts';

const PER_ENDPOINT = 120;
const SEED = Number(process.env.FUZZ_SEED ?? 20261124) >>> 0;
const ZALO = { appId: '4143927346023457012', secret: 'fuzz-oa-secret-key' };
const ctx: FuzzContext = { maxBodyBytes: 64 * 1024, zalo: ZALO, now: () => Date.now() };

describe('malformed requests to every public endpoint', () => {
  let app: StaffApp;
  let port: number;
  let sockets: ChatSockets;
  const serverErrors: string[] = [];
  let sttCalls = 0;

  beforeAll(async () => {
    app = await startStaffApp('pglite', {
      env: { ZALO_APP_ID: ZALO.appId, ZALO_OA_SECRET_KEY: ZALO.secret, MAX_BODY_BYTES: String(ctx.maxBodyBytes) },
      log: (level, msg, fields) => {
        if (level === 'error') serverErrors.push(`${msg} ${JSON.stringify(fields).slice(0, 2000)}`);
      },
      // Transcripts as a recogniser might give them, junk included, so /v1/voice goes past the audio checks.
      stt: {
        transcribe: async () => {
          const text = ['gia hạn tạm trú cần giấy tờ gì', '', 'ờ \u0000 \uD800 mười lăm ngày'][sttCalls++ % 3]!;
          return { text, alternatives: text ? [{ text, confidence: 0.9 }] : [] };
        },
      },
    });
    port = Number(new URL(app.base).port);
    ctx.ingestKey = (await createApiKey(app.fx.db, app.escalation.agencies, { agency: 'tu-phap-xa', name: 'fuzz', createdBy: null })).key;
    sockets = attachChatSockets(app.server!, { db: app.fx.db, answers: app.answers!, deliveries: app.escalation.deliveries, log: (level, msg, f) => level === 'error' && serverErrors.push(`${msg} ${JSON.stringify(f)}`) });
  }, 120_000);
  afterAll(async () => {
    await sockets?.close();
    await app?.close();
  });

  it.each(ENDPOINTS.map((e, i) => [e.name, i] as const))('%s: no 5xx, no dropped connection, errors as {error:{code,message}}', async (name, e) => {
    const failures: string[] = [];
    await pool(PER_ENDPOINT, 8, async (i) => {
      const req = ENDPOINTS[e]!.make(new Rng(caseSeed(SEED, e, i)), ctx);
      return { i, head: req.method === 'HEAD', res: await sendRaw(port, req) };
    }, ({ i, head, res }) => {
      const replay = `(replay: npm run bench:fuzz -- --only "${name}" --case ${i} --seed ${SEED})`;
      if (res.status === 0 || res.status >= 500) return void failures.push(`case ${i}: ${res.status || res.error} ${res.body.slice(0, 200)} ${replay}`);
      // A reply to HEAD has no body, and a compressed one is not read here.
      if (res.status >= 400 && /json/.test(res.headers['content-type'] ?? '') && !head && !res.headers['content-encoding']) {
        let body: { error?: { code?: unknown; message?: unknown } } = {};
        try {
          body = JSON.parse(res.body) as typeof body;
        } catch {
          /* checked below */
        }
        if (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string') failures.push(`case ${i}: ${res.status} body ${res.body.slice(0, 200)} ${replay}`);
      }
    });
    expect(failures, `${failures.join('\n')}\nserver log:\n${serverErrors.slice(-3).join('\n')}`).toEqual([]);
  }, 60_000);

  it('WS /v1/chat/ws: malformed frames get error frames, never an internal error; broken upgrades get a 4xx', async () => {
    const e = ENDPOINTS.length;
    const failures: string[] = [];
    await pool(PER_ENDPOINT, 8, async (i) => ({ i, res: await runWsCase(port, wsCase(new Rng(caseSeed(SEED, e, i)), ctx), 100) }), ({ i, res }) => {
      const replay = `(replay: npm run bench:fuzz -- --only "WS /v1/chat/ws" --case ${i} --seed ${SEED})`;
      if (res.replies.some(isInternalFrame)) failures.push(`case ${i}: internal error frame ${replay}`);
      if ((res.status ?? 0) >= 500) failures.push(`case ${i}: upgrade answered ${res.status} ${replay}`);
      if (!res.status && res.closeCode <= 0) failures.push(`case ${i}: ${res.error ?? 'no close'} ${replay}`);
    });
    expect(failures, `${failures.join('\n')}\nserver log:\n${serverErrors.slice(-3).join('\n')}`).toEqual([]);
  }, 60_000);

  it('still answers /health after all of it', async () => {
    expect((await fetch(`${app.base}/health`)).status).toBe(200);
  });
});
