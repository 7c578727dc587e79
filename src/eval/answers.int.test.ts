import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFixture, type AnswerFixture } from '../../test/support/answers.ts';
import { hasFact, runAnswerEval } from './answers.ts';
import type { EvalQuestion } from './sets.ts';

const q = (id: string, text: string, o: Partial<EvalQuestion> = {}): EvalQuestion => ({ id, text, history: [], channel: 'text', lang: 'vi', expect: 'answer', gold: [], facts: [], ...o });

describe('the answer block of an eval', () => {
  let fx: AnswerFixture;
  beforeAll(async () => {
    fx = await answerFixture();
  }, 120_000);
  afterAll(() => fx.close());

  it('matches facts ignoring case and the separators between digits', () => {
    expect(hasFact('Phí, lệ phí: 7,000 Việt Nam Đồng', '7.000')).toBe(true);
    expect(hasFact('Lệ phí 10000 đồng', '10,000 đồng')).toBe(true);
    expect(hasFact('3 Ngày làm việc', '3 ngày làm việc')).toBe(true);
    expect(hasFact('Lệ phí 7.000 đồng', '70.000')).toBe(false);
  });

  it('counts escalations against expect, facts in the answers and valid citations, and leaves no conversation behind', async () => {
    const r = await runAnswerEval({ db: fx.db, answers: fx.service() }, [
      q('a1', 'Gia hạn tạm trú mất mấy ngày?', { facts: ['3 ngày làm việc'] }),
      q('a2', 'thế còn lệ phí?', { history: ['Đăng ký tạm trú cần những giấy tờ gì?'], facts: ['7.000'] }),
      q('a3', 'Nam nữ bao nhiêu tuổi thì được kết hôn?', { facts: ['20 tuổi', '999 ngày'] }),
      q('e1', 'Đèn đường đầu ngõ nhà tôi hỏng cả tuần nay, tối đi lại rất nguy hiểm', { expect: 'escalate' }),
      q('e2', 'Cho tôi gặp cán bộ', { expect: 'escalate' }),
    ]);
    expect(r.metrics).toMatchObject({ n: 5, escalate_precision: 1, escalate_recall: 1, facts_rate: 0.75, citation_validity: 1, status: { answered: 3, escalated: 2 } });
    expect(r.understood.get('a2')).toBe('lệ phí Đăng ký tạm trú');
    expect(r.misses).toEqual([expect.objectContaining({ id: 'a3', missingFacts: ['999 ngày'] })]);
    expect(await fx.db.query('SELECT id FROM conversations')).toEqual([]);
    expect(await fx.db.query('SELECT id FROM tickets')).toEqual([]);
  });

  it('records a spoken question as the pipeline understood its transcript', async () => {
    const r = await runAnswerEval({ db: fx.db, answers: fx.service() }, [q('v1', 'điều hai mươi luật cư trú quy định gì', { channel: 'voice' })]);
    expect(r.understood.get('v1')).toContain('điều 20');
  });

  it('scores a wrong escalation against precision, and a missed one against recall', async () => {
    const r = await runAnswerEval({ db: fx.db, answers: fx.service({ params: { threshold: 1.01 } }) }, [
      q('a1', 'Gia hạn tạm trú mất mấy ngày?', { facts: ['3 ngày làm việc'] }),
      q('e1', 'Cho tôi gặp cán bộ', { expect: 'escalate' }),
    ]);
    expect(r.metrics).toMatchObject({ escalate_precision: 0.5, escalate_recall: 1, facts_rate: 0 });
  });
});
