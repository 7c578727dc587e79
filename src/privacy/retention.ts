// Retention (RETENTION_MONTHS, default 12; 0 keeps everything): conversations whose last activity is
// older than the window are deleted with their turns, answers, feedback, tickets and deliveries —
// except those with a ticket still open, which an officer still needs. Zalo inbox events and sent-
// message records older than the window go too, expired staff sessions always, and audit rows after
// AUDIT_MONTHS. Deletes run in batches, each its own short transaction, so a large table is never
// locked for long and a pass interrupted half-way keeps what it did.
import type { Db, Queryable } from '../db/index.ts';
import { AUDIT_MONTHS, recordAudit } from './audit.ts';
import { addCounts, countConversations, emptyPurgeCounts, purgeConversations, type PurgeCounts } from './purge.ts';

export interface RetentionOptions {
  now: Date;
  /** Months of inactivity after which a conversation goes; 0 keeps conversations and Zalo records. */
  months: number;
  /** Count what would go, delete nothing, record nothing. */
  dryRun?: boolean;
  /** Conversations per transaction. */
  batchSize?: number;
  /** Who ran it, for the audit log: 'system' (the daily timer) or 'cli'. */
  actorName?: 'system' | 'cli';
}

export interface RetentionResult extends PurgeCounts {
  months: number;
  /** Conversations last active before this are deleted. Null when months is 0. */
  cutoff: string | null;
  zaloInbox: number;
  zaloSent: number;
  staffSessions: number;
  auditRows: number;
  dryRun: boolean;
}

/** The same day `months` calendar months earlier (UTC). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

const OPEN_TICKET = `EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id AND t.status IN ('new', 'claimed', 'waiting_citizen'))`;
const EXPIRED = `SELECT c.id FROM conversations c WHERE c.updated_at < $1 AND NOT ${OPEN_TICKET}`;

/** Deletes `DELETE FROM table WHERE key IN (first `batch` keys matching where)` until none is left. */
async function deleteBatched(db: Queryable, table: string, key: string, where: string, params: unknown[], batch: number, dryRun: boolean): Promise<number> {
  if (dryRun) return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0]?.n ?? 0;
  let total = 0;
  for (;;) {
    const [r] = await db.query<{ n: number }>(
      `WITH d AS (DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${batch}) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      params,
    );
    total += r?.n ?? 0;
    if ((r?.n ?? 0) < batch) return total;
  }
}

export async function runRetention(db: Db, opts: RetentionOptions): Promise<RetentionResult> {
  const months = opts.months;
  if (!Number.isInteger(months) || months < 0) throw new Error(`retention months must be a whole number ≥ 0, got ${months}`);
  const batch = opts.batchSize ?? 500;
  const dryRun = Boolean(opts.dryRun);
  const cutoff = months > 0 ? monthsBefore(opts.now, months) : null;
  let counts: PurgeCounts = emptyPurgeCounts();
  let zaloInbox = 0;
  let zaloSent = 0;
  let auditRows = 0;

  if (cutoff) {
    if (dryRun) counts = await countConversations(db, EXPIRED, [cutoff]);
    else {
      for (;;) {
        // Locking the conversations first means a citizen writing to one right now (a new turn, a
        // new ticket) waits for this batch, then fails on the foreign key rather than being lost silently.
        const n = await db.transaction(async (tx) => {
          const ids = (await tx.query<{ id: string }>(`${EXPIRED} ORDER BY c.updated_at LIMIT ${batch} FOR UPDATE SKIP LOCKED`, [cutoff])).map((r) => r.id);
          addCounts(counts, await purgeConversations(tx, ids));
          return ids.length;
        });
        if (n < batch) break;
      }
    }
    zaloInbox = await deleteBatched(db, 'zalo_inbox', 'event_key', 'received_at < $1', [cutoff], batch * 10, dryRun);
    zaloSent = await deleteBatched(db, 'zalo_sent', 'id', 'sent_at < $1', [cutoff], batch * 10, dryRun);
    auditRows = await deleteBatched(db, 'audit_log', 'id', 'at < $1', [monthsBefore(opts.now, Math.max(AUDIT_MONTHS, months))], batch * 10, dryRun);
  }
  const staffSessions = await deleteBatched(db, 'staff_sessions', 'token_hash', 'expires_at < $1', [opts.now], batch * 10, dryRun);

  const result: RetentionResult = { months, cutoff: cutoff?.toISOString() ?? null, ...counts, zaloInbox, zaloSent, staffSessions, auditRows, dryRun };
  if (!dryRun) {
    const { dryRun: _, cutoff: __, ...detail } = result;
    await recordAudit(db, { actor: null, actorName: opts.actorName ?? 'system', agency: null, action: 'retention.run', target: null, detail: { ...detail, cutoff: result.cutoff } });
  }
  return result;
}

const LAST_RUN_KEY = 'retention.last_run';

/**
 * Runs retention when the last pass is at least `everyHours` old. The claim is one atomic statement
 * on the meta table, so several `hoidap serve` processes or cron invocations run it once a day.
 */
export async function runRetentionIfDue(db: Db, opts: { now: Date; months: number; everyHours?: number }): Promise<RetentionResult | null> {
  const due = new Date(opts.now.getTime() - (opts.everyHours ?? 24) * 3600_000);
  const claimed = await db.query(
    `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
     WHERE meta.value::timestamptz <= $3 RETURNING key`,
    [LAST_RUN_KEY, opts.now.toISOString(), due],
  );
  if (!claimed.length) return null;
  return runRetention(db, { now: opts.now, months: opts.months });
}

export interface RetentionTimer {
  stop(): Promise<void>;
}

/**
 * The daily pass inside `hoidap serve`: checked every hour (cheap: one statement when not due),
 * first a minute after start so start-up is not slowed. The timer does not keep the process alive.
 */
export function scheduleRetention(deps: {
  db: Db;
  months: number;
  now: () => Date;
  log: (level: 'info' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  checkEveryMs?: number;
  firstAfterMs?: number;
}): RetentionTimer {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = runRetentionIfDue(deps.db, { now: deps.now(), months: deps.months })
      .then((r) => {
        if (r) deps.log('info', 'retention pass', { conversations: r.conversations, tickets: r.tickets, zaloInbox: r.zaloInbox, zaloSent: r.zaloSent, staffSessions: r.staffSessions, auditRows: r.auditRows });
      })
      .catch((e: unknown) => deps.log('error', 'retention pass failed', { error: e instanceof Error ? e.message : String(e) }))
      .finally(() => (running = null));
  };
  const first = setTimeout(tick, deps.firstAfterMs ?? 60_000);
  const every = setInterval(tick, deps.checkEveryMs ?? 3600_000);
  first.unref?.();
  every.unref?.();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
