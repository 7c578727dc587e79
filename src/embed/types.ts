/** Turns text into vectors. Implementations: lexical (default, no model), ONNX, OpenAI-compatible HTTP. */
export interface Embedder {
  /** Stable identifier stored with the index, e.g. "lexical-v1-256". */
  readonly id: string;
  readonly dim: number;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

/** pgvector's text form: "[0.1,0.2,...]". */
export function toVectorLiteral(v: readonly number[]): string {
  return `[${v.map((x) => (Number.isFinite(x) ? Number(x.toFixed(6)) : 0)).join(',')}]`;
}

/** An embedding model cannot be loaded or reached; the message says which and why. */
export class EmbedderLoadError extends Error {
  override name = 'EmbedderLoadError';
}

/**
 * An embedder whose texts leave the machine (an embedding API) sees them masked: a question can hold a
 * citizen's ID or phone number, and the vector needs neither (legal numbers and fees are kept).
 */
export function maskingEmbedder(inner: Embedder, mask: (text: string) => string): Embedder {
  return {
    id: inner.id,
    dim: inner.dim,
    embedDocuments: (texts) => inner.embedDocuments(texts.map(mask)),
    embedQuery: (text) => inner.embedQuery(mask(text)),
  };
}
