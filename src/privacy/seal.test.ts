import { describe, expect, it } from 'vitest';
import { createSealer } from './seal.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER = Buffer.alloc(32, 9).toString('base64');

describe('createSealer', () => {
  it('seals with AES-GCM so that only the same key opens it', async () => {
    const s = createSealer(KEY);
    const sealed = await s.seal('CCCD của tôi là 001203004567');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('001203004567');
    expect(await s.open(sealed)).toBe('CCCD của tôi là 001203004567');
    expect(await createSealer(OTHER).open(sealed)).toBeNull();
  });

  it('uses a fresh nonce each time', async () => {
    const s = createSealer(KEY);
    expect(await s.seal('0912345678')).not.toBe(await s.seal('0912345678'));
  });

  it('keeps nothing when the masked text already equals the raw text, or without a key', async () => {
    expect(await createSealer(KEY).seal('gia hạn tạm trú', 'gia hạn tạm trú')).toBeNull();
    const none = createSealer(undefined);
    expect(none.enabled).toBe(false);
    expect(await none.seal('0912345678')).toBeNull();
  });

  it('refuses a tampered value', async () => {
    const s = createSealer(KEY);
    const sealed = (await s.seal('0912345678'))!;
    const flipped = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
    expect(await s.open(flipped)).toBeNull();
    expect(await s.open('not sealed')).toBeNull();
  });
});
