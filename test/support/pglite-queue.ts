// pglite-socket's query queue, repaired (electric-sql/pglite#1046, see also #977): as shipped it
// keeps a connection's messages together only inside an explicit transaction, so the Parse / Bind /
// Execute / Sync of two connections' parameterised queries interleave on the single backend, and
// one such error leaves the queue stuck for good. Tests and benchmarks that put several pooled
// connections (or several processes) on one PGlite socket server install this first.
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(e: unknown): void;
  onData(data: Uint8Array): void;
}
/** pglite-socket's QueryQueueManager, as far as the repair needs it (private in its typings). */
interface QueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

// Frontend messages of an extended-protocol exchange that leave it open (Parse, Bind, Describe,
// Execute, Close, Flush), and those that end an exchange (Sync, simple Query, Terminate).
const OPENS = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const ENDS = new Set(['S', 'Q', 'X'].map((c) => c.charCodeAt(0)));

/** The queue of electric-sql/pglite#1046, repaired: a connection keeps the backend from its first extended-protocol message to its Sync (and through a transaction, as before); an error fails that message only. */
export function repairQueue(server: PGLiteSocketServer) {
  const q = (server as unknown as { queryQueue?: QueueInternals }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.processQueue !== 'function' || typeof q.clearQueueForHandler !== 'function') {
    throw new Error('pglite-socket internals changed: check whether electric-sql/pglite#1046 is fixed and drop repairQueue');
  }
  let holder: number | null = null;
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId) => {
    if (holder === handlerId) holder = null;
    clear(handlerId);
  };
  q.processQueue = async function (this: QueueInternals) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = holder ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const at = owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === owner);
        if (at === -1) break; // the owner's next message is not here yet; its arrival restarts the queue
        const m = this.queue.splice(at, 1)[0]!;
        const type = m.message[0]!;
        if (OPENS.has(type)) holder = m.handlerId;
        else if (ENDS.has(type) && holder === m.handlerId) holder = null;
        this.lastHandlerId = m.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(m.message, { onRawData: (d) => ((bytes += d.length), m.onData(d)) }));
          m.resolve(bytes);
        } catch (e) {
          m.reject(e);
        }
      }
    } finally {
      this.processing = false;
    }
  };
}

