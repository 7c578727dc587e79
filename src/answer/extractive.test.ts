import { describe, expect, it } from 'vitest';
import { channelNotes } from './extractive.ts';

describe("a procedure's per-channel notes", () => {
  it('keeps short notes about money or time, once each, without the surrounding brackets', () => {
    const notes = channelNotes([
      { description: '(Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 đồng/lần.)' },
      { description: '(Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 đồng/lần.)' },
      { description: 'nộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh.' },
      { description: 'Nộp hồ sơ tại Ủy ban nhân dân cấp xã. 03 ngày làm việc, kể từ ngày nhận đủ hồ sơ hợp lệ.' },
    ]);
    expect(notes).toEqual(['Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 đồng/lần.', 'Nộp hồ sơ tại Ủy ban nhân dân cấp xã. 03 ngày làm việc, kể từ ngày nhận đủ hồ sơ hợp lệ.']);
  });

  it('cuts a long note at a sentence end, or leaves it out', () => {
    const long = `Trường hợp nộp trực tuyến thu 7.000 đồng/lần. ${'Thời gian tiếp nhận hồ sơ trong giờ hành chính. '.repeat(10)}`;
    const [note] = channelNotes([{ description: long }]);
    expect(note!.length).toBeLessThanOrEqual(320);
    expect(note).toMatch(/^Trường hợp nộp trực tuyến thu 7\.000 đồng\/lần\./);
    expect(note!.endsWith('.')).toBe(true);
  });
});
