// POST /webhooks/zalo: the OA's events. The signature is checked on the raw body first (401 when it
// does not match, or when the event is older than the replay window); a verified event is stored in
// the inbox under its msg_id and acknowledged at once — a worker answers it later — so Zalo gets
// its 200 well within 2 s, and a redelivered event is acknowledged and ignored.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import { t } from '../../messages.ts';
import { verifyZaloSignature } from './signature.ts';
import { maskPersonal } from '../../text/personal.ts';
import type { Sealer } from '../../privacy/seal.ts';

/** Events older (or newer) than this are refused as replays. */
export const REPLAY_WINDOW_MS = 5 * 60_000;
const MAX_BODY_BYTES = 64 * 1024;

// Only what routing needs; the whole event is stored as received. Ids are strings (a 19-digit
// Zalo id does not survive a JavaScript number), so numbers are refused where ids belong.
const id = z.string().min(1).max(64);
const eventSchema = z.object({
  app_id: z.union([z.string(), z.number()]).transform(String),
  event_name: z.string().min(1).max(100),
  timestamp: z.union([z.string().regex(/^\d{10,16}$/), z.number().int().positive()]).transform(String),
  sender: z.object({ id }).partial().optional(),
  recipient: z.object({ id }).partial().optional(),
  follower: z.object({ id }).partial().optional(),
  user_id_by_app: z.string().optional(),
  message: z.object({ msg_id: id.optional() }).passthrough().optional(),
});
export type ZaloEvent = z.infer<typeof eventSchema>;

/** The citizen in an event: the sender, except on the OA's own echoes and on follow events. */
export function citizenOf(e: ZaloEvent): string | null {
  if (e.event_name.startsWith('oa_')) return e.recipient?.id ?? null;
  if (e.event_name === 'follow' || e.event_name === 'unfollow') return e.follower?.id ?? e.sender?.id ?? null;
  return e.sender?.id ?? null;
}

/**
 * The event as stored: the citizen's text masked. The event as received is kept only sealed
 * (payload_sealed), for the worker to answer and the owning agency to read.
 */
export function maskedPayload(value: unknown): string {
  const message = (value as { message?: { text?: unknown } } | null)?.message;
  if (!message || typeof message.text !== 'string') return JSON.stringify(value);
  return JSON.stringify({ ...(value as object), message: { ...message, text: maskPersonal(message.text) } });
}

export function zaloWebhookRoutes(deps: { db: Db; config: Pick<Config, 'zalo'>; now: () => Date; onEvent?: () => void; sealer?: Sealer }) {
  const app = new Hono();
  app.post('/webhooks/zalo', async (c) => {
    const { appId, oaSecretKey } = deps.config.zalo;
    if (!appId || !oaSecretKey) throw new AppError(503, 'zalo_not_configured', t('zaloNotConfigured'));
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) throw new AppError(413, 'payload_too_large', t('bodyTooLarge'));
    const raw = await c.req.text();
    if (new TextEncoder().encode(raw).length > MAX_BODY_BYTES) throw new AppError(413, 'payload_too_large', t('bodyTooLarge'));
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AppError(400, 'invalid_json', t('badJson'));
    }
    const ts = (value as { timestamp?: unknown } | null)?.timestamp;
    const timestamp = typeof ts === 'string' || typeof ts === 'number' ? String(ts) : '';
    if (!verifyZaloSignature(c.req.header('x-zevent-signature'), appId, raw, timestamp, oaSecretKey)) {
      throw new AppError(401, 'bad_signature', t('zaloBadSignature'));
    }
    const parsed = eventSchema.safeParse(value);
    if (!parsed.success) throw new AppError(400, 'invalid_event', t('badInput'));
    const e = parsed.data;
    if (e.app_id !== appId) throw new AppError(401, 'bad_signature', t('zaloBadSignature'));
    const sentAt = Number(e.timestamp.length <= 10 ? `${e.timestamp}000` : e.timestamp);
    if (Math.abs(deps.now().getTime() - sentAt) > REPLAY_WINDOW_MS) throw new AppError(401, 'stale_event', t('zaloStaleEvent'));
    const user = citizenOf(e);
    const key = e.message?.msg_id ?? `${e.event_name}:${user ?? '-'}:${e.timestamp}`;
    const payload = maskedPayload(value);
    const sealed = payload === JSON.stringify(value) ? null : ((await deps.sealer?.seal(raw)) ?? null);
    const rows = await deps.db.query<{ event_key: string }>(
      `INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, received_at, payload_sealed) VALUES ($1, $2, $3, $4, $5::timestamptz, $6)
       ON CONFLICT (event_key) DO NOTHING RETURNING event_key`,
      [key, e.event_name, user, payload, deps.now().toISOString(), sealed],
    );
    const duplicate = rows.length === 0;
    if (!duplicate) deps.onEvent?.();
    return c.json({ ok: true, duplicate });
  });
  return app;
}
