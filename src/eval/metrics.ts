// Ranking metrics over units: recall@k (share of gold units found), MRR@10, nDCG@10 (binary gain).

export function recallAt(ranks: number[], goldCount: number, k: number): number {
  if (!goldCount) return 0;
  return ranks.filter((r) => r <= k).length / goldCount;
}

export function reciprocalRank(ranks: number[], k = 10): number {
  const first = Math.min(...ranks.filter((r) => r <= k), Infinity);
  return Number.isFinite(first) ? 1 / first : 0;
}

export function ndcgAt(ranks: number[], goldCount: number, k = 10): number {
  const dcg = ranks.filter((r) => r <= k).reduce((s, r) => s + 1 / Math.log2(r + 1), 0);
  let ideal = 0;
  for (let i = 1; i <= Math.min(goldCount, k); i++) ideal += 1 / Math.log2(i + 1);
  return ideal ? dcg / ideal : 0;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
