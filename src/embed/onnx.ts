// Local ONNX sentence-embedding models through transformers.js, loaded only from a local
// directory (EMBEDDING_MODEL_PATH): nothing is ever downloaded.
import { basename, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { EmbedderLoadError } from './types.ts';
import type { Embedder } from './types.ts';


export interface OnnxOptions {
  /** Prefixes some models were trained with (multilingual-e5: "query: " / "passage: "). */
  queryPrefix?: string;
  documentPrefix?: string;
  batchSize?: number;
}

export async function createOnnxEmbedder(modelPath: string, opts: OnnxOptions = {}): Promise<Embedder> {
  const dir = resolve(modelPath);
  if (!existsSync(`${dir}/config.json`) || !existsSync(`${dir}/tokenizer.json`)) {
    throw new EmbedderLoadError(`EMBEDDING_MODEL_PATH=${modelPath} must be a directory with config.json, tokenizer.json and onnx/model.onnx`);
  }
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(dir)}/`;
  // transformers.js's pipeline() overloads are too wide for the type checker; the call is narrow.
  type Extractor = (texts: string[], o: { pooling: 'mean'; normalize: boolean }) => Promise<{ tolist(): unknown }>;
  let extractor: Extractor;
  try {
    const make = pipeline as unknown as (task: string, model: string, o: Record<string, unknown>) => Promise<Extractor>;
    extractor = await make('feature-extraction', basename(dir), { local_files_only: true, dtype: 'fp32' });
  } catch (e) {
    throw new EmbedderLoadError(`Cannot load the ONNX model in ${dir}: ${(e as Error).message}`);
  }
  const isE5 = /e5/i.test(basename(dir));
  const qp = opts.queryPrefix ?? (isE5 ? 'query: ' : '');
  const dp = opts.documentPrefix ?? (isE5 ? 'passage: ' : '');
  const batch = opts.batchSize ?? 16;

  const run = async (texts: string[]): Promise<number[][]> => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batch) {
      const t = await extractor(texts.slice(i, i + batch), { pooling: 'mean', normalize: true });
      out.push(...(t.tolist() as number[][]));
    }
    return out;
  };
  const [probe] = await run(['xin chào']);
  const dim = probe?.length ?? 0;
  if (!dim) throw new EmbedderLoadError(`The ONNX model in ${dir} returned no embedding`);
  return {
    id: `onnx-${basename(dir)}-${dim}`,
    dim,
    embedDocuments: (texts) => run(texts.map((t) => dp + t)),
    async embedQuery(text) {
      return (await run([qp + text]))[0]!;
    },
  };
}
