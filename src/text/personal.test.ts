import { describe, expect, it } from 'vitest';
import { maskPersonal } from './personal.ts';

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
