// The chat session behind one WebSocket (or anything that carries frames): validates each frame,
// runs the answer pipeline, streams the verified answer in pieces, pushes officers' messages for
// its conversation as they are delivered, and replays the ones a reconnecting widget missed.
// Transport-free, so it runs under `ws` on Node and could under another server.
import type { AnswerService } from '../../answer/pipeline.ts';
import { conversationExists, recordFeedback } from '../../answer/store.ts';
import { DbUnavailableError, type Db } from '../../db/index.ts';
import type { DeliveryService } from '../../escalation/delivery.ts';
import { isRefusedInput } from '../../http/errors.ts';
import { t } from '../../messages.ts';
import { clientFrameSchema, MAX_FRAME_BYTES, type ServerFrame } from './protocol.ts';

export interface ChatDeps {
  db: Db;
  answers: AnswerService;
  deliveries?: DeliveryService | undefined;
  log: (level: 'info' | 'warn' | 'error', msg: string, f?: Record<string, unknown>) => void;
  /** The kill switch and rate limit for each question (src/abuse); a refusal answers with an error frame, the socket stays open. */
  admit?: (q: { channel: 'web' | 'voice'; conversationId: string | null; lang: 'vi' | 'en' }) => Promise<{ code: string; message: string; retryAfter?: number } | null>;
}

/** The answer split into pieces a reader can follow: lines, and long lines at sentence ends. */
export function answerPieces(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (line.length <= 240) {
      out.push(line);
      continue;
    }
    out.push(...line.split(/(?<=[.;!?…”]\s)/));
  }
  return out.filter((p) => p.length > 0);
}

export interface ChatSession {
  /** One text frame from the client. */
  receive(raw: string | Buffer): Promise<void>;
  close(): void;
}

export function createChatSession(deps: ChatDeps, send: (f: ServerFrame) => void): ChatSession {
  let conversationId: string | null = null;
  /** The client has every officer message up to this id (its hello says so). */
  let lastDeliveryId = 0;
  // Officer messages pushed on this socket, live or replayed. A set, not a high-water mark: a
  // message delivered while older ones are being replayed must not hide them.
  const pushed = new Set<number>();
  const push = (deliveryId: number, ticketCode: string | null, text: string, createdAt: string) => {
    if (deliveryId <= lastDeliveryId || pushed.has(deliveryId)) return;
    pushed.add(deliveryId);
    send({ type: 'ticket_update', deliveryId, ticketCode, text, createdAt });
  };
  let unsubscribe: (() => void) | null = null;
  let lang: 'vi' | 'en' = 'vi';
  let busy = Promise.resolve();

  const follow = (id: string) => {
    if (conversationId === id && unsubscribe) return;
    unsubscribe?.();
    conversationId = id;
    unsubscribe =
      deps.deliveries?.subscribe(id, (m) => push(m.deliveryId, m.ticketCode, m.text, new Date().toISOString())) ?? null;
  };

  async function replay() {
    if (!conversationId || !deps.deliveries) return;
    const missed = await deps.deliveries.pending(conversationId, lastDeliveryId);
    for (const d of missed) push(d.id, d.ticket_code, d.text, new Date(d.created_at).toISOString());
    if (missed.length) await deps.deliveries.markSeen(conversationId, missed.filter((d) => d.status === 'pending').map((d) => d.id));
  }

  async function ask(id: string, question: string, opts: { lang?: 'vi' | 'en' | undefined; channel?: 'web' | 'voice' | undefined; alternatives?: { text: string; confidence?: number | undefined }[] | undefined }) {
    const refused = await deps.admit?.({ channel: opts.channel ?? 'web', conversationId, lang: opts.lang ?? lang });
    if (refused) return send({ type: 'error', id, code: refused.code, message: refused.message, ...(refused.retryAfter ? { retryAfter: refused.retryAfter } : {}) });
    send({ type: 'answer_start', id });
    let r: Awaited<ReturnType<AnswerService['ask']>>;
    try {
      r = await deps.answers.ask({
        question,
        ...(conversationId ? { conversationId } : {}),
        channel: opts.channel ?? 'web',
        ...(opts.lang ? { lang: opts.lang } : {}),
        ...(opts.alternatives ? { alternatives: opts.alternatives.map((a) => ({ text: a.text, confidence: a.confidence ?? 0 })) } : {}),
      });
    } catch (e) {
      // The widget has an answer_start open for this id: end it with an error that names it.
      if (e instanceof DbUnavailableError) return send({ type: 'error', id, code: 'unavailable', message: t('unavailable', opts.lang ?? lang) });
      if (isRefusedInput(e)) return send({ type: 'error', id, code: 'invalid_text', message: t('badInput', opts.lang ?? lang) });
      deps.log('error', 'chat answer failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      return send({ type: 'error', id, code: 'internal', message: t('internal', opts.lang ?? lang) });
    }
    follow(r.conversationId);
    lang = r.lang;
    let seq = 0;
    for (const piece of answerPieces(r.answer)) send({ type: 'answer_delta', id, seq: seq++, text: piece });
    send({
      type: 'answer_done',
      id,
      seq,
      answerId: r.answerId,
      conversationId: r.conversationId,
      status: r.status,
      answer: r.answer,
      citations: r.citations,
      lang: r.lang,
      ...(r.ticket ? { ticket: r.ticket } : {}),
      ...(r.rewrittenQuestion ? { rewrittenQuestion: r.rewrittenQuestion } : {}),
    });
  }

  async function handle(raw: string | Buffer) {
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (size > MAX_FRAME_BYTES) return send({ type: 'error', code: 'frame_too_large', message: t('bodyTooLarge', lang) });
    let value: unknown;
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch {
      return send({ type: 'error', code: 'invalid_json', message: t('badJson', lang) });
    }
    const parsed = clientFrameSchema.safeParse(value);
    if (!parsed.success) {
      const id = typeof (value as { id?: unknown })?.id === 'string' ? ((value as { id: string }).id.slice(0, 64)) : undefined;
      return send({ type: 'error', ...(id ? { id } : {}), code: 'invalid_frame', message: `${t('badInput', lang)} ${parsed.error.issues.map((i) => `${i.path.join('.') || 'frame'}: ${i.message}`).join('; ')}` });
    }
    const f = parsed.data;
    switch (f.type) {
      case 'ping':
        return send({ type: 'pong' });
      case 'hello': {
        if (f.lang) lang = f.lang;
        lastDeliveryId = Math.max(lastDeliveryId, f.lastDeliveryId ?? 0);
        if (f.conversationId) {
          if (!(await conversationExists(deps.db, f.conversationId))) {
            // An unknown or deleted conversation starts afresh rather than failing the widget.
            return send({ type: 'ready', conversationId: null, resumed: false });
          }
          follow(f.conversationId);
          send({ type: 'ready', conversationId: f.conversationId, resumed: true });
          return replay();
        }
        return send({ type: 'ready', conversationId, resumed: false });
      }
      case 'ask':
        if (!f.question.trim()) return send({ type: 'error', id: f.id, code: 'empty_question', message: t('emptyQuestionField', f.lang ?? lang) });
        return ask(f.id, f.question, { lang: f.lang, channel: f.channel, alternatives: f.alternatives });
      case 'escalate':
        return ask(f.id, t('officerRequest', f.lang ?? lang), { lang: f.lang ?? lang });
      case 'feedback': {
        if (!(await recordFeedback(deps.db, f.answerId, f.helpful, f.reason?.trim() || null))) return send({ type: 'error', code: 'answer_not_found', message: t('answerNotFound', lang) });
        return send({ type: 'feedback_ok', answerId: f.answerId, offerOfficer: !f.helpful });
      }
    }
  }

  return {
    receive(raw) {
      // One frame at a time per session, in order: answers come back in the order asked.
      busy = busy.then(() =>
        handle(raw).catch((e: unknown) => {
          if (e instanceof DbUnavailableError) return send({ type: 'error', code: 'unavailable', message: t('unavailable', lang) });
          if (isRefusedInput(e)) return send({ type: 'error', code: 'invalid_text', message: t('badInput', lang) });
          deps.log('error', 'chat frame failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
          send({ type: 'error', code: 'internal', message: t('internal', lang) });
        }),
      );
      return busy;
    },
    close() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
