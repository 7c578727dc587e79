// Any OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, llama.cpp server, Ollama's /v1…).
import type { Embedder } from './types.ts';
import { EmbedderLoadError } from './types.ts';

export interface OpenAiEmbedderOptions {
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  batchSize?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function createOpenAiEmbedder(o: OpenAiEmbedderOptions): Promise<Embedder> {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const doFetch = o.fetch ?? fetch;
  const batch = o.batchSize ?? 64;

  async function call(input: string[], attempt = 0): Promise<number[][]> {
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
        body: JSON.stringify({ model: o.model, input }),
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
      });
    } catch (e) {
      if (attempt < 2) return call(input, attempt + 1);
      throw new EmbedderLoadError(`embedding endpoint ${url} unreachable: ${(e as Error).message}`);
    }
    if ((res.status === 429 || res.status >= 500) && attempt < 2) {
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      return call(input, attempt + 1);
    }
    if (!res.ok) throw new EmbedderLoadError(`embedding endpoint ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const body = (await res.json()) as { data?: { embedding: number[]; index: number }[] };
    if (!Array.isArray(body.data) || body.data.length !== input.length) throw new EmbedderLoadError(`embedding endpoint ${url} returned ${body.data?.length ?? 'no'} embeddings for ${input.length} inputs`);
    return [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }

  const run = async (texts: string[]) => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batch) out.push(...(await call(texts.slice(i, i + batch))));
    return out;
  };
  const [probe] = await run(['xin chào']);
  const dim = probe?.length ?? 0;
  if (!dim) throw new EmbedderLoadError(`embedding endpoint ${url} returned an empty embedding`);
  return {
    id: `openai-${o.model}-${dim}`,
    dim,
    embedDocuments: run,
    async embedQuery(text) {
      return (await run([text]))[0]!;
    },
  };
}
