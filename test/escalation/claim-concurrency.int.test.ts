// Many officers pressing "claim next" at once, through the `pg` driver with a pool of connections:
// every ticket of the agency is claimed exactly once, by the officer who got it, in queue order,
// and nothing of another agency is touched.
//
// What this proves and what it does not: the server is PGlite behind its socket server, which
// multiplexes all the client connections over one backend and runs one transaction at a time (a
// transaction, once begun, has the backend to itself until it ends). So the 16 claimers really
// are 16 pooled connections sending interleaved requests, and this checks claimNext's SQL (the
// UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED), the event in the same transaction, the
// pg-driver transaction path), but FOR UPDATE SKIP LOCKED never actually meets a locked row here:
// real lock contention is PostgreSQL's to exercise. The order assertions are split accordingly:
// a bound that holds on PostgreSQL too, and the exact order that only a serialising backend gives.
//
// The socket server (pglite-socket 0.2.17) needs one repair first, done below on its query queue:
// it keeps a connection's messages together only inside an explicit transaction, so the Parse /
// Bind / Execute / Sync of two connections' parameterised queries outside one interleave on the
// single backend ("unnamed prepared statement does not exist", or another connection's statement
// bound to these parameters); and one such error leaves the queue stuck for good. Both are
// electric-sql/pglite#1046 (see also #977). The repaired queue also keeps a connection's
// extended-protocol exchange together until its Sync, as separate PostgreSQL backends would.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPg } from '../../src/db/pg.ts';
import { claimNext, type Actor, type Priority } from '../../src/escalation/queue.ts';
import { newTicketCode } from '../../src/escalation/tickets.ts';
import { startPgliteServer, type SocketServer } from '../support/db.ts';
import { repairQueue } from '../support/pglite-queue.ts';

const AGENCY = 'cong-an-xa';
const OTHER = 'tu-phap-xa';
const TICKETS = 500;
const OTHER_TICKETS = 6;
const CLAIMERS = 16;
const POOL = 16;
/** PGlite's socket server runs one transaction at a time (see the top of the file). */
const SERIALISING_BACKEND = true;

/** test/support/db.ts startPgliteServer, with the repaired queue. */
const startServer = (maxConnections: number): Promise<SocketServer> => startPgliteServer(maxConnections, repairQueue);

/** Resolves when p does, or after ms regardless (so a broken run fails fast instead of hanging its hooks). */
const within = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);

const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

interface Seeded {
  id: number;
  priority: Priority;
  due_at: Date;
}

describe('claimNext under concurrent claimers (pg driver, pooled connections)', () => {
  let server: SocketServer;
  let db: Db;
  let mine: Seeded[] = [];
  let others: Seeded[] = [];
  let actors: Actor[] = [];

  beforeAll(async () => {
    server = await startServer(POOL + 4);
    db = await openPg(server.url, POOL);
    await migrate(db, { embeddingDim: 8 });

    const codes = new Set<string>();
    while (codes.size < TICKETS + OTHER_TICKETS) codes.add(newTicketCode());
    const codeList = [...codes];
    const convs = codeList.map(() => randomUUID());
    await db.query(`INSERT INTO conversations (id, channel) SELECT unnest($1::text[]), 'web'`, [convs]);

    const now = Date.now();
    const priorityOf = (i: number): Priority => (i % 25 === 0 ? 'urgent' : i % 10 === 3 ? 'high' : i % 13 === 5 ? 'low' : 'normal');
    // Due dates spread over ~17 hours either side of now, in an order unrelated to insertion.
    const dueOf = (i: number) => new Date(now + (((i * 919) % 1000) - 300) * 60_000);
    const insert = async (agency: string, from: number, n: number, prio: (i: number) => Priority) => {
      const idx = Array.from({ length: n }, (_, k) => from + k);
      return db.query<Seeded>(
        `INSERT INTO tickets (code, conversation_id, agency, reason, question, channel, due_at, priority)
         SELECT c, v, $3::text, 'requested', 'câu hỏi số ' || q, 'web', d, p
         FROM unnest($1::text[], $2::text[], $4::int[], $5::timestamptz[], $6::text[]) AS x(c, v, q, d, p)
         RETURNING id, priority, due_at`,
        [idx.map((i) => codeList[i]), idx.map((i) => convs[i]), agency, idx, idx.map(dueOf), idx.map(prio)],
      );
    };
    mine = await insert(AGENCY, 0, TICKETS, priorityOf);
    // The other agency's tickets are the most urgent and the most overdue of all: a claimer that
    // ignored the agency would take them first.
    others = await insert(OTHER, TICKETS, OTHER_TICKETS, () => 'urgent');
    await db.query(`UPDATE tickets SET due_at = now() - interval '30 days' WHERE agency = $1`, [OTHER]);

    const staff = await db.query<{ id: number; name: string }>(
      `INSERT INTO staff (email, name, agency, role, password_hash)
       SELECT 'can.bo.' || n || '@cong-an-xa.test', 'Cán bộ ' || n, $1, 'officer', 'not-a-real-hash'
       FROM generate_series(1, $2::int) AS n RETURNING id, name`,
      [AGENCY, CLAIMERS],
    );
    actors = staff.map((s) => ({ id: s.id, name: s.name, agency: AGENCY, role: 'officer' as const }));
  }, 120_000);

  afterAll(async () => {
    if (db) await within(db.close(), 10_000);
    if (server) await within(server.stop(), 10_000);
  });

  it('claims every ticket of the agency exactly once, spread over the claimers, in queue order', async () => {
    expect(mine).toHaveLength(TICKETS);
    expect(new Set(mine.map((t) => t.priority))).toEqual(new Set(['urgent', 'high', 'normal', 'low']));
    expect(actors).toHaveLength(CLAIMERS);

    // Each claimer loops until the queue is empty for them.
    const got = new Map<number, number[]>(actors.map((a) => [a.id, []]));
    const started = Date.now();
    await Promise.all(
      actors.map(async (actor) => {
        for (;;) {
          const t = await claimNext(db, actor);
          if (!t) return;
          expect(t.agency).toBe(AGENCY);
          expect(t.status).toBe('claimed');
          expect(t.claimed_by).toBe(actor.id);
          got.get(actor.id)!.push(t.id);
        }
      }),
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(50_000);

    // Exactly 500 claims, no ticket twice, and they are exactly this agency's tickets.
    const claimed = [...got.values()].flat();
    expect(claimed).toHaveLength(TICKETS);
    expect(new Set(claimed).size).toBe(TICKETS);
    expect(new Set(claimed)).toEqual(new Set(mine.map((t) => t.id)));
    const claimerOf = new Map<number, number>();
    for (const [staffId, ids] of got) for (const id of ids) claimerOf.set(id, staffId);

    // Spread over more than one claimer.
    const busy = [...got.values()].filter((ids) => ids.length > 0).length;
    expect(busy).toBeGreaterThan(1);

    // Every ticket ends claimed, by the claimer that got it.
    const rows = await db.query<{ id: number; status: string; claimed_by: number | null; claimed_at: Date | null }>(
      'SELECT id, status, claimed_by, claimed_at FROM tickets WHERE agency = $1',
      [AGENCY],
    );
    expect(rows).toHaveLength(TICKETS);
    for (const r of rows) {
      expect(r.status).toBe('claimed');
      expect(r.claimed_by).toBe(claimerOf.get(r.id));
      expect(r.claimed_at).not.toBeNull();
    }

    // The other agency's tickets are untouched.
    const theirs = await db.query<{ status: string; claimed_by: number | null }>('SELECT status, claimed_by FROM tickets WHERE agency = $1', [OTHER]);
    expect(theirs).toHaveLength(OTHER_TICKETS);
    expect(theirs.every((r) => r.status === 'new' && r.claimed_by === null)).toBe(true);
    const [noise] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = ANY($1::int[])', [others.map((t) => t.id)]);
    expect(noise!.n).toBe(0);

    // One 'claimed' event per ticket, by its claimer.
    const events = await db.query<{ id: number; ticket_id: number; actor: number }>(`SELECT id, ticket_id, actor FROM ticket_events WHERE kind = 'claimed' ORDER BY id`);
    expect(events).toHaveLength(TICKETS);
    expect(new Set(events.map((e) => e.ticket_id)).size).toBe(TICKETS);
    for (const e of events) expect(e.actor).toBe(claimerOf.get(e.ticket_id));

    // Queue order: most urgent first, then earliest due, then oldest.
    const expected = [...mine].sort(
      (a, b) => RANK[a.priority] - RANK[b.priority] || new Date(a.due_at).getTime() - new Date(b.due_at).getTime() || a.id - b.id,
    );
    const rankOf = new Map(expected.map((t, i) => [t.id, i]));
    const order = events.map((e) => e.ticket_id);
    // Holds on PostgreSQL too: a claim can only skip tickets ahead of it that another claimer holds
    // locked at that moment (at most CLAIMERS - 1), so no ticket is claimed after CLAIMERS or more
    // tickets ranked below it.
    for (let i = 0; i < order.length; i++) {
      const r = rankOf.get(order[i]!)!;
      const laterButAhead = order.slice(i + 1).filter((id) => rankOf.get(id)! < r).length;
      expect(laterButAhead).toBeLessThan(CLAIMERS);
    }
    // With one transaction at a time nothing is ever skipped: the claims follow the queue order
    // exactly, so no normal ticket was claimed while an urgent one was still new.
    if (SERIALISING_BACKEND) {
      expect(order).toEqual(expected.map((t) => t.id));
      const eventOf = new Map(events.map((e) => [e.ticket_id, e.id]));
      const ids = (p: Priority) => mine.filter((t) => t.priority === p).map((t) => eventOf.get(t.id)!);
      expect(Math.max(...ids('urgent'))).toBeLessThan(Math.min(...ids('high')));
      expect(Math.max(...ids('high'))).toBeLessThan(Math.min(...ids('normal')));
      expect(Math.max(...ids('normal'))).toBeLessThan(Math.min(...ids('low')));
    }

    // Nothing left: one more claim by anyone gets nothing.
    expect(await claimNext(db, actors[0]!)).toBeNull();
  });
});
