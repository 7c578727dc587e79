import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('hoidap apikey', () => {
  it('creates a key printed once, lists keys without them, revokes one, and refuses bad flags', async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'hoidap-apikey-')), LOG_LEVEL: 'silent' };
    const created = await runCli(['apikey', 'create', '--agency', 'tu-phap-xa', '--name', 'Cổng hộ tịch'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^hdk_tu-phap-xa_[\w-]{43}$/);
    expect(created.stderr).toMatch(/chỉ hiện một lần.*shown only once/s);
    const second = await runCli(['apikey', 'create', '--agency', 'cong-an-xa', '--name', 'Cổng công an'], env);
    expect(second.stdout.trim()).not.toBe(key);

    const list = await runCli(['apikey', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: number; agency: string; name: string; prefix: string; revokedAt: string | null }[];
    expect(rows.map((r) => [r.agency, r.name, r.revokedAt])).toEqual([
      ['cong-an-xa', 'Cổng công an', null],
      ['tu-phap-xa', 'Cổng hộ tịch', null],
    ]);
    expect(key.startsWith(rows[1]!.prefix)).toBe(true);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout).not.toContain(createHash('sha256').update(key).digest('hex'));
    const only = JSON.parse((await runCli(['apikey', 'list', '--agency', 'tu-phap-xa', '--json'], env)).stdout) as unknown[];
    expect(only).toHaveLength(1);

    const revoked = await runCli(['apikey', 'revoke', '--id', String(rows[1]!.id)], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked/);
    const text = await runCli(['apikey', 'list'], env);
    expect(text.stdout).toMatch(new RegExp(`^${rows[1]!.id}\\ttu-phap-xa\\t.*revoked`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^${rows[0]!.id}\\tcong-an-xa\\t.*never used`, 'm'));

    const bad: [string[], number, RegExp][] = [
      [['apikey', 'create', '--agency', 'khong-co', '--name', 'x'], 2, /--agency must be one of/],
      [['apikey', 'create', '--agency', 'cong-an-xa'], 2, /--name is required/],
      [['apikey', 'revoke', '--id', 'abc'], 2, /--id must be a key number/],
      [['apikey', 'revoke', '--id', '999'], 1, /no API key #999/],
      [['apikey', 'rotate'], 2, /expected create, list or revoke/],
    ];
    for (const [args, code, message] of bad) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
    }
  }, 180_000);
});
