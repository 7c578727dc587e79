// Cloudflare Workers AI as an embedder, through the Worker's `AI` binding (e.g. @cf/baai/bge-m3,
// 1024 dimensions). The corpus must have been embedded with the same model: ingest from Node with
// EMBEDDER=openai against Cloudflare's OpenAI-compatible endpoint for that model.
import type { Embedder } from './types.ts';
import { EmbedderLoadError } from './types.ts';

/** The part of the Workers AI binding this uses. */
export interface WorkersAiBinding {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

export interface WorkersAiEmbedderOptions {
  binding: WorkersAiBinding;
  model: string;
  /** Texts per call; Workers AI accepts up to 100 for its embedding models. */
  batchSize?: number;
}

function vectors(out: unknown, expected: number, model: string): number[][] {
  const data = (out as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== expected || !data.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'))) {
    throw new EmbedderLoadError(`Workers AI model ${model} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${expected} texts`);
  }
  return data as number[][];
}

export async function createWorkersAiEmbedder(o: WorkersAiEmbedderOptions): Promise<Embedder> {
  const batch = Math.min(o.batchSize ?? 100, 100);
  async function run(texts: string[]): Promise<number[][]> {
    let out: unknown;
    try {
      out = await o.binding.run(o.model, { text: texts });
    } catch (e) {
      throw new EmbedderLoadError(`Workers AI model ${o.model} failed: ${(e as Error).message}`);
    }
    return vectors(out, texts.length, o.model);
  }
  const [probe] = await run(['kiểm tra']);
  const dim = probe!.length;
  return {
    id: `workers-ai:${o.model}:${dim}`,
    dim,
    async embedDocuments(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batch) out.push(...(await run(texts.slice(i, i + batch))));
      return out;
    },
    async embedQuery(text) {
      return (await run([text]))[0]!;
    },
  };
}
