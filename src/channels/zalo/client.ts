// Sending customer-service messages as the Official Account, and keeping its token fresh.
// Refresh tokens are single-use: a refresh consumes the stored one and returns the next. Two
// refreshes with the same token would leave one side holding a dead token — and the other side
// losing the chain if it failed to store. So refreshes run one at a time across every process
// (a row lock on zalo_tokens, re-checked once held) and within a process (one shared promise), and
// the new pair is stored in the same transaction before the new access token is used.
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import type { Db, Queryable } from '../../db/index.ts';
import type { OutboundChannel, SendResult } from '../../escalation/delivery.ts';
import type { Logger } from '../../http/errors.ts';
import { splitForZalo } from './split.ts';
import { planReply, type WindowPlan } from './window.ts';

/** Refresh when the access token expires within this. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
/** The configured token's lifetime is unknown; assume it is good for this long. */
export const SEEDED_TOKEN_TTL_MS = 60 * 60_000;
/** How long to wait after Zalo's per-minute rate limit (-32). */
export const RATE_LIMIT_BACKOFF_MS = 60_000;
export const REQUEST_TIMEOUT_MS = 10_000;

/** Invalid (-216), expired or removed (-220) access token; -124 is the ZNS API's spelling. */
const TOKEN_ERRORS = new Set([-216, -220, -124]);
/** The citizen cannot be reached with a customer-service message now; retrying will not help. */
const UNREACHABLE_ERRORS = new Set([-213, -217, -227, -230, -232, -244]);
const RATE_LIMITED = -32;

/** The OA's tokens are missing, or Zalo refused to refresh them. Never carries a token. */
export class ZaloAuthError extends Error {
  override name = 'ZaloAuthError';
}

export type ZaloSendResult = SendResult & {
  /** On a rate limit: how long to wait before trying again. */
  retryAfterMs?: number;
  /** For a message split in several parts: how many went out before the failure. */
  partsSent?: number;
  /** The request may have reached Zalo (timeout, dropped connection): it may or may not have been sent. */
  uncertain?: boolean;
};

export interface ZaloRecipient {
  /** The citizen's Zalo user id, a string (ids exceed 2^53). */
  userId: string;
  /** The citizen's message being answered: the send then counts as a (free) reply. */
  messageId?: string | undefined;
}

export interface ZaloClient {
  /** A valid access token, refreshed first when it expires within 5 minutes or when `force`d. */
  accessToken(force?: boolean): Promise<string>;
  sendText(to: ZaloRecipient, text: string): Promise<ZaloSendResult>;
  /**
   * Whether the OA already sent this text to the citizen since `since` (Zalo's conversation
   * history): settles a send whose outcome was lost, so it is neither lost nor sent twice.
   * 'unknown' when the history could not be read.
   */
  findSent(userId: string, text: string, since: Date): Promise<'found' | 'not_found' | 'unknown'>;
  /** The outbound channel named "zalo": one message, split into as many sends as it needs. */
  channel(): OutboundChannel & { send(m: Parameters<OutboundChannel['send']>[0]): Promise<ZaloSendResult> };
}

export interface ZaloClientDeps {
  db: Db;
  config: Pick<Config, 'zalo'>;
  fetch?: typeof fetch;
  now: () => Date;
  log: Logger;
  timeoutMs?: number;
}

interface TokenRow {
  access_token: string;
  refresh_token: string;
  expires_at: Date;
}

const refreshResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.union([z.string(), z.number()]).optional(),
});

const sendResponse = z.object({
  error: z.coerce.number(),
  message: z.string().optional(),
  data: z.object({ message_id: z.union([z.string(), z.number()]).optional() }).passthrough().nullish(),
});

/** The conversation history API (GET v2.0/oa/conversation): newest first, at most 10 per page. */
const historyResponse = z.object({
  error: z.coerce.number(),
  message: z.string().optional(),
  data: z
    .array(z.object({ from_id: z.union([z.string(), z.number()]).optional(), time: z.coerce.number().optional(), message: z.unknown().optional() }).passthrough())
    .nullish(),
});
type HistoryItem = NonNullable<z.infer<typeof historyResponse>['data']>[number];
const HISTORY_PAGE = 10;
const HISTORY_PAGES = 3;
/** Zalo's clock and ours may differ by this much. */
const CLOCK_SKEW_MS = 60_000;

/** How a message went out, for the delivery record: "reply", or "cs: <why not a free reply>". */
function planDetail(plan: Exclude<WindowPlan, { mode: 'closed' }>): string {
  return plan.mode === 'reply' ? 'reply' : `cs: ${plan.reason}`;
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A field's raw JSON value, so an id sent as a bare number keeps all its digits. */
function rawJsonField(body: string, name: string): string | undefined {
  return new RegExp(`"${name}"\\s*:\\s*"?([^",}\\s]+)`).exec(body)?.[1];
}

async function readTokens(q: Queryable, lock: boolean): Promise<TokenRow | undefined> {
  const [row] = await q.query<TokenRow>(`SELECT access_token, refresh_token, expires_at FROM zalo_tokens WHERE id = 1${lock ? ' FOR UPDATE' : ''}`);
  return row && { ...row, expires_at: new Date(row.expires_at) };
}

export function createZaloClient(deps: ZaloClientDeps): ZaloClient {
  const { db, config, now, log } = deps;
  const timeoutMs = deps.timeoutMs ?? REQUEST_TIMEOUT_MS;
  // Looked up at call time, so a fetch patched after the client was made (msw) is used.
  const http: typeof fetch = (input, init) => (deps.fetch ?? globalThis.fetch)(input, init);
  let inflight: Promise<string> | null = null;

  const expiringSoon = (row: TokenRow) => row.expires_at.getTime() - now().getTime() <= REFRESH_AHEAD_MS;

  /** The stored tokens, seeded from the configuration the first time. */
  async function currentTokens(): Promise<TokenRow> {
    const row = await readTokens(db, false);
    if (row) return row;
    const { accessToken, refreshToken } = config.zalo;
    if (!refreshToken) throw new ZaloAuthError('No Zalo tokens stored and ZALO_REFRESH_TOKEN is not set');
    // Without an access token the row starts expired, so the first use refreshes.
    const expiresAt = new Date(now().getTime() + (accessToken ? SEEDED_TOKEN_TTL_MS : 0));
    await db.query(
      `INSERT INTO zalo_tokens (id, access_token, refresh_token, expires_at) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [accessToken ?? '', refreshToken, expiresAt],
    );
    const seeded = await readTokens(db, false);
    if (!seeded) throw new ZaloAuthError('Could not store the Zalo tokens');
    log('info', 'zalo tokens seeded from the configuration', { expiresAt: seeded.expires_at.toISOString() });
    return seeded;
  }

  /** Refreshes unless, once the row is locked, it holds a usable token other than `bad`. */
  async function refresh(bad: string): Promise<string> {
    return db.transaction(async (tx) => {
      const row = await readTokens(tx, true);
      if (!row) throw new ZaloAuthError('No Zalo tokens stored');
      if (row.access_token !== bad && row.access_token !== '' && !expiringSoon(row)) return row.access_token;
      const { appId, appSecret, oauthBaseUrl } = config.zalo;
      if (!appId || !appSecret) throw new ZaloAuthError('ZALO_APP_ID and ZALO_APP_SECRET are required to refresh the Zalo access token');
      let body: unknown;
      try {
        const res = await http(`${oauthBaseUrl}/v4/oa/access_token`, {
          method: 'POST',
          headers: { secret_key: appSecret, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ app_id: appId, grant_type: 'refresh_token', refresh_token: row.refresh_token }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
      } catch (e) {
        // The stored refresh token is kept. If Zalo did consume it, an operator must set a new one.
        throw new ZaloAuthError(`Zalo token refresh failed: ${errorMessage(e)}`);
      }
      const parsed = refreshResponse.safeParse(body);
      if (!parsed.success) {
        const b = (body ?? {}) as { error?: unknown; message?: unknown; error_description?: unknown };
        throw new ZaloAuthError(`Zalo refused the token refresh (error ${String(b.error ?? '?')}: ${String(b.message ?? b.error_description ?? 'no access_token')})`);
      }
      const { access_token, refresh_token, expires_in } = parsed.data;
      const seconds = Number(expires_in);
      const expiresAt = new Date(now().getTime() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000);
      if (!refresh_token) log('warn', 'zalo token refresh returned no refresh_token; keeping the previous one');
      await tx.query(`UPDATE zalo_tokens SET access_token = $1, refresh_token = $2, expires_at = $3, updated_at = now() WHERE id = 1`, [
        access_token,
        refresh_token ?? row.refresh_token,
        expiresAt,
      ]);
      log('info', 'zalo access token refreshed', { expiresAt: expiresAt.toISOString() });
      return access_token;
    });
  }

  /** A usable token; `bad` is one Zalo has just rejected. */
  async function token(bad?: string): Promise<string> {
    const row = await currentTokens();
    if (bad === undefined && row.access_token !== '' && !expiringSoon(row)) return row.access_token;
    if (bad !== undefined && row.access_token !== bad && row.access_token !== '' && !expiringSoon(row)) return row.access_token;
    if (!inflight) {
      const p = refresh(bad ?? row.access_token).finally(() => {
        if (inflight === p) inflight = null;
      });
      inflight = p;
    }
    return inflight;
  }

  type Attempt = { tokenRejected: true; code: number; message: string } | { tokenRejected: false; result: ZaloSendResult };

  /** Counts the send against the citizen's free replies. The message is out either way, so a failure here is only logged. */
  async function record(to: ZaloRecipient, messageId: string | null): Promise<void> {
    try {
      await db.query(`INSERT INTO zalo_sent (user_id, mode, reply_to, message_id, sent_at) VALUES ($1, $2, $3, $4, $5::timestamptz)`, [
        to.userId,
        to.messageId ? 'reply' : 'cs',
        to.messageId ?? null,
        messageId,
        now().toISOString(),
      ]);
    } catch (e) {
      log('warn', 'zalo: could not record a sent message', { error: errorMessage(e) });
    }
  }

  type HistoryPage = { ok: true; items: HistoryItem[] } | { ok: false; tokenRejected: boolean; detail: string };

  async function historyPage(accessToken: string, userId: string, offset: number): Promise<HistoryPage> {
    const data = JSON.stringify({ user_id: userId, offset, count: HISTORY_PAGE });
    let raw: string;
    try {
      const res = await http(`${config.zalo.apiBaseUrl}/v2.0/oa/conversation?data=${encodeURIComponent(data)}`, {
        headers: { access_token: accessToken },
        signal: AbortSignal.timeout(timeoutMs),
      });
      raw = await res.text();
    } catch (e) {
      return { ok: false, tokenRejected: false, detail: errorMessage(e) };
    }
    let parsed: ReturnType<typeof historyResponse.safeParse>;
    try {
      parsed = historyResponse.safeParse(JSON.parse(raw));
    } catch {
      return { ok: false, tokenRejected: false, detail: 'not JSON' };
    }
    if (!parsed.success) return { ok: false, tokenRejected: false, detail: 'unexpected response' };
    if (parsed.data.error !== 0) return { ok: false, tokenRejected: TOKEN_ERRORS.has(parsed.data.error), detail: `${parsed.data.error}: ${parsed.data.message ?? ''}` };
    return { ok: true, items: parsed.data.data ?? [] };
  }

  async function findSent(userId: string, text: string, since: Date): Promise<'found' | 'not_found' | 'unknown'> {
    const want = text.trim();
    const from = since.getTime() - CLOCK_SKEW_MS;
    let accessToken: string;
    try {
      accessToken = await token();
    } catch (e) {
      log('warn', 'zalo: no token to read the conversation history', { error: errorMessage(e) });
      return 'unknown';
    }
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let r = await historyPage(accessToken, userId, page * HISTORY_PAGE);
      if (!r.ok && r.tokenRejected) {
        try {
          accessToken = await token(accessToken);
        } catch {
          return 'unknown';
        }
        r = await historyPage(accessToken, userId, page * HISTORY_PAGE);
      }
      if (!r.ok) {
        log('warn', 'zalo: could not read the conversation history', { detail: r.detail });
        return 'unknown';
      }
      // Direction by from_id (the citizen's own messages carry their id), not by src, whose coding is not documented consistently.
      if (r.items.some((m) => String(m.from_id ?? '') !== userId && typeof m.message === 'string' && m.message.trim() === want && (m.time ?? from) >= from)) return 'found';
      // Newest first: once a page reaches back before `since`, older pages cannot hold the message.
      if (r.items.length < HISTORY_PAGE || r.items.some((m) => (m.time ?? Infinity) < from)) return 'not_found';
    }
    return 'not_found';
  }

  async function post(accessToken: string, to: ZaloRecipient, text: string): Promise<Attempt> {
    const recipient = to.messageId ? { message_id: to.messageId } : { user_id: to.userId };
    let raw: string;
    let status: number;
    try {
      const res = await http(`${config.zalo.apiBaseUrl}/v3.0/oa/message/cs`, {
        method: 'POST',
        headers: { access_token: accessToken, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient, message: { text } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      raw = await res.text();
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      return { tokenRejected: false, result: { status: 'failed', detail: timedOut ? 'timeout' : `network: ${errorMessage(e)}`, uncertain: true } };
    }
    if (status === 429) return { tokenRejected: false, result: { status: 'failed', detail: 'rate_limited', retryAfterMs: RATE_LIMIT_BACKOFF_MS } };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { tokenRejected: false, result: { status: 'failed', detail: `HTTP ${status}: not JSON`, ...(status >= 500 ? { uncertain: true } : {}) } };
    }
    const parsed = sendResponse.safeParse(json);
    if (!parsed.success) return { tokenRejected: false, result: { status: 'failed', detail: `HTTP ${status}: unexpected response` } };
    const { error, message = '', data } = parsed.data;
    if (error === 0) {
      const id = typeof data?.message_id === 'number' ? rawJsonField(raw, 'message_id') : data?.message_id;
      await record(to, id ?? null);
      return { tokenRejected: false, result: { status: 'sent', ...(id ? { detail: id } : {}) } };
    }
    if (TOKEN_ERRORS.has(error)) return { tokenRejected: true, code: error, message };
    if (error === RATE_LIMITED) return { tokenRejected: false, result: { status: 'failed', detail: 'rate_limited', retryAfterMs: RATE_LIMIT_BACKOFF_MS } };
    if (UNREACHABLE_ERRORS.has(error)) return { tokenRejected: false, result: { status: 'undeliverable', detail: `${error}: ${message}` } };
    return { tokenRejected: false, result: { status: 'failed', detail: `${error}: ${message}` } };
  }

  async function sendText(to: ZaloRecipient, text: string): Promise<ZaloSendResult> {
    let accessToken: string;
    try {
      accessToken = await token();
    } catch (e) {
      log('error', 'zalo: no usable access token', { error: errorMessage(e) });
      return { status: 'failed', detail: `auth: ${errorMessage(e)}` };
    }
    let attempt = await post(accessToken, to, text);
    if (!attempt.tokenRejected) return attempt.result;
    log('warn', 'zalo rejected the access token; refreshing and retrying once', { error: attempt.code });
    try {
      accessToken = await token(accessToken);
    } catch (e) {
      log('error', 'zalo token refresh failed', { error: errorMessage(e) });
      return { status: 'failed', detail: `auth: ${errorMessage(e)}` };
    }
    attempt = await post(accessToken, to, text);
    if (!attempt.tokenRejected) return attempt.result;
    return { status: 'failed', detail: `auth: token rejected after refresh (${attempt.code}: ${attempt.message})` };
  }

  return {
    async accessToken(force = false) {
      if (!force) return token();
      return token((await currentTokens()).access_token);
    },
    sendText,
    findSent,
    channel() {
      return {
        name: 'zalo',
        async send(m) {
          if (!m.recipient) return { status: 'undeliverable', detail: 'no Zalo user id for this conversation' };
          const parts = splitForZalo(m.text);
          if (!parts.length) return { status: 'failed', detail: 'empty message' };
          const from = Math.min(m.partsSent ?? 0, parts.length);
          const plan = await planReply(db, m.recipient, now(), parts.length - from);
          if (plan.mode === 'closed') return { status: 'undeliverable', detail: plan.reason };
          const to = { userId: m.recipient, ...(plan.mode === 'reply' ? { messageId: plan.messageId } : {}) };
          for (let i = from; i < parts.length; i++) {
            const r = await sendText(to, parts[i]!);
            if (r.status !== 'sent') {
              // Parts already sent cannot be recalled; say how far it got, so a retry resumes there.
              if (i > 0) log('warn', 'zalo message only partly sent', { deliveryId: m.deliveryId, sent: i, parts: parts.length, detail: r.detail });
              return { ...r, partsSent: i };
            }
          }
          return { status: 'sent', detail: planDetail(plan), partsSent: parts.length };
        },
      };
    },
  };
}
