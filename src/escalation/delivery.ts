// Officers' answers go back on the channel the citizen asked on. Every message is first stored
// (deliveries, and a turn in the conversation), so nothing is lost: a web widget that is open gets
// it pushed, one that is closed gets it on its next visit; Zalo messages go through the channel
// that [zalo] implements, and until one is configured they wait, recorded, as outbound messages.
import type { Db, Queryable } from '../db/index.ts';

export interface OutboundMessage {
  deliveryId: number;
  ticketCode: string | null;
  conversationId: string;
  channel: string;
  /** The citizen's identity on the channel (a Zalo user id, as a string). */
  recipient: string | null;
  text: string;
}

export type SendResult = { status: 'sent' | 'pending' | 'failed' | 'undeliverable'; detail?: string };

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
}

/** Channels whose messages wait to be fetched or pushed rather than being sent by a channel API. */
const PULL_CHANNELS = new Set(['web', 'api', 'voice', 'cli']);

export function createDeliveryService(deps: { db: Db; channels?: OutboundChannel[]; log?: (level: 'info' | 'warn', msg: string, f?: Record<string, unknown>) => void }): DeliveryService {
  const listeners = new Map<string, Set<Listener>>();
  const channels = new Map((deps.channels ?? []).map((c) => [c.name, c]));
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
      let r: SendResult;
      try {
        r = await channel.send(m);
      } catch (e) {
        r = { status: 'failed', detail: e instanceof Error ? e.message : String(e) };
      }
      await deps.db.query(`UPDATE deliveries SET status = $2, detail = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE id = $1`, [row.id, r.status, r.detail ?? null]);
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

export async function conversationOf(db: Queryable, ticketId: number): Promise<string | null> {
  const [r] = await db.query<{ conversation_id: string }>('SELECT conversation_id FROM tickets WHERE id = $1', [ticketId]);
  return r?.conversation_id ?? null;
}
