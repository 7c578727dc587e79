import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFixture, proceduresByCode, type AnswerFixture } from '../../test/support/answers.ts';
import { tempDir, write } from '../../test/support/fixtures.ts';
import { ingestPaths } from '../ingest/pipeline.ts';
import { loadProjectRegistry } from '../ingest/registry.ts';
import { loadLexicon } from '../text/lexicon.ts';
import { bm25Search } from './bm25.ts';
import { createMemoryBm25, type MemoryBm25 } from './bm25-memory.ts';
import { analyzeQuery } from './query.ts';

describe('BM25 scored in memory', () => {
  let fx: AnswerFixture;
  let mem: MemoryBm25;
  const lexicon = loadLexicon();
  beforeAll(async () => {
    fx = await answerFixture();
    mem = createMemoryBm25(fx.db, { checkMs: 50 })!;
    await mem.ready();
  }, 120_000);
  afterAll(async () => {
    mem.close();
    await fx.close();
  });

  it.each([
    ['gia hạn tạm trú cần giấy tờ gì'],
    ['dang ky thuong tru le phi bao nhieu'],
    ['Nam nữ bao nhiêu tuổi thì được kết hôn?'],
    ['CCCD'],
    ['điều kiện đăng ký thường trú tại chỗ ở hợp pháp do thuê, mượn, ở nhờ'],
  ])('ranks and scores exactly as the SQL scoring does: %s', async (q) => {
    const terms = analyzeQuery(q, lexicon).terms;
    for (const filters of [{}, { kinds: ['procedure' as const] }, { kinds: ['law_article' as const] }]) {
      const inMemory = mem.search(terms, 20, filters)!;
      const sql = await bm25Search(fx.db, terms, 20, filters);
      expect(inMemory.map((r) => r.unitId)).toEqual(sql.map((r) => r.unitId));
      inMemory.forEach((r, i) => expect(r.score).toBeCloseTo(sql[i]!.score, 9));
    }
  });

  it('steps aside while the index changes, then serves a fresh copy that includes the new units', async () => {
    const terms = analyzeQuery('nuôi trồng thủy sản', lexicon).terms;
    const before = mem.search(terms, 10)!;
    expect(before).not.toBeNull();
    const dir = tempDir();
    const extra = proceduresByCode([], 80).slice(40);
    write(dir, 'more.jsonl', `${extra.join('\n')}\n`);
    await ingestPaths({ db: fx.db, embedder: fx.embedder, registry: loadProjectRegistry() }, [dir]);
    const sql = await bm25Search(fx.db, terms, 10);
    expect(sql.some((r) => r.unitId > Math.max(...before.map((b) => b.unitId)))).toBe(true);
    // Within a few checks the copy notices the change (SQL answers meanwhile), reloads, and agrees again.
    const ids = (r: { unitId: number }[] | null) => r?.map((x) => x.unitId).join(',');
    let steppedAside = false;
    for (let i = 0; i < 200 && ids(mem.search(terms, 10)) !== ids(sql); i++) {
      if (mem.search(terms, 10) === null) steppedAside = true;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(steppedAside).toBe(true);
    expect(ids(mem.search(terms, 10))).toBe(ids(sql));
  });
});
