// ingestPaths at its boundary, over a real (embedded) PostgreSQL: a folder of arbitrary and
// malformed files ends in a summary whose errors name each file that could not be read — one bad
// file, or one bad record, never stops the run with an exception.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { createLexicalEmbedder } from '../embed/lexical.ts';
import { ingestPaths } from './pipeline.ts';
import { DocumentRegistry } from './registry.ts';

const hostile = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('\u0000', 'a\u0000b', '\uD800', '68/2020/QH14', 'Điều 1. Phạm vi\n1. Khoản một'));
const law = fc.record({ id: fc.oneof(fc.constantFrom('68/2020/QH14', 'Luật Thử'), hostile), articles: fc.array(fc.record({ id: fc.oneof(fc.constantFrom('1', '2'), hostile), text: hostile }), { maxLength: 3 }) });
const qa = fc.record({ id: hostile, question: hostile, answer: hostile, agency: hostile });
const procedure = fc.record({ ma_thu_tuc: fc.oneof(fc.constantFrom('1.000178'), hostile), ten_thu_tuc: hostile, trinh_tu_thuc_hien: hostile, thanh_phan_ho_so: hostile });
const file = fc.oneof(
  fc.array(law, { maxLength: 3 }).map((rs) => ({ name: 'laws.json', body: JSON.stringify(rs) as string | Uint8Array })),
  fc.array(qa, { maxLength: 3 }).map((rs) => ({ name: 'qa.jsonl', body: rs.map((r) => JSON.stringify(r)).join('\n') as string | Uint8Array })),
  fc.array(procedure, { maxLength: 3 }).map((rs) => ({ name: 'procedures.jsonl', body: rs.map((r) => JSON.stringify(r)).join('\n') as string | Uint8Array })),
  fc.tuple(hostile, hostile).map(([title, text]) => ({ name: 'note.md', body: `# ${title}\n\n${text}` as string | Uint8Array })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ name: 'junk.jsonl', body: b as string | Uint8Array })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ name: 'junk.json', body: s as string | Uint8Array })),
  fc.constant({ name: 'empty.jsonl', body: '' as string | Uint8Array }),
  fc.constant({ name: 'scan.pdf', body: '%PDF-1.4' as string | Uint8Array }),
);

describe('ingestPaths on folders of arbitrary files', () => {
  let t: TestDb;
  const root = mkdtempSync(join(tmpdir(), 'ingest-prop-'));
  beforeAll(async () => {
    t = await openTestDb('pglite');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  let run = 0;
  it('returns a summary, with an error for each file or record it could not take, and never throws', async () => {
    const embedder = createLexicalEmbedder();
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
        const dir = join(root, `run-${run++}`);
        mkdirSync(dir);
        files.forEach((f, i) => writeFileSync(join(dir, `${i}-${f.name}`), f.body));
        const summary = await ingestPaths({ db: t.db, embedder, registry: new DocumentRegistry() }, [dir]);
        expect(summary.created + summary.changed + summary.unchanged + summary.skipped).toBeGreaterThanOrEqual(0);
        for (const e of summary.errors) {
          expect(e.file).toMatch(/\d+-[a-z]+\.[a-z]+$/);
          expect(typeof e.message).toBe('string');
        }
        // The PDF and the empty file are always reported.
        for (const [i, f] of files.entries()) if (f.name === 'scan.pdf' || f.name === 'empty.jsonl') expect(summary.errors.some((e) => e.file.endsWith(`${i}-${f.name}`))).toBe(true);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
