import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonArrayItems, jsonLines, readLines, type JsonItem, type Line } from './lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'lines-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (content: string | Uint8Array) => {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, content);
  return p;
};
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function* linesOf(text: string): AsyncGenerator<Line> {
  let i = 0;
  for (const t of text.split('\n')) yield { n: ++i, text: t, invalidUtf8: false };
}

// No U+FEFF: each line is decoded on its own, so a byte-order mark opening a line is dropped (as a BOM).
const text = fc.string({ unit: 'grapheme', maxLength: 300 }).filter((s) => !s.includes('\uFEFF'));

describe('readLines', () => {
  it('gives back the text of a UTF-8 file, line by line, numbered from 1', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text.map((s) => s.replace(/\r/g, '')), { maxLength: 8 }), fc.boolean(), async (ls, crlf) => {
        const body = ls.join(crlf ? '\r\n' : '\n');
        const got = await all(readLines(write(body)));
        // A final newline ends the last line; it does not open another.
        expect(got.map((l) => l.text).join('\n')).toBe(body.replace(/\r\n/g, '\n').replace(/\n$/, ''));
        got.forEach((l, i) => expect(l.n).toBe(i + 1));
        expect(got.every((l) => !l.invalidUtf8)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('flags lines that are not UTF-8 and still reads the rest, for any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const got = await all(readLines(write(bytes)));
        const newlines = bytes.filter((b) => b === 0x0a).length;
        expect(got.length).toBe(bytes.length && bytes.at(-1) !== 0x0a ? newlines + 1 : newlines);
      }),
      { numRuns: 80 },
    );
  });
});

describe('jsonArrayItems', () => {
  it('yields the elements of any array of objects, however it is laid out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 }), fc.constantFrom(undefined, 1, 2, '\t'), async (objs, indent) => {
        const items: JsonItem[] = await all(jsonArrayItems(linesOf(JSON.stringify(objs, null, indent))));
        expect(items.map((i) => i.error)).toEqual(objs.map(() => undefined));
        expect(items.map((i) => i.value)).toEqual(JSON.parse(JSON.stringify(objs)));
      }),
    );
  });

  it('reports, and never throws on, any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, fc.jsonValue().map((v) => JSON.stringify(v, null, 1))), async (s) => {
        for (const i of await all(jsonArrayItems(linesOf(s)))) expect(i.error === undefined || typeof i.error === 'string').toBe(true);
        for (const i of await all(jsonLines(linesOf(s)))) expect(i.line).toBeGreaterThan(0);
      }),
    );
  });
});

describe('jsonLines', () => {
  it('yields one value per non-blank line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), async (vs) => {
        const items = await all(jsonLines(linesOf(vs.map((v) => JSON.stringify(v)).join('\n'))));
        expect(items.map((i) => i.value)).toEqual(JSON.parse(JSON.stringify(vs)));
      }),
    );
  });
});
