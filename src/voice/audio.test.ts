import { describe, expect, it } from 'vitest';
import { audioTypeForMime, checkAudio, sniffAudioType, VoiceError, wavDurationSec } from './audio.ts';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)));
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];

/** A real PCM WAV: the canonical 44-byte header, then `frames` samples per channel (a quiet saw wave). */
function wav({ sampleRate = 8000, channels = 1, bits = 16, frames = 8000 } = {}): Uint8Array {
  const blockAlign = channels * (bits / 8);
  const dataSize = frames * blockAlign;
  const header = bytes('RIFF', le32(36 + dataSize), 'WAVE', 'fmt ', le32(16), le16(1), le16(channels), le32(sampleRate), le32(sampleRate * blockAlign), le16(blockAlign), le16(bits), 'data', le32(dataSize));
  const out = new Uint8Array(44 + dataSize);
  out.set(header);
  for (let i = 44; i < out.length; i++) out[i] = (i * 7) & 0x3f;
  return out;
}

const SAMPLES = {
  wav: wav(),
  ogg: bytes('OggS', [0, 2], new Array(20).fill(0), [1, 19], 'OpusHead', [1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]),
  mp3: bytes([0xff, 0xfb, 0x90, 0x64], new Array(32).fill(0)),
  aac: bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc], new Array(16).fill(0)),
  m4a: bytes([0, 0, 0, 0x20], 'ftyp', 'M4A ', [0, 0, 0, 0], 'M4A ', 'mp42', 'isom', [0, 0, 0, 0]),
  webm: bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'),
};

function caught(fn: () => unknown): VoiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VoiceError) return e;
    throw e;
  }
  throw new Error('expected a VoiceError');
}

describe('sniffAudioType', () => {
  it.each(Object.entries(SAMPLES))('recognises %s from its first bytes', (type, b) => {
    expect(sniffAudioType(b)).toBe(type);
  });

  it('reads past an ID3 tag: MP3 frames behind it are mp3, ADTS frames are aac', () => {
    const id3 = [...ascii('ID3'), 4, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0];
    expect(sniffAudioType(bytes(id3, [0xff, 0xfb, 0x90, 0x64]))).toBe('mp3');
    expect(sniffAudioType(bytes(id3, [0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]))).toBe('aac');
  });

  it('takes an MP4 whose major brand is generic (isom, mp42) as m4a', () => {
    expect(sniffAudioType(bytes([0, 0, 0, 0x18], 'ftyp', 'isom', [0, 0, 2, 0], 'isom', 'iso2'))).toBe('m4a');
    expect(sniffAudioType(bytes([0, 0, 0, 0x14], 'ftyp', 'mp42', [0, 0, 0, 0], 'mp41'))).toBe('m4a');
  });

  it('rejects text, HTML, JSON, PNG, JPEG, PDF and HEIC bytes', () => {
    for (const b of [
      bytes('hello, this is not audio'),
      bytes('<!DOCTYPE html><html><body>403 Forbidden</body></html>'),
      bytes('{"error":"not found"}'),
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'),
      bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'),
      bytes('%PDF-1.7\n'),
      bytes([0, 0, 0, 0x18], 'ftyp', 'heic', [0, 0, 0, 0], 'mif1', 'heic'),
      bytes('RIFF', le32(4), 'AVI '),
      bytes([0xff, 0xfe, 0x00, 0x00]),
    ])
      expect(sniffAudioType(b)).toBeNull();
  });

  it('returns null for empty or truncated input', () => {
    expect(sniffAudioType(new Uint8Array(0))).toBeNull();
    expect(sniffAudioType(bytes('Ogg'))).toBeNull();
    expect(sniffAudioType(bytes([0xff]))).toBeNull();
  });
});

describe('audioTypeForMime', () => {
  it('maps claimed content types and their aliases, ignoring parameters and case', () => {
    expect(audioTypeForMime('audio/x-m4a')).toBe('m4a');
    expect(audioTypeForMime('audio/webm;codecs=opus')).toBe('webm');
    expect(audioTypeForMime('Audio/X-WAV')).toBe('wav');
    expect(audioTypeForMime('application/ogg')).toBe('ogg');
    expect(audioTypeForMime('text/html')).toBeNull();
  });
});

describe('wavDurationSec', () => {
  it('is exact for a canonical PCM file', () => {
    expect(wavDurationSec(wav({ sampleRate: 8000, frames: 12_000 }))).toBe(1.5);
    expect(wavDurationSec(wav({ sampleRate: 16_000, channels: 2, bits: 16, frames: 4000 }))).toBe(0.25);
  });

  it('finds the chunks in any order and skips the pad byte after an odd-sized chunk', () => {
    const pcm = new Uint8Array(16_000); // 1 s of 16-bit mono at 8 kHz
    const b = bytes(
      'RIFF', le32(0), 'WAVE',
      'LIST', le32(3), 'abc', [0],
      'data', le32(pcm.length), [...pcm],
      'fmt ', le32(16), le16(1), le16(1), le32(8000), le32(16_000), le16(2), le16(16),
    );
    expect(wavDurationSec(b)).toBe(1);
  });

  it('counts the bytes present when a streaming writer left the data size open', () => {
    const b = wav({ frames: 4000 });
    b.set(le32(0xffffffff), 40);
    expect(wavDurationSec(b)).toBe(0.5);
  });

  it('is null without a fmt chunk, or for bytes that are not WAV', () => {
    expect(wavDurationSec(bytes('RIFF', le32(12), 'WAVE', 'data', le32(4), [0, 0, 0, 0]))).toBeNull();
    expect(wavDurationSec(SAMPLES.mp3)).toBeNull();
  });
});

describe('checkAudio', () => {
  it('decides type and mime from the bytes and measures a WAV', () => {
    expect(checkAudio(wav({ frames: 16_000 }))).toEqual({ type: 'wav', mime: 'audio/wav', durationSec: 2 });
    expect(checkAudio(SAMPLES.m4a)).toEqual({ type: 'm4a', mime: 'audio/mp4', durationSec: null });
  });

  it('rejects empty audio with audio_empty (400)', () => {
    expect(caught(() => checkAudio(new Uint8Array(0)))).toMatchObject({ code: 'audio_empty', status: 400 });
  });

  it('rejects bytes that are not audio with unsupported_audio_type (415)', () => {
    expect(caught(() => checkAudio(bytes('<html><body>Not found</body></html>')))).toMatchObject({ code: 'unsupported_audio_type', status: 415 });
  });

  it('rejects audio over the size limit with audio_too_large (413), and accepts it at the limit', () => {
    const b = wav({ frames: 100 });
    expect(caught(() => checkAudio(b, { maxBytes: b.length - 1 }))).toMatchObject({ code: 'audio_too_large', status: 413 });
    expect(checkAudio(b, { maxBytes: b.length }).type).toBe('wav');
  });

  it('applies the 10 MB default size limit', () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(wav({ frames: 1 }));
    expect(caught(() => checkAudio(big))).toMatchObject({ code: 'audio_too_large' });
  });

  it('rejects a WAV longer than the limit with audio_too_long (422), and accepts one exactly at it', () => {
    expect(caught(() => checkAudio(wav({ frames: 8000 * 3 + 1 }), { maxDurationSec: 3 }))).toMatchObject({ code: 'audio_too_long', status: 422 });
    expect(checkAudio(wav({ frames: 8000 * 3 }), { maxDurationSec: 3 }).durationSec).toBe(3);
    expect(caught(() => checkAudio(wav({ frames: 8000 * 121 })))).toMatchObject({ code: 'audio_too_long' });
  });
});
