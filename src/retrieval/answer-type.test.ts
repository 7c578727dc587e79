import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db/index.ts';
import { loadLexicon } from '../text/lexicon.ts';
import { createAnswerTypeReranker, expectedAnswerTypes, statedTypes, statesAnswer } from './answer-type.ts';
import type { SearchHit } from './search.ts';
import { makeHit } from '../../test/support/hits.ts';

const hit = (unitId: number, kind: SearchHit['kind'], title: string, text: string, reference?: 'unit') =>
  makeHit(unitId, kind, title, { text: `${title}\n${text}`, ...(reference ? { reference } : {}) });

// No database: every term is equally rare in a corpus of 1,000 units.
const noDb: Queryable = { query: async () => [] } as unknown as Queryable;
const rerank = createAnswerTypeReranker({ db: noDb, lexicon: loadLexicon(), termStats: () => ({ n: 1000, df: new Map() }) });

describe('expected answer type', () => {
  it.each([
    ['Công dân bao nhiêu tuổi thì có quyền bầu cử?', ['age']],
    ['cong dan may tuoi thi duoc lai xe may', ['age']],
    ['Thời hiệu khởi kiện là bao lâu?', ['duration']],
    ['mot tuan lam toi da bao nhieu gio', ['duration']],
    ['Đăng ký hộ kinh doanh lệ phí bao nhiêu?', ['money']],
    ['lai suat cho vay toi da la bao nhieu', ['percent']],
    ['diện tích nhà ở tối thiểu bao nhiêu m2 mỗi người', ['area']],
    ['Hòa giải tranh chấp đất nộp đơn ở đâu?', ['where']],
    ['How long does it take to renew a passport?', ['duration']],
  ])('%s → %j', (q, types) => {
    expect(expectedAnswerTypes(q)).toEqual(types);
  });

  it('reads statements as statements, not as questions', () => {
    expect(expectedAnswerTypes('Con đã đủ tuổi thành niên khi nhận cha, không cần sự đồng ý của mẹ, đúng hay sai?')).toEqual([]);
    expect(expectedAnswerTypes('Viên chức đang trong thời hạn bị xử lý kỷ luật được nghỉ hưu là đúng hay sai?')).toEqual([]);
    expect(expectedAnswerTypes('Ai được nuôi con sau ly hôn?')).toEqual([]);
  });
});

describe('a passage stating an answer', () => {
  it('finds ages, durations, amounts, rates and areas, spelled out or in digits', () => {
    expect(statesAnswer('Công dân đủ mười tám tuổi trở lên có quyền bầu cử', ['age'])).toBe(true);
    expect(statesAnswer('a) 01 năm kể từ ngày nhận được quyết định hành chính;', ['duration'])).toBe(true);
    expect(statesAnswer('Lệ phí: 50.000 đồng/trường hợp', ['money'])).toBe(true);
    expect(statesAnswer('không được vượt quá 20%/năm của khoản tiền vay', ['percent'])).toBe(true);
    expect(statesAnswer('không thấp hơn 08 m2 sàn/người', ['area'])).toBe(true);
  });

  it('does not count the numbering of a clause, or a date, as the answer', () => {
    expect(statesAnswer('1. Thời hiệu khởi kiện là thời hạn mà cá nhân được quyền khởi kiện.', [])).toBe(false);
    expect(statesAnswer('Luật này có hiệu lực từ ngày 01 tháng 7 năm 2021.', ['duration'])).toBe(false);
    expect(statesAnswer('Trong thời hạn 30 ngày kể từ ngày chuyển đến', ['duration'])).toBe(true);
  });

  it("takes a procedure's record fields as stated, and a law article's lines only where they are about the question", () => {
    const terms = new Map([['thoi hieu', 2], ['khoi kien', 2]]);
    const proc = hit(1, 'procedure', 'Thủ tục 1 – Đăng ký hộ kinh doanh', 'Thời hạn giải quyết: 3 Ngày làm việc\nPhí, lệ phí: 100.000 đồng');
    expect([...statedTypes(proc, ['duration', 'money', 'age'], terms)].sort()).toEqual(['duration', 'money']);
    const art = hit(2, 'law_article', 'Thời hiệu khởi kiện', '1. Thời hiệu khởi kiện là thời hạn …\n2. Thời hiệu khởi kiện được quy định như sau:\na) 01 năm kể từ ngày nhận được quyết định;');
    expect(statedTypes(art, ['duration'], terms).has('duration')).toBe(true);
    const unrelated = hit(3, 'law_article', 'Hội đồng bầu cử', '1. Thời hiệu khởi kiện …\n2. Hội đồng họp 02 ngày một lần.');
    expect(statedTypes(unrelated, ['duration'], new Map([['thoi hieu', 2], ['khoi kien', 2], ['xyz', 0.1]])).has('duration')).toBe(false);
  });
});

describe('answer-type reranker', () => {
  const q = 'Công dân bao nhiêu tuổi thì có quyền bầu cử?';
  const election = hit(1, 'law_article', 'Hội đồng bầu cử quốc gia', 'Công dân có quyền bầu cử theo luật định. Hội đồng bầu cử quốc gia do Quốc hội thành lập.');
  const age = hit(2, 'law_article', 'Điều 27', 'Công dân đủ mười tám tuổi trở lên có quyền bầu cử.');

  it('moves up a hit that states what is asked when the first does not', async () => {
    expect((await rerank.rerank(q, [election, age])).map((h) => h.unitId)).toEqual([2, 1]);
  });

  it('leaves the order alone when the first hit already answers, or nothing below does', async () => {
    expect((await rerank.rerank(q, [age, election])).map((h) => h.unitId)).toEqual([2, 1]);
    const other = hit(3, 'law_article', 'Điều 3', 'Công dân có quyền bầu cử.');
    expect((await rerank.rerank(q, [election, other])).map((h) => h.unitId)).toEqual([1, 3]);
  });

  it('does not promote a hit that covers much less of the question', async () => {
    const offTopic = hit(4, 'law_article', 'Điều 8', 'Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm.');
    expect((await rerank.rerank(q, [election, offTopic])).map((h) => h.unitId)).toEqual([1, 4]);
  });

  it('never moves a unit the question names, nor answers questions without an expected type', async () => {
    const named = { ...election, match: { reference: 'unit' as const } };
    expect((await rerank.rerank(q, [named, age])).map((h) => h.unitId)).toEqual([1, 2]);
    expect((await rerank.rerank('Ai có quyền bầu cử?', [election, age])).map((h) => h.unitId)).toEqual([1, 2]);
  });
});
