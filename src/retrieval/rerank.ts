// Optional cross-encoder reranking with a local ONNX model (e.g. a multilingual MiniLM or
// bge-reranker exported to ONNX), through transformers.js, loaded only from a local directory.
// It re-scores the first `depth` hits by reading query and passage together.
import { basename, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Reranker, SearchHit } from './search.ts';

export class RerankerLoadError extends Error {
  override name = 'RerankerLoadError';
}

export async function createOnnxReranker(modelPath: string, depth = 20): Promise<Reranker> {
  const dir = resolve(modelPath);
  if (!existsSync(`${dir}/config.json`) || !existsSync(`${dir}/tokenizer.json`)) {
    throw new RerankerLoadError(`${modelPath} must be a directory with config.json, tokenizer.json and onnx/model.onnx`);
  }
  const t = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = `${dirname(dir)}/`;
  type Tok = (a: string[], o: Record<string, unknown>) => Record<string, unknown>;
  type Model = (inputs: Record<string, unknown>) => Promise<{ logits: { tolist(): unknown } }>;
  let tokenizer: Tok;
  let model: Model;
  try {
    tokenizer = (await t.AutoTokenizer.from_pretrained(basename(dir), { local_files_only: true })) as unknown as Tok;
    model = (await t.AutoModelForSequenceClassification.from_pretrained(basename(dir), { local_files_only: true, dtype: 'fp32' })) as unknown as Model;
  } catch (e) {
    throw new RerankerLoadError(`Cannot load the ONNX reranker in ${dir}: ${(e as Error).message}`);
  }
  return {
    id: `onnx-${basename(dir)}`,
    async rerank(query: string, hits: SearchHit[]) {
      const head = hits.slice(0, depth);
      if (head.length < 2) return hits;
      const inputs = tokenizer(
        head.map(() => query),
        { text_pair: head.map((h) => `${h.title ?? ''}\n${h.text}`.slice(0, 2000)), padding: true, truncation: true },
      );
      const logits = (await model(inputs)).logits.tolist() as number[][];
      const scored = head.map((h, i) => ({ h, s: logits[i]![logits[i]!.length - 1]! }));
      // Explicit references (a named article, a procedure code) keep their place at the top.
      scored.sort((a, b) => Number(b.h.match.reference === 'unit') - Number(a.h.match.reference === 'unit') || b.s - a.s);
      return [...scored.map((x) => x.h), ...hits.slice(depth)];
    },
  };
}
