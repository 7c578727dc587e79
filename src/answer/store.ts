// Conversations, turns and answer records in SQL.
import type { Db, Queryable } from '../db/index.ts';
import type { AnswerContext, Channel, Turn } from './types.ts';

/** How many earlier turns a follow-up may lean on. */
const HISTORY_TURNS = 10;

export async function conversationExists(db: Queryable, id: string): Promise<{ channel: Channel; citizen_ref: string | null } | null> {
  const rows = await db.query<{ channel: Channel; citizen_ref: string | null }>('SELECT channel, citizen_ref FROM conversations WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function loadHistory(db: Queryable, conversationId: string): Promise<Turn[]> {
  const rows = await db.query<{ role: Turn['role']; text: string; rewritten: string | null; units: { unitId: number; cited: boolean }[] | null; reason: string | null }>(
    `SELECT t.role, t.text, t.rewritten, a.units, a.reason
     FROM (SELECT * FROM turns WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2) t
     LEFT JOIN answers a ON a.id = t.answer_id
     ORDER BY t.id`,
    [conversationId, HISTORY_TURNS],
  );
  return rows.map((r) => ({ role: r.role, text: r.text, rewritten: r.rewritten, unitIds: (r.units ?? []).filter((u) => u.cited).map((u) => u.unitId), reason: r.reason }));
}

/**
 * Everything one question produced — conversation, answer record, both turns, the ticket — in one
 * statement (data-modifying CTEs), so it is atomic without a transaction round trip.
 * A ticket code collision surfaces as a unique violation for the caller to retry.
 */
export async function saveExchange(
  db: Db,
  ctx: AnswerContext,
  answerId: string,
  ticket: { code: string; agency: string; dueAt: Date } | null,
  /** The citizen's raw words sealed (src/privacy/seal.ts), when they held personal data and a key is set. */
  sealed: string | null = null,
): Promise<void> {
  const cited = new Set(ctx.citations.map((c) => c.sourceId));
  const units = ctx.hits.map((h) => ({ unitId: h.unitId, sourceId: sourceIdOf(h), score: Number(h.score.toFixed(6)), cited: cited.has(sourceIdOf(h)) }));
  await db.query(
    `WITH c AS (
       INSERT INTO conversations (id, channel, lang, citizen_ref) VALUES ($1, $6, $5, $18)
       ON CONFLICT (id) DO UPDATE SET updated_at = now(), lang = EXCLUDED.lang RETURNING id),
     a AS (
       INSERT INTO answers (id, conversation_id, question, rewritten, lang, channel, status, reason, route, answer, citations, units,
                            confidence, composer, prompt_version, timings, agency, question_sealed)
       SELECT $2, c.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $22 FROM c RETURNING id, conversation_id),
     t AS (
       INSERT INTO turns (conversation_id, role, text, rewritten, answer_id, text_sealed)
       SELECT a.conversation_id, r.role, r.text, r.rewritten, a.id, r.sealed FROM a,
         (VALUES (1, 'citizen', $3::text, $4::text, $22::text), (2, 'assistant', $10::text, NULL::text, NULL::text)) AS r(ord, role, text, rewritten, sealed)
       ORDER BY r.ord RETURNING 1)
     INSERT INTO tickets (code, conversation_id, answer_id, agency, reason, question, channel, lang, due_at, question_sealed)
     SELECT $19, a.conversation_id, a.id, $20, $8, coalesce($4, $3), $6, $5, $21::timestamptz, $22 FROM a WHERE $19::text IS NOT NULL`,
    [
      ctx.conversationId,
      answerId,
      ctx.question,
      ctx.rewritten,
      ctx.lang,
      ctx.channel,
      ctx.stop!.status,
      ctx.stop!.reason,
      ctx.route,
      ctx.answer,
      JSON.stringify(ctx.citations),
      JSON.stringify(units),
      ctx.confidence,
      ctx.composer,
      ctx.promptVersion,
      JSON.stringify(roundTimings(ctx.timings)),
      ctx.agency,
      ctx.input.citizenRef ?? null,
      ticket?.code ?? null,
      ticket?.agency ?? null,
      ticket?.dueAt.toISOString() ?? null,
      sealed,
    ],
  );
}

/** The id a citation gives for a unit: stable across re-ingestion ("law:68/2020/qh14#article:20"). */
export function sourceIdOf(h: { docKey: string; unitKey: string }): string {
  return `${h.docKey}#${h.unitKey}`;
}

function roundTimings(t: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

export async function recordFeedback(db: Queryable, answerId: string, helpful: boolean, reason: string | null): Promise<boolean> {
  const rows = await db.query<{ id: number }>(
    'INSERT INTO answer_feedback (answer_id, helpful, reason) SELECT id, $2, $3 FROM answers WHERE id = $1 RETURNING id',
    [answerId, helpful, reason],
  );
  return rows.length > 0;
}
