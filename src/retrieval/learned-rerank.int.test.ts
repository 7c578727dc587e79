import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFixture, type AnswerFixture } from '../../test/support/answers.ts';
import { tempDir, write } from '../../test/support/fixtures.ts';
import { loadLexicon } from '../text/lexicon.ts';
import { createLearnedReranker, FEATURES, loadRerankerWeights, rerankFeatures } from './learned-rerank.ts';

describe('learned reranker', () => {
  let fx: AnswerFixture;
  const lexicon = loadLexicon();
  beforeAll(async () => {
    fx = await answerFixture();
  }, 120_000);
  afterAll(() => fx.close());

  it('loads the shipped weights, one per feature', () => {
    expect(loadRerankerWeights()).toHaveLength(FEATURES.length);
  });

  it('refuses weights trained for other features, saying how to retrain', () => {
    const file = write(tempDir(), 'w.json', JSON.stringify({ features: ['a'], weights: [1] }));
    expect(() => loadRerankerWeights(file)).toThrow(/train:reranker/);
  });

  it('describes each of the first hits by the same features, in order', async () => {
    const q = 'gia hạn tạm trú mất mấy ngày';
    const hits = (await fx.searcher.search(q, { k: 5 })).hits;
    const f = await rerankFeatures(q, hits, { db: fx.db, lexicon });
    expect(f).toHaveLength(hits.length);
    for (const row of f) expect(row).toHaveLength(FEATURES.length);
    expect(f[0]![0]).toBe(1); // reciprocal rank of the first
    expect(f[0]![1]).toBe(1); // its BM25 score is the first's
    expect(f.map((r) => r[6])).toEqual(hits.map((h) => (h.kind === 'procedure' ? 1 : 0)));
  });

  it('orders the first hits by the weighted features', async () => {
    const q = 'gia hạn tạm trú mất mấy ngày';
    const hits = (await fx.searcher.search(q, { k: 5 })).hits;
    // Weights that only reward being a law article (negative weight on "is a procedure"):
    const onlyLaw = FEATURES.map((name) => (name === 'is_procedure' ? -10 : name === 'reciprocal_rank' ? 1 : 0));
    const out = await createLearnedReranker({ db: fx.db, lexicon, weights: onlyLaw }).rerank(q, hits);
    const firstProcedure = out.findIndex((h) => h.kind === 'procedure');
    expect(out.slice(0, firstProcedure).every((h) => h.kind !== 'procedure')).toBe(true);
    expect(out.slice(firstProcedure).every((h) => h.kind === 'procedure')).toBe(true);
    expect(new Set(out.map((h) => h.unitId))).toEqual(new Set(hits.map((h) => h.unitId)));
  });
});
