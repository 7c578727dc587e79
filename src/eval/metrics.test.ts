import { describe, expect, it } from 'vitest';
import { ndcgAt, percentile, recallAt, reciprocalRank } from './metrics.ts';

describe('ranking metrics', () => {
  it('computes recall as the share of gold units within k', () => {
    expect(recallAt([1, 7], 2, 5)).toBe(0.5);
    expect(recallAt([], 1, 10)).toBe(0);
  });
  it('computes the reciprocal rank of the first hit within 10', () => {
    expect(reciprocalRank([3, 2])).toBe(0.5);
    expect(reciprocalRank([11])).toBe(0);
  });
  it('computes nDCG with binary gains', () => {
    expect(ndcgAt([1], 1)).toBe(1);
    expect(ndcgAt([2], 1)).toBeCloseTo(1 / Math.log2(3));
    expect(ndcgAt([1, 2], 2)).toBe(1);
  });
  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 95)).toBe(100);
  });
});
