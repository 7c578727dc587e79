// The service's metrics: what this process counted (HTTP requests, answers) and, at each scrape,
// what the database holds (tickets, Zalo deliveries, queues). One OpsMetrics per process: the Node
// server shares it between the app and the answer service; a Worker isolate keeps one for its life.
import type { Queryable } from '../db/index.ts';
import { Registry } from './metrics.ts';
import { readSnapshot, type DbSnapshot } from './snapshot.ts';

/** What the answer service reports for each answer it gives (AnswerDeps.onAnswer). */
export interface AnswerOutcome {
  status: string;
  reason: string;
  composer: string;
  channel: string;
}

export interface ScrapeDeps {
  db: Queryable;
  now: () => Date;
  /** Agencies shown with 0 open tickets even before their first one. */
  agencies?: readonly string[];
  /** Whether the service answers questions yet (migrations and the first ingestion are done). */
  ready?: boolean;
}

export interface OpsMetricsOptions {
  /** How long a database snapshot is reused, so frequent or concurrent scrapes cannot load the database. */
  cacheMs?: number;
  /** How long a scrape waits for the database before reporting hoidap_db_up 0. */
  dbTimeoutMs?: number;
}

export type OpsMetrics = ReturnType<typeof createOpsMetrics>;

export function createOpsMetrics(opts: OpsMetricsOptions = {}) {
  const cacheMs = opts.cacheMs ?? 5000;
  const dbTimeoutMs = opts.dbTimeoutMs ?? 2000;
  const r = new Registry();

  const up = r.gauge('hoidap_up', 'The process is serving (always 1 when the scrape succeeds).');
  const ready = r.gauge('hoidap_ready', 'Migrations and the first ingestion are done: questions are answered (1) or refused with 503 (0).');
  const dbUp = r.gauge('hoidap_db_up', 'The last database snapshot succeeded (1) or failed or timed out (0).');
  const requests = r.counter('hoidap_http_requests_total', 'HTTP requests by method, route pattern and status.', ['method', 'route', 'status']);
  const duration = r.histogram('hoidap_http_request_duration_seconds', 'HTTP request latency by method and route pattern, in seconds.', ['method', 'route']);
  const answers = r.counter('hoidap_answers_total', 'Answers given by this process, by status, why the pipeline stopped, composer and channel.', ['status', 'reason', 'composer', 'channel']);
  const open = r.gauge('hoidap_tickets_open', 'Tickets waiting for an officer (new, claimed, waiting for the citizen), by agency.', ['agency']);
  const overdue = r.gauge('hoidap_tickets_overdue', 'Open tickets past their due time, by agency.', ['agency']);
  // Row counts read at scrape time: retention deletes old rows and a retried delivery changes status,
  // so these can go down: gauges (use delta/deriv, not rate).
  const escalations = r.gauge('hoidap_escalations_total', 'Tickets in the database (questions escalated to an agency), by agency; retention lowers it.', ['agency']);
  const zaloDeliveries = r.gauge('hoidap_zalo_deliveries_total', "Officers' answers to Zalo citizens in the database, by delivery status; retention lowers it.", ['status']);
  const zaloSent = r.gauge('hoidap_zalo_sent_total', 'Messages the Zalo OA sent, by mode (reply within 48 h, cs message); retention lowers it.', ['mode']);
  const inbox = r.gauge('hoidap_zalo_inbox_depth', 'Zalo events received and not finished, by status (new, working, failed).', ['status']);
  const queue = r.gauge('hoidap_delivery_queue_depth', 'Deliveries to citizens waiting to go out (pending, or failed with a retry scheduled), by channel.', ['channel']);
  const rss = r.gauge('process_resident_memory_bytes', 'Resident memory of the process in bytes (Node only).');
  const heap = r.gauge('process_heap_bytes', 'V8 heap in use, in bytes (Node only).');
  const startTime = r.gauge('process_start_time_seconds', 'When the process started, in seconds since the Unix epoch (Node only).');

  let cached: { at: number; result: Promise<DbSnapshot | null> } | null = null;

  /** The snapshot, reused for cacheMs; concurrent scrapes share one read; null when the database failed. */
  function snapshot(deps: ScrapeDeps): Promise<DbSnapshot | null> {
    const at = deps.now().getTime();
    if (cached && at - cached.at >= 0 && at - cached.at < cacheMs) return cached.result;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), dbTimeoutMs);
    });
    const read = readSnapshot(deps.db, deps.now()).catch(() => null);
    const result = Promise.race([read, timeout]).finally(() => clearTimeout(timer));
    cached = { at, result };
    return result;
  }

  return {
    registry: r,

    /** One finished HTTP request; route is the matched pattern, never the raw path. */
    observeRequest(method: string, route: string, status: number, seconds: number) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },

    countAnswer(a: AnswerOutcome) {
      answers.inc({ status: a.status, reason: a.reason, composer: a.composer, channel: a.channel });
    },

    /** Everything, in the text exposition format; never throws for a database failure. */
    async render(deps: ScrapeDeps): Promise<string> {
      const snap = await snapshot(deps);
      up.set({}, 1);
      dbUp.set({}, snap ? 1 : 0);
      for (const g of [ready, open, overdue, escalations, zaloDeliveries, zaloSent, inbox, queue, rss, heap, startTime]) g.reset();
      if (deps.ready !== undefined) ready.set({}, deps.ready ? 1 : 0);
      if (snap) {
        const agencies = new Map<string, { created: number; open: number; overdue: number }>();
        for (const a of deps.agencies ?? []) agencies.set(a, { created: 0, open: 0, overdue: 0 });
        for (const t of snap.tickets) agencies.set(t.agency, t);
        for (const [agency, t] of agencies) {
          open.set({ agency }, t.open);
          overdue.set({ agency }, t.overdue);
          escalations.set({ agency }, t.created);
        }
        for (const [status, n] of Object.entries(snap.zaloDeliveries)) zaloDeliveries.set({ status }, n);
        for (const [mode, n] of Object.entries(snap.zaloSent)) zaloSent.set({ mode }, n);
        for (const [status, n] of Object.entries(snap.zaloInbox)) inbox.set({ status }, n);
        for (const [channel, n] of Object.entries(snap.deliveryQueue)) queue.set({ channel }, n);
      }
      const mem = processMemory();
      if (mem) {
        rss.set({}, mem.rss);
        heap.set({}, mem.heapUsed);
        if (mem.startedAt) startTime.set({}, mem.startedAt);
      }
      return r.render();
    },
  };
}

let startedAt: number | null | undefined;

/** Memory figures where the runtime has a Node `process` (Workers have none, or a stub that throws). */
function processMemory(): { rss: number; heapUsed: number; startedAt: number | null } | null {
  const p = (globalThis as { process?: { memoryUsage?: () => { rss: number; heapUsed: number }; uptime?: () => number } }).process;
  try {
    if (typeof p?.memoryUsage !== 'function') return null;
    const m = p.memoryUsage();
    // Computed once: recomputing from uptime would wobble by rounding and look like restarts.
    startedAt ??= typeof p.uptime === 'function' ? Math.round(Date.now() / 1000 - p.uptime()) : null;
    return { rss: m.rss, heapUsed: m.heapUsed, startedAt };
  } catch {
    return null;
  }
}
