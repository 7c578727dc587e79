import { describe, expect, it } from 'vitest';
import { channelNotes, composeExtractive } from './extractive.ts';

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

describe('the extractive answer for a procedure', () => {
  const text = [
    'Thủ tục 1.002755 – Gia hạn tạm trú',
    'Cấp thực hiện: Cấp xã',
    'Thời hạn giải quyết: 3 Ngày làm việc',
    'Phí, lệ phí: 5,000 Việt Nam Đồng',
    'Thành phần hồ sơ:',
    '- Tờ khai thay đổi thông tin cư trú (1 bản chính)',
    'Trình tự thực hiện:',
    'Bước 1: Trong thời hạn 15 ngày trước ngày kết thúc thời hạn tạm trú đã đăng ký, công dân phải làm thủ tục gia hạn tạm trú.',
  ].join('\n');
  const hit = {
    unitId: 1, unitKey: 'procedure', documentId: 1, docKey: 'procedure:1.002755', kind: 'procedure' as const, docKind: 'procedure',
    label: 'Thủ tục 1.002755', title: 'Gia hạn tạm trú', ref: 'Thủ tục 1.002755 – Gia hạn tạm trú', documentName: 'Gia hạn tạm trú',
    documentNumber: '1.002755', status: 'in_force', url: 'https://dichvucong.gov.vn/x', text, score: 1, match: {},
  };
  const structure = {
    code: '1.002755', name: 'Gia hạn tạm trú', agency: 'Công an cấp xã',
    channels: [{ channel: 'Trực tiếp', time: '3 Ngày làm việc', fee: '5,000 Việt Nam Đồng', description: '' }],
    documents: [{ name: 'Tờ khai thay đổi thông tin cư trú', copies: '1 bản chính' }],
  };
  const terms = new Map([['gia han', 2], ['tam tru', 2], ['truoc', 1], ['ngay', 0.5], ['het han', 2]]);

  it('quotes the sentence that answers a specific question before the checklist', () => {
    const d = composeExtractive({ lang: 'vi', aspects: [], wantsQuantity: true, terms, sources: [{ hit, structure }] })!;
    const lines = d.text.split('\n');
    expect(lines[1]).toBe('- Nội dung liên quan: “Trong thời hạn 15 ngày trước ngày kết thúc thời hạn tạm trú đã đăng ký, công dân phải làm thủ tục gia hạn tạm trú.”');
    expect(d.text).toMatch(/- Thời hạn giải quyết: 3 Ngày làm việc/);
    expect(d.text).toMatch(/- Phí, lệ phí: 5,000 Việt Nam Đồng/);
    expect(d.text).toMatch(/https:\/\/dichvucong\.gov\.vn\/x$/);
  });

  it('puts what was asked first and leaves the specific quote out of a plain checklist question', () => {
    const d = composeExtractive({ lang: 'vi', aspects: ['fee'], wantsQuantity: false, terms, sources: [{ hit, structure }] })!;
    expect(d.text.split('\n')[1]).toBe('- Phí, lệ phí: 5,000 Việt Nam Đồng');
    expect(d.text).not.toMatch(/Nội dung liên quan/);
  });
});
