// What the database holds at scrape time: open and overdue tickets per agency, Zalo deliveries and
// inbox, the delivery queue. A handful of grouped counts, so a scrape stays cheap; the caller caches
// them for a few seconds and bounds how long it waits.
import type { Queryable } from '../db/index.ts';

/** Ticket statuses an officer still has to act on (as in the staff queue and the dashboard). */
const OPEN = `status IN ('new', 'claimed', 'waiting_citizen')`;

export const DELIVERY_STATUSES = ['pending', 'sent', 'seen', 'failed', 'undeliverable'] as const;
export const INBOX_DEPTH_STATUSES = ['new', 'working', 'failed'] as const;

export interface DbSnapshot {
  tickets: { agency: string; created: number; open: number; overdue: number }[];
  /** Zalo deliveries (officers' answers sent through the OA) by status. */
  zaloDeliveries: Record<string, number>;
  /** Messages the OA sent, by mode (reply, cs). */
  zaloSent: Record<string, number>;
  /** Zalo events received and not done: new, working, failed. */
  zaloInbox: Record<string, number>;
  /** Deliveries waiting to go out, by channel: pending, or failed with a retry scheduled. */
  deliveryQueue: Record<string, number>;
}

export async function readSnapshot(db: Queryable, now: Date): Promise<DbSnapshot> {
  const tickets = await db.query<{ agency: string; created: number; open: number; overdue: number }>(
    `SELECT agency,
            count(*)::int AS created,
            count(*) FILTER (WHERE ${OPEN})::int AS open,
            count(*) FILTER (WHERE ${OPEN} AND due_at < $1)::int AS overdue
       FROM tickets GROUP BY agency ORDER BY agency`,
    [now.toISOString()],
  );
  const deliveries = await db.query<{ channel: string; status: string; n: number; queued: number }>(
    `SELECT channel, status, count(*)::int AS n,
            count(*) FILTER (WHERE status = 'pending' OR (status = 'failed' AND next_attempt_at IS NOT NULL))::int AS queued
       FROM deliveries GROUP BY channel, status`,
  );
  const sent = await db.query<{ mode: string; n: number }>(`SELECT mode, count(*)::int AS n FROM zalo_sent GROUP BY mode`);
  const inbox = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM zalo_inbox WHERE status IN ('new', 'working', 'failed') GROUP BY status`,
  );

  const zaloDeliveries: Record<string, number> = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0]));
  const deliveryQueue: Record<string, number> = { web: 0, zalo: 0 };
  for (const d of deliveries) {
    if (d.channel === 'zalo') zaloDeliveries[d.status] = (zaloDeliveries[d.status] ?? 0) + d.n;
    deliveryQueue[d.channel] = (deliveryQueue[d.channel] ?? 0) + d.queued;
  }
  const zaloSent: Record<string, number> = { reply: 0, cs: 0 };
  for (const s of sent) zaloSent[s.mode] = s.n;
  const zaloInbox: Record<string, number> = Object.fromEntries(INBOX_DEPTH_STATUSES.map((s) => [s, 0]));
  for (const i of inbox) zaloInbox[i.status] = i.n;
  return { tickets, zaloDeliveries, zaloSent, zaloInbox, deliveryQueue };
}
