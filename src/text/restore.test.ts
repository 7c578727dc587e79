import { describe, expect, it } from 'vitest';
import { buildAccentModel, lacksDiacritics, restoreDiacritics } from './restore.ts';

const model = buildAccentModel([
  'Cấp lại thẻ căn cước khi bị mất. Người bị mất thẻ căn cước làm thủ tục cấp lại.',
  'Làm lại giấy tờ bị mất tại Công an cấp xã.',
  'Bí mật kinh doanh được pháp luật bảo vệ; tiết lộ bí mật kinh doanh bị xử lý.',
  'Gia hạn tạm trú cho người nước ngoài.',
]);

describe('restoreDiacritics', () => {
  it('restores a question typed without diacritics', () => {
    expect(restoreDiacritics('lam lai can cuoc bi mat', model)).toBe('làm lại căn cước bị mất');
  });

  it('lets neighbouring syllables decide between homographs', () => {
    expect(restoreDiacritics('tiet lo bi mat kinh doanh', model)).toBe('tiết lộ bí mật kinh doanh');
  });

  it('keeps case, punctuation, typed diacritics and unknown words', () => {
    expect(restoreDiacritics('Gia han tam tru cho Nguyễn Văn A, o CCCD?', model)).toBe('Gia hạn tạm trú cho Nguyễn Văn A, o CCCD?');
  });

  it('tells a question without diacritics from one with them', () => {
    expect(lacksDiacritics('lam lai can cuoc')).toBe(true);
    expect(lacksDiacritics('làm lại căn cước')).toBe(false);
  });
});
