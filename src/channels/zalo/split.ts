// Zalo shows plain text and refuses a message over 2,000 characters, so a long answer goes out as
// several messages. Cuts fall on whitespace only — paragraph breaks first, then line breaks, then
// sentence ends, then any space — so a URL (no spaces) or a "[12]" is never cut, and a citation
// marker stays on the sentence it supports. Only a single run of text with no usable space that is
// longer than a message is hard-cut.
import { t, type Lang } from '../../messages.ts';

/** Zalo's limit for a customer-service text message. */
export const ZALO_MAX_TEXT = 2000;

const CITATION_AHEAD = /^\[\d+\]/;
const TRAILING_CITATIONS = /(?:\s*\[\d+\])+$/;
const SENTENCE_END = /[.!?…]["'”’»)]*$/;
const URL = /https?:\/\/\S+/g;

/** How good a cut at this whitespace run is: 3 paragraph, 2 line, 1 sentence end, 0 other space, -1 never. */
function rank(text: string, wsStart: number, wsEnd: number): number {
  const ws = text.slice(wsStart, wsEnd);
  if (/\n[^\S\n]*\n/.test(ws)) return 3;
  if (ws.includes('\n')) return 2;
  // A marker after a space belongs to the text before it ("… 7.000 đồng [1]", "… đồng. [1]").
  if (CITATION_AHEAD.test(text.slice(wsEnd))) return -1;
  const before = text.slice(Math.max(0, wsStart - 40), wsStart).replace(TRAILING_CITATIONS, '');
  return SENTENCE_END.test(before) ? 1 : 0;
}

/** Where to hard-cut a run with no usable whitespace: not inside "[12]", a URL that would fit, or a surrogate pair. */
function hardCut(text: string, start: number, max: number): number {
  let cut = start + max;
  const window = text.slice(start, start + 2 * max);
  for (const re of [/\[\d+\]/g, URL]) {
    for (const m of window.matchAll(re)) {
      const a = start + m.index;
      const b = a + m[0].length;
      if (a > start && a < cut && b > cut && b - a <= max) cut = a;
    }
  }
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff && cut - 1 > start) cut -= 1;
  return cut;
}

/**
 * Splits `text` into messages of at most `max` UTF-16 code units (never fewer characters than
 * Zalo counts), each trimmed. Between consecutive parts the original text had only whitespace,
 * or nothing where a run without whitespace had to be hard-cut.
 */
export function splitForZalo(text: string, max = ZALO_MAX_TEXT): string[] {
  if (!(max >= 1)) throw new RangeError('max must be at least 1');
  const parts: string[] = [];
  let start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  while (start < end) {
    if (end - start <= max) {
      parts.push(text.slice(start, end));
      break;
    }
    // The best whitespace run whose text before it fits: highest rank, then the latest.
    let best = { rank: -1, wsStart: -1, wsEnd: -1 };
    const ws = /\s+/g;
    ws.lastIndex = start;
    for (let m = ws.exec(text); m && m.index - start <= max; m = ws.exec(text)) {
      if (m.index === start) continue;
      const r = rank(text, m.index, m.index + m[0].length);
      if (r >= 0 && r >= best.rank) best = { rank: r, wsStart: m.index, wsEnd: m.index + m[0].length };
    }
    if (best.wsStart > start) {
      parts.push(text.slice(start, best.wsStart));
      start = best.wsEnd;
    } else {
      const cut = hardCut(text, start, max);
      parts.push(text.slice(start, cut).trimEnd());
      start = cut + (text.slice(cut).length - text.slice(cut).trimStart().length);
    }
  }
  return parts;
}

export interface ZaloCitation {
  n: number;
  ref: string;
  url?: string | undefined;
}

/** The answer followed by its sources, one a line ("[1] ref – url"), as plain text. */
export function formatForZalo(answer: string, citations: ZaloCitation[], lang: Lang = 'vi'): string {
  const body = answer.trim();
  if (!citations.length) return body;
  const lines = [...citations].sort((a, b) => a.n - b.n).map((c) => `[${c.n}] ${c.ref}${c.url ? ` – ${c.url}` : ''}`);
  return `${body}\n\n${t('zaloSources', lang)}\n${lines.join('\n')}`;
}
