// Zalo end to end within one process: signed webhook events → inbox → worker → the real OA client,
// with Zalo's OA API, OAuth, the voice-note CDN and a speech-to-text server mocked by msw. Covers
// text questions, follow, echoes, images, voice notes, token refresh, -230 and -32.
import { Hono } from 'hono';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createZaloClient } from '../../src/channels/zalo/client.ts';
import { zaloMac } from '../../src/channels/zalo/signature.ts';
import { formatForZalo, splitForZalo } from '../../src/channels/zalo/split.ts';
import { zaloWebhookRoutes } from '../../src/channels/zalo/webhook.ts';
import { createZaloWorker, type ZaloWorker } from '../../src/channels/zalo/worker.ts';
import { onError } from '../../src/http/errors.ts';
import { t } from '../../src/messages.ts';
import { fetchRemoteAudio } from '../../src/voice/audio.ts';
import { createOpenAiStt } from '../../src/voice/stt.ts';
import { answerFixture, type AnswerFixture } from '../support/answers.ts';
import { APP_ID, OA_ID, OA_SECRET, zaloTestConfig } from '../support/zalo.ts';

const API = 'https://openapi.zalo.test';
const OAUTH = 'https://oauth.zalo.test';
const STT = 'https://stt.test/v1';
const USER = '8123456789012345678'; // 19 digits

const config = zaloTestConfig(API, OAUTH);

/** A real WAV: 0.5 s of a 440 Hz tone, 16 kHz mono 16-bit. */
function wav(): Uint8Array {
  const rate = 16000;
  const n = rate / 2;
  const buf = new ArrayBuffer(44 + n * 2);
  const v = new DataView(buf);
  const str = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, 36 + n * 2, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  str(36, 'data');
  v.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) v.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return new Uint8Array(buf);
}

const zalo = {
  sends: [] as { recipient: Record<string, string>; text: string; token: string | null }[],
  oauth: 0,
  valid: new Set(['AT-0']),
  script: [] as (() => Response)[],
  audioRequests: [] as string[],
  stt: [] as { model: string; language: string; file: string; size: number }[],
  sttText: 'ờ cho em hỏi là gia hạn tạm trú cần giấy tờ gì ạ',
  reset() {
    this.sends = [];
    this.oauth = 0;
    this.valid = new Set(['AT-0']);
    this.script = [];
    this.audioRequests = [];
    this.stt = [];
    this.sttText = 'ờ cho em hỏi là gia hạn tạm trú cần giấy tờ gì ạ';
  },
};

const server = setupServer(
  http.post(`${OAUTH}/v4/oa/access_token`, () => {
    const n = ++zalo.oauth;
    zalo.valid = new Set([`AT-${n}`]);
    return HttpResponse.json({ access_token: `AT-${n}`, refresh_token: `RT-${n}`, expires_in: '90000' });
  }),
  http.post(`${API}/v3.0/oa/message/cs`, async ({ request }) => {
    const token = request.headers.get('access_token');
    const body = (await request.json()) as { recipient: Record<string, string>; message: { text: string } };
    const scripted = zalo.script.shift();
    if (scripted) return scripted();
    if (!token || !zalo.valid.has(token)) return HttpResponse.json({ error: -216, message: 'Access token is invalid' });
    zalo.sends.push({ recipient: body.recipient, text: body.message.text, token });
    return HttpResponse.json({ error: 0, message: 'Success', data: { message_id: `oa-${zalo.sends.length}` } });
  }),
  http.get('https://voice-talk.zadn.vn/:file', ({ params }) => {
    zalo.audioRequests.push(String(params.file));
    return new HttpResponse(wav(), { headers: { 'content-type': 'audio/x-m4a' } });
  }),
  http.post(`${STT}/audio/transcriptions`, async ({ request }) => {
    const form = await request.formData();
    const file = form.get('file') as File;
    zalo.stt.push({ model: String(form.get('model')), language: String(form.get('language')), file: file.name, size: file.size });
    return HttpResponse.json({ text: zalo.sttText, language: 'vietnamese', duration: 0.5, segments: [{ text: zalo.sttText, avg_logprob: -0.08 }] });
  }),
);

describe('Zalo, from the webhook to the OA API (msw)', () => {
  let fx: AnswerFixture;
  let worker: ZaloWorker;
  let app: Hono;
  let now = new Date();
  let seq = 0;

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    fx = await answerFixture('pglite');
    const log = () => {};
    const client = createZaloClient({ db: fx.db, config, now: () => now, log });
    worker = createZaloWorker({
      db: fx.db,
      answers: fx.service({ now: () => now }),
      sender: client,
      log,
      now: () => now,
      format: (answer, citations) => splitForZalo(formatForZalo(answer, citations)),
      voice: {
        stt: createOpenAiStt({ baseUrl: STT, model: 'whisper-1' }),
        fetchAudio: (url) => fetchRemoteAudio(url, { allowHosts: ['.zadn.vn'] }),
      },
    });
    app = new Hono();
    app.route('/', zaloWebhookRoutes({ db: fx.db, config, now: () => now }));
    app.onError(onError(log));
  }, 180_000);
  afterAll(async () => {
    server.close();
    await fx?.close();
  });
  beforeEach(async () => {
    zalo.reset();
    now = new Date();
    await fx.db.exec('DELETE FROM zalo_inbox; DELETE FROM zalo_tokens;');
  });

  /** Zalo calls the webhook with a signed event; returns its msg_id. */
  async function deliver(event_name: string, message: Record<string, unknown> | null, who: Record<string, unknown> = { sender: { id: USER }, recipient: { id: OA_ID } }) {
    const msgId = `m-${++seq}-${Date.now()}`;
    const timestamp = String(now.getTime());
    const raw = JSON.stringify({ app_id: APP_ID, event_name, timestamp, ...who, ...(message ? { message: { msg_id: msgId, ...message } } : {}) });
    const res = await app.request('/webhooks/zalo', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${zaloMac(APP_ID, raw, timestamp, OA_SECRET)}` } });
    expect(res.status).toBe(200);
    return msgId;
  }
  const inbox = async (key: string) => (await fx.db.query<{ status: string; error: string | null }>('SELECT status, error FROM zalo_inbox WHERE event_key = $1', [key]))[0];

  it('answers a text question with sources, by message_id', async () => {
    const id = await deliver('user_send_text', { text: 'Gia hạn tạm trú cần những giấy tờ gì?' });
    await worker.runOnce();
    expect(zalo.sends.length).toBeGreaterThanOrEqual(1);
    expect(zalo.sends.every((s) => s.recipient.message_id === id)).toBe(true);
    const all = zalo.sends.map((s) => s.text).join('\n');
    expect(all).toContain('[1]');
    expect(all).toContain(t('zaloSources'));
    expect(zalo.sends.every((s) => s.text.length <= 2000)).toBe(true);
    expect(await inbox(id)).toMatchObject({ status: 'done' });
  });

  it('welcomes a follower by user id and never answers the OA’s own echo', async () => {
    await deliver('follow', null, { follower: { id: USER }, oa_id: OA_ID, source: 'oa_profile' });
    const echo = await deliver('oa_send_text', { text: 'Chào bạn' }, { sender: { id: OA_ID }, recipient: { id: USER } });
    await worker.runOnce();
    expect(zalo.sends).toEqual([{ recipient: { user_id: USER }, text: t('zaloWelcome'), token: 'AT-0' }]);
    expect(await inbox(echo)).toMatchObject({ status: 'ignored', error: 'oa_echo' });
  });

  it('asks politely for text when sent an image', async () => {
    await deliver('user_send_image', { attachments: [{ type: 'image', payload: { url: 'https://photo.zadn.vn/x.jpg' } }] });
    await worker.runOnce();
    expect(zalo.sends.map((s) => s.text)).toEqual([t('zaloTextOnly')]);
  });

  it('transcribes a voice note, echoes what it heard, then answers it', async () => {
    const id = await deliver('user_send_audio', { attachments: [{ type: 'audio', payload: { url: 'https://voice-talk.zadn.vn/note-1.m4a' } }] });
    await worker.runOnce();
    expect(zalo.audioRequests).toEqual(['note-1.m4a']);
    // The bytes decide the type: a WAV goes to the recogniser as .wav, in Vietnamese.
    expect(zalo.stt).toEqual([{ model: 'whisper-1', language: 'vi', file: 'audio.wav', size: wav().length }]);
    const texts = zalo.sends.map((s) => s.text);
    expect(texts[0]).toBe('Bạn hỏi: “Gia hạn tạm trú cần giấy tờ gì?”');
    expect(texts.slice(1).join('\n')).toContain('[1]');
    expect(zalo.sends.every((s) => s.recipient.message_id === id)).toBe(true);
    expect(await inbox(id)).toMatchObject({ status: 'done', error: null });
  });

  it('asks the citizen to type when a voice note comes from a host not on the allowlist, without fetching it', async () => {
    const id = await deliver('user_send_audio', { attachments: [{ type: 'audio', payload: { url: 'https://evil.example.com/note.m4a' } }] });
    await worker.runOnce();
    expect(zalo.stt).toEqual([]);
    expect(zalo.sends.map((s) => s.text)).toEqual([t('zaloVoiceFailed')]);
    expect(await inbox(id)).toMatchObject({ status: 'done', error: 'host_not_allowed' });
  });

  it('says so when nothing was heard in the recording', async () => {
    zalo.sttText = '';
    await deliver('user_send_audio', { attachments: [{ type: 'audio', payload: { url: 'https://voice-talk.zadn.vn/silence.m4a' } }] });
    await worker.runOnce();
    expect(zalo.sends.map((s) => s.text)).toEqual([t('voiceNothingHeard')]);
  });

  it('refreshes an expiring token before sending, once', async () => {
    await fx.db.query(`INSERT INTO zalo_tokens (id, access_token, refresh_token, expires_at) VALUES (1, 'AT-0', 'RT-0', $1)`, [new Date(now.getTime() + 60_000)]);
    await deliver('user_send_text', { text: 'Xin chào' });
    await worker.runOnce();
    expect(zalo.oauth).toBe(1);
    expect(zalo.sends.map((s) => s.token)).toEqual(['AT-1']);
  });

  it('marks a citizen Zalo refuses (-230) undeliverable, and backs off on the rate limit (-32)', async () => {
    zalo.script = [() => HttpResponse.json({ error: -230, message: 'User has not interacted with the OA in the past 7 days' })];
    const gone = await deliver('user_send_text', { text: 'Xin chào' });
    await worker.runOnce();
    expect(await inbox(gone)).toMatchObject({ status: 'done', error: 'undeliverable' });

    zalo.script = [() => HttpResponse.json({ error: -32, message: 'Your OA reached limit call api' })];
    const limited = await deliver('user_send_text', { text: 'Cảm ơn' });
    await worker.runOnce();
    const row = (await fx.db.query<{ status: string; locked_until: Date }>('SELECT status, locked_until FROM zalo_inbox WHERE event_key = $1', [limited]))[0]!;
    expect(row.status).toBe('new');
    expect(new Date(row.locked_until).getTime()).toBeGreaterThanOrEqual(now.getTime() + 59_000);
    expect(zalo.sends).toHaveLength(0);
    now = new Date(now.getTime() + 61_000);
    await worker.runOnce();
    expect(zalo.sends).toHaveLength(1);
    expect(await inbox(limited)).toMatchObject({ status: 'done' });
  });
});
