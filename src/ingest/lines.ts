// Streaming input: a file read as bytes, split into numbered lines, each decoded as UTF-8.
// A line with invalid UTF-8 is reported, not fatal: the rest of the file still counts.
import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number. */
  n: number;
  /** Decoded text (invalid bytes replaced by U+FFFD). */
  text: string;
  /** True when the line's bytes are not valid UTF-8. */
  invalidUtf8: boolean;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

function decode(bytes: Uint8Array, n: number): Line {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  const view = bytes.subarray(0, end);
  try {
    return { n, text: strict.decode(view), invalidUtf8: false };
  } catch {
    return { n, text: lenient.decode(view), invalidUtf8: true };
  }
}

/** Yields the lines of a file; `onBytes` reports progress in bytes read. */
export async function* readLines(path: string, onBytes?: (n: number) => void): AsyncGenerator<Line> {
  let pending: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, i));
      yield decode(pending.length === 1 ? pending[0]! : Buffer.concat(pending), ++n);
      pending = [];
      start = i + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) yield decode(Buffer.concat(pending), ++n);
}

export interface JsonItem {
  /** Line on which the item starts. */
  line: number;
  value?: unknown;
  error?: string;
}

/** JSON Lines: one value per non-blank line. */
export async function* jsonLines(lines: AsyncIterable<Line>): AsyncGenerator<JsonItem> {
  for await (const l of lines) {
    const text = l.n === 1 ? l.text.replace(/^\uFEFF/, '') : l.text;
    if (!text.trim()) continue;
    if (l.invalidUtf8) {
      yield { line: l.n, error: 'invalid UTF-8 on this line' };
      continue;
    }
    try {
      yield { line: l.n, value: parseStorable(text) };
    } catch (e) {
      yield { line: l.n, error: `malformed JSON: ${(e as Error).message}` };
    }
  }
}

/**
 * The elements of a top-level JSON array, one at a time, without holding the whole file.
 * A malformed element is reported with its line and the scan goes on with the next one.
 */
export async function* jsonArrayItems(lines: AsyncIterable<Line>): AsyncGenerator<JsonItem> {
  let started = false;
  let finished = false;
  let depth = 0; // 1 = inside the top-level array
  let inString = false;
  let escaped = false;
  let primitive = false; // a bare string/number element at depth 1
  let buf: string[] = [];
  let itemLine = 0;
  let badUtf8Line = 0;

  for await (const l of lines) {
    const text = l.n === 1 ? l.text.replace(/^\uFEFF/, '') : l.text;
    if (finished) {
      if (text.trim()) {
        yield { line: l.n, error: 'unexpected content after the end of the JSON array' };
        return;
      }
      continue;
    }
    if (l.invalidUtf8 && depth > 1) badUtf8Line ||= l.n;
    let segStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (!started) {
        if (c === '[') {
          started = true;
          depth = 1;
        } else if (!/\s/.test(c)) {
          yield { line: l.n, error: 'expected a JSON array of records' };
          return;
        }
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (depth === 1) {
        if (c === ',' || c === ']') {
          if (primitive) yield { line: itemLine, error: 'expected a JSON object, found a bare value' };
          primitive = false;
          if (c === ']') {
            finished = true;
            break;
          }
          continue;
        }
        if (c === '{' || c === '[') {
          depth = 2;
          itemLine = l.n;
          segStart = i;
          if (l.invalidUtf8) badUtf8Line = l.n;
          continue;
        }
        if (!/\s/.test(c) && !primitive) {
          primitive = true;
          itemLine = l.n;
        }
        if (c === '"') inString = true;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 1) {
          buf.push(text.slice(segStart, i + 1));
          yield parseItem(buf.join('\n'), itemLine, badUtf8Line);
          buf = [];
          badUtf8Line = 0;
        }
      }
    }
    if (depth > 1) buf.push(text.slice(segStart));
  }
  if (!started) yield { line: 1, error: 'empty file: no JSON array found' };
  else if (!finished) yield { line: itemLine || 1, error: 'the JSON array is not closed (file truncated?)' };
}

function parseItem(text: string, line: number, badUtf8Line: number): JsonItem {
  if (badUtf8Line) return { line, error: `invalid UTF-8 on line ${badUtf8Line}` };
  try {
    return { line, value: parseStorable(text) };
  } catch (e) {
    return { line, error: `malformed JSON: ${(e as Error).message}` };
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON.parse, minus what PostgreSQL cannot store: a NUL character makes the record malformed (text
 * columns refuse it, and one such record used to abort the whole run), a lone surrogate becomes
 * U+FFFD (jsonb refuses it; text columns already store U+FFFD). Both can only arrive as \u escapes,
 * so ordinary lines skip the slower path.
 */
function parseStorable(text: string): unknown {
  if (!/\\u(?:0000|d[89a-f])/i.test(text)) return JSON.parse(text);
  return JSON.parse(text, (key, v: unknown) => {
    if (key.includes('\u0000') || (typeof v === 'string' && v.includes('\u0000'))) throw new SyntaxError('a NUL character (\\u0000), which cannot be stored');
    return typeof v === 'string' ? v.replace(LONE_SURROGATE, '\uFFFD') : v;
  });
}
