// Answers what the webhook stored in zalo_inbox. A worker claims a batch of rows (FOR UPDATE SKIP
// LOCKED, so several workers never take the same row), marks them 'working' with a lock that runs
// out (a crashed worker's rows are taken over once it has), and handles each: a text question goes
// through the answer pipeline and the reply goes back by the user's message_id, which keeps it in
// Zalo's free reply window. A failed send is retried with backoff; a user Zalo refuses (-230…) is
// not. `attempts` doubles as a fencing token: a worker whose lock ran out and was taken over
// changes nothing and sends nothing more.
import type { Sealer } from '../../privacy/seal.ts';
import type { RateLimiter } from '../../abuse/limiter.ts';
import type { ChannelSwitches } from '../../abuse/switches.ts';
import type { AnswerService } from '../../answer/pipeline.ts';
import type { Db } from '../../db/index.ts';
import type { Logger } from '../../http/errors.ts';
import { fmt, t } from '../../messages.ts';
import { VoiceError } from '../../voice/audio.ts';
import type { AudioType } from '../../voice/audio.ts';
import type { SpeechToText } from '../../voice/stt.ts';

export type ZaloSendResult = { status: 'sent' | 'pending' | 'failed' | 'undeliverable'; detail?: string; retryAfterMs?: number; uncertain?: boolean };

/** Sends one text to a citizen; with messageId the send is a reply (free within Zalo's window). */
export interface ZaloSender {
  sendText(to: { userId: string; messageId?: string }, text: string): Promise<ZaloSendResult>;
  /** Whether this text already went to the citizen since `since` (the OA's conversation history). */
  findSent?(userId: string, text: string, since: Date): Promise<'found' | 'not_found' | 'unknown'>;
}

export type ZaloCitation = { n: number; ref: string; url?: string };
/** Turns an answer and its sources into the messages sent, in order, each within Zalo's limit. */
export type ZaloFormatter = (answer: string, citations: ZaloCitation[]) => string[];

export interface ZaloWorkerDeps {
  db: Db;
  answers: AnswerService;
  sender: ZaloSender;
  log: Logger;
  now: () => Date;
  /** Rows claimed per run. */
  batch?: number;
  /** How long a claimed row stays locked; longer than the slowest answer, or two workers may handle it. */
  lockMs?: number;
  format?: ZaloFormatter;
  /** Also run on every poll: officers' messages whose earlier send failed (DeliveryService.retryDue). */
  retryDeliveries?: () => Promise<number>;
  /** Voice notes: fetching the recording (allowlisted https hosts only) and speech to text. Without it a voice note gets "please type". */
  voice?: ZaloVoice;
  /** The kill switch and the per-user question limit (src/abuse); without them every question is answered. */
  abuse?: ZaloAbuse;
  /** Opens the event as received (the stored payload has the citizen's text masked). */
  sealer?: Sealer;
}

export interface ZaloAbuse {
  switches?: ChannelSwitches;
  /** Questions per Zalo user, counted at the time Zalo received each. */
  questions?: RateLimiter;
  /** At most one "too fast" or "paused" notice per user and window: the rest are stored and left unanswered. */
  notices: RateLimiter;
}

/** Events that are questions: the ones the kill switch and the rate limit apply to. */
const QUESTION_EVENTS = new Set(['user_send_text', 'user_send_audio']);

export interface ZaloVoice {
  fetchAudio(url: string): Promise<{ bytes: Uint8Array; type: AudioType }>;
  stt: SpeechToText;
}

/** Voice failures worth another try (the recording's host or the speech-to-text service was down), up to this many attempts. */
const VOICE_ATTEMPTS = 3;
const TRANSIENT_VOICE = new Set(['audio_fetch_failed', 'stt_timeout', 'stt_failed']);

export interface ZaloWorker {
  /** Claims and handles one batch; returns how many rows it claimed. Never throws. */
  runOnce(): Promise<number>;
  /** Polls every intervalMs (and at once after a full batch) until stop(). */
  start(intervalMs?: number): void;
  /** Stops polling and waits for the run in progress. */
  stop(): Promise<void>;
  /** Runs now instead of at the next poll (the webhook calls it for each new event); a no-op when stopped. */
  wake(): void;
}

/** After this many attempts a row is 'failed' and left for an operator. */
export const MAX_ATTEMPTS = 5;
export const ZALO_TEXT_LIMIT = 2000;
const DEFAULT_LOCK_MS = 2 * 60_000;
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 10 * 60_000;

/** Media a citizen may send instead of text: each gets the "text only, please" reply. */
const MEDIA_EVENTS = new Set([
  'user_send_image',
  'user_send_sticker',
  'user_send_file',
  'user_send_gif',
  'user_send_location',
  'user_send_video',
  'user_send_link',
]);

/** The answer, then its sources, cut into pieces Zalo accepts. A stand-in until split.ts's formatter is wired. */
export const defaultZaloFormat: ZaloFormatter = (answer, citations) => {
  const sources = citations.map((c) => `[${c.n}] ${c.ref}${c.url ? ` – ${c.url}` : ''}`);
  const text = sources.length ? `${answer}\n\n${t('zaloSources')}\n${sources.join('\n')}` : answer;
  const chars = Array.from(text); // code points, so no surrogate pair is cut in half
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += ZALO_TEXT_LIMIT) parts.push(chars.slice(i, i + ZALO_TEXT_LIMIT).join(''));
  return parts.length ? parts : [''];
};

/** The recording's URL in a user_send_audio event (message.attachments[].payload.url). */
export function audioUrl(payload: ZaloPayload): string | null {
  const list = Array.isArray(payload.message?.attachments) ? (payload.message!.attachments as unknown[]) : [];
  for (const a of list) {
    const url = (a as { payload?: { url?: unknown } } | null)?.payload?.url;
    if (typeof url === 'string' && url) return url;
  }
  return null;
}

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

interface InboxRow {
  event_key: string;
  event_name: string;
  user_id: string | null;
  payload: ZaloPayload;
  payload_sealed: string | null;
  attempts: number;
  received_at: Date;
}

interface ZaloPayload {
  message?: { msg_id?: unknown; text?: unknown; attachments?: unknown };
  /**
   * What the worker decided to send and how much of it went out, so a retry resends only the rest
   * and never asks twice. `at` is set just before part `sent` goes out and cleared when Zalo has
   * answered either way: found set by a worker taking the row over, that part's fate is unknown
   * (the worker died mid-send) and is settled from the OA's conversation history, not by resending.
   */
  _reply?: { parts: string[]; sent: number; at?: string };
}

type Plan =
  | { kind: 'ignore'; reason: string }
  | { kind: 'reply'; parts: string[]; note: string | null };

export function createZaloWorker(deps: ZaloWorkerDeps): ZaloWorker {
  const batch = deps.batch ?? 10;
  const lockMs = deps.lockMs ?? DEFAULT_LOCK_MS;
  const format = deps.format ?? defaultZaloFormat;
  const iso = (msFromNow = 0) => new Date(deps.now().getTime() + msFromNow).toISOString();

  async function claim(): Promise<InboxRow[]> {
    const rows = await deps.db.transaction((tx) =>
      tx.query<InboxRow>(
        `UPDATE zalo_inbox SET status = 'working', attempts = attempts + 1, locked_until = $2::timestamptz
         WHERE event_key IN (
           SELECT event_key FROM zalo_inbox
           WHERE (status = 'new' AND (locked_until IS NULL OR locked_until <= $1::timestamptz))
              OR (status = 'working' AND locked_until <= $1::timestamptz)
           ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING event_key, event_name, user_id, payload, payload_sealed, attempts, received_at`,
        [iso(), iso(lockMs), batch],
      ),
    );
    return rows.sort((a, b) => new Date(a.received_at).getTime() - new Date(b.received_at).getTime());
  }

  /** Updates a row this worker still holds; false when its lock was taken over. */
  async function update(row: InboxRow, set: string, params: unknown[]): Promise<boolean> {
    const done = await deps.db.query(
      `UPDATE zalo_inbox SET ${set} WHERE event_key = $1 AND status = 'working' AND attempts = $2 RETURNING 1`,
      [row.event_key, row.attempts, ...params],
    );
    if (!done.length) deps.log('warn', 'zalo inbox row was taken over by another worker', { eventKey: row.event_key });
    return done.length > 0;
  }

  const finish = (row: InboxRow, status: 'done' | 'ignored' | 'failed', error: string | null) =>
    update(row, `status = $3, error = $4, locked_until = NULL, processed_at = $5::timestamptz`, [status, error, iso()]);

  async function retry(row: InboxRow, error: string, retryAfterMs?: number): Promise<void> {
    if (row.attempts >= MAX_ATTEMPTS) {
      deps.log('error', 'zalo event failed for good', { eventKey: row.event_key, attempts: row.attempts, error });
      await finish(row, 'failed', error);
      return;
    }
    const delay = retryAfterMs ?? backoffMs(row.attempts);
    deps.log('warn', 'zalo event will be retried', { eventKey: row.event_key, attempts: row.attempts, delayMs: delay, error });
    await update(row, `status = 'new', error = $3, locked_until = $4::timestamptz`, [error, iso(delay)]);
  }

  /** The citizen's own words, so the answer pipeline can seal them for the owning agency; null without a key. */
  async function rawText(row: InboxRow): Promise<string | null> {
    const opened = await deps.sealer?.open(row.payload_sealed);
    if (!opened) return null;
    try {
      const text = (JSON.parse(opened) as ZaloPayload).message?.text;
      return typeof text === 'string' ? text : null;
    } catch {
      return null;
    }
  }

  async function latestConversation(userId: string): Promise<string | undefined> {
    const rows = await deps.db.query<{ id: string }>(
      `SELECT id FROM conversations WHERE channel = 'zalo' AND citizen_ref = $1 ORDER BY updated_at DESC LIMIT 1`,
      [userId],
    );
    return rows[0]?.id;
  }

  async function plan(row: InboxRow, userId: string): Promise<Plan> {
    const name = row.event_name;
    if (name === 'user_send_text') {
      const text = (await rawText(row)) ?? row.payload.message?.text;
      const conversationId = await latestConversation(userId);
      // The pipeline stores citizenRef on the conversation it creates, so the next message finds it.
      const r = await deps.answers.ask({ question: typeof text === 'string' ? text : '', conversationId, channel: 'zalo', citizenRef: userId });
      return { kind: 'reply', parts: format(r.answer, r.citations.map((c) => ({ n: c.n, ref: c.ref, ...(c.url ? { url: c.url } : {}) }))), note: null };
    }
    if (name === 'follow') return { kind: 'reply', parts: [t('zaloWelcome')], note: null };
    if (MEDIA_EVENTS.has(name)) return { kind: 'reply', parts: [t('zaloTextOnly')], note: null };
    if (name === 'user_send_audio') return planVoice(row, userId);
    // oa_* are our own messages echoed back; answering them would talk to ourselves.
    return { kind: 'ignore', reason: name.startsWith('oa_') ? 'oa_echo' : name === 'unfollow' ? 'unfollow' : 'unhandled_event' };
  }

  /**
   * Zalo switched off or the user over the limit: the event stays in the inbox (nothing is lost),
   * and instead of an answer the user gets one canned notice per window; further messages in that
   * window are marked ignored rather than flooding them with notices.
   */
  async function gate(row: InboxRow, userId: string): Promise<Plan | null> {
    const a = deps.abuse;
    if (!a || !QUESTION_EVENTS.has(row.event_name)) return null;
    const at = new Date(row.received_at).getTime();
    let why: 'channel_off' | 'rate_limited' | null = null;
    if (a.switches && !(await a.switches.isOn('zalo'))) why = 'channel_off';
    else if (a.questions && !a.questions.take([userId], at).allowed) why = 'rate_limited';
    if (!why) return null;
    if (!a.notices.take([`${why}:${userId}`], at).allowed) return { kind: 'ignore', reason: why };
    return { kind: 'reply', parts: [t(why === 'channel_off' ? 'zaloChannelOff' : 'zaloRateLimited')], note: why };
  }

  /** A voice note: fetched, transcribed, the transcript echoed back, then answered as a spoken question. */
  async function planVoice(row: InboxRow, userId: string): Promise<Plan> {
    if (!deps.voice) return { kind: 'reply', parts: [t('zaloVoiceNotYet')], note: 'stt_not_configured' };
    const url = audioUrl(row.payload);
    if (!url) return { kind: 'reply', parts: [t('zaloVoiceFailed')], note: 'no_audio_url' };
    let heard: { text: string; alternatives: { text: string; confidence: number }[] };
    try {
      const audio = await deps.voice.fetchAudio(url);
      heard = await deps.voice.stt.transcribe(audio, { lang: 'vi' });
    } catch (e) {
      if (!(e instanceof VoiceError)) throw e;
      // A passing failure is retried (the worker's backoff); after a few tries the citizen is asked to type.
      if (TRANSIENT_VOICE.has(e.code) && row.attempts < VOICE_ATTEMPTS) throw e;
      deps.log('warn', 'zalo voice note not understood', { eventKey: row.event_key, code: e.code, error: e.message });
      return { kind: 'reply', parts: [t(e.code === 'stt_not_configured' ? 'zaloVoiceNotYet' : 'zaloVoiceFailed')], note: e.code };
    }
    if (!heard.text) return { kind: 'reply', parts: [t('voiceNothingHeard')], note: 'no_speech' };
    const conversationId = await latestConversation(userId);
    const r = await deps.answers.ask({ question: heard.text, alternatives: heard.alternatives, conversationId, channel: 'zalo', spoken: true, citizenRef: userId });
    // When the assistant asks "Có phải bạn hỏi …?" that question is the echo.
    const echo = r.transcript && !r.transcript.confirm ? [fmt('voiceHeard', r.lang, { question: r.transcript.display })] : [];
    return { kind: 'reply', parts: [...echo, ...format(r.answer, r.citations.map((c) => ({ n: c.n, ref: c.ref, ...(c.url ? { url: c.url } : {}) })))], note: null };
  }

  async function handle(row: InboxRow): Promise<void> {
    if (row.attempts > MAX_ATTEMPTS) {
      // Only a row whose worker kept dying gets here (failures stop at MAX_ATTEMPTS).
      await finish(row, 'failed', 'too_many_attempts');
      return;
    }
    if (row.event_name.startsWith('oa_') || !row.user_id) {
      await finish(row, 'ignored', row.user_id ? 'oa_echo' : 'no_user');
      return;
    }
    const userId = row.user_id;
    let parts: string[];
    let sent: number;
    let note: string | null = null;
    const saved = row.payload._reply;
    if (saved) {
      ({ parts, sent } = saved);
      if (saved.at && sent < parts.length) {
        const settled = await settle(row, userId, parts[sent]!, new Date(saved.at));
        if (settled === 'later') return;
        if (settled === 'sent') sent += 1;
      }
    } else {
      const p = (await gate(row, userId)) ?? (await plan(row, userId));
      if (p.kind === 'ignore') {
        await finish(row, 'ignored', p.reason);
        return;
      }
      ({ parts, note } = p);
      sent = 0;
    }
    const msgId = row.payload.message?.msg_id;
    const to = { userId, ...(typeof msgId === 'string' && msgId ? { messageId: msgId } : {}) };
    for (let i = sent; i < parts.length; i++) {
      // Intent first: if this process dies during the send, whoever takes the row over knows to check.
      if (!(await update(row, `payload = payload || jsonb_build_object('_reply', $3::jsonb)`, [JSON.stringify({ parts, sent: i, at: iso() })]))) return;
      const r = await deps.sender.sendText(to, parts[i]!);
      if (r.status === 'undeliverable') {
        deps.log('warn', 'zalo user cannot be reached', { eventKey: row.event_key, detail: r.detail });
        await finish(row, 'done', 'undeliverable');
        return;
      }
      if (r.status !== 'sent') {
        // Zalo answered with an error: the part was not sent, so no check is needed on retry.
        if (!r.uncertain && !(await update(row, `payload = jsonb_set(payload, '{_reply}', $3::jsonb)`, [JSON.stringify({ parts, sent: i })]))) return;
        await retry(row, `send_${r.status}${r.detail ? `: ${r.detail}` : ''}`, r.retryAfterMs);
        return;
      }
    }
    await finish(row, 'done', note);
  }

  /** A part whose send was interrupted: was it delivered? 'later' leaves the row for a retry. */
  async function settle(row: InboxRow, userId: string, text: string, since: Date): Promise<'sent' | 'resend' | 'later'> {
    if (!deps.sender.findSent) return 'resend';
    const found = await deps.sender.findSent(userId, text, since);
    deps.log('info', 'zalo: settled an interrupted send from the conversation history', { eventKey: row.event_key, found });
    if (found === 'unknown') {
      await retry(row, 'send_in_doubt: conversation history unavailable');
      return 'later';
    }
    return found === 'found' ? 'sent' : 'resend';
  }

  async function runOnce(): Promise<number> {
    let rows: InboxRow[];
    try {
      rows = await claim();
    } catch (e) {
      deps.log('error', 'zalo inbox claim failed', { error: String(e) });
      return 0;
    }
    if (deps.retryDeliveries) {
      try {
        await deps.retryDeliveries();
      } catch (e) {
        deps.log('error', 'retrying messages to citizens failed', { error: String(e) });
      }
    }
    for (const row of rows) {
      try {
        await handle(row);
      } catch (e) {
        try {
          await retry(row, `error: ${e instanceof Error ? e.message : String(e)}`);
        } catch (e2) {
          // The lock runs out and another run takes the row over.
          deps.log('error', 'zalo inbox update failed', { eventKey: row.event_key, error: String(e2) });
        }
      }
    }
    return rows.length;
  }

  let stopped = true;
  let interval = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | null = null;
  let again = false;

  function schedule(ms: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref?.();
  }

  function tick() {
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = (async () => {
      let n: number;
      do {
        again = false;
        n = await runOnce();
      } while (!stopped && (again || n >= batch));
    })().finally(() => {
      running = null;
      schedule(interval);
    });
  }

  return {
    runOnce,
    start(intervalMs = 500) {
      interval = intervalMs;
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    wake() {
      if (!stopped) tick();
    },
  };
}
