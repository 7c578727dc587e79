import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite.ts';
import { createSealer } from '../../src/privacy/seal.ts';
import { runCli } from '../support/cli.ts';
import { PHONE, RAW_QUESTION, seedCitizen, TEST_KEY } from './fixtures.ts';

const ZALO = '7777777777777777777';

describe('hoidap retention and hoidap citizen', () => {
  it('refuses bad usage with exit 2 and a message that says what is wrong, before touching the store', async () => {
    const env = { DATA_DIR: join(tmpdir(), 'hoidap-never-created'), LOG_LEVEL: 'silent' };
    const bad: [string[], RegExp][] = [
      [['citizen', 'delete', '--conversation', 'abc'], /add --yes/],
      [['citizen', 'export'], /exactly one of --conversation ID or --zalo-user ID/],
      [['citizen', 'export', '--conversation', 'abc', '--zalo-user', '123'], /exactly one of/],
      [['citizen', 'delete', '--zalo-user', 'không-phải-số', '--yes'], /--zalo-user must be a Zalo user id/],
      [['citizen', 'export', '--conversation', 'abc', '--yes'], /--yes goes with citizen delete/],
      [['citizen', 'forget', '--conversation', 'abc'], /expected export or delete, got "forget"/],
      [['retention', '--months', 'mười hai'], /--months must be a whole number/],
      [['retention', '--days', '3'], /Unknown option '--days'/],
    ];
    for (const [args, message] of bad) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(() => statSync(env.DATA_DIR)).toThrow();
  }, 120_000);

  it('exports a Zalo citizen with the raw words to a private file, deletes them, then finds nothing; retention runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoidap-citizen-'));
    const env = { DATA_DIR: join(dir, 'store'), LOG_LEVEL: 'silent', DATA_ENCRYPTION_KEY: TEST_KEY };
    // The first command creates and migrates the store; then the citizen's rows are written into it.
    const dry = await runCli(['retention', '--dry-run', '--json'], env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ months: 12, conversations: 0, dryRun: true });
    const db = await openPglite(env.DATA_DIR);
    await seedCitizen(db, createSealer(TEST_KEY), { at: new Date(), channel: 'zalo', zaloUserId: ZALO, ticketStatus: 'claimed' });
    await db.close();

    const out = join(dir, 'citizen.json');
    const exported = await runCli(['citizen', 'export', '--zalo-user', ZALO, '--out', out], env);
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { conversations: { turns: { text: string }[] }[]; zalo: { inbox: unknown[] } };
    expect(file.conversations[0]!.turns[0]!.text).toBe(RAW_QUESTION);
    expect(file.zalo.inbox).toHaveLength(1);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const deleted = await runCli(['citizen', 'delete', '--zalo-user', ZALO, '--yes'], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ conversations: 1, tickets: 1, zaloInbox: 1, zaloSent: 1 });
    const again = await runCli(['citizen', 'export', '--zalo-user', ZALO], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(`nothing is held about zalo:${ZALO}`);

    const run = await runCli(['retention', '--months', '6'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Đã xoá:/);

    const check = await openPglite(env.DATA_DIR);
    const audit = await check.query<{ actor_name: string; action: string }>('SELECT actor_name, action FROM audit_log ORDER BY id');
    const text = JSON.stringify(await check.query('SELECT * FROM audit_log'));
    await check.close();
    expect(audit).toEqual([
      { actor_name: 'cli', action: 'citizen.export' },
      { actor_name: 'cli', action: 'citizen.delete' },
      { actor_name: 'cli', action: 'retention.run' },
    ]);
    expect(text).not.toContain(PHONE);
  }, 240_000);
});
