import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchRemoteAudio, VoiceError } from './audio.ts';
import { createOpenAiStt, createUnconfiguredStt, DEFAULT_CONFIDENCE } from './stt.ts';

const STT = 'http://stt.test/v1';
const BARE_STT = 'http://whisper.test';
const API_KEY = 'sk-test-secret-key';

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** 16-bit mono PCM at 8 kHz, `seconds` long. */
function wav(seconds = 1, size?: number): Uint8Array {
  const dataSize = seconds * 16_000;
  const out = new Uint8Array(size ?? 44 + dataSize);
  out.set([...ascii('RIFF'), ...le32(36 + dataSize), ...ascii('WAVEfmt '), ...le32(16), ...le16(1), ...le16(1), ...le32(8000), ...le32(16_000), ...le16(2), ...le16(16), ...ascii('data'), ...le32(dataSize)]);
  return out;
}
const M4A = new Uint8Array([0, 0, 0, 0x18, ...ascii('ftypM4A '), 0, 0, 0, 0, ...ascii('M4A isom'), ...new Array(64).fill(0)]);
const HTML = new TextEncoder().encode('<!DOCTYPE html><html><body>Đăng nhập</body></html>');

interface SttCall {
  url: string;
  authorization: string | null;
  fields: Record<string, string>;
  file: { name: string; type: string; size: number } | null;
}
const sttCalls: SttCall[] = [];
/** Every request that reached msw, handled or not. */
const seen: string[] = [];
let sttReply: () => Response | Promise<Response> = () => HttpResponse.json({ text: 'ok' });

const recordStt = async ({ request }: { request: Request }) => {
  const form = await request.formData();
  const fields: Record<string, string> = {};
  let file: SttCall['file'] = null;
  form.forEach((v, k) => {
    if (typeof v === 'string') fields[k] = v;
    else file = { name: v.name, type: v.type, size: v.size };
  });
  sttCalls.push({ url: request.url, authorization: request.headers.get('authorization'), fields, file });
  return sttReply();
};

let audioReply: (url: URL) => Response | Promise<Response> = () => new HttpResponse(M4A, { headers: { 'content-type': 'audio/mp4' } });

const server = setupServer(
  http.post(`${STT}/audio/transcriptions`, recordStt),
  http.post(`${BARE_STT}/audio/transcriptions`, recordStt),
  http.get('https://voice-talk.zdn.vn/*', ({ request }) => audioReply(new URL(request.url))),
  http.get('https://cdn.zdn.vn/*', () => new HttpResponse(M4A, { headers: { 'content-type': 'audio/mp4' } })),
  http.get('https://evil.example/*', () => new HttpResponse(M4A, { headers: { 'content-type': 'audio/mp4' } })),
);
server.events.on('request:start', ({ request }) => {
  seen.push(request.url);
});

async function rejection(p: Promise<unknown>): Promise<VoiceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VoiceError) return e;
    throw e;
  }
  throw new Error('expected a VoiceError');
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  sttCalls.length = 0;
  seen.length = 0;
  sttReply = () => HttpResponse.json({ text: 'ok' });
  audioReply = () => new HttpResponse(M4A, { headers: { 'content-type': 'audio/mp4' } });
});
afterAll(() => server.close());

describe('the OpenAI-compatible speech-to-text (mocked Whisper server)', () => {
  const stt = createOpenAiStt({ baseUrl: STT, model: 'whisper-large-v3' });
  const audio = { bytes: wav(2), type: 'wav' as const };

  it('returns the text of a verbose_json answer with a confidence from the segments, weighted by length', async () => {
    sttReply = () =>
      HttpResponse.json({
        task: 'transcribe',
        language: 'vi',
        duration: 2,
        text: ' Làm lại căn cước bị mất ở đâu? ',
        segments: [
          { id: 0, start: 0, end: 1, text: ' Làm lại căn cước', avg_logprob: -0.1, no_speech_prob: 0.01 },
          { id: 1, start: 1, end: 2, text: ' bị mất ở đâu?', avg_logprob: -0.6, no_speech_prob: 0.02 },
        ],
      });
    const t = await stt.transcribe(audio);
    const expected = (16 * Math.exp(-0.1) + 13 * Math.exp(-0.6)) / 29; // weights: characters of the trimmed segment texts
    expect(t).toMatchObject({ text: 'Làm lại căn cước bị mất ở đâu?', language: 'vi', durationSec: 2 });
    expect(t.alternatives).toHaveLength(1);
    expect(t.alternatives[0]!.text).toBe(t.text);
    expect(t.alternatives[0]!.confidence).toBeCloseTo(expected, 10);
  });

  it('takes a plain json answer with the default confidence and the WAV length measured locally', async () => {
    sttReply = () => HttpResponse.json({ text: 'Thủ tục đăng ký tạm trú' });
    expect(await stt.transcribe(audio)).toEqual({ text: 'Thủ tục đăng ký tạm trú', alternatives: [{ text: 'Thủ tục đăng ký tạm trú', confidence: DEFAULT_CONFIDENCE }], durationSec: 2 });
  });

  it('takes a text/plain answer', async () => {
    sttReply = () => HttpResponse.text('Lệ phí cấp hộ chiếu\n');
    const t = await stt.transcribe({ bytes: M4A, type: 'm4a' });
    expect(t).toEqual({ text: 'Lệ phí cấp hộ chiếu', alternatives: [{ text: 'Lệ phí cấp hộ chiếu', confidence: DEFAULT_CONFIDENCE }] });
  });

  it('turns a language name into its code', async () => {
    sttReply = () => HttpResponse.json({ text: 'hello', language: 'english', duration: 1.5 });
    expect(await stt.transcribe(audio, { lang: 'en' })).toMatchObject({ language: 'en', durationSec: 1.5 });
  });

  it('returns an empty text, with no alternatives, when nothing was heard', async () => {
    sttReply = () => HttpResponse.json({ text: '  ', segments: [] });
    expect(await stt.transcribe(audio)).toEqual({ text: '', alternatives: [], durationSec: 2 });
  });

  it('sends a multipart request: the file named after the sniffed type, model, language, verbose_json, temperature 0', async () => {
    await stt.transcribe({ ...audio, filename: 'C:\\ghi âm\\tin-nhan_01.mp3' });
    await stt.transcribe({ bytes: M4A, type: 'm4a' }, { lang: 'en' });
    expect(sttCalls[0]).toEqual({
      url: `${STT}/audio/transcriptions`,
      authorization: null,
      fields: { model: 'whisper-large-v3', language: 'vi', response_format: 'verbose_json', temperature: '0' },
      file: { name: 'tin-nhan_01.wav', type: 'audio/wav', size: audio.bytes.length },
    });
    expect(sttCalls[1]).toMatchObject({ fields: { language: 'en' }, file: { name: 'audio.m4a', type: 'audio/mp4', size: M4A.length } });
  });

  it('sends a bearer token only when an API key is configured', async () => {
    await createOpenAiStt({ baseUrl: STT, model: 'm', apiKey: API_KEY }).transcribe(audio);
    await createOpenAiStt({ baseUrl: STT, model: 'm', apiKey: '' }).transcribe(audio);
    expect(sttCalls.map((c) => c.authorization)).toEqual([`Bearer ${API_KEY}`, null]);
  });

  it('joins the base URL with or without a trailing slash, keeping /v1, and without /v1', async () => {
    for (const baseUrl of [STT, `${STT}/`, BARE_STT, `${BARE_STT}/`]) await createOpenAiStt({ baseUrl, model: 'm' }).transcribe(audio);
    expect(sttCalls.map((c) => c.url)).toEqual([
      `${STT}/audio/transcriptions`,
      `${STT}/audio/transcriptions`,
      `${BARE_STT}/audio/transcriptions`,
      `${BARE_STT}/audio/transcriptions`,
    ]);
  });

  it('gives up with stt_timeout (504) when the server is slower than timeoutMs', async () => {
    sttReply = async () => {
      await delay(2000);
      return HttpResponse.json({ text: 'too late' });
    };
    const started = Date.now();
    const e = await rejection(createOpenAiStt({ baseUrl: STT, model: 'm', timeoutMs: 100 }).transcribe(audio));
    expect(e).toMatchObject({ code: 'stt_timeout', status: 504 });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    sttReply = async () => {
      await delay(2000);
      return HttpResponse.json({ text: 'too late' });
    };
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('citizen left')), 50);
    await expect(stt.transcribe(audio, { signal: caller.signal })).rejects.toThrow('citizen left');
  });

  it('rejects audio over the size limit with audio_too_large (413) before any request', async () => {
    const e = await rejection(stt.transcribe({ bytes: wav(1, 10 * 1024 * 1024 + 1), type: 'wav' }));
    expect(e).toMatchObject({ code: 'audio_too_large', status: 413 });
    expect(seen).toEqual([]);
  });

  it('rejects bytes that are not audio with unsupported_audio_type (415) before any request, whatever the claimed type', async () => {
    const e = await rejection(stt.transcribe({ bytes: HTML, type: 'mp3', filename: 'voice.mp3' }));
    expect(e).toMatchObject({ code: 'unsupported_audio_type', status: 415 });
    expect(seen).toEqual([]);
  });

  it('rejects a WAV over the duration limit before any request', async () => {
    const e = await rejection(createOpenAiStt({ baseUrl: STT, model: 'm', maxDurationSec: 1 }).transcribe(audio));
    expect(e).toMatchObject({ code: 'audio_too_long', status: 422 });
    expect(seen).toEqual([]);
  });

  it('rejects with audio_too_long (422) when the server reports a duration over the limit', async () => {
    sttReply = () => HttpResponse.json({ text: 'một bài rất dài', duration: 185.2 });
    const e = await rejection(stt.transcribe({ bytes: M4A, type: 'm4a' }));
    expect(e).toMatchObject({ code: 'audio_too_long', status: 422 });
    expect(e.message).toMatch(/185\.2 s.*120 s/);
  });

  it('reports an upstream 500 as stt_failed (502) with the status, never the API key', async () => {
    sttReply = () => HttpResponse.json({ error: { message: `internal error for key ${API_KEY}` } }, { status: 500 });
    const e = await rejection(createOpenAiStt({ baseUrl: STT, model: 'm', apiKey: API_KEY }).transcribe(audio));
    expect(e).toMatchObject({ code: 'stt_failed', status: 502 });
    expect(e.message).toMatch(/answered 500/);
    expect(e.message).not.toContain(API_KEY);
  });

  it('maps an upstream 413 to audio_too_large', async () => {
    sttReply = () => HttpResponse.json({ error: 'Maximum content size limit exceeded' }, { status: 413 });
    expect(await rejection(stt.transcribe(audio))).toMatchObject({ code: 'audio_too_large', status: 413 });
  });

  it('maps a 400 about the audio format to unsupported_audio_type, and any other 400 to stt_failed', async () => {
    sttReply = () => HttpResponse.json({ error: { message: 'Invalid file format. Supported formats: flac, m4a, mp3, ogg, wav, webm' } }, { status: 400 });
    expect(await rejection(stt.transcribe(audio))).toMatchObject({ code: 'unsupported_audio_type', status: 415 });
    sttReply = () => HttpResponse.json({ error: { message: 'model "whisper-9" not found' } }, { status: 400 });
    expect(await rejection(stt.transcribe(audio))).toMatchObject({ code: 'stt_failed', status: 502 });
  });

  it('reports a JSON answer without a text as stt_failed', async () => {
    sttReply = () => HttpResponse.json({ result: 'ok' });
    expect(await rejection(stt.transcribe(audio))).toMatchObject({ code: 'stt_failed' });
  });

  it('fails with stt_not_configured (503) when no server is configured', async () => {
    expect(await rejection(createUnconfiguredStt().transcribe(audio))).toMatchObject({ code: 'stt_not_configured', status: 503 });
  });
});

describe('fetchRemoteAudio (mocked audio hosts)', () => {
  const allowHosts = ['.zdn.vn'];
  const URL_OK = 'https://voice-talk.zdn.vn/voice/2026/11/abc.m4a?token=t0k3n';
  const redirect = (location: string, status = 302) => new HttpResponse(null, { status, headers: { location } });

  it('downloads audio from an allowlisted https host and sniffs its type', async () => {
    const a = await fetchRemoteAudio(URL_OK, { allowHosts });
    expect(a).toMatchObject({ type: 'm4a', mime: 'audio/mp4' });
    expect(a.bytes).toEqual(M4A);
    expect(seen).toEqual([URL_OK]);
  });

  it('accepts an exactly listed host', async () => {
    expect((await fetchRemoteAudio('https://cdn.zdn.vn/a.m4a', { allowHosts: ['cdn.zdn.vn'] })).type).toBe('m4a');
  });

  it('rejects hosts off the allowlist before any request: another domain, look-alikes, the apex of a .domain entry', async () => {
    for (const url of ['https://evil.example/a.m4a', 'https://evilzdn.vn/a.m4a', 'https://zdn.vn.evil.example/a.m4a', 'https://zdn.vn/a.m4a'])
      expect(await rejection(fetchRemoteAudio(url, { allowHosts }))).toMatchObject({ code: 'host_not_allowed', status: 400 });
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts: [] }))).toMatchObject({ code: 'host_not_allowed' });
    expect(seen).toEqual([]);
  });

  it('rejects http, other ports, credentials and unparsable URLs before any request', async () => {
    for (const url of ['http://voice-talk.zdn.vn/a.m4a', 'https://voice-talk.zdn.vn:8443/a.m4a', 'https://user:pw@voice-talk.zdn.vn/a.m4a', 'ftp://voice-talk.zdn.vn/a', 'not a url'])
      expect(await rejection(fetchRemoteAudio(url, { allowHosts }))).toMatchObject({ code: 'host_not_allowed' });
    expect(seen).toEqual([]);
  });

  it('rejects IP literals, in any spelling, even when listed', async () => {
    const listed = [...allowHosts, '127.0.0.1', '[::1]', '169.254.169.254'];
    for (const url of ['https://127.0.0.1/a.m4a', 'https://2130706433/a.m4a', 'https://0x7f.1/a.m4a', 'https://[::1]/a.m4a', 'https://169.254.169.254/latest/meta-data'])
      expect(await rejection(fetchRemoteAudio(url, { allowHosts: listed }))).toMatchObject({ code: 'host_not_allowed' });
    expect(seen).toEqual([]);
  });

  it('refuses a redirect to a host off the allowlist without requesting it', async () => {
    audioReply = () => redirect('https://evil.example/steal');
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts }))).toMatchObject({ code: 'host_not_allowed' });
    expect(seen).toEqual([URL_OK]);
  });

  it('refuses a redirect down to http, or to an IP address', async () => {
    for (const to of ['http://cdn.zdn.vn/a.m4a', 'https://10.0.0.5/a.m4a']) {
      audioReply = () => redirect(to, 301);
      expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts }))).toMatchObject({ code: 'host_not_allowed' });
    }
    expect(seen.every((u) => u === URL_OK)).toBe(true);
  });

  it('follows redirects within the allowlist, relative ones included', async () => {
    audioReply = (url) => (url.pathname === '/start' ? redirect('/next', 307) : redirect('https://cdn.zdn.vn/final.m4a', 308));
    const a = await fetchRemoteAudio('https://voice-talk.zdn.vn/start', { allowHosts });
    expect(a.type).toBe('m4a');
    expect(seen).toEqual(['https://voice-talk.zdn.vn/start', 'https://voice-talk.zdn.vn/next', 'https://cdn.zdn.vn/final.m4a']);
  });

  it('stops after 3 redirects', async () => {
    audioReply = (url) => redirect(`/hop${Number(url.pathname.slice(4) || 0) + 1}`);
    expect(await rejection(fetchRemoteAudio('https://voice-talk.zdn.vn/hop0', { allowHosts }))).toMatchObject({ code: 'audio_fetch_failed', status: 502 });
    expect(seen).toHaveLength(4);
  });

  it('rejects a body whose Content-Length is over the limit without reading it', async () => {
    let pulled = 0;
    audioReply = () =>
      new HttpResponse(
        new ReadableStream({
          pull(c) {
            pulled++;
            c.enqueue(new Uint8Array(1024));
            if (pulled === 20) c.close();
          },
        }),
        { headers: { 'content-type': 'audio/mp4', 'content-length': String(20 * 1024) } },
      );
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts, maxBytes: 4096 }))).toMatchObject({ code: 'audio_too_large', status: 413 });
    expect(pulled).toBeLessThan(20);
  });

  it('aborts a streamed body without Content-Length once it passes the limit', async () => {
    let pulled = 0;
    audioReply = () =>
      new HttpResponse(
        new ReadableStream({
          pull(c) {
            // Endless unless the reader stops; the cap in the test keeps a broken reader from hanging it.
            c.enqueue(new Uint8Array(16 * 1024).fill(0xaa));
            if (++pulled === 10_000) c.close();
          },
        }),
        { headers: { 'content-type': 'audio/mpeg' } },
      );
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts, maxBytes: 100_000 }))).toMatchObject({ code: 'audio_too_large' });
    // 7 chunks pass the limit; nothing goes on reading afterwards. (msw does not pass the
    // cancellation on to this source stream, so how many were pulled is what can be checked.)
    await delay(100);
    expect(pulled).toBeLessThan(20);
  });

  it('rejects an HTML page served as audio with unsupported_audio_type (415)', async () => {
    audioReply = () => new HttpResponse(HTML, { headers: { 'content-type': 'audio/mpeg' } });
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts }))).toMatchObject({ code: 'unsupported_audio_type', status: 415 });
  });

  it('reports an error status, an empty body and a slow host', async () => {
    audioReply = () => new HttpResponse('gone', { status: 404 });
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts }))).toMatchObject({ code: 'audio_fetch_failed', status: 502 });
    audioReply = () => new HttpResponse(null, { status: 200 });
    expect(await rejection(fetchRemoteAudio(URL_OK, { allowHosts }))).toMatchObject({ code: 'audio_empty', status: 400 });
    audioReply = async () => {
      await delay(2000);
      return new HttpResponse(M4A);
    };
    const e = await rejection(fetchRemoteAudio(URL_OK, { allowHosts, timeoutMs: 100 }));
    expect(e).toMatchObject({ code: 'audio_fetch_failed', status: 502 });
    expect(e.message).toMatch(/within 100 ms/);
  });
});
