import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';

describe('hoidap staff', () => {
  it('adds staff with the password from the environment, lists them, issues an API token, and refuses bad flags', async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'hoidap-staff-')), LOG_LEVEL: 'silent' };
    const add = await runCli(['staff', 'add', '--email', 'Can.Bo@Xa.test', '--name', 'Nguyễn Văn An', '--agency', 'cong-an-xa', '--role', 'officer'], { ...env, HOIDAP_STAFF_PASSWORD: 'một mật khẩu dài' });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('can.bo@xa.test (officer, cong-an-xa)');

    const list = await runCli(['staff', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual([{ email: 'can.bo@xa.test', name: 'Nguyễn Văn An', agency: 'cong-an-xa', role: 'officer', disabled: false }]);

    const token = await runCli(['staff', 'token', '--email', 'can.bo@xa.test', '--days', '30'], env);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^hd_[\w-]{43}$/);

    const bad: [string[], RegExp][] = [
      [['staff', 'add', '--email', 'nope', '--name', 'X', '--agency', 'cong-an-xa', '--role', 'officer'], /--email/],
      [['staff', 'add', '--email', 'a@b.vn', '--name', 'X', '--agency', 'khong-co', '--role', 'officer'], /--agency must be one of/],
      [['staff', 'add', '--email', 'a@b.vn', '--name', 'X', '--agency', 'cong-an-xa', '--role', 'boss'], /--role/],
      [['staff', 'token', '--email', 'a@b.vn', '--days', 'x'], /--days/],
      [['staff', 'fire'], /expected add, token or list/],
    ];
    for (const [args, message] of bad) {
      const r = await runCli(args, { ...env, HOIDAP_STAFF_PASSWORD: 'một mật khẩu dài' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const short = await runCli(['staff', 'add', '--email', 'a@b.vn', '--name', 'X', '--agency', 'cong-an-xa', '--role', 'officer'], { ...env, HOIDAP_STAFF_PASSWORD: 'ngắn' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 10 characters/);
    const unknown = await runCli(['staff', 'token', '--email', 'ai@do.vn'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no staff account/);
  }, 120_000);
});
