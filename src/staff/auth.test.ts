import { describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT, verifyPassword } from './auth.ts';

describe('staff passwords', () => {
  it('hashes with scrypt and a random salt, and verifies only the right password', async () => {
    const a = await hashPassword('mật khẩu đủ dài 123');
    const b = await hashPassword('mật khẩu đủ dài 123');
    expect(a).toMatch(new RegExp(`^scrypt\\$${SCRYPT.N}\\$${SCRYPT.r}\\$${SCRYPT.p}\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(a).not.toBe(b);
    expect(await verifyPassword('mật khẩu đủ dài 123', a)).toBe(true);
    expect(await verifyPassword('mật khẩu đủ dài 124', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('uses a memory-hard setting (at least 32 MiB per hash)', () => {
    expect(128 * SCRYPT.N * SCRYPT.r).toBeGreaterThanOrEqual(32 * 1024 * 1024);
  });

  it('rejects malformed or tampered hashes instead of throwing', async () => {
    const h = await hashPassword('một mật khẩu');
    expect(await verifyPassword('một mật khẩu', 'plain-text')).toBe(false);
    const parts = h.split('$');
    parts[5] = `${parts[5]!.slice(0, -2)}AA`;
    expect(await verifyPassword('một mật khẩu', parts.join('$'))).toBe(false);
  });
});
