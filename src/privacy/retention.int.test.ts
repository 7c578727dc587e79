import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDb, type TestDb } from '../../test/support/db.ts';
import { countRows, monthsAgo, PHONE, seedCitizen, TEST_KEY } from '../../test/privacy/fixtures.ts';
import { createSealer } from './seal.ts';
import { runRetention, runRetentionIfDue, scheduleRetention } from './retention.ts';

const NOW = new Date('2026-11-24T03:00:00Z');
const sealer = createSealer(TEST_KEY);

let t: TestDb | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const exists = async (db: TestDb['db'], id: string) => (await db.query('SELECT 1 FROM conversations WHERE id = $1', [id])).length === 1;

describe.each(DRIVERS)('retention over %s', (driver) => {
  it('deletes conversations idle past the window with everything under them, keeps recent ones and those with an open ticket', async () => {
    t = await openTestDb(driver);
    const { db } = t;
    const old = await seedCitizen(db, sealer, { at: monthsAgo(NOW, 13), ticketStatus: 'closed', proposals: ['approved', 'rejected', 'proposed'] });
    const oldNoTicket = await seedCitizen(db, sealer, { at: monthsAgo(NOW, 12, 1) });
    const recent = await seedCitizen(db, sealer, { at: monthsAgo(NOW, 11), ticketStatus: 'closed' });
    const oldOpen = await seedCitizen(db, sealer, { at: monthsAgo(NOW, 20), ticketStatus: 'waiting_citizen' });
    const before = await countRows(db);

    const r = await runRetention(db, { now: NOW, months: 12 });

    expect(await exists(db, old.conversationId)).toBe(false);
    expect(await exists(db, oldNoTicket.conversationId)).toBe(false);
    expect(await exists(db, recent.conversationId)).toBe(true);
    expect(await exists(db, oldOpen.conversationId)).toBe(true);
    // Two conversations of two turns, one answer and one feedback each; one ticket with two events and a delivery.
    expect(r).toMatchObject({ conversations: 2, turns: 4, answers: 2, feedback: 2, tickets: 1, ticketEvents: 2, deliveries: 1, proposalsDeleted: 1, proposalsKept: 2, dryRun: false });
    const after = await countRows(db);
    expect(before.turns - after.turns).toBe(4);
    expect(before.ticket_events - after.ticket_events).toBe(2);
    expect(before.qa_proposals - after.qa_proposals).toBe(1);

    // The approved (and the pending) proposal survive, cut loose from the ticket, masked, the raw words gone.
    const kept = await db.query<{ id: number; status: string; ticket_id: number | null; question: string; question_sealed: string | null }>('SELECT * FROM qa_proposals WHERE id = ANY($1::int[]) ORDER BY id', [old.proposalIds]);
    expect(kept.map((p) => p.status)).toEqual(['approved', 'proposed']);
    for (const p of kept) {
      expect(p.ticket_id).toBeNull();
      expect(p.question_sealed).toBeNull();
      expect(p.question).not.toContain(PHONE);
      expect(p.question).toContain('Đăng ký thường trú');
    }

    const [a] = await db.query<{ actor: number | null; actor_name: string; action: string; detail: Record<string, unknown> }>(`SELECT * FROM audit_log WHERE action = 'retention.run'`);
    expect(a).toMatchObject({ actor: null, actor_name: 'system', detail: { conversations: 2, tickets: 1, months: 12 } });
  }, 60_000);
});

describe('retention', () => {
  // One database for these tests (migrating one costs seconds), emptied before each.
  let shared: TestDb;
  beforeAll(async () => {
    shared = await openTestDb('pglite');
  }, 60_000);
  afterAll(() => shared.close());
  beforeEach(async () => {
    await shared.db.exec(`TRUNCATE conversations, qa_proposals, zalo_inbox, zalo_sent, staff, audit_log CASCADE; DELETE FROM meta WHERE key = 'retention.last_run'`);
  });

  it('deletes Zalo records and audit rows past their windows and expired staff sessions, and nothing newer', async () => {
    const { db } = shared;
    const oldZalo = await seedCitizen(db, sealer, { at: monthsAgo(NOW, 14), channel: 'zalo', zaloUserId: '1111111111111111111' });
    await seedCitizen(db, sealer, { at: monthsAgo(NOW, 2), channel: 'zalo', zaloUserId: '2222222222222222222' });
    const [s] = await db.query<{ id: number }>(`INSERT INTO staff (email, name, agency, role, password_hash) VALUES ('a@b.test', 'A', 'cong-an-xa', 'officer', 'x') RETURNING id`);
    await db.query(`INSERT INTO staff_sessions (token_hash, staff_id, csrf, expires_at) VALUES ('old', $1, 'c', $2), ('live', $1, 'c', $3)`, [s!.id, new Date(NOW.getTime() - 1000), new Date(NOW.getTime() + 3600_000)]);
    await db.query(`INSERT INTO audit_log (at, actor_name, action) VALUES ($1, 'cli', 'old.thing'), ($2, 'cli', 'recent.thing')`, [monthsAgo(NOW, 25), monthsAgo(NOW, 23)]);

    const r = await runRetention(db, { now: NOW, months: 12 });

    expect(r).toMatchObject({ conversations: 1, zaloInbox: 1, zaloSent: 1, staffSessions: 1, auditRows: 1 });
    expect(await exists(db, oldZalo.conversationId)).toBe(false);
    expect((await db.query<{ user_id: string }>('SELECT user_id FROM zalo_inbox')).map((x) => x.user_id)).toEqual(['2222222222222222222']);
    expect((await db.query<{ user_id: string }>('SELECT user_id FROM zalo_sent')).map((x) => x.user_id)).toEqual(['2222222222222222222']);
    expect((await db.query<{ token_hash: string }>('SELECT token_hash FROM staff_sessions')).map((x) => x.token_hash)).toEqual(['live']);
    expect((await db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id')).map((x) => x.action)).toEqual(['recent.thing', 'retention.run']);
  });

  it('works through more conversations than one batch', async () => {
    const { db } = shared;
    for (let i = 0; i < 5; i++) await seedCitizen(db, sealer, { at: monthsAgo(NOW, 13, i), ticketStatus: 'answered' });
    const r = await runRetention(db, { now: NOW, months: 12, batchSize: 2 });
    expect(r.conversations).toBe(5);
    expect(r.tickets).toBe(5);
    expect((await countRows(db)).conversations).toBe(0);
  });

  it('counts without deleting on a dry run, the same counts a real run then deletes', async () => {
    const { db } = shared;
    await seedCitizen(db, sealer, { at: monthsAgo(NOW, 13), ticketStatus: 'closed', proposals: ['approved', 'rejected'] });
    await seedCitizen(db, sealer, { at: monthsAgo(NOW, 13), ticketStatus: 'new' });
    await seedCitizen(db, sealer, { at: monthsAgo(NOW, 15), channel: 'zalo', zaloUserId: '3333333333333333333' });
    const before = await countRows(db);
    const dry = await runRetention(db, { now: NOW, months: 12, dryRun: true });
    expect(await countRows(db)).toEqual(before);
    expect((await db.query('SELECT 1 FROM audit_log')).length).toBe(0);
    const real = await runRetention(db, { now: NOW, months: 12 });
    expect({ ...dry, dryRun: false }).toEqual(real);
    expect(real.conversations).toBe(2);
  });

  it('keeps every conversation when the window is 0 months', async () => {
    const { db } = shared;
    await seedCitizen(db, sealer, { at: monthsAgo(NOW, 60), ticketStatus: 'closed', channel: 'zalo', zaloUserId: '4444444444444444444' });
    const before = await countRows(db);
    const r = await runRetention(db, { now: NOW, months: 0 });
    expect(r.cutoff).toBeNull();
    expect(await countRows(db)).toEqual(before);
  });

  it('runs a pass from the serve timer, which stops cleanly', async () => {
    const { db } = shared;
    const old = await seedCitizen(db, sealer, { at: monthsAgo(NOW, 13) });
    const logged: string[] = [];
    const timer = scheduleRetention({ db, months: 12, now: () => NOW, log: (_l, msg) => logged.push(msg), firstAfterMs: 0, checkEveryMs: 60_000 });
    await expect.poll(() => logged, { timeout: 10_000 }).toEqual(['retention pass']);
    await timer.stop();
    expect(await exists(db, old.conversationId)).toBe(false);
  });

  it('runs at most once a day however often it is asked', async () => {
    const { db } = shared;
    expect(await runRetentionIfDue(db, { now: NOW, months: 12 })).not.toBeNull();
    expect(await runRetentionIfDue(db, { now: new Date(NOW.getTime() + 3600_000), months: 12 })).toBeNull();
    expect(await runRetentionIfDue(db, { now: new Date(NOW.getTime() + 25 * 3600_000), months: 12 })).not.toBeNull();
    expect((await db.query(`SELECT 1 FROM audit_log WHERE action = 'retention.run'`)).length).toBe(2);
  });
});
