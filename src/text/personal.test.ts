import { describe, expect, it } from 'vitest';
import { PERSONAL_CORPUS } from './personal-corpus.ts';
import { findPersonal, maskPersonal } from './personal.ts';

describe('masking personal numbers', () => {
  it('masks citizen ID, phone numbers and emails but keeps the last digits for recognition', () => {
    expect(maskPersonal('CCCD của tôi là 001203004567, sđt 0912 345 678, email an.nguyen@gmail.com')).toBe(
      'CCCD của tôi là •••••••••567, sđt •••••••678, email •••@•••',
    );
    expect(maskPersonal('Gọi +84 912345678 giúp em')).toBe('Gọi ••••••••678 giúp em');
  });

  it('leaves legal references, amounts, dates and procedure codes alone', () => {
    const s = 'Theo Nghị định 13/2023/NĐ-CP, lệ phí 150.000 đồng, hạn 15/01/2026, thủ tục 1.002755, 30 ngày.';
    expect(maskPersonal(s)).toBe(s);
  });
});

describe('finding personal data by kind', () => {
  const kinds = (s: string) => findPersonal(s).map((x) => [x.kind, s.slice(x.start, x.end)]);

  it('reads a grouped 12-digit number as a citizen ID and a 9-digit one after CMND as the old ID', () => {
    expect(kinds('cccd 001.203.004.567, CMND 125 456 789')).toEqual([
      ['citizen_id', '001.203.004.567'],
      ['old_id', '125 456 789'],
    ]);
  });

  it('recognises mobile, international and landline phone numbers', () => {
    expect(kinds('gọi 091.234.5678, +84 912 345 678 hoặc 028-3829-5678')).toEqual([
      ['phone', '091.234.5678'],
      ['phone', '+84 912 345 678'],
      ['phone', '028-3829-5678'],
    ]);
  });

  it('takes the kind of a number from the keyword before it', () => {
    expect(kinds('mã số BHXH 0123456789, MST 0101234567-001, STK 1903 4567 8901 23')).toEqual([
      ['social_insurance', '0123456789'],
      ['tax_code', '0101234567-001'],
      ['bank_account', '1903 4567 8901 23'],
    ]);
  });

  it('masks licence plates and house-level addresses with a label', () => {
    expect(maskPersonal('Xe 29-B1 123.45 và 30A-123.45, nhà số 12 ngõ 34 phố Huế, Hà Nội')).toBe(
      'Xe [biển số xe] và [biển số xe], nhà [địa chỉ], Hà Nội',
    );
    expect(maskPersonal('Địa chỉ: 123/45 Nguyễn Trãi, phường 2, quận 5, TP.HCM')).toBe('Địa chỉ: [địa chỉ], TP.HCM');
    expect(maskPersonal('Nhà em ở thôn Đông, xã Yên Sở')).toBe('Nhà em ở [địa chỉ]');
  });

  it('leaves agency hotlines, gov.vn mailboxes, amounts and legal form numbers alone', () => {
    for (const s of [
      'Tổng đài 1900 1234, gọi 113 hoặc 18001096',
      'Gửi về vanthu@moj.gov.vn',
      'Hỗ trợ 84.000.000.000 đồng, phạt 1.900.000 đồng',
      'Mẫu số 02 Phụ lục I, Luật số 68/2020/QH14',
      'Thủ tục 2.000986.000.00.00.H26, mã HD-7K3MQ-9XD2F',
    ]) {
      expect(maskPersonal(s)).toBe(s);
    }
  });
});

describe('labelled corpus', () => {
  it('masks at least 98% of personal spans with at most 2% of strings over-masked', () => {
    let spans = 0;
    let masked = 0;
    let overMasked = 0;
    const misses: string[] = [];
    for (const { text, spans: expected } of PERSONAL_CORPUS) {
      const hidden = new Array<boolean>(text.length).fill(false);
      for (const s of findPersonal(text)) hidden.fill(true, s.start, s.end);
      const allowed = new Array<boolean>(text.length).fill(false);
      for (const span of expected) {
        const at = text.indexOf(span);
        expect(at, `span "${span}" is not in "${text}"`).toBeGreaterThanOrEqual(0);
        allowed.fill(true, at, at + span.length);
        spans++;
        if (hidden.slice(at, at + span.length).every(Boolean)) masked++;
        else misses.push(`missed "${span}" in: ${text}`);
      }
      if (hidden.some((h, i) => h && !allowed[i])) {
        overMasked++;
        misses.push(`over-masked: ${text} -> ${maskPersonal(text)}`);
      }
    }
    const recall = masked / spans;
    const falsePositives = overMasked / PERSONAL_CORPUS.length;
    const withData = PERSONAL_CORPUS.filter((c) => c.spans.length > 0).length;
    console.log(
      `personal corpus: ${PERSONAL_CORPUS.length} strings (${withData} with personal data, ${PERSONAL_CORPUS.length - withData} without), ` +
        `${spans} spans; recall ${recall.toFixed(3)}, false positives ${falsePositives.toFixed(3)}`,
    );
    if (misses.length) console.log(misses.join('\n'));
    expect(PERSONAL_CORPUS.length).toBeGreaterThanOrEqual(220);
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(falsePositives).toBeLessThanOrEqual(0.02);
  });
});
