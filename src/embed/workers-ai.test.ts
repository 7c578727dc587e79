import { describe, expect, it } from 'vitest';
import { EmbedderLoadError } from './types.ts';
import { createWorkersAiEmbedder, type WorkersAiBinding } from './workers-ai.ts';

/** A stand-in for the AI binding: a 4-dimensional "model" that counts letters, recording every call. */
function fakeAi(over: Partial<{ fail: boolean; wrongCount: boolean }> = {}) {
  const calls: { model: string; text: string[] }[] = [];
  const binding: WorkersAiBinding = {
    async run(model, input) {
      calls.push({ model, text: input.text });
      if (over.fail) throw new Error('AI binding: capacity exceeded');
      const data = input.text.map((t) => [t.length, (t.match(/a/g) ?? []).length, (t.match(/ạ|á|à/g) ?? []).length, 1]);
      return { shape: [data.length, 4], data: over.wrongCount ? data.slice(1) : data };
    },
  };
  return { binding, calls };
}

describe('the Workers AI embedder (fake binding)', () => {
  it('learns its dimension from the model and embeds queries and documents in batches of at most 100', async () => {
    const ai = fakeAi();
    const e = await createWorkersAiEmbedder({ binding: ai.binding, model: '@cf/baai/bge-m3' });
    expect(e.dim).toBe(4);
    expect(e.id).toBe('workers-ai:@cf/baai/bge-m3:4');
    expect(await e.embedQuery('gia hạn')).toEqual([7, 1, 1, 1]);
    const docs = Array.from({ length: 230 }, (_, i) => `văn bản ${i}`);
    const out = await e.embedDocuments(docs);
    expect(out).toHaveLength(230);
    expect(ai.calls.slice(2).map((c) => c.text.length)).toEqual([100, 100, 30]);
    expect(ai.calls.every((c) => c.model === '@cf/baai/bge-m3')).toBe(true);
  });

  it('says which model failed, and refuses an answer with the wrong number of vectors', async () => {
    await expect(createWorkersAiEmbedder({ binding: fakeAi({ fail: true }).binding, model: 'm' })).rejects.toThrow(/Workers AI model m failed: AI binding: capacity exceeded/);
    const e = await createWorkersAiEmbedder({ binding: fakeAi().binding, model: 'm' });
    const bad = await createWorkersAiEmbedder({ binding: { run: async (_m, i) => ({ data: i.text.length > 1 ? [[1]] : [[1]] }) }, model: 'm' });
    await expect(bad.embedDocuments(['a', 'b'])).rejects.toThrow(EmbedderLoadError);
    expect(e.dim).toBe(4);
  });
});
