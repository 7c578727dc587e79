// Voice questions over HTTP: a real WAV spoken by espeak-ng uploaded to /v1/voice (the
// speech-to-text endpoint mocked by msw, which checks it received that very recording), the
// errors a bad upload gets, and spoken questions on /v1/ask — normalised, n-best alternatives,
// and "Có phải bạn hỏi …?" when unsure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AskResponse } from '../src/answer/types.ts';
import { fmt, t } from '../src/messages.ts';
import { wavDurationSec } from '../src/voice/audio.ts';
import { createOpenAiStt, createUnconfiguredStt, type SpeechToText } from '../src/voice/stt.ts';
import { startStaffApp, type StaffApp } from './support/staff.ts';

const STT = 'https://stt.test/v1';
const SPOKEN = 'ờ cho em hỏi là gia hạn tạm trú cần những giấy tờ gì ạ';

const stt = {
  requests: [] as { model: string; language: string; name: string; bytes: Uint8Array }[],
  text: SPOKEN,
  delayMs: 0,
};
const server = setupServer(
  http.post(`${STT}/audio/transcriptions`, async ({ request }) => {
    const form = await request.formData();
    const file = form.get('file') as File;
    stt.requests.push({ model: String(form.get('model')), language: String(form.get('language')), name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    if (stt.delayMs) await delay(stt.delayMs);
    return HttpResponse.json({ text: stt.text, language: 'vietnamese', duration: 2.5, segments: [{ text: stt.text, avg_logprob: -0.12 }] });
  }),
);

/** A question spoken by espeak-ng into a WAV file (Debian's espeak-ng, installed by npm's pretest). */
function speak(text: string): Uint8Array {
  const file = join(mkdtempSync(join(tmpdir(), 'hoidap-voice-')), 'q.wav');
  execFileSync('espeak-ng', ['-v', 'vi', '-s', '150', '-w', file, text]);
  return new Uint8Array(readFileSync(file));
}

describe('voice questions', () => {
  let app: StaffApp;
  let sttImpl: SpeechToText = createOpenAiStt({ baseUrl: STT, model: 'whisper-1' });
  let recording: Uint8Array;

  beforeAll(async () => {
    server.listen({
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname !== '127.0.0.1') print.error();
      },
    });
    recording = speak('gia hạn tạm trú cần những giấy tờ gì');
    // The app asks whatever speech-to-text the test sets now.
    app = await startStaffApp('pglite', { stt: { transcribe: (a, o) => sttImpl.transcribe(a, o) } });
  }, 180_000);
  afterAll(async () => {
    server.close();
    await app?.close();
  });
  beforeEach(() => {
    stt.requests = [];
    stt.text = SPOKEN;
    stt.delayMs = 0;
    sttImpl = createOpenAiStt({ baseUrl: STT, model: 'whisper-1' });
  });

  const upload = (bytes: Uint8Array, name = 'question.wav', type = 'audio/wav', extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.set('audio', new File([new Uint8Array(bytes)], name, { type }));
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    return fetch(`${app.base}/v1/voice`, { method: 'POST', body: form });
  };

  it('answers a recorded question: the real WAV reaches the recogniser, the transcript comes back normalised, with the answer', async () => {
    expect(wavDurationSec(recording)).toBeGreaterThan(0.5);
    const res = await upload(recording);
    expect(res.status).toBe(200);
    const r = (await res.json()) as AskResponse;
    expect(stt.requests).toHaveLength(1);
    expect(stt.requests[0]).toMatchObject({ model: 'whisper-1', language: 'vi', name: 'question.wav' });
    expect(stt.requests[0]!.bytes).toEqual(recording);
    expect(r.transcript).toMatchObject({ raw: SPOKEN, text: 'gia hạn tạm trú cần những giấy tờ gì', display: 'Gia hạn tạm trú cần những giấy tờ gì?', confirm: false });
    expect(r.status).toBe('answered');
    expect(r.citations.length).toBeGreaterThan(0);
    expect(r.citations[0]!.ref).toMatch(/tạm trú/i);
  });

  it('continues a conversation with a spoken follow-up', async () => {
    const first = (await (await upload(recording)).json()) as AskResponse;
    stt.text = 'thế còn lệ phí thì bao nhiêu';
    const res = await upload(recording, 'q2.wav', 'audio/wav', { conversationId: first.conversationId });
    const r = (await res.json()) as AskResponse;
    expect(r.conversationId).toBe(first.conversationId);
    expect(r.rewrittenQuestion).toMatch(/tạm trú/);
  });

  it('refuses what is not audio (415), too much audio (413) and a missing file (400) before asking the recogniser', async () => {
    const html = await upload(new TextEncoder().encode('<html>not audio</html>'), 'q.wav', 'audio/wav');
    expect(html.status).toBe(415);
    expect(((await html.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'unsupported_audio_type', message: t('voiceError_unsupported_audio_type') });
    const big = await upload(new Uint8Array(11 * 1024 * 1024), 'big.wav');
    expect(big.status).toBe(413);
    const none = await fetch(`${app.base}/v1/voice`, { method: 'POST', body: new FormData() });
    expect(none.status).toBe(400);
    const json = await fetch(`${app.base}/v1/voice`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const lang = await upload(recording, 'q.wav', 'audio/wav', { lang: 'fr' });
    expect(lang.status).toBe(400);
    const conv = await upload(recording, 'q.wav', 'audio/wav', { conversationId: '00000000-0000-4000-8000-000000000000' });
    expect(conv.status).toBe(404);
    expect(stt.requests).toHaveLength(0);
  });

  it('says when voice is not enabled (503), the recogniser is slow (504) or heard nothing (422)', async () => {
    sttImpl = createUnconfiguredStt();
    const off = await upload(recording);
    expect(off.status).toBe(503);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe('stt_not_configured');

    sttImpl = createOpenAiStt({ baseUrl: STT, model: 'whisper-1', timeoutMs: 100 });
    stt.delayMs = 1000;
    expect((await upload(recording)).status).toBe(504);

    sttImpl = createOpenAiStt({ baseUrl: STT, model: 'whisper-1' });
    stt.delayMs = 0;
    stt.text = '';
    const silent = await upload(recording);
    expect(silent.status).toBe(422);
    expect(((await silent.json()) as { error: { message: string } }).error.message).toBe(t('voiceNothingHeard'));
  });

  it('normalises a spoken question on /v1/ask: numbers, legal references and fillers', async () => {
    const r = await app.ask({ question: 'dạ cho em hỏi là điều hai mươi luật cư trú quy định gì ạ', channel: 'voice' });
    expect(r.transcript).toMatchObject({ text: expect.stringContaining('điều 20'), confirm: false });
    expect(r.status).toBe('answered');
    expect(r.citations[0]!.ref).toMatch(/Điều 20/);
  });

  it('leaves a typed question alone', async () => {
    const r = await app.ask({ question: 'gia hạn tạm trú cần giấy tờ gì' });
    expect(r.transcript).toBeUndefined();
  });

  it('asks "Có phải bạn hỏi …?" when the recogniser is unsure, then answers on "đúng rồi"', async () => {
    const first = await app.ask({ question: 'gia hạn tạm trú cần giấy tờ gì', channel: 'voice', alternatives: [{ text: 'gia hạn tạm trú cần giấy tờ gì', confidence: 0.3 }] });
    expect(first.status).toBe('answered');
    expect(first.reason).toBe('confirm_transcript');
    expect(first.citations).toEqual([]);
    expect(first.answer).toBe(fmt('voiceConfirm', 'vi', { question: 'Gia hạn tạm trú cần giấy tờ gì?' }));
    expect(first.transcript?.confirm).toBe(true);

    const yes = await app.ask({ question: 'đúng rồi', channel: 'voice', conversationId: first.conversationId });
    expect(yes.reason).toBe('answered');
    expect(yes.citations[0]!.ref).toMatch(/tạm trú/i);

    const again = await app.ask({ question: 'gia hạn tạm trú cần giấy tờ gì', channel: 'voice', alternatives: [{ text: 'gia hạn tạm trú cần giấy tờ gì', confidence: 0.3 }] });
    const no = await app.ask({ question: 'không phải', channel: 'voice', conversationId: again.conversationId });
    expect(no.reason).toBe('confirm_declined');
    expect(no.answer).toBe(t('voiceRepeat'));
  });

  it('picks, among n-best alternatives, the one the corpus can answer', async () => {
    const r = await app.ask({
      question: 'gia hạn tạm chú cần giấy tờ gì',
      channel: 'voice',
      alternatives: [
        { text: 'gia hạn tạm chú cần giấy tờ gì', confidence: 0.72 },
        { text: 'gia hạn tạm trú cần giấy tờ gì', confidence: 0.7 },
      ],
    });
    expect(r.transcript).toMatchObject({ text: 'gia hạn tạm trú cần giấy tờ gì', confirm: false });
    expect(r.status).toBe('answered');
  });
});
