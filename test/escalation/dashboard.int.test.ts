// The agency dashboard and CSV export over known rows: the figures are computed, not assumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboard, ticketsCsv } from '../../src/escalation/dashboard.ts';
import type { Actor } from '../../src/escalation/queue.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

describe('agency dashboard', () => {
  let t: TestDb;
  const officer: Actor = { id: 1, agency: 'bhxh', role: 'officer', name: 'A' };
  beforeAll(async () => {
    t = await openTestDb('pglite');
    const db = t.db;
    await db.query(`INSERT INTO staff (id, email, name, agency, role, password_hash) VALUES (1, 'a@b.vn', 'A', 'bhxh', 'officer', 'x')`);
    await db.query(`INSERT INTO conversations (id, channel) VALUES ('c1', 'web')`);
    // 6 answers for BHXH: 4 answered by the assistant, 2 escalated; one for another agency.
    const answers: [string, string, string][] = [['a1', 'answered', 'bhxh'], ['a2', 'answered', 'bhxh'], ['a3', 'answered', 'bhxh'], ['a4', 'answered', 'bhxh'], ['a5', 'escalated', 'bhxh'], ['a6', 'escalated', 'bhxh'], ['a7', 'answered', 'thue']];
    for (const [id, status, agency] of answers) {
      await db.query(`INSERT INTO answers (id, conversation_id, question, lang, channel, status, reason, route, answer, composer, agency) VALUES ($1, 'c1', 'q', 'vi', 'web', $2, 'x', 'retrieval', 'a', 'extractive', $3)`, [id, status, agency]);
    }
    await db.query(`INSERT INTO answer_feedback (answer_id, helpful) VALUES ('a1', true), ('a2', true), ('a3', false), ('a7', false)`);
    const tickets: [string, string, string, string | null, string, string][] = [
      // code, status, created offset, answered offset, due offset, question
      ['HD-AAAAA-00001', 'answered', '-10 hours', '-8 hours', '+2 days', 'hưởng chế độ thai sản khi nghỉ việc'],
      ['HD-AAAAA-00002', 'answered', '-10 hours', '-6 hours', '+2 days', 'chế độ thai sản cho chồng'],
      ['HD-AAAAA-00003', 'new', '-3 days', null, '-1 hours', 'chế độ thai sản sinh đôi'],
      ['HD-AAAAA-00004', 'claimed', '-1 hours', null, '+3 days', 'bảo hiểm thất nghiệp nộp ở đâu'],
    ];
    for (const [code, status, created, answered, due, q] of tickets) {
      await db.query(
        `INSERT INTO tickets (code, conversation_id, agency, status, reason, question, channel, due_at, created_at, answered_at)
         VALUES ($1, 'c1', 'bhxh', $2, 'low_confidence', $3, 'web', now() + $4::interval, now() + $5::interval, CASE WHEN $6::text IS NULL THEN NULL ELSE now() + $6::interval END)`,
        [code, status, q, due, created, answered],
      );
    }
    await db.query(`INSERT INTO tickets (code, conversation_id, agency, status, reason, question, channel, due_at) VALUES ('HD-BBBBB-00001', 'c1', 'thue', 'new', 'low_confidence', '=cmd|"/c calc"!A1 thai sản', 'web', now() - interval '1 day')`);
  }, 60_000);
  afterAll(async () => t?.close());

  it("counts only the officer's agency: volume, answered share, median time to answer, overdue, satisfaction, content gaps", async () => {
    const d = await dashboard(t.db, officer);
    expect(d).toMatchObject({ agency: 'bhxh', volume: 6, answered: 4, escalated: 2, tickets: { created: 4, answered: 2, open: 2, overdue: 1 } });
    expect(d.answeredShare).toBeCloseTo(4 / 6);
    expect(d.medianHoursToAnswer).toBeCloseTo(3, 1); // 2 h and 4 h
    expect(d.satisfaction).toEqual({ helpful: 2, notHelpful: 1, share: 2 / 3 });
    expect(d.topics[0]).toEqual({ topic: 'chế độ', count: 3 });
  });

  it('exports the agency tickets as CSV, neutralising cells a spreadsheet would run as formulas', async () => {
    const csv = await ticketsCsv(t.db, officer);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('code,agency,status,priority,channel,created_at,due_at,overdue,answered_at,officer,question,answer');
    expect(lines).toHaveLength(5);
    expect(csv).not.toContain('HD-BBBBB-00001');
    const admin = await ticketsCsv(t.db, { ...officer, role: 'admin' });
    expect(admin).toContain(`"'=cmd|""/c calc""!A1 thai sản"`);
  });
});
