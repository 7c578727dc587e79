// What operators see of portal sync: every source, its last passes, and the pages failing now.
import type { Db } from '../db/types.ts';

export async function syncStatus(db: Db, runsPerSource = 5) {
  const sources = await db.query<{ id: string; type: string; url: string; kind: string; agency: string | null; every_minutes: number; enabled: boolean }>(
    'SELECT id, type, url, kind, agency, every_minutes, enabled FROM sync_sources ORDER BY id',
  );
  const runs = await db.query<{ source_id: string; started_at: Date; finished_at: Date | null; fetched: number; created: number; changed: number; unchanged: number; failed: number; errors: unknown; duration_ms: number | null }>(
    `SELECT source_id, started_at, finished_at, fetched, created, changed, unchanged, failed, errors, duration_ms
     FROM (SELECT r.*, row_number() OVER (PARTITION BY source_id ORDER BY started_at DESC, id DESC) AS n FROM sync_runs r) x
     WHERE n <= $1 ORDER BY source_id, started_at DESC`,
    [runsPerSource],
  );
  const failing = await db.query<{ source_id: string; url: string; error: string | null; fetched_at: Date | null }>(
    `SELECT source_id, url, error, fetched_at FROM sync_items WHERE status = 'failed' ORDER BY fetched_at DESC NULLS LAST LIMIT 200`,
  );
  return {
    sources: sources.map((s) => ({ ...s, runs: runs.filter((r) => r.source_id === s.id), failing: failing.filter((f) => f.source_id === s.id) })),
    adhoc: runs.filter((r) => !sources.some((s) => s.id === r.source_id)),
  };
}
