// The agency queues: SQL over tickets and their events. Every function that reads or changes a
// ticket takes the acting staff member and checks the ticket is theirs to see; a ticket of another
// agency is "not found", so its existence does not leak.
import type { Db, Queryable } from '../db/index.ts';
import { contentTerms } from '../text/content.ts';
import type { TicketRow } from './tickets.ts';

export type Role = 'officer' | 'supervisor' | 'admin';
export interface Actor {
  id: number;
  agency: string;
  role: Role;
  name: string;
}

export type TicketStatus = TicketRow['status'];
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
export const OPEN: TicketStatus[] = ['new', 'claimed', 'waiting_citizen'];

export interface Ticket extends TicketRow {
  priority: Priority;
  claimed_by: number | null;
  claimed_by_name: string | null;
  claimed_at: Date | null;
  answered_at: Date | null;
  closed_at: Date | null;
  answer: string | null;
  group_id: number | null;
  group_size: number;
  overdue: boolean;
}

export interface TicketEvent {
  id: number;
  kind: string;
  actor: number | null;
  actor_name: string | null;
  body: string | null;
  /** The citizen's raw words (citizen_info), sealed; see src/privacy/reveal.ts. */
  body_sealed?: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

/** A problem a staff member can fix (wrong state, missing right); becomes a 4xx. */
export class QueueError extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 400,
    readonly code: string,
  ) {
    super(code);
  }
}

const TICKET_COLUMNS = `t.*, s.name AS claimed_by_name,
  (t.status IN ('new', 'claimed', 'waiting_citizen') AND t.due_at < now()) AS overdue,
  (SELECT count(*)::int FROM tickets g WHERE t.group_id IS NOT NULL AND g.group_id = t.group_id AND g.status IN ('new', 'claimed', 'waiting_citizen')) AS group_size`;
const PRIORITY_ORDER = `CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

export interface QueueFilter {
  status?: TicketStatus | 'open' | undefined;
  overdue?: boolean | undefined;
  priority?: Priority | undefined;
  /** Admins may look at any agency; everyone else sees their own. */
  agency?: string | undefined;
  limit?: number | undefined;
}

function agencyScope(actor: Actor, wanted?: string): string | null {
  if (actor.role === 'admin') return wanted ?? null;
  return actor.agency;
}

export async function listTickets(db: Queryable, actor: Actor, f: QueueFilter = {}): Promise<Ticket[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const agency = agencyScope(actor, f.agency);
  if (agency) where.push(`t.agency = $${params.push(agency)}`);
  if (f.status === 'open' || !f.status) where.push(`t.status IN ('new', 'claimed', 'waiting_citizen')`);
  else where.push(`t.status = $${params.push(f.status)}`);
  if (f.overdue) where.push(`t.due_at < now() AND t.status IN ('new', 'claimed', 'waiting_citizen')`);
  if (f.priority) where.push(`t.priority = $${params.push(f.priority)}`);
  const limit = Math.min(Math.max(f.limit ?? 200, 1), 1000);
  return db.query<Ticket>(
    `SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN staff s ON s.id = t.claimed_by
     WHERE ${where.join(' AND ') || 'true'} ORDER BY ${PRIORITY_ORDER}, t.due_at, t.id LIMIT ${limit}`,
    params,
  );
}

/** The ticket with this code if the actor may see it (own agency, or any for an admin), else null. */
export async function getTicket(db: Queryable, actor: Actor, code: string): Promise<Ticket | null> {
  const rows = await db.query<Ticket>(`SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN staff s ON s.id = t.claimed_by WHERE t.code = $1`, [code.toUpperCase()]);
  const t = rows[0];
  if (!t || (actor.role !== 'admin' && t.agency !== actor.agency)) return null;
  return t;
}

async function mustGet(db: Queryable, actor: Actor, code: string): Promise<Ticket> {
  const t = await getTicket(db, actor, code);
  if (!t) throw new QueueError(404, 'ticket_not_found');
  return t;
}

export async function ticketEvents(db: Queryable, ticketId: number): Promise<TicketEvent[]> {
  return db.query<TicketEvent>(
    `SELECT e.id, e.kind, e.actor, s.name AS actor_name, e.body, e.body_sealed, e.data, e.created_at
     FROM ticket_events e LEFT JOIN staff s ON s.id = e.actor WHERE e.ticket_id = $1 ORDER BY e.id`,
    [ticketId],
  );
}

export async function addEvent(db: Queryable, ticketId: number, kind: string, actor: number | null, body: string | null = null, data: Record<string, unknown> = {}) {
  await db.query('INSERT INTO ticket_events (ticket_id, kind, actor, body, data) VALUES ($1, $2, $3, $4, $5)', [ticketId, kind, actor, body, JSON.stringify(data)]);
}

/**
 * The next new ticket of the actor's agency (most urgent, then earliest due), claimed by them.
 * FOR UPDATE SKIP LOCKED: officers claiming at once each get a different ticket, none waits.
 */
export async function claimNext(db: Db, actor: Actor): Promise<Ticket | null> {
  const id = await db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number }>(
      `UPDATE tickets SET status = 'claimed', claimed_by = $1, claimed_at = now(), updated_at = now()
       WHERE id = (SELECT t.id FROM tickets t WHERE t.agency = $2 AND t.status = 'new'
                   ORDER BY ${PRIORITY_ORDER}, t.due_at, t.id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [actor.id, actor.agency],
    );
    if (!rows[0]) return null;
    await addEvent(tx, rows[0].id, 'claimed', actor.id);
    return rows[0].id;
  });
  if (id === null) return null;
  const [t] = await db.query<Ticket>(`SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN staff s ON s.id = t.claimed_by WHERE t.id = $1`, [id]);
  return t ?? null;
}

/** Claims this ticket; only a new one (or one waiting for the citizen) can be claimed. */
export async function claim(db: Db, actor: Actor, code: string): Promise<Ticket> {
  const t = await mustGet(db, actor, code);
  const ok = await db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number }>(
      `UPDATE tickets SET status = 'claimed', claimed_by = $1, claimed_at = now(), updated_at = now()
       WHERE id = $2 AND (status = 'new' OR (status = 'waiting_citizen' AND claimed_by IS NULL)) RETURNING id`,
      [actor.id, t.id],
    );
    if (rows[0]) await addEvent(tx, t.id, 'claimed', actor.id);
    return Boolean(rows[0]);
  });
  if (!ok) throw new QueueError(409, t.claimed_by === actor.id ? 'already_yours' : 'not_claimable');
  return (await getTicket(db, actor, code))!;
}

function mustHold(t: Ticket, actor: Actor) {
  if (t.status === 'closed') throw new QueueError(409, 'ticket_closed');
  if (t.claimed_by !== actor.id && actor.role === 'officer') throw new QueueError(409, 'claim_first');
}

export async function release(db: Db, actor: Actor, code: string): Promise<Ticket> {
  const t = await mustGet(db, actor, code);
  if (t.status !== 'claimed') throw new QueueError(409, 'not_claimed');
  mustHold(t, actor);
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE tickets SET status = 'new', claimed_by = NULL, claimed_at = NULL, updated_at = now() WHERE id = $1`, [t.id]);
    await addEvent(tx, t.id, 'released', actor.id);
  });
  return (await getTicket(db, actor, code))!;
}

export async function addNote(db: Db, actor: Actor, code: string, text: string): Promise<void> {
  const t = await mustGet(db, actor, code);
  await addEvent(db, t.id, 'note', actor.id, text);
}

export async function setPriority(db: Db, actor: Actor, code: string, priority: Priority): Promise<Ticket> {
  const t = await mustGet(db, actor, code);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE tickets SET priority = $2, updated_at = now() WHERE id = $1', [t.id, priority]);
    await addEvent(tx, t.id, 'priority', actor.id, null, { from: t.priority, to: priority });
  });
  return (await getTicket(db, actor, code))!;
}

/** Moves a ticket to another agency's queue, with a reason; supervisors and admins only. */
export async function transfer(db: Db, actor: Actor, code: string, to: { agency: string; dueAt: Date }, reason: string): Promise<void> {
  if (actor.role === 'officer') throw new QueueError(403, 'supervisor_only');
  const t = await mustGet(db, actor, code);
  if (t.status === 'closed' || t.status === 'answered') throw new QueueError(409, 'ticket_finished');
  if (t.agency === to.agency) throw new QueueError(400, 'same_agency');
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE tickets SET agency = $2, status = 'new', claimed_by = NULL, claimed_at = NULL, group_id = NULL, due_at = $3, updated_at = now() WHERE id = $1`,
      [t.id, to.agency, to.dueAt],
    );
    await addEvent(tx, t.id, 'transferred', actor.id, reason, { from: t.agency, to: to.agency });
  });
}

/** Asks the citizen for more information; the ticket waits for them. */
export async function askCitizen(db: Db, actor: Actor, code: string, text: string): Promise<Ticket> {
  const t = await mustGet(db, actor, code);
  mustHold(t, actor);
  if (t.status === 'answered') throw new QueueError(409, 'ticket_finished');
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE tickets SET status = 'waiting_citizen', updated_at = now() WHERE id = $1`, [t.id]);
    await addEvent(tx, t.id, 'asked_citizen', actor.id, text);
  });
  return (await getTicket(db, actor, code))!;
}

/**
 * Records the officer's answer on the ticket (and on the open tickets grouped with it when asked);
 * returns the tickets answered so their citizens can be told.
 */
export async function answerTicket(db: Db, actor: Actor, code: string, text: string, opts: { wholeGroup?: boolean } = {}): Promise<Ticket[]> {
  const t = await mustGet(db, actor, code);
  mustHold(t, actor);
  if (t.status === 'answered') throw new QueueError(409, 'already_answered');
  const ids = await db.transaction(async (tx) => {
    const targets = opts.wholeGroup && t.group_id !== null
      ? (await tx.query<{ id: number }>(
          `SELECT id FROM tickets WHERE group_id = $1 AND agency = $2 AND status IN ('new', 'claimed', 'waiting_citizen')
           AND (id = $3 OR claimed_by IS NULL OR claimed_by = $4) FOR UPDATE`,
          [t.group_id, t.agency, t.id, actor.id],
        )).map((r) => r.id)
      : [t.id];
    if (!targets.includes(t.id)) targets.push(t.id);
    await tx.query(
      `UPDATE tickets SET status = 'answered', answer = $2, answered_at = now(), claimed_by = coalesce(claimed_by, $3), updated_at = now() WHERE id = ANY($1::int[])`,
      [targets, text, actor.id],
    );
    for (const id of targets) await addEvent(tx, id, 'answered', actor.id, text, id === t.id ? {} : { via: t.code });
    return targets;
  });
  return db.query<Ticket>(`SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN staff s ON s.id = t.claimed_by WHERE t.id = ANY($1::int[]) ORDER BY t.id`, [ids]);
}

export async function closeTicket(db: Db, actor: Actor, code: string, reason: string | null): Promise<Ticket> {
  const t = await mustGet(db, actor, code);
  if (t.status === 'closed') throw new QueueError(409, 'ticket_closed');
  if (actor.role === 'officer' && t.claimed_by !== null && t.claimed_by !== actor.id) throw new QueueError(409, 'claimed_by_other');
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE tickets SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = $1`, [t.id]);
    await addEvent(tx, t.id, 'closed', actor.id, reason);
  });
  return (await getTicket(db, actor, code))!;
}

// ---- Citizens' side (by ticket code, no account) ----

/**
 * A citizen adds information while the ticket waits; a ticket waiting for them goes back to its officer.
 * `text` is already masked; `sealed` holds the raw words for the owning agency (src/privacy/seal.ts).
 */
export async function citizenInfo(db: Db, code: string, text: string, sealed: string | null = null): Promise<TicketRow | null> {
  return db.transaction(async (tx) => {
    const [t] = await tx.query<Ticket>('SELECT * FROM tickets WHERE code = $1 FOR UPDATE', [code.toUpperCase()]);
    if (!t) return null;
    if (!OPEN.includes(t.status)) throw new QueueError(409, 'ticket_finished');
    const next = t.status === 'waiting_citizen' ? (t.claimed_by ? 'claimed' : 'new') : t.status;
    await tx.query('UPDATE tickets SET status = $2, updated_at = now() WHERE id = $1', [t.id, next]);
    await tx.query(`INSERT INTO turns (conversation_id, role, text, text_sealed) VALUES ($1, 'citizen', $2, $3)`, [t.conversation_id, text, sealed]);
    await tx.query(`INSERT INTO ticket_events (ticket_id, kind, body, body_sealed) VALUES ($1, 'citizen_info', $2, $3)`, [t.id, text, sealed]);
    return { ...t, status: next };
  });
}

// ---- Grouping similar open questions ----

const GROUP_MIN_SIMILARITY = 0.5;

function similarity(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  const union = a.size + b.size - both;
  return union ? both / union : 0;
}

function questionTerms(q: string): Set<string> {
  return new Set(contentTerms(q).filter((t) => !t.includes(' ')));
}

/**
 * Puts a new ticket in the group of the most similar open question of the same agency (content
 * words, Jaccard ≥ 0.5), so one answer can serve them all. Returns the group id, or null.
 */
export async function groupTicket(db: Queryable, ticketId: number): Promise<number | null> {
  const [t] = await db.query<{ id: number; agency: string; question: string }>('SELECT id, agency, question FROM tickets WHERE id = $1', [ticketId]);
  if (!t) return null;
  const mine = questionTerms(t.question);
  if (mine.size < 2) return null;
  const open = await db.query<{ id: number; question: string; group_id: number | null }>(
    `SELECT id, question, group_id FROM tickets WHERE agency = $1 AND id <> $2 AND status IN ('new', 'claimed', 'waiting_citizen')
     ORDER BY id DESC LIMIT 500`,
    [t.agency, t.id],
  );
  let best: { id: number; group: number; s: number } | null = null;
  for (const o of open) {
    const s = similarity(mine, questionTerms(o.question));
    if (s >= GROUP_MIN_SIMILARITY && (!best || s > best.s)) best = { id: o.id, group: o.group_id ?? o.id, s };
  }
  if (!best) return null;
  await db.query('UPDATE tickets SET group_id = $2 WHERE id = ANY($1::int[])', [[t.id, best.id], best.group]);
  return best.group;
}

export async function groupMembers(db: Queryable, actor: Actor, t: Ticket): Promise<Ticket[]> {
  if (t.group_id === null) return [];
  return db.query<Ticket>(
    `SELECT ${TICKET_COLUMNS} FROM tickets t LEFT JOIN staff s ON s.id = t.claimed_by
     WHERE t.group_id = $1 AND t.id <> $2 AND t.agency = $3 ORDER BY t.id`,
    [t.group_id, t.id, actor.role === 'admin' ? t.agency : actor.agency],
  );
}

// ---- Canned responses ----

export interface Canned {
  id: number;
  agency: string;
  title: string;
  body: string;
}

export async function listCanned(db: Queryable, actor: Actor): Promise<Canned[]> {
  return db.query<Canned>('SELECT id, agency, title, body FROM canned_responses WHERE agency = $1 ORDER BY title', [actor.agency]);
}

export async function addCanned(db: Queryable, actor: Actor, title: string, body: string): Promise<Canned> {
  const [c] = await db.query<Canned>('INSERT INTO canned_responses (agency, title, body, created_by) VALUES ($1, $2, $3, $4) RETURNING id, agency, title, body', [actor.agency, title, body, actor.id]);
  return c!;
}
