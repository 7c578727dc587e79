import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDb, type TestDb } from '../../test/support/db.ts';
import { SHARED_DATA, lawSlice, procedureLines, tempDir, write } from '../../test/support/fixtures.ts';
import { createLexicalEmbedder } from '../embed/lexical.ts';
import { ingestPaths } from '../ingest/pipeline.ts';
import { loadProjectRegistry } from '../ingest/registry.ts';
import { loadLexicon } from '../text/lexicon.ts';
import { stripDiacritics } from '../text/normalize.ts';
import { HoidapRetriever } from './langchain.ts';
import { createSearcher, type Searcher } from './search.ts';

const embedder = createLexicalEmbedder();

async function corpus(t: TestDb): Promise<void> {
  const dir = tempDir();
  write(dir, 'laws.json', JSON.stringify(lawSlice('alqac-2023-laws.json', 'Luật Cư trú', 38)));
  write(dir, 'hngd.json', JSON.stringify(lawSlice('alqac-2023-laws.json', 'Luật Hôn nhân và gia đình', 60)));
  const all = procedureLines(2642);
  // a spread of every 8th procedure (so term statistics look like the real corpus), plus the citizen-ID ones
  const picked = [...all.filter((_, i) => i % 8 === 0), ...all.filter((l) => /căn cước/.test(JSON.parse(l).ten_thu_tuc))];
  write(dir, 'procedures.jsonl', `${[...new Set(picked)].join('\n')}\n`);
  await ingestPaths({ db: t.db, embedder, registry: loadProjectRegistry() }, [dir]);
}

describe.each(DRIVERS)('hybrid search on the %s driver', (driver) => {
  let t: TestDb;
  let s: Searcher;
  beforeAll(async () => {
    t = await openTestDb(driver, embedder.dim);
    await corpus(t);
    s = createSearcher({ db: t.db, embedder, lexicon: loadLexicon() });
  });
  afterAll(() => t.close());

  it('gives the same first answer to a question typed without diacritics', async () => {
    const q = 'Hồ sơ đăng ký tạm trú gồm những giấy tờ gì';
    const [a, b] = await Promise.all([s.search(q, { k: 3 }), s.search(stripDiacritics(q).toLowerCase(), { k: 3 })]);
    expect(b.hits[0]!.unitId).toBe(a.hits[0]!.unitId);
  });

  it('puts an explicitly referenced article first', async () => {
    const r = await s.search('khoản 2 điều 5 luật cư trú', { k: 3 });
    expect(r.hits[0]).toMatchObject({ ref: 'Điều 5, Luật Cư trú (68/2020/QH14)', match: { reference: 'unit' } });
    const byNumber = await s.search('68/2020/QH14 quy định nơi cư trú của người chưa thành niên', { k: 3 });
    expect(byNumber.hits[0]!.documentNumber).toBe('68/2020/QH14');
  });

  it('puts a procedure named by its code first', async () => {
    const r = await s.search('thủ tục 1.000757 nộp ở đâu', { k: 3 });
    expect(r.hits[0]).toMatchObject({ kind: 'procedure', documentNumber: '1.000757' });
  });

  it('keeps returning k results when filtered by kind', async () => {
    const r = await s.search('đăng ký', { k: 8, kinds: ['procedure'] });
    expect(r.hits).toHaveLength(8);
    expect(r.hits.every((h) => h.kind === 'procedure')).toBe(true);
  });

  it('never ranks a repealed provision as current law', async () => {
    await t.db.query("UPDATE documents SET status = 'repealed' WHERE number = '52/2014/QH13'");
    try {
      const r = await s.search('điều kiện kết hôn nam từ đủ 20 tuổi', { k: 10 });
      expect(r.hits.some((h) => h.documentNumber === '52/2014/QH13')).toBe(false);
      const all = await s.search('điều kiện kết hôn nam từ đủ 20 tuổi', { k: 10, includeRepealed: true });
      expect(all.hits[0]!.documentNumber).toBe('52/2014/QH13');
    } finally {
      await t.db.query("UPDATE documents SET status = 'in_force' WHERE number = '52/2014/QH13'");
    }
  });

  it('serves LangChain apps through a BaseRetriever', async () => {
    const docs = await new HoidapRetriever({ searcher: s, k: 2 }).invoke('gia hạn tạm trú');
    expect(docs).toHaveLength(2);
    expect(docs[0]!.metadata).toMatchObject({ kind: expect.any(String), ref: expect.any(String) });
    expect(docs[0]!.pageContent.length).toBeGreaterThan(20);
  });
});

describe('search on the full shared corpus (embedded database)', () => {
  let t: TestDb;
  let s: Searcher;
  beforeAll(async () => {
    t = await openTestDb('pglite', embedder.dim);
    await ingestPaths({ db: t.db, embedder, registry: loadProjectRegistry() }, [SHARED_DATA]);
    s = createSearcher({ db: t.db, embedder, lexicon: loadLexicon() });
  }, 300_000);
  afterAll(() => t.close());

  it('finds the article that answers a question, collapsed to units', async () => {
    const r = await s.search('Hồ sơ đăng ký thường trú của người có chỗ ở hợp pháp thuộc quyền sở hữu của mình gồm những gì?', { k: 5, kinds: ['law_article'] });
    // Điều 20 (conditions, which it quotes word for word) competes; the answer must be among the first three.
    expect(r.hits.slice(0, 3).map((h) => h.ref)).toContain('Điều 21, Luật Cư trú (68/2020/QH14)');
    expect(new Set(r.hits.map((h) => h.unitId)).size).toBe(r.hits.length);
  });

  it('understands abbreviations and informal words a citizen types (CCCD, làm lại)', async () => {
    for (const q of ['làm lại CCCD bị mất', 'lam lai can cuoc bi mat']) {
      const r = await s.search(q, { k: 3 });
      expect(r.hits[0]!.kind).toBe('procedure');
      expect(r.hits[0]!.title).toMatch(/^Cấp lại thẻ căn cước/);
    }
  });

  it('restores the diacritics of a question typed without them', async () => {
    const r = await s.search('lam lai can cuoc bi mat', { k: 5 });
    expect(r.restored).toBe('làm lại căn cước bị mất');
    expect((await s.search('làm lại căn cước bị mất', { k: 5 })).restored).toBeNull();
  });

  it('finds the procedure for an informal name (sổ đỏ)', async () => {
    const r = await s.search('sổ đỏ bị mất làm lại thế nào', { k: 3 });
    expect(r.hits[0]!.title).toBe('Cấp lại Giấy chứng nhận do bị mất');
  });
});
