// Deleting conversations and everything hanging off them, for the retention job and for a
// citizen's deletion request alike. Each table is deleted explicitly (children first) rather than
// left to ON DELETE CASCADE, so the caller learns how many rows of each kind went.
//
// Q&A proposals made from a deleted ticket are agency knowledge, not the citizen's: approved and
// pending ones stay (ticket_id becomes NULL), with the sealed raw question erased and the question
// masked again in case it was stored before masking was wired in; rejected ones go with the ticket.
import type { Queryable } from '../db/index.ts';
import { maskPersonal } from '../text/personal.ts';

export interface PurgeCounts {
  conversations: number;
  turns: number;
  answers: number;
  feedback: number;
  tickets: number;
  ticketEvents: number;
  deliveries: number;
  proposalsDeleted: number;
  proposalsKept: number;
}

export const emptyPurgeCounts = (): PurgeCounts => ({ conversations: 0, turns: 0, answers: 0, feedback: 0, tickets: 0, ticketEvents: 0, deliveries: 0, proposalsDeleted: 0, proposalsKept: 0 });

export function addCounts<T extends object>(into: T, more: Partial<T>): T {
  const sum = into as Record<string, number>;
  for (const [k, v] of Object.entries(more as Record<string, number | undefined>)) sum[k] = (sum[k] ?? 0) + (v ?? 0);
  return into;
}

// `$1` is the set of conversation ids as a text[]; every statement reads it the same way.
const TICKETS = 'SELECT id FROM tickets WHERE conversation_id = ANY($1::text[])';
const DELETES: [keyof PurgeCounts, string][] = [
  ['feedback', 'DELETE FROM answer_feedback WHERE answer_id IN (SELECT id FROM answers WHERE conversation_id = ANY($1::text[]))'],
  ['deliveries', `DELETE FROM deliveries WHERE conversation_id = ANY($1::text[]) OR ticket_id IN (${TICKETS})`],
  ['ticketEvents', `DELETE FROM ticket_events WHERE ticket_id IN (${TICKETS})`],
  ['proposalsDeleted', `DELETE FROM qa_proposals WHERE status = 'rejected' AND ticket_id IN (${TICKETS})`],
  ['tickets', 'DELETE FROM tickets WHERE conversation_id = ANY($1::text[])'],
  ['turns', 'DELETE FROM turns WHERE conversation_id = ANY($1::text[])'],
  ['answers', 'DELETE FROM answers WHERE conversation_id = ANY($1::text[])'],
  ['conversations', 'DELETE FROM conversations WHERE id = ANY($1::text[])'],
];

const counted = async (db: Queryable, sql: string, params: unknown[]) =>
  (await db.query<{ n: number }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`, params))[0]?.n ?? 0;

/**
 * Deletes these conversations and their turns, answers, feedback, tickets, ticket events and
 * deliveries. Run it inside a transaction that has locked the conversation rows.
 */
export async function purgeConversations(tx: Queryable, ids: string[]): Promise<PurgeCounts> {
  const counts = emptyPurgeCounts();
  if (!ids.length) return counts;
  const kept = await tx.query<{ id: number; question: string }>(`SELECT id, question FROM qa_proposals WHERE status <> 'rejected' AND ticket_id IN (${TICKETS})`, [ids]);
  for (const p of kept) {
    await tx.query('UPDATE qa_proposals SET question = $2, question_sealed = NULL, ticket_id = NULL WHERE id = $1', [p.id, maskPersonal(p.question)]);
  }
  counts.proposalsKept = kept.length;
  for (const [key, sql] of DELETES) counts[key] = await counted(tx, sql, [ids]);
  return counts;
}

/** What purgeConversations would delete, without deleting (a dry run); `ids` is a subquery over $1.. params. */
export async function countConversations(db: Queryable, idsQuery: string, params: unknown[]): Promise<PurgeCounts> {
  const set = `(${idsQuery})`;
  const n = async (sql: string) => (await db.query<{ n: number }>(sql, params))[0]?.n ?? 0;
  const tickets = `SELECT id FROM tickets WHERE conversation_id IN ${set}`;
  return {
    conversations: await n(`SELECT count(*)::int AS n FROM conversations WHERE id IN ${set}`),
    turns: await n(`SELECT count(*)::int AS n FROM turns WHERE conversation_id IN ${set}`),
    answers: await n(`SELECT count(*)::int AS n FROM answers WHERE conversation_id IN ${set}`),
    feedback: await n(`SELECT count(*)::int AS n FROM answer_feedback WHERE answer_id IN (SELECT id FROM answers WHERE conversation_id IN ${set})`),
    tickets: await n(`SELECT count(*)::int AS n FROM tickets WHERE conversation_id IN ${set}`),
    ticketEvents: await n(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id IN (${tickets})`),
    deliveries: await n(`SELECT count(*)::int AS n FROM deliveries WHERE conversation_id IN ${set} OR ticket_id IN (${tickets})`),
    proposalsDeleted: await n(`SELECT count(*)::int AS n FROM qa_proposals WHERE status = 'rejected' AND ticket_id IN (${tickets})`),
    proposalsKept: await n(`SELECT count(*)::int AS n FROM qa_proposals WHERE status <> 'rejected' AND ticket_id IN (${tickets})`),
  };
}
