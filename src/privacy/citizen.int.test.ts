import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { countRows, PHONE, RAW_QUESTION, seedCitizen, TABLES, TEST_KEY } from '../../test/privacy/fixtures.ts';
import { deleteCitizen, exportCitizen } from './citizen.ts';
import { createSealer } from './seal.ts';

const NOW = new Date('2026-11-24T03:00:00Z');
const sealer = createSealer(TEST_KEY);
const noKey = createSealer(undefined);
const ZALO = '5555555555555555555';
const OTHER = '6666666666666666666';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('pglite');
}, 60_000);
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.exec('TRUNCATE conversations, qa_proposals, zalo_inbox, zalo_sent, audit_log CASCADE');
});

describe('exporting one citizen', () => {
  it('gives the raw words opened with the key, and the masked text flagged as such without it', async () => {
    const { db } = t;
    const s = await seedCitizen(db, sealer, { at: NOW, ticketStatus: 'claimed' });

    const raw = (await exportCitizen(db, sealer, { conversationId: s.conversationId }, { name: 'cli' }))!;
    expect(raw.rawAvailable).toBe(true);
    const c = raw.conversations[0]!;
    expect(c.turns[0]).toMatchObject({ role: 'citizen', text: RAW_QUESTION, masked: false });
    expect(c.answers[0]!.question.text).toBe(RAW_QUESTION);
    expect(c.answers[0]!.feedback).toHaveLength(1);
    expect(c.tickets[0]!.question.text).toBe(RAW_QUESTION);
    expect(c.tickets[0]!.events.map((e) => e.kind)).toEqual(['created', 'citizen_info']);
    expect(c.tickets[0]!.events[1]!.body).toEqual({ text: RAW_QUESTION, masked: false });
    expect(c.deliveries).toHaveLength(1);

    const masked = (await exportCitizen(db, noKey, { conversationId: s.conversationId }, { name: 'cli' }))!;
    expect(masked.rawAvailable).toBe(false);
    const m = masked.conversations[0]!;
    expect(m.turns[0]!.masked).toBe(true);
    expect(m.turns[0]!.text).toContain('Đăng ký thường trú');
    expect(JSON.stringify(masked)).not.toContain(PHONE);
    // The assistant's turn was never sealed: it is the text itself, not a masked stand-in.
    expect(m.turns[1]).toMatchObject({ role: 'assistant', masked: false });
  });

  it('gathers every Zalo conversation, inbox event and sent record of a Zalo user, and no one else’s', async () => {
    const { db } = t;
    await seedCitizen(db, sealer, { at: NOW, channel: 'zalo', zaloUserId: ZALO, ticketStatus: 'answered' });
    await seedCitizen(db, sealer, { at: NOW, channel: 'zalo', zaloUserId: ZALO });
    await seedCitizen(db, sealer, { at: NOW, channel: 'zalo', zaloUserId: OTHER });
    const out = (await exportCitizen(db, sealer, { zaloUserId: ZALO }, { name: 'cli' }))!;
    expect(out.conversations).toHaveLength(2);
    expect(out.zalo!.inbox).toHaveLength(2);
    expect(out.zalo!.sent).toHaveLength(2);
    expect(out.zalo!.inbox[0]).toMatchObject({ eventName: 'user_send_text', masked: false, payload: { sender: { id: ZALO }, message: { text: RAW_QUESTION } } });
    expect(JSON.stringify(out)).not.toContain(OTHER);
  });

  it('records the export in the audit log with counts and no personal data, and returns null when nothing is held', async () => {
    const { db } = t;
    const s = await seedCitizen(db, sealer, { at: NOW, ticketStatus: 'new' });
    await exportCitizen(db, sealer, { conversationId: s.conversationId }, { name: 'cli' });
    const rows = await db.query<{ action: string; target: string; detail: Record<string, unknown> }>(`SELECT action, target, detail FROM audit_log`);
    expect(rows).toEqual([{ action: 'citizen.export', target: `conversation:${s.conversationId}`, detail: { conversations: 1, tickets: 1, zaloEvents: 0, raw: true } }]);
    expect(JSON.stringify(rows)).not.toContain(PHONE);
    expect(await exportCitizen(db, sealer, { conversationId: 'no-such-conversation' }, { name: 'cli' })).toBeNull();
    expect(await exportCitizen(db, sealer, { zaloUserId: '123' }, { name: 'cli' })).toBeNull();
  });
});

describe('deleting one citizen', () => {
  it('removes every row of a Zalo user across all tables, open tickets included, and leaves other citizens alone', async () => {
    const { db } = t;
    await seedCitizen(db, sealer, { at: NOW, channel: 'zalo', zaloUserId: ZALO, ticketStatus: 'claimed', proposals: ['rejected'] });
    await seedCitizen(db, sealer, { at: NOW, channel: 'zalo', zaloUserId: ZALO, ticketStatus: 'closed', proposals: ['approved'] });
    await seedCitizen(db, sealer, { at: NOW, channel: 'zalo', zaloUserId: OTHER, ticketStatus: 'new', proposals: ['rejected'] });
    const before = await countRows(db);
    const other = async () => {
      const n = {} as Record<(typeof TABLES)[number], number>;
      for (const table of TABLES) {
        const sql =
          table === 'conversations' ? `SELECT count(*)::int AS n FROM conversations WHERE citizen_ref = $1`
          : table === 'zalo_inbox' || table === 'zalo_sent' ? `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`
          : table === 'qa_proposals' ? `SELECT count(*)::int AS n FROM qa_proposals p JOIN tickets t ON t.id = p.ticket_id JOIN conversations c ON c.id = t.conversation_id WHERE c.citizen_ref = $1`
          : table === 'answer_feedback' ? `SELECT count(*)::int AS n FROM answer_feedback f JOIN answers a ON a.id = f.answer_id JOIN conversations c ON c.id = a.conversation_id WHERE c.citizen_ref = $1`
          : table === 'ticket_events' ? `SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id JOIN conversations c ON c.id = t.conversation_id WHERE c.citizen_ref = $1`
          : `SELECT count(*)::int AS n FROM ${table} x JOIN conversations c ON c.id = x.conversation_id WHERE c.citizen_ref = $1`;
        n[table] = (await db.query<{ n: number }>(sql, [OTHER]))[0]!.n;
      }
      return n;
    };
    const otherBefore = await other();

    const r = (await deleteCitizen(db, { zaloUserId: ZALO }, { name: 'cli' }))!;

    expect(r).toMatchObject({ conversations: 2, turns: 4, answers: 2, feedback: 2, tickets: 2, ticketEvents: 4, deliveries: 2, zaloInbox: 2, zaloSent: 2, proposalsDeleted: 1, proposalsKept: 1 });
    const after = await countRows(db);
    // Everything of the user went: the rest is exactly the other citizen's rows plus the kept approved proposal.
    expect(after).toEqual({ ...otherBefore, qa_proposals: otherBefore.qa_proposals + 1 });
    expect(before.conversations - after.conversations).toBe(2);
    expect(await other()).toEqual(otherBefore);
    const [p] = await db.query<{ ticket_id: number | null; question: string; question_sealed: string | null }>(`SELECT * FROM qa_proposals WHERE status = 'approved'`);
    expect(p).toMatchObject({ ticket_id: null, question_sealed: null });
    expect(p!.question).not.toContain(PHONE);
    const audit = await db.query<{ action: string; target: string; detail: Record<string, unknown> }>(`SELECT action, target, detail FROM audit_log`);
    expect(audit).toEqual([{ action: 'citizen.delete', target: `zalo:${ZALO}`, detail: r }]);
  });

  it('deletes one conversation by id even with its ticket open, and says so when nothing is held', async () => {
    const { db } = t;
    const s = await seedCitizen(db, sealer, { at: NOW, ticketStatus: 'new' });
    const keep = await seedCitizen(db, sealer, { at: NOW, ticketStatus: 'new' });
    const r = (await deleteCitizen(db, { conversationId: s.conversationId }, { name: 'cli' }))!;
    expect(r).toMatchObject({ conversations: 1, tickets: 1, zaloInbox: 0 });
    expect((await db.query<{ id: string }>('SELECT id FROM conversations')).map((x) => x.id)).toEqual([keep.conversationId]);
    expect(await deleteCitizen(db, { conversationId: s.conversationId }, { name: 'cli' })).toBeNull();
  });
});
