// Portal sources and when to sync them: read from data/sources.json (or SYNC_SOURCES_FILE) into the
// database at start, then passes run by hand (`hoidap sync`), by the scheduler inside `hoidap serve`,
// or by a Cron Trigger on Workers. Sources run side by side, each isolated: a slow or broken one
// delays or fails only itself (the fetcher's timeouts bound every request).
import { z } from 'zod';
import type { Db } from '../db/types.ts';
import type { Logger } from '../http/errors.ts';
import { INGEST_KINDS, type DocumentKind } from '../ingest/types.ts';
import { syncSource, type PassSummary, type SyncDeps, type SyncSource } from './connector.ts';

export const sourceSchema = z
  .object({
    id: z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'letters, digits, ".", "_" or "-", at most 64'),
    type: z.enum(['sitemap', 'feed', 'listing', 'page']),
    url: z.url({ protocol: /^https?$/ }),
    kind: z.enum(INGEST_KINDS.filter((k) => k !== 'auto') as [DocumentKind, ...DocumentKind[]]),
    agency: z.string().trim().min(1).nullish(),
    patterns: z
      .array(z.string().refine((p) => { try { new RegExp(p); return true; } catch { return false; } }, 'not a valid regular expression'))
      .default([]),
    everyMinutes: z.number().int().min(5).max(60 * 24 * 31).default(360),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((s) => s.type !== 'listing' || s.patterns.length > 0, { message: 'a listing source needs at least one link pattern', path: ['patterns'] });

export const sourcesFileSchema = z.array(sourceSchema);

export function parseSources(json: unknown, file = 'sources.json'): SyncSource[] {
  const r = sourcesFileSchema.safeParse(json);
  if (!r.success) throw new Error(`${file}: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = new Set<string>();
  for (const s of r.data) {
    if (ids.has(s.id)) throw new Error(`${file}: the source id "${s.id}" is used twice`);
    ids.add(s.id);
  }
  return r.data.map((s) => ({ ...s, agency: s.agency ?? null }));
}

export async function saveSources(db: Db, sources: SyncSource[]): Promise<void> {
  for (const s of sources) {
    await db.query(
      `INSERT INTO sync_sources (id, type, url, kind, agency, patterns, every_minutes, enabled, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, url = EXCLUDED.url, kind = EXCLUDED.kind, agency = EXCLUDED.agency,
         patterns = EXCLUDED.patterns, every_minutes = EXCLUDED.every_minutes, enabled = EXCLUDED.enabled, updated_at = now()`,
      [s.id, s.type, s.url, s.kind, s.agency, JSON.stringify(s.patterns), s.everyMinutes, s.enabled],
    );
  }
}

export async function loadSources(db: Db): Promise<SyncSource[]> {
  const rows = await db.query<{ id: string; type: SyncSource['type']; url: string; kind: DocumentKind; agency: string | null; patterns: string[]; every_minutes: number; enabled: boolean }>(
    'SELECT id, type, url, kind, agency, patterns, every_minutes, enabled FROM sync_sources ORDER BY id',
  );
  return rows.map((r) => ({ id: r.id, type: r.type, url: r.url, kind: r.kind, agency: r.agency, patterns: r.patterns ?? [], everyMinutes: r.every_minutes, enabled: r.enabled }));
}

/** Sources whose last pass started at least their interval ago (or never ran). */
export async function dueSources(db: Db, now: Date): Promise<SyncSource[]> {
  const last = new Map(
    (await db.query<{ source_id: string; at: Date }>('SELECT source_id, max(started_at) AS at FROM sync_runs GROUP BY source_id')).map((r) => [r.source_id, new Date(r.at).getTime()]),
  );
  return (await loadSources(db)).filter((s) => s.enabled && now.getTime() - (last.get(s.id) ?? 0) >= s.everyMinutes * 60_000);
}

export interface PassTotals {
  fetched: number;
  created: number;
  changed: number;
  unchanged: number;
  failed: number;
  sources: PassSummary[];
}

/** Runs the given sources side by side; one that throws counts as failed, the others go on. */
export async function runSources(sources: SyncSource[], deps: SyncDeps): Promise<PassTotals> {
  const results = await Promise.allSettled(sources.map((s) => syncSource(s, deps)));
  const summaries = results.map((r, i) =>
    r.status === 'fulfilled'
      ? r.value
      : { source: sources[i]!.id, fetched: 0, created: 0, changed: 0, unchanged: 0, failed: 1, errors: [{ url: sources[i]!.url, code: 'pass_failed', message: String(r.reason) }], durationMs: 0 },
  );
  const sum = (k: 'fetched' | 'created' | 'changed' | 'unchanged' | 'failed') => summaries.reduce((n, s) => n + s[k], 0);
  return { fetched: sum('fetched'), created: sum('created'), changed: sum('changed'), unchanged: sum('unchanged'), failed: sum('failed'), sources: summaries };
}

export interface SyncScheduler {
  /** Runs the due sources now (skipping any whose previous pass is still running). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** Checks every `intervalMs` for due sources; a source never runs twice at once. */
export function startSyncScheduler(deps: SyncDeps & { log: Logger }, intervalMs = 60_000): SyncScheduler {
  const running = new Map<string, Promise<unknown>>();
  let stopped = false;
  async function tick() {
    if (stopped) return;
    let due: SyncSource[];
    try {
      due = (await dueSources(deps.db, deps.now())).filter((s) => !running.has(s.id));
    } catch (e) {
      deps.log('error', 'sync: cannot read the sources', { error: String(e) });
      return;
    }
    await Promise.all(
      due.map((s) => {
        const p = syncSource(s, deps)
          .catch((e: unknown) => deps.log('error', 'sync pass failed', { source: s.id, error: String(e) }))
          .finally(() => running.delete(s.id));
        running.set(s.id, p);
        return p;
      }),
    );
  }
  const timer = setInterval(() => void tick(), intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}
