import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDb, type TestDb } from '../../test/support/db.ts';
import { lawSlice, procedureLines, tempDir, write } from '../../test/support/fixtures.ts';
import { createLexicalEmbedder } from '../embed/lexical.ts';
import { normalizeText } from '../text/normalize.ts';
import { ingestPaths } from './pipeline.ts';
import { loadProjectRegistry } from './registry.ts';
import { storeStats } from './stats.ts';

const embedder = createLexicalEmbedder();

describe.each(DRIVERS)('ingestion on the %s driver', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver, embedder.dim);
  });
  afterAll(() => t.close());
  const ingest = (paths: string[]) => ingestPaths({ db: t.db, embedder, registry: loadProjectRegistry() }, paths);

  it('makes one document of the Civil Code known by number in one file and by name in another', async () => {
    const dir = tempDir();
    const byNumber = lawSlice('alqac-2022-codes.json', '91/2015/QH13', 40);
    const byName = lawSlice('alqac-2023-laws.json', 'Bộ luật dân sự', 40);
    // The two files really differ, if only in tone marks and punctuation.
    const differ = byNumber[0]!.articles.filter((a, i) => a.text !== byName[0]!.articles[i]!.text).length;
    const toneOnly = byNumber[0]!.articles.filter(
      (a, i) => a.text !== byName[0]!.articles[i]!.text && normalizeText(a.text) === normalizeText(byName[0]!.articles[i]!.text),
    ).length;
    expect(differ).toBeGreaterThan(0);
    expect(toneOnly).toBeGreaterThan(0);

    const a = write(dir, 'a/codes.json', JSON.stringify(byNumber));
    const b = write(dir, 'b/laws.json', JSON.stringify(byName));
    const first = await ingest([a, b]);
    expect(first).toMatchObject({ created: 1, changed: 0, skipped: 0 });
    const second = await ingest([a, b]);
    expect(second).toEqual({ created: 0, changed: 0, unchanged: 1, skipped: 0, errors: [] });

    const docs = await t.db.query<{ doc_key: string; number: string; name: string; content_hash: string }>(
      "SELECT doc_key, number, name, content_hash FROM documents WHERE kind = 'law'",
    );
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ number: '91/2015/QH13', name: 'Bộ luật dân sự' });
    const [{ n } = { n: 0 }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM units WHERE kind = 'law_article'");
    expect(n).toBe(40);

    // The merged content does not depend on the order of the files.
    const other = await openTestDb('pglite', embedder.dim);
    try {
      await ingestPaths({ db: other.db, embedder, registry: loadProjectRegistry() }, [b]);
      await ingestPaths({ db: other.db, embedder, registry: loadProjectRegistry() }, [a]);
      const [again] = await other.db.query<{ content_hash: string }>("SELECT content_hash FROM documents WHERE kind = 'law'");
      expect(again?.content_hash).toBe(docs[0]!.content_hash);
    } finally {
      await other.close();
    }
  });

  it('writes nothing for unchanged input and replaces the chunks of a changed document as a new version', async () => {
    const dir = tempDir();
    const lines = procedureLines(5);
    const file = write(dir, 'procedures.jsonl', `${lines.join('\n')}\n`);
    expect(await ingest([file])).toMatchObject({ created: 5, changed: 0, unchanged: 0 });
    const before = await storeStats(t.db);
    expect(await ingest([file])).toMatchObject({ created: 0, changed: 0, unchanged: 5 });

    const edited = JSON.parse(lines[2]!) as Record<string, string>;
    edited.yeu_cau_dieu_kien = 'Điều kiện mới: người nộp phải có mặt trực tiếp.';
    lines[2] = JSON.stringify(edited);
    write(dir, 'procedures.jsonl', `${lines.join('\n')}\n`);
    expect(await ingest([file])).toMatchObject({ created: 0, changed: 1, unchanged: 4 });

    const [doc] = await t.db.query<{ id: number; version: number }>('SELECT id, version FROM documents WHERE number = $1', [edited.ma_thu_tuc]);
    expect(doc?.version).toBe(2);
    const versions = await t.db.query('SELECT version FROM document_versions WHERE document_id = $1 ORDER BY version', [doc!.id]);
    expect(versions).toHaveLength(2);
    const conditions = await t.db.query<{ text: string }>("SELECT text FROM chunks WHERE document_id = $1 AND locator = 'yeu_cau_dieu_kien'", [doc!.id]);
    expect(conditions.map((c) => c.text)).toEqual(['Điều kiện mới: người nộp phải có mặt trực tiếp.']);
    const after = await storeStats(t.db);
    expect(after.units.procedure).toBe(before.units.procedure);
  });
});

describe('ingestion of bad input', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('pglite', embedder.dim);
  });
  afterAll(() => t.close());

  it('reports each bad record with file and line, and ingests the rest', async () => {
    const dir = tempDir();
    const lines = procedureLines(4);
    write(
      dir,
      'procedures.jsonl',
      Buffer.concat([
        Buffer.from(`${lines[0]}\n{"ma_thu_tuc": "1.000001", "ten_thu_tuc": \n${lines[1]}\n`),
        Buffer.from(lines[2]!.replace('"ten_thu_tuc": "', '"ten_thu_tuc": "\uFFFF').slice(0, 60)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(`${lines[2]!.slice(60)}\n${lines[0]}\n${lines[3]}\n{"ten_thu_tuc": "Không có mã"}\n`),
      ]),
    );
    write(dir, 'empty.jsonl', '');
    write(dir, 'notes.csv', 'a,b\n1,2\n');
    write(dir, 'qa.jsonl', '{"id":"q1","question":"Làm hộ chiếu ở đâu?","answer":"Tại Công an cấp tỉnh."}\n{"id":"q1","question":"Hỏi lại?","answer":"Đáp lại."}\n');
    write(dir, 'laws.json', '[\n{"id": "Luật Cư trú", "articles": [{"id": "1", "text": "Phạm vi điều chỉnh\\n\\nLuật này quy định..."}]},\n\n{"id": "Luật Cư trú",\n "articles": []}\n]\n');

    const s = await ingestPaths({ db: t.db, embedder, registry: loadProjectRegistry() }, [dir, `${dir}/missing.jsonl`]);
    const issues = s.errors.map((e) => `${e.file.split('/').pop()}:${e.line}`).sort();
    expect(issues).toEqual(['empty.jsonl:0', 'laws.json:4', 'missing.jsonl:0', 'notes.csv:0', 'procedures.jsonl:2', 'procedures.jsonl:4', 'procedures.jsonl:5', 'procedures.jsonl:7', 'qa.jsonl:2'].sort());
    const byLine = (file: string, line: number) => s.errors.find((e) => e.file.endsWith(file) && e.line === line)!.message;
    expect(byLine('procedures.jsonl', 2)).toMatch(/malformed JSON/);
    expect(byLine('procedures.jsonl', 4)).toMatch(/UTF-8/);
    expect(byLine('procedures.jsonl', 5)).toMatch(/duplicate procedure/);
    expect(byLine('procedures.jsonl', 7)).toMatch(/ma_thu_tuc/);
    expect(byLine('empty.jsonl', 0)).toBe('empty file');
    expect(byLine('notes.csv', 0)).toMatch(/unknown kind/);
    expect(byLine('qa.jsonl', 2)).toMatch(/duplicate Q&A id q1/);
    expect(byLine('laws.json', 4)).toMatch(/at least one article/);
    expect(s.skipped).toBe(9);
    // procedures 1, 2 and 4 (3 had bad bytes), one Q&A pair, one law
    expect(s.created).toBe(5);
    const stats = await storeStats(t.db);
    expect(stats.units).toMatchObject({ procedure: 3, qa: 1, law_article: 1 });
  });
});
