// Known documents (from gazette entries): resolves a law given by number or by name to one
// identity, so "91/2015/QH13" and "Bộ luật dân sự" are the same document.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { docNumberKey } from '../text/legal.ts';
import { looseKey } from '../text/normalize.ts';
import { parseGazetteEntry } from './readers/gazette.ts';
import type { GazetteEntry } from './types.ts';

export class DocumentRegistry {
  private byNumber = new Map<string, GazetteEntry>();
  private byName = new Map<string, GazetteEntry>();

  constructor(entries: Iterable<GazetteEntry> = []) {
    for (const e of entries) this.add(e);
  }

  add(e: GazetteEntry): void {
    if (e.number) this.byNumber.set(docNumberKey(e.number), e);
    for (const n of [e.name, ...e.aliases]) {
      const k = looseKey(n);
      if (!k) continue;
      // A bare alias that is itself a number (e.g. "100/2015/QH13") resolves by number too.
      if (/\d+\/\d{4}\//.test(n)) this.byNumber.set(docNumberKey(n), e);
      else this.byName.set(k, e);
    }
  }

  /** Finds an entry by number or name (any case, with or without diacritics). */
  resolve(numberOrName: string): GazetteEntry | undefined {
    return this.byNumber.get(docNumberKey(numberOrName)) ?? this.byName.get(looseKey(numberOrName));
  }
}

/** Identity key of a law: its number when known, else its folded name. */
export function lawDocKey(numberOrName: string, entry: GazetteEntry | undefined): string {
  if (entry?.number) return `law:${docNumberKey(entry.number)}`;
  if (entry) return `law:${looseKey(entry.name)}`;
  return /\d+\/\d{4}\//.test(numberOrName) ? `law:${docNumberKey(numberOrName)}` : `law:${looseKey(numberOrName)}`;
}

/** data/gazette/, resolved when called (a bundle without project files never calls it). */
export const projectGazetteDir = () => fileURLToPath(new URL('../../data/gazette/', import.meta.url));

/** The gazette entries the project ships in data/gazette (JSON arrays). */
export function loadProjectRegistry(dir = projectGazetteDir()): DocumentRegistry {
  const reg = new DocumentRegistry();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return reg;
  }
  for (const f of files.sort()) addGazetteJson(reg, JSON.parse(readFileSync(dir + f, 'utf8')));
  return reg;
}

/** Adds the entries of one parsed gazette JSON array (a runtime without files imports them). */
export function addGazetteJson(reg: DocumentRegistry, raw: unknown): DocumentRegistry {
  if (!Array.isArray(raw)) return reg;
  for (const item of raw) {
    const parsed = parseGazetteEntry(item);
    if (parsed.ok) reg.add(parsed.entry);
  }
  return reg;
}
