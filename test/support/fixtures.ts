// Test inputs written to temporary folders, some cut from the real corpora in ../shared.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared');
export const SHARED_DATA = join(SHARED, 'data');

export function tempDir(prefix = 'hoidap-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function write(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

type LawFile = { id: string; articles: { id: string; text: string }[] }[];

/** The first `n` articles of one law from one of the ALQAC files. */
export function lawSlice(file: 'alqac-2022-codes.json' | 'alqac-2023-laws.json', lawId: string, n: number): LawFile {
  const all = JSON.parse(readFileSync(join(SHARED_DATA, 'laws', file), 'utf8')) as LawFile;
  const law = all.find((l) => l.id === lawId);
  if (!law) throw new Error(`${lawId} not in ${file}`);
  return [{ id: law.id, articles: law.articles.slice(0, n) }];
}

/** The first `n` lines of the procedures file. */
export function procedureLines(n: number): string[] {
  const text = readFileSync(join(SHARED_DATA, 'procedures', 'dvc-procedures.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).slice(0, n);
}
