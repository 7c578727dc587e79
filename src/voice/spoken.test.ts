import { describe, expect, it } from 'vitest';
import { chooseSpoken, confirmationReply, CONFIRM_BELOW, spokenCandidates, type SpokenScore } from './spoken.ts';

describe('spoken question candidates', () => {
  it('normalises the transcript and its alternatives, dropping ones that normalise the same', () => {
    const c = spokenCandidates('ờ lệ phí cấp căn cước là bao nhiêu ạ', [
      { text: 'ờ lệ phí cấp căn cước là bao nhiêu ạ', confidence: 0.7 },
      { text: 'lệ phí cấp căn cước là bao nhiêu', confidence: 0.2 },
      { text: 'lệ phí cấp căn cứ là bao nhiêu', confidence: 0.1 },
    ]);
    expect(c.map((x) => [x.text, x.asr])).toEqual([
      ['lệ phí cấp căn cước là bao nhiêu', 0.7],
      ['lệ phí cấp căn cứ là bao nhiêu', 0.1],
    ]);
  });

  it('reads confidences that are all 0 as unknown, not as unsure', () => {
    const c = spokenCandidates('gia hạn tạm trú', [
      { text: 'gia hạn tạm trú', confidence: 0 },
      { text: 'gia hạn tạm chú', confidence: 0 },
    ]);
    expect(c.map((x) => x.asr)).toEqual([1, 0.5]);
  });

  it('takes a transcript without alternatives as heard', () => {
    expect(spokenCandidates('gia hạn tạm trú mười lăm ngày')[0]).toMatchObject({ text: 'gia hạn tạm trú 15 ngày', asr: 1 });
  });
});

describe('choosing among hypotheses', () => {
  const scores: Record<string, SpokenScore> = {
    'lệ phí cấp căn cước là bao nhiêu': { coverage: 0.8, top: 1 },
    'lệ phí cấp căn cứ là bao nhiêu': { coverage: 0.3, top: 2 },
  };
  const score = async (t: string) => scores[t] ?? { coverage: 0, top: null };

  it('prefers the hypothesis retrieval answers best, even when the recogniser ranked it second', async () => {
    const c = spokenCandidates('lệ phí cấp căn cứ là bao nhiêu', [
      { text: 'lệ phí cấp căn cứ là bao nhiêu', confidence: 0.75 },
      { text: 'lệ phí cấp căn cước là bao nhiêu', confidence: 0.7 },
    ]);
    const choice = await chooseSpoken(c, score);
    expect(choice).toMatchObject({ chosen: { text: 'lệ phí cấp căn cước là bao nhiêu' }, uncertain: false, considered: 2 });
  });

  it('asks to confirm when the recogniser was unsure, or when two hypotheses lead to different answers almost equally', async () => {
    const low = await chooseSpoken(spokenCandidates('lệ phí cấp căn cước là bao nhiêu', [{ text: 'lệ phí cấp căn cước là bao nhiêu', confidence: CONFIRM_BELOW - 0.1 }]), score);
    expect(low?.uncertain).toBe(true);
    const close = await chooseSpoken(
      spokenCandidates('a', [
        { text: 'thủ tục a', confidence: 0.9 },
        { text: 'thủ tục b', confidence: 0.9 },
      ]),
      async (t) => (t === 'thủ tục a' ? { coverage: 0.5, top: 1 } : { coverage: 0.48, top: 2 }),
    );
    expect(close?.uncertain).toBe(true);
    const same = await chooseSpoken(
      spokenCandidates('a', [
        { text: 'thủ tục a', confidence: 0.9 },
        { text: 'thủ tục b', confidence: 0.9 },
      ]),
      async (t) => (t === 'thủ tục a' ? { coverage: 0.5, top: 1 } : { coverage: 0.48, top: 1 }),
    );
    expect(same?.uncertain).toBe(false);
  });
});

describe('the citizen’s reply to “Có phải bạn hỏi …?”', () => {
  it.each([
    ['đúng', 'yes'],
    ['đúng rồi', 'yes'],
    ['dạ đúng rồi ạ', 'yes'],
    ['vâng', 'yes'],
    ['phải', 'yes'],
    ['ừ đúng vậy', 'yes'],
    ['Yes', 'yes'],
    ['không', 'no'],
    ['không phải', 'no'],
    ['sai rồi', 'no'],
    ['không đúng', 'no'],
    ['không, tôi hỏi lệ phí', null],
    ['lệ phí bao nhiêu', null],
    ['có phải nộp bản sao không', null],
  ])('%s → %s', (text, want) => {
    expect(confirmationReply(text)).toBe(want);
  });
});
