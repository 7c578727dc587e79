import type { Config } from '../config/index.ts';
import { createLexicalEmbedder } from './lexical.ts';
import type { Embedder } from './types.ts';

export type { Embedder } from './types.ts';
export { toVectorLiteral } from './types.ts';

/** Error for an embedder that is configured but not available in this build. */
export class EmbedderUnavailableError extends Error {
  override name = 'EmbedderUnavailableError';
}

export function createEmbedder(config: Pick<Config, 'embedder'>): Embedder {
  switch (config.embedder.kind) {
    case 'lexical':
      return createLexicalEmbedder();
    default:
      throw new EmbedderUnavailableError(
        `EMBEDDER=${config.embedder.kind} is not available in this version; use EMBEDDER=lexical (the default).`,
      );
  }
}
