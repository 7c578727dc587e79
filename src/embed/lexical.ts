// The default embedder: deterministic feature hashing of Vietnamese syllables and syllable
// bigrams, accented and folded, so it needs no model and unaccented text lands near accented text.
import { fold, syllables } from '../text/normalize.ts';
import type { Embedder } from './types.ts';

/** FNV-1a, 32-bit. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function lexicalVector(text: string, dim: number): number[] {
  const v = new Float64Array(dim);
  const accented = syllables(text);
  const folded = accented.map(fold);
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (let i = 0; i < folded.length; i++) {
    add(`f:${folded[i]}`);
    if (accented[i] !== folded[i]) add(`a:${accented[i]}`);
    if (i + 1 < folded.length) add(`b:${folded[i]} ${folded[i + 1]}`);
  }
  for (const [feature, n] of counts) {
    const h = hash(feature);
    const weight = (1 + Math.log(n)) * (feature.startsWith('b:') ? 1.5 : 1);
    v[h % dim]! += h & 0x80000000 ? -weight : weight;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  // An empty text still needs a valid vector for the NOT NULL column; a unit vector on axis 0.
  if (norm === 0) {
    v[0] = 1;
    return Array.from(v);
  }
  return Array.from(v, (x) => x / norm);
}

export function createLexicalEmbedder(dim = 256): Embedder {
  return {
    id: `lexical-v1-${dim}`,
    dim,
    async embedDocuments(texts) {
      return texts.map((t) => lexicalVector(t, dim));
    },
    async embedQuery(text) {
      return lexicalVector(text, dim);
    },
  };
}
