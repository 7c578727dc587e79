import { describe, expect, it } from 'vitest';
import { asksForQuantity, aspectsOf, isFollowUp, rewriteFollowUp } from './followup.ts';
import type { Turn } from './types.ts';

const asked = (text: string): Turn[] => [
  { role: 'citizen', text, rewritten: null, unitIds: [] },
  { role: 'assistant', text: '…', rewritten: null, unitIds: [7] },
];

describe('follow-up rewrite', () => {
  it('understands "thế còn lệ phí?" after a question about temporary residence', () => {
    expect(rewriteFollowUp('thế còn lệ phí?', asked('Đăng ký tạm trú cần những giấy tờ gì?'))?.text).toBe('lệ phí Đăng ký tạm trú');
  });

  it('keeps the topic of an unaccented earlier question', () => {
    expect(rewriteFollowUp('con thoi han thi sao', asked('gia han tam tru can giay to gi'))?.text).toBe('thoi han gia han tam tru');
  });

  it('treats a bare aspect ("mất mấy ngày?") as a follow-up', () => {
    expect(isFollowUp('mất mấy ngày?', asked('Cấp lại thẻ căn cước'))).toBe(true);
    expect(rewriteFollowUp('mất mấy ngày?', asked('Cấp lại thẻ căn cước cần gì'))?.text).toBe('mất mấy ngày Cấp lại thẻ căn cước');
  });

  it('puts a contrasting word in place of its counterpart ("còn nữ thì sao" after a question about men)', () => {
    expect(rewriteFollowUp('còn nữ thì sao', asked('Nam bao nhiêu tuổi thì được kết hôn?'))?.text).toBe('nữ tuổi thì được kết hôn');
    expect(rewriteFollowUp('thế còn nộp trực tuyến?', asked('Lệ phí đăng ký tạm trú nộp trực tiếp là bao nhiêu?'))?.text).toBe('Lệ phí đăng ký tạm trú nộp trực tuyến');
  });

  it('sees through a closing particle ("thế", "vậy ạ", "nhỉ") to the bare aspect', () => {
    const residence = asked('Đăng ký tạm trú cần những giấy tờ gì?');
    expect(isFollowUp('bao lâu thì xong thế', residence)).toBe(true);
    expect(rewriteFollowUp('bao lâu thì xong thế ạ?', residence)?.text).toBe('bao lâu thì xong Đăng ký tạm trú');
    expect(rewriteFollowUp('lệ phí bao nhiêu vậy ạ', residence)?.text).toBe('lệ phí bao nhiêu Đăng ký tạm trú');
    expect(isFollowUp('mất mấy ngày nhỉ', asked('Cấp lại thẻ căn cước cần gì'))).toBe(true);
    expect(rewriteFollowUp('còn lệ phí thì sao vậy?', residence)?.text).toBe('lệ phí Đăng ký tạm trú');
  });

  it('keeps an unaccented "the", which may be "thẻ" (a card) and name a new topic', () => {
    expect(isFollowUp('phi lam the bao nhieu', asked('Đăng ký tạm trú cần những giấy tờ gì?'))).toBe(false);
  });

  it('leaves a question that stands on its own alone', () => {
    expect(rewriteFollowUp('Lệ phí đăng ký kết hôn là bao nhiêu?', asked('Đăng ký tạm trú cần những giấy tờ gì?'))).toBeNull();
  });

  it('does nothing without an earlier question', () => {
    expect(rewriteFollowUp('thế còn lệ phí?', [])).toBeNull();
  });

  it('rewrites English follow-ups too', () => {
    expect(rewriteFollowUp('What about the fee?', asked('How do I register temporary residence?'))?.text).toMatch(/^the fee .*temporary residence/);
  });
});

describe('what a question asks', () => {
  it('finds aspects in accented and unaccented text', () => {
    expect(aspectsOf('lệ phí bao nhiêu, mất mấy ngày?')).toEqual(['fee', 'time']);
    expect(aspectsOf('nop ho so o dau')).toEqual(expect.arrayContaining(['documents', 'where']));
  });

  it('knows when the answer is a number', () => {
    expect(asksForQuantity('Con gái bao nhiêu tuổi thì được kết hôn?')).toBe(true);
    expect(asksForQuantity('thoi han tam tru toi da la bao lau')).toBe(true);
    expect(asksForQuantity('Ai được nuôi con sau ly hôn?')).toBe(false);
  });
});
