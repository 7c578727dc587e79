import type { z } from 'zod';
import { docNumberKey } from '../../text/legal.ts';
import { looseKey } from '../../text/normalize.ts';
import type { GazetteEntry } from '../types.ts';

/** "articles.3.text: expected string" style, short enough for one report line. */
export function formatZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

export function docKeyForGazette(e: Pick<GazetteEntry, 'number' | 'name'>): string {
  return `gazette:${e.number ? docNumberKey(e.number) : looseKey(e.name)}`;
}

/** Splits text into windows of whole paragraphs of at most `max` characters. */
export function paragraphWindows(text: string, max = 1200): string[] {
  const paras = text.split(/\n\s*\n|\n/).map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  let cur = '';
  for (const p of paras) {
    if (cur && cur.length + p.length + 1 > max) {
      out.push(cur);
      cur = '';
    }
    if (p.length > max) {
      for (const piece of splitLong(p, max)) out.push(piece);
      continue;
    }
    cur = cur ? `${cur}\n${p}` : p;
  }
  if (cur) out.push(cur);
  return out;
}

/** Splits one long paragraph at sentence ends, falling back to spaces. */
function splitLong(p: string, max: number): string[] {
  const sentences = p.match(/[^.;!?]+[.;!?]+["”)]?\s*|[^.;!?]+$/g) ?? [p];
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (cur && cur.length + s.length > max) {
      out.push(cur.trim());
      cur = '';
    }
    if (s.length > max) {
      for (let i = 0; i < s.length; i += max) {
        // A slice of nothing but spaces (table padding) would be an empty chunk.
        const piece = s.slice(i, i + max).trim();
        if (piece) out.push(piece);
      }
      continue;
    }
    cur += s;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
