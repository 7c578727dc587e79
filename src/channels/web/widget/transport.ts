// The widget's line to the server: the WebSocket at /v1/chat/ws (heartbeat, reconnect with backoff,
// resume by conversation id and last delivery id), and, when WebSockets are blocked or keep failing,
// plain HTTP (POST /v1/ask, polling GET /v1/conversations/:id/messages) that produces the same
// frames, so the UI never knows which one it is talking over.
import type { ClientFrame, ServerFrame } from '../protocol.ts';

export type ConnState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'http';

/** What survives a reload, per portal, in localStorage (no cookies: the widget is third-party). */
export interface Saved {
  conversationId?: string;
  lastDeliveryId?: number;
  lang?: 'vi' | 'en';
}

export interface Store {
  get(): Saved;
  set(patch: Partial<Saved>): void;
}

export function localStore(portal: string): Store {
  const key = `hoidap:${portal}`;
  let memory: Saved = {};
  const read = (): Saved => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? '{}') as Saved;
      return v && typeof v === 'object' ? v : {};
    } catch {
      return memory; // storage disabled (private mode, sandboxed frame): keep it for this page only
    }
  };
  return {
    get: read,
    set(patch) {
      const next: Saved = { ...read(), ...patch };
      for (const k of Object.keys(next) as (keyof Saved)[]) if (next[k] === undefined) delete next[k];
      memory = next;
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        /* memory only */
      }
    },
  };
}

type Ask = Extract<ClientFrame, { type: 'ask' }>;
type Escalate = Extract<ClientFrame, { type: 'escalate' }>;
type Feedback = Extract<ClientFrame, { type: 'feedback' }>;
/** Frames the UI sends (hello and ping belong to the transport). */
export type UserFrame = Ask | Escalate | Feedback;

export interface TransportOptions {
  base: string;
  store: Store;
  lang: () => 'vi' | 'en';
  /** The citizen's words for "an officer, please" over HTTP, where there is no escalate frame. */
  officerRequest: (lang: 'vi' | 'en') => string;
  onFrame: (f: ServerFrame) => void;
  onState: (s: ConnState) => void;
  forceHttp?: boolean;
  pingMs?: number;
  pollMs?: number;
  probeMs?: number;
}

export interface Transport {
  start(): void;
  send(f: UserFrame): void;
  state(): ConnState;
}

const PING_MS = 20_000;
const PONG_WAIT_MS = 10_000;
const READY_WAIT_MS = 8_000;
const POLL_MS = 5_000;
/** On HTTP, how often to try the WebSocket again (a network that blocked it may have changed). */
const PROBE_MS = 60_000;
/** Consecutive sockets that closed before `ready` before the widget settles for HTTP. */
const MAX_FAILURES = 3;

export function createTransport(o: TransportOptions): Transport {
  let state: ConnState = 'idle';
  let ws: WebSocket | null = null;
  let failures = 0;
  let attempt = 0;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Frames waiting for a socket that says ready. */
  const queue: UserFrame[] = [];
  /** Asks and escalations sent on the current socket and not answered yet, by id. */
  const inFlight = new Map<string, { frame: Ask | Escalate; started: boolean }>();

  const setState = (s: ConnState) => {
    if (s === state) return;
    state = s;
    o.onState(s);
  };
  const wsUrl = () => `${o.base.replace(/^http/, 'ws')}/v1/chat/ws`;

  function stopTimers() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  }

  function connect() {
    clearTimeout(retryTimer);
    // On HTTP this is a probe: if it reaches `ready`, the widget goes back to the socket.
    const probing = state === 'http';
    let sock: WebSocket;
    try {
      sock = new WebSocket(wsUrl());
    } catch {
      return toHttp(); // refused outright (a page's Content-Security-Policy, say)
    }
    ws = sock;
    let ready = false;
    const readyTimer = setTimeout(() => sock.close(), READY_WAIT_MS);
    sock.onopen = () => {
      const s = o.store.get();
      sock.send(JSON.stringify({ type: 'hello', lang: o.lang(), ...(s.conversationId ? { conversationId: s.conversationId } : {}), ...(s.lastDeliveryId ? { lastDeliveryId: s.lastDeliveryId } : {}) }));
    };
    sock.onmessage = (ev) => {
      let f: ServerFrame;
      try {
        f = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      clearTimeout(pongTimer);
      if (f.type === 'pong') return;
      if (f.type === 'ready') {
        ready = true;
        clearTimeout(readyTimer);
        failures = 0;
        attempt = 0;
        // The server no longer knows the stored conversation: start afresh rather than fail.
        if (!f.conversationId && o.store.get().conversationId) o.store.set({ conversationId: undefined, lastDeliveryId: undefined });
        clearTimeout(pollTimer);
        clearTimeout(probeTimer);
        setState('online');
        pingTimer = setInterval(() => {
          if (sock.readyState !== WebSocket.OPEN) return;
          sock.send(JSON.stringify({ type: 'ping' }));
          clearTimeout(pongTimer);
          pongTimer = setTimeout(() => sock.close(), PONG_WAIT_MS); // a half-open connection
        }, o.pingMs ?? PING_MS);
        o.onFrame(f);
        flush();
        return;
      }
      track(f);
      o.onFrame(f);
    };
    sock.onclose = () => {
      clearTimeout(readyTimer);
      stopTimers();
      if (ws !== sock) return;
      ws = null;
      if (probing && !ready) {
        probeTimer = setTimeout(connect, o.probeMs ?? PROBE_MS);
        return;
      }
      if (!ready) failures++;
      lostInFlight();
      if (failures >= MAX_FAILURES) return toHttp();
      setState('reconnecting');
      const delay = Math.min(30_000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4);
      retryTimer = setTimeout(connect, delay);
    };
    sock.onerror = () => {
      /* onclose follows */
    };
  }

  function track(f: ServerFrame) {
    if (f.type === 'answer_start') {
      const p = inFlight.get(f.id);
      if (p) p.started = true;
    } else if (f.type === 'answer_done' || (f.type === 'error' && f.id)) {
      inFlight.delete(f.id!);
    }
    if (f.type === 'answer_done') o.store.set({ conversationId: f.conversationId });
    if (f.type === 'ticket_update') o.store.set({ lastDeliveryId: Math.max(o.store.get().lastDeliveryId ?? 0, f.deliveryId) });
  }

  // A question the server never started is sent again on the next socket; one it started may have
  // been answered (an escalation would make a second ticket), so the citizen decides.
  function lostInFlight() {
    for (const [id, p] of inFlight) {
      inFlight.delete(id);
      if (p.started) o.onFrame({ type: 'error', id, code: 'connection_lost', message: '' });
      else queue.unshift(p.frame);
    }
  }

  function flush() {
    while (queue.length && ws && ws.readyState === WebSocket.OPEN && state === 'online') {
      const f = queue.shift()!;
      if (f.type !== 'feedback') inFlight.set(f.id, { frame: f, started: false });
      ws.send(JSON.stringify(f));
    }
  }

  function toHttp() {
    clearTimeout(retryTimer);
    stopTimers();
    ws = null;
    failures = 0;
    attempt = 0;
    setState('http');
    const waiting = queue.splice(0);
    for (const f of waiting) void sendHttp(f);
    poll();
    if (!o.forceHttp && typeof WebSocket !== 'undefined') probeTimer = setTimeout(connect, o.probeMs ?? PROBE_MS);
  }

  // ---- plain HTTP, producing the same frames ----
  async function json(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(o.base + path, { ...init, headers: { 'content-type': 'application/json', accept: 'application/json' }, credentials: 'omit' });
    let body: Record<string, unknown> = {};
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  }
  const errorOf = (body: Record<string, unknown>) => (body.error ?? {}) as { code?: string; message?: string };

  async function sendHttp(f: UserFrame) {
    try {
      if (f.type === 'feedback') {
        const r = await json(`/v1/answers/${encodeURIComponent(f.answerId)}/feedback`, { method: 'POST', body: JSON.stringify({ helpful: f.helpful, ...(f.reason ? { reason: f.reason } : {}) }) });
        if (r.status !== 200) throw Object.assign(new Error('feedback'), { body: r.body });
        return o.onFrame({ type: 'feedback_ok', answerId: f.answerId, offerOfficer: Boolean(r.body.offerOfficer) });
      }
      o.onFrame({ type: 'answer_start', id: f.id });
      const body = {
        question: f.type === 'escalate' ? o.officerRequest(f.lang ?? o.lang()) : f.question,
        ...(f.lang ? { lang: f.lang } : {}),
        channel: f.type === 'ask' && f.channel === 'voice' ? 'voice' : 'web',
        ...(f.type === 'ask' && f.alternatives ? { alternatives: f.alternatives.map((a) => ({ text: a.text, confidence: a.confidence ?? 0 })) } : {}),
      };
      const conversationId = o.store.get().conversationId;
      let r = await json('/v1/ask', { method: 'POST', body: JSON.stringify({ ...body, ...(conversationId ? { conversationId } : {}) }) });
      if (r.status === 404 && errorOf(r.body).code === 'conversation_not_found') {
        o.store.set({ conversationId: undefined, lastDeliveryId: undefined });
        r = await json('/v1/ask', { method: 'POST', body: JSON.stringify(body) });
      }
      if (r.status !== 200) throw Object.assign(new Error('ask'), { body: r.body });
      const a = r.body as unknown as Extract<ServerFrame, { type: 'answer_done' }>;
      const done: ServerFrame = { ...a, type: 'answer_done', id: f.id, seq: 0 };
      track(done);
      o.onFrame(done);
      poll();
    } catch (e) {
      const err = errorOf((e as { body?: Record<string, unknown> }).body ?? {});
      o.onFrame({ type: 'error', ...(f.type !== 'feedback' ? { id: f.id } : {}), code: err.code ?? 'network', message: err.message ?? '' });
    }
  }

  // Officers' answers, every few seconds, while there is a conversation to look at.
  let pollChain = 0;
  function poll() {
    clearTimeout(pollTimer);
    const chain = ++pollChain; // a restart must not leave the previous chain running beside it
    const tick = async () => {
      const { conversationId, lastDeliveryId = 0 } = o.store.get();
      if (conversationId) {
        try {
          const r = await json(`/v1/conversations/${encodeURIComponent(conversationId)}/messages?after=${lastDeliveryId}`);
          const messages = (r.body.messages ?? []) as { id: number; ticketCode: string | null; text: string; createdAt: string }[];
          for (const m of messages) {
            if (m.id <= (o.store.get().lastDeliveryId ?? 0)) continue;
            const f: ServerFrame = { type: 'ticket_update', deliveryId: m.id, ticketCode: m.ticketCode, text: m.text, createdAt: m.createdAt };
            track(f);
            o.onFrame(f);
          }
        } catch {
          /* next time */
        }
      }
      if (state === 'http' && chain === pollChain) pollTimer = setTimeout(tick, o.pollMs ?? POLL_MS);
    };
    pollTimer = setTimeout(tick, 0);
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      if (state === 'reconnecting') {
        attempt = 0;
        connect();
      }
    });
  }

  return {
    start() {
      if (state !== 'idle') return;
      if (o.forceHttp || typeof WebSocket === 'undefined') return toHttp();
      setState('connecting');
      connect();
    },
    send(f) {
      if (state === 'http') return void sendHttp(f);
      queue.push(f);
      if (state === 'idle') this.start();
      flush();
    },
    state: () => state,
  };
}
