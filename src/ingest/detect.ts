// Which reader a file needs, from its extension and its first record.
import { open } from 'node:fs/promises';
import { basename, extname, sep } from 'node:path';
import type { DocumentKind } from './types.ts';

const TEXT_EXT = new Set(['.txt', '.md', '.markdown', '.html', '.htm']);
const JSON_EXT = new Set(['.json', '.jsonl', '.ndjson']);

async function head(path: string, bytes = 65536): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

export type Detection = { kind: DocumentKind } | { error: string };

/** Guesses the kind of a file; `{error}` when it cannot tell (the file is then skipped). */
export async function detectKind(path: string): Promise<Detection> {
  const ext = extname(path).toLowerCase();
  if (TEXT_EXT.has(ext)) {
    return { kind: path.split(sep).slice(0, -1).some((d) => /^(news|tin-?tuc)$/i.test(d)) || /^news[-_]/i.test(basename(path)) ? 'news' : 'text' };
  }
  if (!JSON_EXT.has(ext)) return { error: `unknown kind: cannot tell what a "${ext || 'extensionless'}" file holds; pass --kind` };
  const text = await head(path);
  if (!text.trim()) return { error: 'empty file' };
  if (ext === '.json') {
    if (/^\s*\[\s*\{[\s\S]*?"articles"\s*:/.test(text)) return { kind: 'law' };
    if (/"(gazetteIssue|issueDate|signer|effectiveDate)"\s*:/.test(text) && /"name"\s*:/.test(text)) return { kind: 'gazette' };
    return { error: 'unknown kind: JSON is neither a law file ([{id, articles}]) nor gazette entries; pass --kind' };
  }
  const first = text.split('\n').find((l) => l.trim()) ?? '';
  if (/"ma_thu_tuc"\s*:/.test(first)) return { kind: 'procedure' };
  if (/"question"\s*:/.test(first) && /"answer"\s*:/.test(first)) return { kind: 'qa' };
  if (/"(gazetteIssue|issueDate|signer)"\s*:/.test(first)) return { kind: 'gazette' };
  return { error: 'unknown kind: the first record is not a procedure, a Q&A pair or a gazette entry; pass --kind' };
}

/** Whether an explicitly requested kind can read this file at all. */
export function kindFitsFile(kind: DocumentKind, path: string): boolean {
  const ext = extname(path).toLowerCase();
  if (kind === 'news' || kind === 'text') return TEXT_EXT.has(ext);
  if (kind === 'law') return ext === '.json';
  if (kind === 'procedure' || kind === 'qa') return ext === '.jsonl' || ext === '.ndjson' || ext === '.json';
  return JSON_EXT.has(ext);
}
