import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/fixtures.ts';
import { buildTinyModel } from '../../test/support/tiny-model.ts';
import { RerankerLoadError, createOnnxReranker } from './rerank.ts';
import type { SearchHit } from './search.ts';

const hit = (unitId: number, text: string, reference?: 'unit'): SearchHit => ({
  unitId,
  unitKey: `u${unitId}`,
  docKey: `d${unitId}`,
  documentId: 1,
  kind: 'procedure',
  docKind: 'procedure',
  label: `Thủ tục ${unitId}`,
  title: null,
  ref: `Thủ tục ${unitId}`,
  documentName: 'x',
  documentNumber: null,
  status: 'in_force',
  url: null,
  text,
  score: 1 / unitId,
  match: reference ? { reference } : {},
});

describe('ONNX cross-encoder reranker (transformers.js, local directory only)', () => {
  const words = ['gia', 'hạn', 'tạm', 'trú', 'hộ', 'chiếu', 'lệ', 'phí'];

  it('re-orders the first hits by the model’s score of query and passage together', async () => {
    // The tiny model's logit counts the word "trú": the passage about residence must come first.
    const dir = buildTinyModel(join(tempDir(), 'tiny-reranker'), words, 8, 'classifier', 'trú');
    const r = await createOnnxReranker(dir);
    const hits = [hit(1, 'lệ phí hộ chiếu'), hit(2, 'hộ chiếu'), hit(3, 'gia hạn tạm trú tạm trú')];
    const out = await r.rerank('gia hạn tạm trú', hits);
    expect(out[0]!.unitId).toBe(3);
    expect(new Set(out.map((h) => h.unitId))).toEqual(new Set([1, 2, 3]));
  });

  it('keeps an explicitly referenced unit first', async () => {
    const dir = buildTinyModel(join(tempDir(), 'tiny-reranker-2'), words, 8, 'classifier', 'trú');
    const r = await createOnnxReranker(dir);
    const out = await r.rerank('tạm trú', [hit(1, 'hộ chiếu', 'unit'), hit(2, 'tạm trú tạm trú')]);
    expect(out.map((h) => h.unitId)).toEqual([1, 2]);
  });

  it('refuses a directory that is not a model', async () => {
    await expect(createOnnxReranker(tempDir())).rejects.toThrow(RerankerLoadError);
  });
});
