// Audio that citizens send (uploaded, or a URL from a channel such as Zalo) is checked here before
// anything else touches it. The type comes from the bytes, never from a claimed content type or file
// name alone: a client can call anything `audio/mpeg`. Only web platform APIs (fetch, AbortSignal,
// Uint8Array, URL) are used, so the same code runs on Node and on Cloudflare Workers.
import { discard, readCapped } from '../http/body.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type AudioType = 'aac' | 'm4a' | 'mp3' | 'ogg' | 'wav' | 'webm';

/** The mime type sent along with each type (e.g. to the speech-to-text server). */
export const AUDIO_MIME: Record<AudioType, string> = {
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  webm: 'audio/webm',
};

const MIME_ALIASES: Record<string, AudioType> = {
  'audio/aac': 'aac',
  'audio/x-aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'application/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/webm': 'webm',
};

/** The type a claimed content type names (parameters such as `;codecs=opus` ignored), or null. A hint only: `checkAudio` decides. */
export function audioTypeForMime(mime: string): AudioType | null {
  return MIME_ALIASES[mime.split(';')[0]!.trim().toLowerCase()] ?? null;
}

export const AUDIO_LIMITS = { maxBytes: 10 * 1024 * 1024, maxDurationSec: 120 } as const;

export type VoiceErrorCode =
  | 'audio_too_large'
  | 'unsupported_audio_type'
  | 'audio_too_long'
  | 'audio_empty'
  | 'host_not_allowed'
  | 'audio_fetch_failed'
  | 'stt_timeout'
  | 'stt_failed'
  | 'stt_not_configured';

// audio_too_long is 422, not 413: the body is within the size limit and well formed, it is its
// content (the recording's length) that cannot be processed.
export const VOICE_ERROR_STATUS: Record<VoiceErrorCode, ContentfulStatusCode> = {
  audio_too_large: 413,
  unsupported_audio_type: 415,
  audio_too_long: 422,
  audio_empty: 400,
  host_not_allowed: 400,
  audio_fetch_failed: 502,
  stt_timeout: 504,
  stt_failed: 502,
  stt_not_configured: 503,
};

/** Every failure of the voice path. Messages are English and meant for logs; never carries a secret. */
export class VoiceError extends Error {
  override name = 'VoiceError';
  constructor(
    readonly code: VoiceErrorCode,
    message: string,
    readonly status: ContentfulStatusCode = VOICE_ERROR_STATUS[code],
  ) {
    super(message);
  }
}

const ascii = (b: Uint8Array, at: number, s: string) => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};
const text4 = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);

/** An MPEG-1/2/2.5 Layer III frame header: sync, a valid version, layer III, a usable bitrate and sample rate. */
function isMp3Frame(b: Uint8Array, at: number): boolean {
  if (b.length < at + 4 || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return false;
  const version = (b[at + 1]! >> 3) & 3;
  const layer = (b[at + 1]! >> 1) & 3;
  const bitrate = b[at + 2]! >> 4;
  const sampleRate = (b[at + 2]! >> 2) & 3;
  return version !== 1 && layer === 1 && bitrate !== 0xf && sampleRate !== 3;
}

/** An ADTS (raw AAC) frame header: 12-bit sync, layer 00, a valid sampling-frequency index. */
function isAdtsFrame(b: Uint8Array, at: number): boolean {
  if (b.length < at + 7 || b[at] !== 0xff || (b[at + 1]! & 0xf6) !== 0xf0) return false;
  return ((b[at + 2]! >> 2) & 0xf) < 13;
}

// ISO BMFF brands of audio-only or general MP4 files. Whisper servers decode the audio track of
// any of them; image brands (HEIF, AVIF) share the container and are refused explicitly.
const MP4_AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'mp41', 'mp42', 'isom', 'iso2', 'iso4', 'iso5', 'iso6', 'dash', 'MSNV', 'f4a ']);
const MP4_IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'crx ']);

function isMp4Audio(b: Uint8Array): boolean {
  if (b.length < 16 || !ascii(b, 4, 'ftyp')) return false;
  const major = text4(b, 8);
  if (MP4_IMAGE_BRANDS.has(major)) return false;
  if (MP4_AUDIO_BRANDS.has(major)) return true;
  const end = Math.min(u32be(b, 0), b.length);
  for (let at = 16; at + 4 <= end; at += 4) if (MP4_AUDIO_BRANDS.has(text4(b, at))) return true;
  return false;
}

/** The audio type of a file from its first bytes, or null when it is not one of the supported types. */
export function sniffAudioType(bytes: Uint8Array): AudioType | null {
  const b = bytes;
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return 'wav';
  if (ascii(b, 0, 'OggS') && b[4] === 0) return 'ogg';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
  if (isMp4Audio(b)) return 'm4a';
  if (ascii(b, 0, 'ID3') && b.length >= 10) {
    // An ID3v2 tag usually precedes MP3 frames, but AAC streams carry one too: look past it when the bytes are there.
    const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
    const after = 10 + size + (b[5]! & 0x10 ? 10 : 0);
    return isAdtsFrame(b, after) ? 'aac' : 'mp3';
  }
  if (isAdtsFrame(b, 0)) return 'aac';
  if (isMp3Frame(b, 0)) return 'mp3';
  return null;
}

/** PCM, IEEE float, extensible (which wraps one of them). */
const PCM_FORMATS = new Set([0x0001, 0x0003, 0xfffe]);

/**
 * The exact length of a WAV file in seconds, from its `fmt ` and `data` chunks (in any order, with
 * the pad byte after odd-sized chunks), or null when they are missing or inconsistent. A data chunk
 * whose size overruns the file (streaming writers leave 0xFFFFFFFF there) counts the bytes present.
 */
export function wavDurationSec(bytes: Uint8Array): number | null {
  if (!ascii(bytes, 0, 'RIFF') || !ascii(bytes, 8, 'WAVE')) return null;
  let byteRate: number | null = null;
  let dataBytes: number | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = text4(bytes, at);
    const size = u32le(bytes, at + 4);
    const body = at + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= bytes.length) {
      const format = u16le(bytes, body);
      const sampleRate = u32le(bytes, body + 4);
      const blockAlign = u16le(bytes, body + 12);
      // For PCM and float samples, sampleRate × blockAlign is exact whatever the byteRate field says
      // (some writers get it wrong); compressed formats only have the field's average.
      byteRate = PCM_FORMATS.has(format) && sampleRate * blockAlign ? sampleRate * blockAlign : u32le(bytes, body + 8);
    } else if (id === 'data') {
      const present = bytes.length - body;
      if (size > present) {
        dataBytes = present;
        break;
      }
      dataBytes = size;
    }
    at = body + size + (size & 1);
  }
  if (!byteRate || dataBytes === null) return null;
  return dataBytes / byteRate;
}

export interface AudioLimits {
  maxBytes?: number;
  maxDurationSec?: number;
}

export interface CheckedAudio {
  type: AudioType;
  mime: string;
  /** Known exactly for WAV; other types are measured by the speech-to-text server. */
  durationSec: number | null;
}

/** Checks audio bytes against the limits and decides their type from the bytes themselves. */
export function checkAudio(bytes: Uint8Array, opts: AudioLimits = {}): CheckedAudio {
  const maxBytes = opts.maxBytes ?? AUDIO_LIMITS.maxBytes;
  const maxDurationSec = opts.maxDurationSec ?? AUDIO_LIMITS.maxDurationSec;
  if (bytes.length === 0) throw new VoiceError('audio_empty', 'the audio is empty');
  if (bytes.length > maxBytes) throw new VoiceError('audio_too_large', `the audio is ${bytes.length} bytes, over the limit of ${maxBytes}`);
  const type = sniffAudioType(bytes);
  if (!type) throw new VoiceError('unsupported_audio_type', 'the bytes are not AAC, M4A, MP3, Ogg, WAV or WebM audio');
  const durationSec = type === 'wav' ? wavDurationSec(bytes) : null;
  if (durationSec !== null && durationSec > maxDurationSec)
    throw new VoiceError('audio_too_long', `the audio lasts ${durationSec.toFixed(1)} s, over the limit of ${maxDurationSec} s`);
  return { type, mime: AUDIO_MIME[type], durationSec };
}

export interface FetchAudioOptions extends AudioLimits {
  /** Hosts audio may come from: `cdn.example.vn` exactly, or `.example.vn` for any subdomain of it (not the apex itself). */
  allowHosts: string[];
  /** The whole download, redirects and body included. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export const FETCH_AUDIO_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

const normalHost = (h: string) => h.trim().toLowerCase().replace(/\.$/, '');

/**
 * Throws unless the URL is one this service may fetch: https on the default port, no credentials,
 * a host name (not an IP literal) on the allowlist. DNS is not consulted (Workers cannot), so the
 * allowlist must name hosts that only serve public content.
 */
export function assertAllowedAudioUrl(raw: string | URL, allowHosts: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VoiceError('host_not_allowed', 'the audio URL does not parse');
  }
  if (url.protocol !== 'https:') throw new VoiceError('host_not_allowed', `audio URLs must use https, not ${url.protocol}`);
  if (url.username || url.password) throw new VoiceError('host_not_allowed', 'audio URLs must not carry credentials');
  if (url.port) throw new VoiceError('host_not_allowed', `audio URLs must use the default https port, not ${url.port}`);
  const host = normalHost(url.hostname);
  // The URL parser has already turned decimal, octal and hex spellings of IPv4 into dotted quads.
  if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) throw new VoiceError('host_not_allowed', `audio URLs must name a host, not an IP address (${host})`);
  const allowed = allowHosts.some((entry) => {
    const e = normalHost(entry);
    return e.startsWith('.') ? e.length > 1 && host.endsWith(e) : e !== '' && host === e;
  });
  if (!allowed) throw new VoiceError('host_not_allowed', `audio host ${host} is not on the allowlist`);
  return url;
}


/**
 * Downloads audio a channel points to (a Zalo voice message, say) without letting the URL reach
 * anything else: every URL, redirects included, must pass `assertAllowedAudioUrl` before it is
 * requested; the body is capped while it streams; then the bytes go through `checkAudio`.
 */
export async function fetchRemoteAudio(url: string, opts: FetchAudioOptions): Promise<CheckedAudio & { bytes: Uint8Array }> {
  const maxBytes = opts.maxBytes ?? AUDIO_LIMITS.maxBytes;
  const timeoutMs = opts.timeoutMs ?? FETCH_AUDIO_TIMEOUT_MS;
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  let current = assertAllowedAudioUrl(url, opts.allowHosts);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      const res = await doFetch(current, { redirect: 'manual', signal: controller.signal, headers: { accept: 'audio/*' } });
      if (res.status >= 300 && res.status < 400) {
        discard(res);
        const location = res.headers.get('location');
        if (!location) throw new VoiceError('audio_fetch_failed', `the audio host answered ${res.status} without a Location`);
        if (hop >= MAX_REDIRECTS) throw new VoiceError('audio_fetch_failed', `more than ${MAX_REDIRECTS} redirects`);
        current = assertAllowedAudioUrl(new URL(location, current), opts.allowHosts);
        continue;
      }
      if (!res.ok) {
        discard(res);
        throw new VoiceError('audio_fetch_failed', `the audio host answered ${res.status}`);
      }
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (length > maxBytes) {
        discard(res);
        throw new VoiceError('audio_too_large', `the audio is ${length} bytes, over the limit of ${maxBytes}`);
      }
      const { bytes, overflowed } = await readCapped(res, maxBytes);
      if (overflowed) throw new VoiceError('audio_too_large', `the audio is over the limit of ${maxBytes} bytes`);
      return { bytes, ...checkAudio(bytes, opts) };
    }
  } catch (e) {
    if (e instanceof VoiceError) throw e;
    if (controller.signal.aborted) throw new VoiceError('audio_fetch_failed', `the audio download did not finish within ${timeoutMs} ms`);
    throw new VoiceError('audio_fetch_failed', `the audio download failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
    // Drops the connection of any body left unread (an oversized one, a redirect's); a no-op after a full read.
    controller.abort();
  }
}
