// Officers' answers go back on the channel the citizen asked on. Every message is first stored
// (deliveries, and a turn in the conversation), so nothing is lost: a web widget that is open gets
// it pushed, one that is closed gets it on its next visit; Zalo messages go through the channel
// that [zalo] implements, and until one is configured they wait, recorded, as outbound messages.
// A send that fails for a passing reason is tried again with backoff (retryDue); every outcome of a
// ticket's message is written on the ticket, so the officer sees whether the citizen got it and why not.
import type { Db, Queryable } from '../db/index.ts';
import { st, stf } from '../messages.ts';

export interface OutboundMessage {
  deliveryId: number;
  ticketCode: string | null;
  conversationId: string;
  channel: string;
  /** The citizen's identity on the channel (a Zalo user id, as a string). */
  recipient: string | null;
  text: string;
  /** A retry of a message sent in parts: how many parts already went out. */
  partsSent?: number;
}

export type SendResult = { status: 'sent' | 'pending' | 'failed' | 'undeliverable'; detail?: string; partsSent?: number };

/** A channel that can send a message to a citizen by itself (Zalo). */
export interface OutboundChannel {
  readonly name: string;
  send(m: OutboundMessage): Promise<SendResult>;
}

export interface Delivery {
  id: number;
  ticket_code: string | null;
  conversation_id: string;
  channel: string;
  text: string;
  status: string;
  created_at: Date;
}

type Listener = (m: OutboundMessage) => void;

export interface DeliveryService {
  /** Stores and sends one message to the citizen of a conversation. */
  deliver(m: { ticketId: number | null; ticketCode: string | null; conversationId: string; text: string }): Promise<OutboundMessage & { status: string }>;
  /** Messages for a conversation after a given delivery id (the widget's next visit). */
  pending(conversationId: string, afterId?: number): Promise<Delivery[]>;
  markSeen(conversationId: string, ids: number[]): Promise<void>;
  /** An open widget listens for its conversation; returns the unsubscribe function. */
  subscribe(conversationId: string, fn: Listener): () => void;
  /** Sends again the failed messages whose retry time has come; returns how many were tried. */
  retryDue(): Promise<number>;
}

/** A failed send is tried this many times in all, then left 'failed' for an operator. */
export const MAX_DELIVERY_ATTEMPTS = 6;
const RETRY_BASE_S = 30;
const RETRY_MAX_S = 3600;

/** Channels whose messages wait to be fetched or pushed rather than being sent by a channel API. */
const PULL_CHANNELS = new Set(['web', 'api', 'voice', 'cli']);

export function createDeliveryService(deps: { db: Db; channels?: OutboundChannel[]; log?: (level: 'info' | 'warn', msg: string, f?: Record<string, unknown>) => void }): DeliveryService {
  const listeners = new Map<string, Set<Listener>>();
  const channels = new Map((deps.channels ?? []).map((c) => [c.name, c]));

  /** One send; records the outcome on the delivery (with the next retry time) and on its ticket. */
  async function attempt(channel: OutboundChannel, m: OutboundMessage, attempts: number): Promise<SendResult> {
    let r: SendResult;
    try {
      r = await channel.send(m);
    } catch (e) {
      r = { status: 'failed', detail: e instanceof Error ? e.message : String(e) };
    }
    const tries = attempts + 1;
    const retry = r.status === 'failed' && tries < MAX_DELIVERY_ATTEMPTS;
    const delayS = Math.min(RETRY_BASE_S * 2 ** (tries - 1), RETRY_MAX_S);
    await deps.db.query(
      `UPDATE deliveries SET status = $2, detail = $3, attempts = $4, parts_sent = GREATEST(parts_sent, $5),
         next_attempt_at = CASE WHEN $6 THEN now() + make_interval(secs => $7) END,
         sent_at = CASE WHEN $2 = 'sent' THEN now() END
       WHERE id = $1`,
      [m.deliveryId, r.status, r.detail ?? null, tries, r.partsSent ?? 0, retry, delayS],
    );
    if (r.status !== 'sent') deps.log?.('warn', 'message to citizen not sent', { deliveryId: m.deliveryId, channel: m.channel, status: r.status, detail: r.detail, retry });
    const ticketId = await ticketOf(deps.db, m.deliveryId);
    if (ticketId !== null) {
      const body = deliveryNote(m, r, retry);
      await deps.db.query(`INSERT INTO ticket_events (ticket_id, kind, body, data) VALUES ($1, 'delivery', $2, $3)`, [
        ticketId,
        body,
        JSON.stringify({ deliveryId: m.deliveryId, channel: m.channel, status: r.status, detail: r.detail ?? null, attempt: tries }),
      ]);
    }
    return r;
  }

  return {
    async deliver({ ticketId, ticketCode, conversationId, text }) {
      const [row] = await deps.db.query<{ id: number; channel: string; recipient: string | null }>(
        `WITH c AS (SELECT id, channel, citizen_ref FROM conversations WHERE id = $1),
              t AS (INSERT INTO turns (conversation_id, role, text) SELECT id, 'officer', $3 FROM c RETURNING 1)
         INSERT INTO deliveries (ticket_id, conversation_id, channel, recipient, text)
         SELECT $2, c.id, c.channel, c.citizen_ref, $3 FROM c RETURNING id, channel, recipient`,
        [conversationId, ticketId, text],
      );
      if (!row) throw new Error(`conversation ${conversationId} does not exist`);
      const m: OutboundMessage = { deliveryId: row.id, ticketCode, conversationId, channel: row.channel, recipient: row.recipient, text };
      if (PULL_CHANNELS.has(row.channel)) {
        for (const fn of listeners.get(conversationId) ?? []) fn(m);
        return { ...m, status: 'pending' };
      }
      const channel = channels.get(row.channel);
      if (!channel) {
        deps.log?.('info', 'outbound message recorded; no sender for its channel yet', { channel: row.channel, deliveryId: row.id });
        return { ...m, status: 'pending' };
      }
      const r = await attempt(channel, m, 0);
      return { ...m, status: r.status };
    },
    async pending(conversationId, afterId = 0) {
      return deps.db.query<Delivery>(
        `SELECT d.id, t.code AS ticket_code, d.conversation_id, d.channel, d.text, d.status, d.created_at
         FROM deliveries d LEFT JOIN tickets t ON t.id = d.ticket_id
         WHERE d.conversation_id = $1 AND d.id > $2 ORDER BY d.id`,
        [conversationId, afterId],
      );
    },
    async markSeen(conversationId, ids) {
      if (ids.length) await deps.db.query(`UPDATE deliveries SET status = 'seen' WHERE conversation_id = $1 AND id = ANY($2::int[]) AND status = 'pending'`, [conversationId, ids]);
    },
    async retryDue() {
      const due = await deps.db.transaction((tx) =>
        tx.query<{ id: number; ticket_code: string | null; conversation_id: string; channel: string; recipient: string | null; text: string; attempts: number; parts_sent: number }>(
          `UPDATE deliveries d SET next_attempt_at = now() + interval '5 minutes'
           FROM (SELECT id FROM deliveries WHERE status = 'failed' AND next_attempt_at <= now() AND channel = ANY($1::text[])
                 ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED) due
           WHERE d.id = due.id
           RETURNING d.id, (SELECT code FROM tickets WHERE id = d.ticket_id) AS ticket_code, d.conversation_id, d.channel, d.recipient, d.text, d.attempts, d.parts_sent`,
          [[...channels.keys()]],
        ),
      );
      for (const d of due) {
        const channel = channels.get(d.channel)!;
        const m: OutboundMessage = { deliveryId: d.id, ticketCode: d.ticket_code, conversationId: d.conversation_id, channel: d.channel, recipient: d.recipient, text: d.text, partsSent: d.parts_sent };
        await attempt(channel, m, d.attempts);
      }
      return due.length;
    },
    subscribe(conversationId, fn) {
      let set = listeners.get(conversationId);
      if (!set) listeners.set(conversationId, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (!set.size) listeners.delete(conversationId);
      };
    },
  };
}

async function ticketOf(db: Queryable, deliveryId: number): Promise<number | null> {
  const [r] = await db.query<{ ticket_id: number | null }>('SELECT ticket_id FROM deliveries WHERE id = $1', [deliveryId]);
  return r?.ticket_id ?? null;
}

/** What the officer reads on the ticket about one attempt to reach the citizen. */
function deliveryNote(m: OutboundMessage, r: SendResult, retry: boolean): string {
  const channel = st(`channel_${m.channel}`);
  const vars = { channel, code: m.ticketCode ?? '' };
  // "cs: free_window_over" → free_window_over; "-230: …" → -230; "no_interaction_7_days" as is.
  const key = (r.detail ?? '').startsWith('cs:') ? r.detail!.slice(3).trim() : (r.detail ?? '').split(':')[0]!.trim();
  const why = key ? st(`deliveryWhy_${key}`) : '';
  const reason = why && !why.startsWith('deliveryWhy_') ? why : r.detail ?? '';
  if (r.status === 'sent') return key && key !== 'reply' ? `${stf('delivery_sent_cs', vars)}${reason ? ` (${reason})` : ''}` : stf('delivery_sent', vars);
  if (r.status === 'undeliverable') return `${stf('delivery_undeliverable', vars)}${reason ? `: ${reason}` : ''}. ${stf('delivery_readByCode', vars)}`;
  if (r.status === 'failed') return `${stf(retry ? 'delivery_retry' : 'delivery_failed', vars)}${r.detail ? ` (${r.detail})` : ''}`;
  return stf('delivery_pending', vars);
}

export async function conversationOf(db: Queryable, ticketId: number): Promise<string | null> {
  const [r] = await db.query<{ conversation_id: string }>('SELECT conversation_id FROM tickets WHERE id = $1', [ticketId]);
  return r?.conversation_id ?? null;
}
