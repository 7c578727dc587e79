// The audit log of staff actions (who did what to which ticket or citizen, and when), append-only:
// this module has no update path, and the only delete is the retention job's sweep of rows older
// than AUDIT_MONTHS. `detail` never holds personal data — ids, counts, outcomes and enum values
// only, never what a citizen or an officer wrote — so the log itself needs no masking or sealing.
import type { Queryable } from '../db/index.ts';
import type { Actor } from '../escalation/queue.ts';

/** Audit rows are kept two years (and never less than the conversations they describe). */
export const AUDIT_MONTHS = 24;

/** Who acted: a staff member, or a named non-person ('system' for timers, 'cli' for the command line). */
export type AuditActor = Actor | { id?: null; name: 'system' | 'cli' | `api-key:${string}`; agency?: string | null };

export interface AuditEntry {
  actor: number | null;
  actorName: string | null;
  agency: string | null;
  action: string;
  target?: string | null;
  detail?: Record<string, string | number | boolean | null | (string | number)[]>;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: number | null;
  actor_name: string | null;
  agency: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/** The columns of an audit row for an acting staff member or a named non-person. */
export function auditBy(who: AuditActor): Pick<AuditEntry, 'actor' | 'actorName' | 'agency'> {
  return { actor: who.id ?? null, actorName: who.name, agency: who.agency ?? null };
}

export async function recordAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, actor_name, agency, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
    e.actor,
    e.actorName,
    e.agency,
    e.action,
    e.target ?? null,
    JSON.stringify(e.detail ?? {}),
  ]);
}

/** A staff member's action, in one call. */
export const audit = (db: Queryable, who: AuditActor, action: string, target?: string | null, detail?: AuditEntry['detail']) =>
  recordAudit(db, { ...auditBy(who), action, target: target ?? null, ...(detail ? { detail } : {}) });

export interface AuditFilter {
  /** A staff id, or an actor name ('system', 'cli', 'api-key:3'). */
  actor?: number | string | undefined;
  /** 'ticket.claim', or a family: 'ticket' matches every 'ticket.*'. */
  action?: string | undefined;
  target?: string | undefined;
  /** Only rows of this agency (a supervisor's view). */
  agency?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Rows with a smaller id than this, for the next page. */
  before?: number | undefined;
  limit?: number | undefined;
}

/** Newest first. */
export async function listAudit(db: Queryable, f: AuditFilter = {}): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (typeof f.actor === 'number') where.push(`actor = $${params.push(f.actor)}`);
  else if (f.actor) where.push(`actor_name = $${params.push(f.actor)}`);
  if (f.action) {
    const a = f.action.replace(/\.$/, '');
    where.push(`(action = $${params.push(a)} OR starts_with(action, $${params.push(`${a}.`)}))`);
  }
  if (f.target) where.push(`target = $${params.push(f.target)}`);
  if (f.agency) where.push(`agency = $${params.push(f.agency)}`);
  if (f.from) where.push(`at >= $${params.push(f.from)}`);
  if (f.to) where.push(`at < $${params.push(f.to)}`);
  if (f.before) where.push(`id < $${params.push(f.before)}`);
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
  const rows = await db.query<AuditRow & { id: string | number }>(
    `SELECT id, at, actor, actor_name, agency, action, target, detail FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
    params,
  );
  // bigserial comes back as a string from `pg`.
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
