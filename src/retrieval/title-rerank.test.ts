import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../text/lexicon.ts';
import type { SearchHit } from './search.ts';
import { createTitleReranker, titlePrecision } from './title-rerank.ts';
import { makeHit } from '../../test/support/hits.ts';

const hit = (unitId: number, kind: SearchHit['kind'], title: string, reference?: 'unit') => makeHit(unitId, kind, title, reference ? { reference } : {});

describe('title-precision reranker', () => {
  const rerank = createTitleReranker(loadLexicon());

  it('measures how much of a title the question mentions', () => {
    const q = new Set(['dang', 'ky', 'ket', 'hon']);
    expect(titlePrecision('Đăng ký kết hôn', q)).toBe(1);
    expect(titlePrecision('Đăng ký kết hôn có yếu tố nước ngoài', q)).toBeCloseTo(4 / 8);
  });

  it('prefers the procedure whose title adds nothing the citizen did not ask about', async () => {
    const hits = [hit(1, 'procedure', 'Đăng ký kết hôn có yếu tố nước ngoài'), hit(2, 'procedure', 'Đăng ký kết hôn')];
    expect((await rerank.rerank('đăng ký kết hôn ở ubnd xã có mất phí không', hits)).map((h) => h.unitId)).toEqual([2, 1]);
  });

  it('understands abbreviations in the question (GPLX → giấy phép lái xe)', async () => {
    const hits = [hit(1, 'procedure', 'Đổi giấy phép lái xe của nước ngoài'), hit(2, 'procedure', 'Cấp lại giấy phép lái xe')];
    expect((await rerank.rerank('mất GPLX xin cấp lại bao lâu', hits)).map((h) => h.unitId)).toEqual([2, 1]);
  });

  it('leaves law articles where retrieval put them, and procedures in the slots they held', async () => {
    const hits = [hit(1, 'law_article', 'Giải thích từ ngữ'), hit(2, 'procedure', 'Đăng ký kết hôn có yếu tố nước ngoài'), hit(3, 'law_article', 'Điều kiện kết hôn'), hit(4, 'procedure', 'Đăng ký kết hôn')];
    expect((await rerank.rerank('đăng ký kết hôn', hits)).map((h) => h.unitId)).toEqual([1, 4, 3, 2]);
  });

  it('keeps a unit the question names explicitly first', async () => {
    const hits = [hit(1, 'procedure', 'Đăng ký kết hôn có yếu tố nước ngoài', 'unit'), hit(2, 'procedure', 'Đăng ký kết hôn')];
    expect((await rerank.rerank('thủ tục 1.000001 đăng ký kết hôn', hits)).map((h) => h.unitId)).toEqual([1, 2]);
  });

  it('needs a clear difference to overturn the retrieval order', async () => {
    const hits = [hit(1, 'procedure', 'Cấp lại thẻ căn cước'), hit(2, 'procedure', 'Cấp đổi thẻ căn cước')];
    expect((await rerank.rerank('làm lại thẻ căn cước', hits)).map((h) => h.unitId)).toEqual([1, 2]);
  });
});
