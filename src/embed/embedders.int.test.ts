import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/fixtures.ts';
import { buildTinyModel } from '../../test/support/tiny-model.ts';
import { createOnnxEmbedder } from './onnx.ts';
import { EmbedderLoadError } from './types.ts';
import { createOpenAiEmbedder } from './openai.ts';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('ONNX embedder (transformers.js, local directory only)', () => {
  it('loads a model built on the spot and embeds offline', async () => {
    const dir = buildTinyModel(join(tempDir(), 'tiny-bert'), ['gia', 'hạn', 'tạm', 'trú', 'hộ', 'chiếu', 'lệ', 'phí'], 16);
    const e = await createOnnxEmbedder(dir);
    expect(e.dim).toBe(16);
    expect(e.id).toBe('onnx-tiny-bert-16');
    const [a, b, c] = await e.embedDocuments(['gia hạn tạm trú', 'gia hạn tạm trú', 'lệ phí hộ chiếu']);
    expect(cos(a!, a!)).toBeCloseTo(1, 5); // mean-pooled and normalised
    expect(a).toEqual(b);
    expect(cos(a!, c!)).toBeLessThan(0.99);
    expect(await e.embedQuery('gia hạn tạm trú')).toEqual(a);
  });

  it('refuses a directory that is not a model, without trying to download one', async () => {
    await expect(createOnnxEmbedder(tempDir())).rejects.toThrow(EmbedderLoadError);
  });
});

describe('OpenAI-compatible embedder', () => {
  const calls: { auth: string | null; body: { model: string; input: string[] } }[] = [];
  let failures = 0;
  const server = setupServer(
    http.post('http://embed.test/v1/embeddings', async ({ request }) => {
      const body = (await request.json()) as { model: string; input: string[] };
      calls.push({ auth: request.headers.get('authorization'), body });
      if (failures > 0) {
        failures--;
        return HttpResponse.json({ error: 'busy' }, { status: 503 });
      }
      // Returned out of order on purpose: the client must sort by index.
      const data = body.input.map((t, index) => ({ index, embedding: [t.length, 1, 0] })).reverse();
      return HttpResponse.json({ data, model: body.model });
    }),
    http.post('http://broken.test/v1/embeddings', () => HttpResponse.json({ error: { message: 'bad key' } }, { status: 401 })),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    calls.length = 0;
  });
  afterAll(() => server.close());

  it('batches inputs, keeps their order, sends the key and retries a busy server', async () => {
    const e = await createOpenAiEmbedder({ baseUrl: 'http://embed.test/v1/', model: 'bge-m3', apiKey: 'sk-test', batchSize: 2 });
    expect(e.dim).toBe(3);
    failures = 1;
    const out = await e.embedDocuments(['a', 'bb', 'ccc']);
    expect(out.map((v) => v[0])).toEqual([1, 2, 3]);
    expect(calls.every((c) => c.auth === 'Bearer sk-test' && c.body.model === 'bge-m3')).toBe(true);
    // the probe at creation, a 503, its retry, then the last batch
    expect(calls.map((c) => c.body.input.length)).toEqual([1, 2, 2, 1]);
  });

  it('fails with a clear error when the endpoint rejects the request', async () => {
    await expect(createOpenAiEmbedder({ baseUrl: 'http://broken.test/v1', model: 'x' })).rejects.toThrow(/answered 401/);
  });
});
