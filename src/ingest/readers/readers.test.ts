import { describe, expect, it } from 'vitest';
import { chunksForUnit } from '../chunk.ts';
import { DocumentRegistry } from '../registry.ts';
import { emptyMeta } from '../types.ts';
import { articleUnit, lawMeta, parseArticleBody } from './laws.ts';
import { parseDocuments, parseLegalBasis, parseSteps, parseSubmission } from './procedures.ts';

describe('procedure fields', () => {
  it('splits the flattened submission table into channel, time, fee and description', () => {
    const flat =
      'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việcMiễn phí- Thông qua Cổng dịch vụ công quốc gia.' +
      'Trực tiếp7 Ngày làm việc70,000 Việt Nam Đồng(- Cấp lại thẻ căn cước)Dịch vụ bưu chínhKhông có thông tinKhông có thông tinGửi qua bưu điện.';
    expect(parseSubmission(flat)).toEqual([
      { channel: 'Trực tuyến', time: '7 Ngày làm việc', fee: 'Miễn phí', description: '- Thông qua Cổng dịch vụ công quốc gia.' },
      { channel: 'Trực tiếp', time: '7 Ngày làm việc', fee: '70,000 Việt Nam Đồng', description: '(- Cấp lại thẻ căn cước)' },
      { channel: 'Dịch vụ bưu chính', time: null, fee: null, description: 'Gửi qua bưu điện.' },
    ]);
  });

  it('does not take a channel word inside a description for a new row', () => {
    const rows = parseSubmission('Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp3 NgàyMiễn phíNộp trực tiếp hoặc Trực tuyến qua cổng.');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.description).toBe('Nộp trực tiếp hoặc Trực tuyến qua cổng.');
  });

  it('lists required documents with their copies and drops template file names', () => {
    const flat = '--Tên giấy tờMẫu đơn, tờ khaiSố lượngPhiếu khai báo tạm trú (mẫu NA17)101-Mau A17 tam tru.doc1 bản chínhHộ chiếu0 bản sao';
    expect(parseDocuments(flat)).toEqual([
      { name: 'Phiếu khai báo tạm trú (mẫu NA17)', copies: '1 bản chính' },
      { name: 'Hộ chiếu', copies: null },
    ]);
    const glued = 'Phiếu đề nghị (Mẫu DC02 của Bộ Công an)Mẫu DC02 Phiếu đề nghị.doc1 bản chính';
    expect(parseDocuments(glued)).toEqual([{ name: 'Phiếu đề nghị (Mẫu DC02 của Bộ Công an)', copies: '1 bản chính' }]);
  });

  it('splits steps and finds the cited document numbers', () => {
    expect(parseSteps('Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.')).toEqual(['Bước 1: Nộp hồ sơ.', 'Bước 2: Nhận kết quả.']);
    expect(parseLegalBasis('Luật Cư trú68/2020/QH14Nghị định 62/2021/NĐ-CP và 55/2021/TT-BCA')).toEqual(['68/2020/QH14', '62/2021/NĐ-CP', '55/2021/TT-BCA']);
  });
});

describe('law articles', () => {
  it('parses Khoản and Điểm', () => {
    const s = parseArticleBody('Mở đầu.\n1. Khoản một:\na) điểm a;\nb) điểm b.\n2. Khoản hai.');
    expect(s.intro).toBe('Mở đầu.');
    expect(s.clauses.map((c) => [c.n, c.points.map((p) => p.p)])).toEqual([
      ['1', ['a', 'b']],
      ['2', []],
    ]);
  });

  it('resolves a law by number or by name to one identity', () => {
    const reg = new DocumentRegistry([
      { ...emptyGazette(), number: '91/2015/QH13', name: 'Bộ luật dân sự', aliases: ['BLDS'] },
    ]);
    expect(lawMeta('91/2015/QH13', reg).docKey).toBe(lawMeta('Bộ luật Dân sự', reg).docKey);
    expect(lawMeta('bo luat dan su', reg).docKey).toBe(lawMeta('91/2015/qh13', reg).docKey);
    expect(lawMeta('Luật Không Có', reg).meta.status).toBe('unknown');
  });

  it('chunks a long article along Khoản and Điểm, each with its breadcrumb and locator', () => {
    const long = 'x '.repeat(400);
    const text = `Điều kiện\n1. ${long}\n2. Khoản có điểm:\na) ${long}\nb) ${long}`;
    const unit = articleUnit('20', text, 20, null);
    const meta = { ...emptyMeta('Luật Cư trú'), number: '68/2020/QH14' };
    const chunks = chunksForUnit(meta, unit);
    expect(chunks.map((c) => c.locator)).toEqual(['Khoản 1', 'Khoản 2', 'Điểm a Khoản 2', 'Điểm b Khoản 2']);
    for (const c of chunks) expect(c.heading).toMatch(/^Luật Cư trú \(68\/2020\/QH14\) › Điều 20\. Điều kiện/);
    expect(chunks[2]!.text.startsWith('2. Khoản có điểm:')).toBe(true);
  });
});

function emptyGazette() {
  return {
    number: null,
    type: null,
    name: '',
    aliases: [],
    issuer: null,
    signer: null,
    signerTitle: null,
    issueDate: null,
    effectiveDate: null,
    status: 'in_force' as const,
    summary: null,
    gazetteIssue: null,
    gazetteDate: null,
    url: null,
    replaces: [],
    amends: [],
    amendedBy: [],
    replacedBy: null,
  };
}
