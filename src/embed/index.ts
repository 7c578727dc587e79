import type { Config } from '../config/index.ts';
import { createLexicalEmbedder } from './lexical.ts';
import { createOnnxEmbedder } from './onnx.ts';
import { createOpenAiEmbedder } from './openai.ts';
import { EmbedderLoadError, maskingEmbedder, type Embedder } from './types.ts';
import { maskPersonal } from '../text/personal.ts';

export type { Embedder } from './types.ts';
export { maskingEmbedder, toVectorLiteral } from './types.ts';
export { EmbedderLoadError } from './types.ts';

/** The configured embedder (config was validated: the variables each kind needs are present). */
export async function createEmbedder(config: Pick<Config, 'embedder' | 'llm'>): Promise<Embedder> {
  const e = config.embedder;
  switch (e.kind) {
    case 'lexical':
      return createLexicalEmbedder();
    case 'onnx':
      return createOnnxEmbedder(e.modelPath!);
    case 'openai':
      return maskingEmbedder(await createOpenAiEmbedder({ baseUrl: e.baseUrl!, model: e.model ?? 'text-embedding-3-small', apiKey: e.apiKey ?? config.llm.apiKey }), maskPersonal);
    case 'workers-ai':
      throw new EmbedderLoadError('EMBEDDER=workers-ai runs only on Cloudflare Workers (the AI binding); on Node use EMBEDDER=openai with Cloudflare\'s OpenAI-compatible endpoint for the same model');
  }
}
