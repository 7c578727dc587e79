// Every reader, fed arbitrary and malformed files: each record becomes a document, a gazette entry
// or an issue with a line number — the contract ingestPaths relies on — and no exception escapes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { detectKind } from '../detect.ts';
import { DocumentRegistry } from '../registry.ts';
import type { ReaderItem } from '../types.ts';
import { readGazette } from './gazette.ts';
import { readLaws } from './laws.ts';
import { readProcedures } from './procedures.ts';
import { readQa } from './qa.ts';
import { readTextFile } from './text.ts';

const dir = mkdtempSync(join(tmpdir(), 'readers-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (content: string | Uint8Array, ext: string) => {
  const p = join(dir, `f${n++}${ext}`);
  writeFileSync(p, content);
  return p;
};

const hostile = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('', ' ', '\u0000', '\uD800', 'Điều 1. Phạm vi\n1. Khoản một\na) điểm a', '68/2020/QH14', '1.000178'));
/** Records that look almost right: the fields each reader expects, with wrong types and junk values. */
const lawRecord = fc.record({ id: fc.oneof(hostile, fc.jsonValue()), articles: fc.oneof(fc.array(fc.record({ id: fc.oneof(hostile, fc.jsonValue()), text: fc.oneof(hostile, fc.jsonValue()) }), { maxLength: 4 }), fc.jsonValue()) }, { requiredKeys: [] });
const procedureRecord = fc.record({ ma_thu_tuc: fc.oneof(fc.constantFrom('1.000178', '2.002755'), hostile), ten_thu_tuc: hostile, trinh_tu_thuc_hien: hostile, thanh_phan_ho_so: hostile, cach_thuc_thuc_hien: hostile, can_cu_phap_ly: hostile }, { requiredKeys: [] });
const qaRecord = fc.record({ id: hostile, question: hostile, answer: hostile, source: fc.oneof(hostile, fc.jsonValue()), agency: hostile }, { requiredKeys: [] });
const gazetteRecord = fc.record({ number: hostile, name: hostile, issueDate: hostile, signer: hostile, effectiveDate: hostile, gazetteIssue: hostile }, { requiredKeys: [] });
const anyRecord = fc.oneof(lawRecord, procedureRecord, qaRecord, gazetteRecord, fc.jsonValue());

/** A file body: records as a JSON array or JSON lines, broken in places, or bytes that are not text at all. */
const fileBody = fc.oneof(
  fc.array(anyRecord, { maxLength: 5 }).map((rs) => JSON.stringify(rs, null, 1)),
  fc.array(anyRecord, { maxLength: 5 }).map((rs) => rs.map((r) => JSON.stringify(r)).join('\n')),
  fc.array(anyRecord, { maxLength: 5 }).map((rs) => JSON.stringify(rs)).chain((s) => fc.nat(s.length).map((k) => s.slice(0, k))),
  fc.tuple(fc.array(anyRecord, { maxLength: 3 }), fc.uint8Array({ minLength: 1, maxLength: 20 })).map(([rs, junk]) => Buffer.concat([Buffer.from(rs.map((r) => JSON.stringify(r)).join('\n')), Buffer.from('\n'), Buffer.from(junk)])),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom('[', ']', '[{', '[1,2', '[{}] trailing', '\uFEFF[{"id":"x","articles":[]}]', '{"a":1}\n\n{', '[' + '['.repeat(5000)),
);

async function collect(items: AsyncGenerator<ReaderItem>): Promise<ReaderItem[]> {
  const out: ReaderItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

function wellFormed(items: ReaderItem[]) {
  for (const i of items) {
    if ('issue' in i) {
      expect(Number.isInteger(i.issue.line)).toBe(true);
      expect(i.issue.line).toBeGreaterThanOrEqual(0);
      expect(typeof i.issue.message).toBe('string');
    } else if ('doc' in i) {
      expect(typeof i.doc.docKey).toBe('string');
      expect(i.doc.docKey.length).toBeGreaterThan(0);
      for (const u of i.doc.units) expect(typeof u.text).toBe('string');
    } else {
      expect(typeof i.gazette.name).toBe('string');
    }
  }
}

describe('the ingest readers, on any file', () => {
  it('yield documents, gazette entries or issues with line numbers, and never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fileBody, fc.constantFrom('.json', '.jsonl'), async (body, ext) => {
        const path = write(body, ext);
        for (const items of [readLaws(path, new DocumentRegistry()), readProcedures(path), readQa(path, 'test'), readGazette(path)]) wellFormed(await collect(items));
      }),
      { numRuns: 150 },
    );
  });

  it('read any text or HTML file as one document or one issue', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }).map((s) => `<html><title>${s}</title><body><p>${s}</p><script>${s}</script></body></html>`)), fc.constantFrom('.txt', '.md', '.html'), async (body, ext) => {
        const items = await collect(readTextFile(write(body, ext), 'text'));
        wellFormed(items);
        expect(items.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it('detect a kind or give a reason for any file', async () => {
    await fc.assert(
      fc.asyncProperty(fileBody, fc.constantFrom('.json', '.jsonl', '.ndjson', '.txt', '.pdf', ''), async (body, ext) => {
        const d = await detectKind(write(body, ext));
        expect('kind' in d || typeof d.error === 'string').toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
