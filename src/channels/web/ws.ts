// /v1/chat/ws on Node: the `ws` server on the HTTP server's upgrade event, one chat session per
// socket, a heartbeat that ends sockets that stopped answering, and a clean close on shutdown.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { addressKey, type QuestionGate } from '../../abuse/http.ts';
import { createChatSession, type ChatDeps } from './chat.ts';
import type { ServerFrame } from './protocol.ts';
import { t } from '../../messages.ts';

export const CHAT_PATH = '/v1/chat/ws';
const HEARTBEAT_MS = 25_000;
/** Frames above this close the socket (1009); between MAX_FRAME_BYTES and this, an error frame answers. */
const HARD_LIMIT_BYTES = 1024 * 1024;

export interface ChatSockets {
  /** Open sockets right now. */
  count(): number;
  close(): Promise<void>;
}

export interface ChatSocketOptions {
  ready?: () => boolean;
  heartbeatMs?: number;
  /** Kill switch and rate limit per question, by the socket's address (and conversation). */
  gate?: QuestionGate;
  /** Take the client address from X-Forwarded-For (TRUST_PROXY). */
  trustProxy?: boolean;
  /** Whether a browser page on this origin may open the socket; its own host always may. */
  allowOrigin?: (origin: string) => boolean;
}

/** The client's address for rate limits: the socket's, or the first X-Forwarded-For behind a trusted proxy. */
function socketAddress(req: IncomingMessage, trustProxy: boolean): string | null {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (trustProxy && first) return addressKey(first);
  return req.socket.remoteAddress ? addressKey(req.socket.remoteAddress) : null;
}

/**
 * A browser always sends Origin on a WebSocket upgrade and does not apply CORS to it, so a page on
 * any site could otherwise talk to the chat as its visitor. Clients without Origin are not browsers.
 */
function originOk(req: IncomingMessage, allow: ((origin: string) => boolean) | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin || !allow) return true;
  try {
    if (new URL(origin).host === req.headers.host) return true;
  } catch {
    return false;
  }
  return allow(origin);
}

export function attachChatSockets(server: Server, deps: ChatDeps & ChatSocketOptions): ChatSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_LIMIT_BYTES, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== CHAT_PATH) {
      // Another upgrade handler may take it; with none, refuse it: an upgrade nobody answers leaves
      // the socket open (and unread) for good, and server.close() waits on it.
      if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!originOk(req, deps.allowOrigin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\norigin not allowed\n');
      return;
    }
    if (deps.ready && !deps.ready()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nstarting\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    alive.set(ws, true);
    const send = (f: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f));
    };
    const gate = deps.gate;
    const address = gate ? socketAddress(req, deps.trustProxy ?? false) : null;
    const session = createChatSession(
      gate ? { ...deps, admit: (q) => gate.admit({ channel: q.channel, address, conversationId: q.conversationId, lang: q.lang }) } : deps,
      send,
    );
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      alive.set(ws, true);
      if (isBinary) return send({ type: 'error', code: 'binary_frame', message: t('binaryFrame') });
      void session.receive(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
    });
    ws.on('close', () => session.close());
    ws.on('error', (e) => deps.log('warn', 'chat socket error', { error: e.message }));
  });

  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, deps.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();

  return {
    count: () => wss.clients.size,
    async close() {
      clearInterval(timer);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
