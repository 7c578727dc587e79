// A citizen's whole footprint written straight into the tables (conversation, turns, answer,
// feedback, ticket with events, delivery, Q&A proposals, Zalo inbox and sent records), stored the
// way the service stores it: masked text in the plain columns, the raw words sealed beside them.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../src/db/index.ts';
import type { Sealer } from '../../src/privacy/seal.ts';
import { maskPersonal } from '../../src/text/personal.ts';

export const PHONE = '0912345678';
export const RAW_QUESTION = `Đăng ký thường trú cho con thế nào, số điện thoại của tôi là ${PHONE}`;
/** A base64 AES-256 key for tests. */
export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

export interface SeedOptions {
  at: Date;
  channel?: 'web' | 'zalo';
  zaloUserId?: string;
  /** No ticket when undefined. */
  ticketStatus?: 'new' | 'claimed' | 'waiting_citizen' | 'answered' | 'closed';
  agency?: string;
  /** Proposals made from the ticket, by status. */
  proposals?: ('proposed' | 'approved' | 'rejected')[];
}

export interface Seeded {
  conversationId: string;
  ticketId: number | null;
  proposalIds: number[];
}

let seq = 0;

export async function seedCitizen(db: Queryable, sealer: Sealer, o: SeedOptions): Promise<Seeded> {
  const id = randomUUID();
  const n = ++seq;
  const channel = o.channel ?? 'web';
  const masked = maskPersonal(RAW_QUESTION);
  const sealed = await sealer.seal(RAW_QUESTION, masked);
  await db.query('INSERT INTO conversations (id, channel, citizen_ref, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [id, channel, o.zaloUserId ?? null, o.at]);
  await db.query(`INSERT INTO turns (conversation_id, role, text, text_sealed, created_at) VALUES ($1, 'citizen', $2, $3, $4), ($1, 'assistant', 'Bạn cần nộp hồ sơ tại Công an xã.', NULL, $4)`, [id, masked, sealed, o.at]);
  const answerId = `ans-${n}-${id.slice(0, 8)}`;
  await db.query(
    `INSERT INTO answers (id, conversation_id, question, question_sealed, lang, channel, status, reason, route, answer, composer, created_at)
     VALUES ($1, $2, $3, $4, 'vi', $5, 'escalated', 'low_confidence', 'search', 'Chuyển cán bộ.', 'extractive', $6)`,
    [answerId, id, masked, sealed, channel, o.at],
  );
  await db.query('INSERT INTO answer_feedback (answer_id, helpful, created_at) VALUES ($1, false, $2)', [answerId, o.at]);
  let ticketId: number | null = null;
  const proposalIds: number[] = [];
  if (o.ticketStatus) {
    const [t] = await db.query<{ id: number }>(
      `INSERT INTO tickets (code, conversation_id, answer_id, agency, status, reason, question, question_sealed, channel, due_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'low_confidence', $6, $7, $8, $9, $9, $9) RETURNING id`,
      [`HD-T${String(n).padStart(4, '0')}-${id.slice(0, 5).toUpperCase()}`, id, answerId, o.agency ?? 'cong-an-xa', o.ticketStatus, masked, sealed, channel, o.at],
    );
    ticketId = t!.id;
    await db.query(`INSERT INTO ticket_events (ticket_id, kind, body, body_sealed, created_at) VALUES ($1, 'created', NULL, NULL, $2), ($1, 'citizen_info', $3, $4, $2)`, [ticketId, o.at, masked, sealed]);
    await db.query(`INSERT INTO deliveries (ticket_id, conversation_id, channel, recipient, text, status, created_at) VALUES ($1, $2, $3, $4, 'Cán bộ trả lời: …', 'sent', $5)`, [ticketId, id, channel, o.zaloUserId ?? null, o.at]);
    for (const status of o.proposals ?? []) {
      const [p] = await db.query<{ id: number }>(
        `INSERT INTO qa_proposals (ticket_id, agency, question, question_sealed, answer, status) VALUES ($1, $2, $3, $4, 'Nộp hồ sơ tại Công an xã.', $5) RETURNING id`,
        // Stored unmasked on purpose: rows written before masking was wired in must come out masked.
        [ticketId, o.agency ?? 'cong-an-xa', RAW_QUESTION, sealed, status],
      );
      proposalIds.push(p!.id);
    }
  }
  if (o.zaloUserId) {
    const event = { event_name: 'user_send_text', sender: { id: o.zaloUserId }, message: { msg_id: `m-${n}`, text: RAW_QUESTION } };
    const maskedEvent = { ...event, message: { ...event.message, text: masked } };
    await db.query(`INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, payload_sealed, status, received_at) VALUES ($1, 'user_send_text', $2, $3, $4, 'done', $5)`, [
      `m-${n}`,
      o.zaloUserId,
      JSON.stringify(maskedEvent),
      await sealer.seal(JSON.stringify(event)),
      o.at,
    ]);
    await db.query(`INSERT INTO zalo_sent (user_id, mode, reply_to, sent_at) VALUES ($1, 'reply', $2, $3)`, [o.zaloUserId, `m-${n}`, o.at]);
  }
  return { conversationId: id, ticketId, proposalIds };
}

export const TABLES = ['conversations', 'turns', 'answers', 'answer_feedback', 'tickets', 'ticket_events', 'deliveries', 'qa_proposals', 'zalo_inbox', 'zalo_sent'] as const;

/** Rows per table. */
export async function countRows(db: Queryable): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>;
  for (const t of TABLES) out[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n;
  return out;
}

export const monthsAgo = (now: Date, months: number, days = 0) => {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return new Date(d.getTime() - days * 86_400_000);
};
