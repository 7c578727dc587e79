// Portal sync as the Node service and CLI set it up: the sources file (SYNC_SOURCES_FILE, else
// data/sources.json when present) saved into the database, the polite fetcher, the registry.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/types.ts';
import type { Embedder } from '../embed/types.ts';
import type { Logger } from '../http/errors.ts';
import { loadProjectRegistry } from '../ingest/registry.ts';
import type { SyncDeps, SyncSource } from './connector.ts';
import { createPoliteFetcher } from './fetch.ts';
import { parseSources, saveSources } from './index.ts';

const projectSourcesFile = () => fileURLToPath(new URL('../../data/sources.json', import.meta.url));

/** The configured sources file, parsed (none when there is no file); a bad file throws with its name. */
export function readSourcesFile(config: Pick<Config, 'sync'>): SyncSource[] {
  const file = config.sync.sourcesFile ?? projectSourcesFile();
  if (!existsSync(file)) {
    if (config.sync.sourcesFile) throw new Error(`SYNC_SOURCES_FILE=${file}: no such file`);
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseSources(json, file);
}

/** Saves the file's sources into the database (where operators and the scheduler see them). */
export async function installSources(db: Db, config: Pick<Config, 'sync'>): Promise<SyncSource[]> {
  const sources = readSourcesFile(config);
  await saveSources(db, sources);
  return sources;
}

export function createSyncDeps(config: Pick<Config, 'sync'>, deps: { db: Db; embedder: Embedder; log: Logger; now: () => Date; fetch?: typeof fetch }): SyncDeps {
  return {
    db: deps.db,
    embedder: deps.embedder,
    fetcher: createPoliteFetcher({ allowPrivate: config.sync.allowPrivate, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
    registry: loadProjectRegistry(),
    now: deps.now,
    log: deps.log,
  };
}
