// Zalo's reply rules, as the OA sees them: a reply to the citizen's message is free for 48 hours
// after it, eight of them; a customer-service message by user id is still accepted (and may be
// charged) until 7 days without interaction; after that Zalo refuses it (-230). The planner reads
// the citizen's latest message from the inbox and what the OA has sent since (zalo_sent), and says
// how an officer's answer can go out — or why it cannot, so the ticket records it and the citizen
// reads the answer by ticket code instead.
import type { Queryable } from '../../db/index.ts';

export const FREE_WINDOW_MS = 48 * 3600_000;
export const FREE_REPLIES = 8;
export const CS_WINDOW_MS = 7 * 24 * 3600_000;

export type WindowPlan =
  /** Free: a reply to the citizen's latest message. */
  | { mode: 'reply'; messageId: string; lastAt: Date; freeLeft: number }
  /** Outside the free replies but inside 7 days: a customer-service message by user id. */
  | { mode: 'cs'; reason: 'free_window_over' | 'free_replies_used' | 'no_message_to_reply'; lastAt: Date }
  /** Zalo would refuse it. */
  | { mode: 'closed'; reason: 'no_interaction_7_days' | 'never_interacted'; lastAt: Date | null };

/** Events that count as the citizen interacting with the OA. */
const INTERACTION = `(event_name LIKE 'user\\_send\\_%' OR event_name = 'follow')`;

export async function planReply(db: Queryable, userId: string, now: Date, parts = 1): Promise<WindowPlan> {
  const [last] = await db.query<{ msg_id: string | null; received_at: Date }>(
    `SELECT payload->'message'->>'msg_id' AS msg_id, received_at FROM zalo_inbox
     WHERE user_id = $1 AND ${INTERACTION} ORDER BY received_at DESC LIMIT 1`,
    [userId],
  );
  if (!last) return { mode: 'closed', reason: 'never_interacted', lastAt: null };
  const lastAt = new Date(last.received_at);
  const age = now.getTime() - lastAt.getTime();
  if (age > CS_WINDOW_MS) return { mode: 'closed', reason: 'no_interaction_7_days', lastAt };
  if (age > FREE_WINDOW_MS) return { mode: 'cs', reason: 'free_window_over', lastAt };
  if (!last.msg_id) return { mode: 'cs', reason: 'no_message_to_reply', lastAt };
  const [used] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM zalo_sent WHERE user_id = $1 AND sent_at >= $2`, [userId, lastAt]);
  const freeLeft = FREE_REPLIES - (used?.n ?? 0);
  if (freeLeft < parts) return { mode: 'cs', reason: 'free_replies_used', lastAt };
  return { mode: 'reply', messageId: last.msg_id, lastAt, freeLeft };
}
