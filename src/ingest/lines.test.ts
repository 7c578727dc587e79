import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonArrayItems, jsonLines, readLines, type JsonItem } from './lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoidap-lines-'));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, content);
  return p;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readLines', () => {
  it('numbers lines, strips CR and flags invalid UTF-8 without stopping', async () => {
    const p = file(Buffer.concat([Buffer.from('một\r\nhai\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('bốn')]));
    const lines = await collect(readLines(p));
    expect(lines.map((l) => [l.n, l.invalidUtf8])).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ]);
    expect(lines[0]!.text).toBe('một');
    expect(lines[3]!.text).toBe('bốn');
  });
});

describe('jsonLines', () => {
  it('reports a malformed line and an invalid UTF-8 line and keeps the others', async () => {
    const p = file(Buffer.concat([Buffer.from('{"a":1}\n{"a":\n\n'), Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]), Buffer.from('{"a":4}\n')]));
    const items = await collect(jsonLines(readLines(p)));
    expect(items.map((i: JsonItem) => [i.line, i.error ? 'error' : i.value])).toEqual([
      [1, { a: 1 }],
      [2, 'error'],
      [4, 'error'],
      [5, { a: 4 }],
    ]);
    expect(items[2]!.error).toMatch(/UTF-8/);
  });
});

describe('jsonArrayItems', () => {
  it('streams the elements of a pretty-printed array with their starting lines', async () => {
    const p = file('[\n  {\n    "id": "a",\n    "t": "x ] } [ {"\n  },\n  {"id": "b"}, {"id": "c\\"}"}\n]\n');
    const items = await collect(jsonArrayItems(readLines(p)));
    expect(items).toEqual([
      { line: 2, value: { id: 'a', t: 'x ] } [ {' } },
      { line: 6, value: { id: 'b' } },
      { line: 6, value: { id: 'c"}' } },
    ]);
  });

  it('reports a malformed element and goes on with the next', async () => {
    const p = file('[\n{"id": 1,},\n{"id": 2}\n]');
    const items = await collect(jsonArrayItems(readLines(p)));
    expect(items[0]).toMatchObject({ line: 2, error: expect.stringMatching(/malformed JSON/) });
    expect(items[1]).toEqual({ line: 3, value: { id: 2 } });
  });

  it('reports bare values, a truncated array, a non-array and an empty file', async () => {
    expect(await collect(jsonArrayItems(readLines(file('[1, {"a":1}]'))))).toEqual([
      { line: 1, error: 'expected a JSON object, found a bare value' },
      { line: 1, value: { a: 1 } },
    ]);
    const truncated = await collect(jsonArrayItems(readLines(file('[{"a":1},\n{"a":'))));
    expect(truncated.at(-1)).toMatchObject({ error: expect.stringMatching(/not closed/) });
    expect(await collect(jsonArrayItems(readLines(file('{"a":1}'))))).toEqual([{ line: 1, error: 'expected a JSON array of records' }]);
    expect(await collect(jsonArrayItems(readLines(file('  \n'))))).toEqual([{ line: 1, error: 'empty file: no JSON array found' }]);
  });

  it('reports an element containing invalid UTF-8', async () => {
    const p = file(Buffer.concat([Buffer.from('[\n{"a": "'), Buffer.from([0xff]), Buffer.from('"},\n{"a": "ok"}\n]')]));
    const items = await collect(jsonArrayItems(readLines(p)));
    expect(items).toEqual([
      { line: 2, error: 'invalid UTF-8 on line 2' },
      { line: 3, value: { a: 'ok' } },
    ]);
  });
});
