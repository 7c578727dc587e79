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

describe('the passage chosen to answer', () => {
  const procedure = (text: string, structure: Record<string, unknown>) => ({
    hit: {
      unitId: 2, unitKey: 'procedure', documentId: 2, docKey: 'procedure:1.012812', kind: 'procedure' as const, docKind: 'procedure',
      label: 'Thủ tục 1.012812', title: 'Hòa giải tranh chấp đất đai', ref: 'Thủ tục 1.012812 – Hòa giải tranh chấp đất đai',
      documentName: 'Hòa giải tranh chấp đất đai', documentNumber: '1.012812', status: 'in_force', url: null,
      text: `Thủ tục 1.012812 – Hòa giải tranh chấp đất đai\n${text}`, score: 1, match: {},
    },
    structure,
  });

  it('answers "where" from the steps when the record names no office, even when the steps run together on one line', () => {
    const src = procedure(
      'Cách thức nộp: Trực tiếp\nTrình tự thực hiện:\n- Người đề nghị nộp đơn yêu cầu hòa giải tranh chấp đất đai tại Ủy ban nhân dân cấp xã. - Trong thời hạn 03 ngày làm việc kể từ ngày nhận được đơn, Ủy ban nhân dân cấp xã phải thông báo cho các bên.',
      { code: '1.012812', name: 'Hòa giải tranh chấp đất đai', channels: [{ channel: 'Trực tiếp', time: null, fee: null }] },
    );
    const terms = new Map([['tranh chap', 1], ['ranh gioi', 3], ['hang xom', 3], ['nha', 2], ['chinh quyen', 2], ['nop don', 2], ['hoa giai', 1]]);
    const d = composeExtractive({ lang: 'vi', aspects: ['where'], wantsQuantity: false, answerTypes: ['where'], terms, sources: [src] })!;
    expect(d.text).toContain('“Người đề nghị nộp đơn yêu cầu hòa giải tranh chấp đất đai tại Ủy ban nhân dân cấp xã.”');
  });

  it("looks past the words of the procedure's own title to the rest of the question", () => {
    const src = procedure(
      [
        'Trình tự thực hiện:',
        '- Trong thời hạn 07 ngày làm việc, đơn vị lập danh sách đề nghị giải quyết hưởng chế độ hòa giải tranh chấp đất đai.',
        '- Người tham gia tự nguyện nộp hồ sơ chậm nhất 60 ngày kể từ ngày sinh con.',
      ].join('\n'),
      { code: '1.012812', name: 'Hòa giải tranh chấp đất đai', channels: [] },
    );
    const terms = new Map([['hoa giai', 2], ['tranh chap', 2], ['dat dai', 2], ['tu nguyen', 2], ['nop ho so', 2], ['ngay sinh', 2]]);
    const d = composeExtractive({ lang: 'vi', aspects: [], wantsQuantity: true, answerTypes: ['duration'], terms, sources: [src] })!;
    expect(d.text).toContain('“Người tham gia tự nguyện nộp hồ sơ chậm nhất 60 ngày kể từ ngày sinh con.”');
  });

  it('quotes the clause that states the duration asked for, not the one that only defines the term', () => {
    const text = [
      'Thời hiệu khởi kiện',
      '1. Thời hiệu khởi kiện là thời hạn mà cơ quan, tổ chức, cá nhân được quyền khởi kiện để yêu cầu Tòa án giải quyết vụ án hành chính.',
      '2. Thời hiệu khởi kiện đối với từng trường hợp được quy định như sau:',
      'a) 01 năm kể từ ngày nhận được hoặc biết được quyết định hành chính;',
    ].join('\n');
    const hit = {
      unitId: 3, unitKey: 'article:116', documentId: 3, docKey: 'law:93/2015/QH13', kind: 'law_article' as const, docKind: 'law',
      label: 'Điều 116', title: 'Thời hiệu khởi kiện', ref: 'Điều 116, Luật Tố tụng hành chính', documentName: 'Luật Tố tụng hành chính',
      documentNumber: '93/2015/QH13', status: 'in_force', url: null, text, score: 1, match: {},
    };
    const structure = {
      intro: '',
      clauses: [
        { n: '1', text: text.split('\n')[1]!, points: [] },
        { n: '2', text: text.split('\n').slice(2).join('\n'), points: [{ p: 'a', text: text.split('\n')[3]! }] },
      ],
    };
    const terms = new Map([['thoi hieu', 2], ['khoi kien', 2], ['toa', 1], ['hanh chinh', 1], ['quyet dinh', 1]]);
    const d = composeExtractive({ lang: 'vi', aspects: [], wantsQuantity: true, answerTypes: ['duration'], terms, sources: [{ hit, structure }] })!;
    expect(d.text).toContain('a) 01 năm kể từ ngày nhận được hoặc biết được quyết định hành chính;');
    expect(d.text).toMatch(/Khoản 2 Điều 116/);
    expect(d.text).not.toContain('là thời hạn mà');
  });
});
