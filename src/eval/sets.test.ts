import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../../test/support/fixtures.ts';
import { EvalSetError, loadQuestionSet } from './sets.ts';

describe('question sets', () => {
  it('reads our own format, ALQAC and DVC FAQ records, as JSON or JSON Lines', async () => {
    const dir = tempDir();
    const own = write(dir, 'own.jsonl', '{"id":"c1","text":"gia hạn tạm trú","expect":"answer","sources":[{"kind":"law","law":"Luật Cư trú","article":"28"}],"facts":["15 ngày"]}\n');
    const alqac = write(dir, 'alqac.json', JSON.stringify([{ question_id: 'q1', text: 'Hỏi?', relevant_articles: [{ law_id: '91/2015/QH13', article_id: '5' }], answer: 'Đúng' }]));
    const dvc = write(dir, 'dvc.jsonl', '{"question":"Thủ tục cấp lại thẻ căn cước?","reference_answer":"…","ma_thu_tuc":"1.000757"}\n');
    expect((await loadQuestionSet(own)).questions[0]).toMatchObject({ id: 'c1', expect: 'answer', gold: [{ kind: 'law', law: 'Luật Cư trú', article: '28' }], facts: ['15 ngày'] });
    expect((await loadQuestionSet(alqac)).questions[0]).toMatchObject({ id: 'q1', gold: [{ kind: 'law', law: '91/2015/QH13', article: '5' }] });
    expect((await loadQuestionSet(dvc)).questions[0]).toMatchObject({ text: 'Thủ tục cấp lại thẻ căn cước?', gold: [{ kind: 'procedure', code: '1.000757' }] });
  });

  it('skips unusable records with a reason and refuses a set with none', async () => {
    const dir = tempDir();
    const mixed = write(dir, 'mixed.jsonl', '{"question":"no gold"}\n{broken\n{"id":"x","text":"t","sources":[]}\n');
    const r = await loadQuestionSet(mixed);
    expect(r.questions).toHaveLength(1);
    expect(r.problems).toEqual([expect.stringMatching(/^record 1: not a question/), 'record 2: malformed JSON']);
    await expect(loadQuestionSet(write(dir, 'bad.jsonl', '{"a":1}\n'))).rejects.toThrow(EvalSetError);
    await expect(loadQuestionSet(write(dir, 'empty.json', ''))).rejects.toThrow(/empty/);
    await expect(loadQuestionSet(`${dir}/missing.json`)).rejects.toThrow(/cannot read/);
  });
});
