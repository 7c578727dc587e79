// One citizen's data, by conversation id or Zalo user id: everything held about them as JSON (the
// right of access), or all of it deleted (the right to erasure, Nghị định 13/2023/NĐ-CP). The export
// holds the citizen's own words opened from the *_sealed columns when DATA_ENCRYPTION_KEY is set,
// else the masked text (`masked: true` marks a text whose raw form could not be opened). Deletion
// takes tickets even when still open: the citizen asked. A Zalo user id reaches every Zalo
// conversation of that user plus the inbox events and sent-message records; a conversation id
// reaches that conversation only. Both record an audit row with counts, never content.
import type { Db, Queryable } from '../db/index.ts';
import type { Sealer } from './seal.ts';
import { audit, type AuditActor } from './audit.ts';
import { purgeConversations, type PurgeCounts } from './purge.ts';

export type CitizenTarget = { conversationId: string } | { zaloUserId: string };

export const targetRef = (t: CitizenTarget): string => ('conversationId' in t ? `conversation:${t.conversationId}` : `zalo:${t.zaloUserId}`);

/** A text as stored: the raw words when they were sealed and can be opened, else the masked ones. */
export interface HeldText {
  text: string;
  masked: boolean;
}

export interface CitizenExport {
  target: CitizenTarget;
  exportedAt: string;
  /** Whether sealed raw text could be opened (a key is configured). */
  rawAvailable: boolean;
  conversations: {
    id: string;
    channel: string;
    lang: string;
    createdAt: Date;
    updatedAt: Date;
    turns: ({ role: string; createdAt: Date } & HeldText)[];
    answers: { id: string; question: HeldText; answer: string; status: string; citations: unknown; createdAt: Date; feedback: { helpful: boolean; reason: string | null; createdAt: Date }[] }[];
    tickets: {
      code: string;
      agency: string;
      status: string;
      question: HeldText;
      answer: string | null;
      createdAt: Date;
      answeredAt: Date | null;
      closedAt: Date | null;
      events: ({ kind: string; createdAt: Date } & ({ body: HeldText } | { body: null }))[];
    }[];
    deliveries: { channel: string; text: string; status: string; createdAt: Date; sentAt: Date | null }[];
  }[];
  /** For a Zalo user id: every event received from them, and when the OA wrote to them. */
  zalo?: {
    inbox: { eventName: string; receivedAt: Date; status: string; payload: unknown; masked: boolean }[];
    sent: { mode: string; sentAt: Date }[];
  };
}

async function conversationIds(db: Queryable, t: CitizenTarget): Promise<string[]> {
  const rows =
    'conversationId' in t
      ? await db.query<{ id: string }>('SELECT id FROM conversations WHERE id = $1', [t.conversationId])
      : await db.query<{ id: string }>(`SELECT id FROM conversations WHERE channel = 'zalo' AND citizen_ref = $1 ORDER BY created_at`, [t.zaloUserId]);
  return rows.map((r) => r.id);
}

/** The agencies whose tickets the citizen's conversations have (who may see their raw words). */
export async function targetAgencies(db: Queryable, t: CitizenTarget): Promise<string[]> {
  const rows =
    'conversationId' in t
      ? await db.query<{ agency: string }>('SELECT DISTINCT agency FROM tickets WHERE conversation_id = $1', [t.conversationId])
      : await db.query<{ agency: string }>(
          `SELECT DISTINCT t.agency FROM tickets t JOIN conversations c ON c.id = t.conversation_id WHERE c.channel = 'zalo' AND c.citizen_ref = $1`,
          [t.zaloUserId],
        );
  return rows.map((r) => r.agency).sort();
}

async function held(sealer: Sealer, masked: string, sealed: string | null): Promise<HeldText> {
  if (!sealed) return { text: masked, masked: false };
  const raw = await sealer.open(sealed);
  return raw === null ? { text: masked, masked: true } : { text: raw, masked: false };
}

/** Everything held about the citizen, or null when nothing is. Records 'citizen.export'. */
export async function exportCitizen(db: Db, sealer: Sealer, target: CitizenTarget, who: AuditActor, now = new Date()): Promise<CitizenExport | null> {
  const ids = await conversationIds(db, target);
  const out: CitizenExport = { target, exportedAt: now.toISOString(), rawAvailable: sealer.enabled, conversations: [] };
  for (const id of ids) {
    const [c] = await db.query<{ id: string; channel: string; lang: string; created_at: Date; updated_at: Date }>('SELECT * FROM conversations WHERE id = $1', [id]);
    if (!c) continue;
    const turns = await db.query<{ role: string; text: string; text_sealed: string | null; created_at: Date }>('SELECT role, text, text_sealed, created_at FROM turns WHERE conversation_id = $1 ORDER BY id', [id]);
    const answers = await db.query<{ id: string; question: string; question_sealed: string | null; answer: string; status: string; citations: unknown; created_at: Date }>(
      'SELECT id, question, question_sealed, answer, status, citations, created_at FROM answers WHERE conversation_id = $1 ORDER BY created_at',
      [id],
    );
    const feedback = await db.query<{ answer_id: string; helpful: boolean; reason: string | null; created_at: Date }>(
      'SELECT f.answer_id, f.helpful, f.reason, f.created_at FROM answer_feedback f JOIN answers a ON a.id = f.answer_id WHERE a.conversation_id = $1 ORDER BY f.id',
      [id],
    );
    const tickets = await db.query<{ id: number; code: string; agency: string; status: string; question: string; question_sealed: string | null; answer: string | null; created_at: Date; answered_at: Date | null; closed_at: Date | null }>(
      'SELECT id, code, agency, status, question, question_sealed, answer, created_at, answered_at, closed_at FROM tickets WHERE conversation_id = $1 ORDER BY id',
      [id],
    );
    // Officers' internal notes are the agency's working papers about the case, not the citizen's
    // data; what the citizen wrote, was asked and was told is included.
    const events = await db.query<{ ticket_id: number; kind: string; body: string | null; body_sealed: string | null; created_at: Date }>(
      `SELECT e.ticket_id, e.kind, CASE WHEN e.kind = 'note' THEN NULL ELSE e.body END AS body, CASE WHEN e.kind = 'note' THEN NULL ELSE e.body_sealed END AS body_sealed, e.created_at
       FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.conversation_id = $1 ORDER BY e.id`,
      [id],
    );
    const deliveries = await db.query<{ channel: string; text: string; status: string; created_at: Date; sent_at: Date | null }>(
      'SELECT channel, text, status, created_at, sent_at FROM deliveries WHERE conversation_id = $1 ORDER BY id',
      [id],
    );
    out.conversations.push({
      id: c.id,
      channel: c.channel,
      lang: c.lang,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      turns: await Promise.all(turns.map(async (t) => ({ role: t.role, createdAt: t.created_at, ...(await held(sealer, t.text, t.text_sealed)) }))),
      answers: await Promise.all(
        answers.map(async (a) => ({
          id: a.id,
          question: await held(sealer, a.question, a.question_sealed),
          answer: a.answer,
          status: a.status,
          citations: a.citations,
          createdAt: a.created_at,
          feedback: feedback.filter((f) => f.answer_id === a.id).map((f) => ({ helpful: f.helpful, reason: f.reason, createdAt: f.created_at })),
        })),
      ),
      tickets: await Promise.all(
        tickets.map(async (t) => ({
          code: t.code,
          agency: t.agency,
          status: t.status,
          question: await held(sealer, t.question, t.question_sealed),
          answer: t.answer,
          createdAt: t.created_at,
          answeredAt: t.answered_at,
          closedAt: t.closed_at,
          events: await Promise.all(
            events.filter((e) => e.ticket_id === t.id).map(async (e) => ({ kind: e.kind, createdAt: e.created_at, body: e.body === null ? null : await held(sealer, e.body, e.body_sealed) })),
          ),
        })),
      ),
      deliveries: deliveries.map((d) => ({ channel: d.channel, text: d.text, status: d.status, createdAt: d.created_at, sentAt: d.sent_at })),
    });
  }
  if ('zaloUserId' in target) {
    const inbox = await db.query<{ event_name: string; received_at: Date; status: string; payload: unknown; payload_sealed: string | null }>(
      'SELECT event_name, received_at, status, payload, payload_sealed FROM zalo_inbox WHERE user_id = $1 ORDER BY received_at',
      [target.zaloUserId],
    );
    const sent = await db.query<{ mode: string; sent_at: Date }>('SELECT mode, sent_at FROM zalo_sent WHERE user_id = $1 ORDER BY id', [target.zaloUserId]);
    out.zalo = {
      inbox: await Promise.all(
        inbox.map(async (r) => {
          const raw = r.payload_sealed ? await sealer.open(r.payload_sealed) : null;
          let payload: unknown = r.payload;
          if (raw !== null) {
            try {
              payload = JSON.parse(raw);
            } catch {
              payload = raw;
            }
          }
          return { eventName: r.event_name, receivedAt: r.received_at, status: r.status, payload, masked: Boolean(r.payload_sealed) && raw === null };
        }),
      ),
      sent: sent.map((s) => ({ mode: s.mode, sentAt: s.sent_at })),
    };
  }
  const found = out.conversations.length > 0 || Boolean(out.zalo && (out.zalo.inbox.length || out.zalo.sent.length));
  if (!found) return null;
  await audit(db, who, 'citizen.export', targetRef(target), {
    conversations: out.conversations.length,
    tickets: out.conversations.reduce((n, c) => n + c.tickets.length, 0),
    zaloEvents: out.zalo?.inbox.length ?? 0,
    raw: sealer.enabled,
  });
  return out;
}

export interface CitizenDeletion extends PurgeCounts {
  zaloInbox: number;
  zaloSent: number;
}

/** Deletes everything held about the citizen in one transaction; null when nothing was held. Records 'citizen.delete'. */
export async function deleteCitizen(db: Db, target: CitizenTarget, who: AuditActor): Promise<CitizenDeletion | null> {
  const counts = await db.transaction(async (tx) => {
    const ids = 'conversationId' in target
      ? (await tx.query<{ id: string }>('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [target.conversationId])).map((r) => r.id)
      : (await tx.query<{ id: string }>(`SELECT id FROM conversations WHERE channel = 'zalo' AND citizen_ref = $1 FOR UPDATE`, [target.zaloUserId])).map((r) => r.id);
    const purged = await purgeConversations(tx, ids);
    let zaloInbox = 0;
    let zaloSent = 0;
    if ('zaloUserId' in target) {
      const n = async (sql: string) => (await tx.query<{ n: number }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`, [target.zaloUserId]))[0]?.n ?? 0;
      zaloInbox = await n('DELETE FROM zalo_inbox WHERE user_id = $1');
      zaloSent = await n('DELETE FROM zalo_sent WHERE user_id = $1');
      // Deliveries addressed to the user from a conversation not filed under them (none expected).
      purged.deliveries += await n('DELETE FROM deliveries WHERE recipient = $1');
    }
    return { ...purged, zaloInbox, zaloSent };
  });
  if (!counts.conversations && !counts.zaloInbox && !counts.zaloSent && !counts.deliveries) return null;
  await audit(db, who, 'citizen.delete', targetRef(target), { ...counts });
  return counts;
}
