import { describe, expect, it } from 'vitest';
import { matchesPartial, parseReferences } from './references.ts';

describe('parseReferences', () => {
  it.each([
    ['Điều 5 khoản 2', [{ article: '5', clause: '2' }]],
    ['khoản 2 điều 20 luật cư trú', [{ article: '20', clause: '2' }]],
    ['điểm a khoản 1 Điều 7', [{ article: '7', clause: '1', point: 'a' }]],
    ['dieu 12 khoan 3 diem b', [{ article: '12', clause: '3', point: 'b' }]],
    ['không có điều gì', []],
  ])('finds the article in %s', (text, expected) => {
    expect(parseReferences(text).articles).toEqual(expected);
  });

  it('finds full document numbers in any case', () => {
    expect(parseReferences('theo 42/2022/nđ-cp và Luật 68/2020/QH14').documents).toEqual([{ number: '42/2022/NĐ-CP' }, { number: '68/2020/QH14' }]);
  });

  it('finds documents named by type and number in words', () => {
    expect(parseReferences('nghị định 42 năm 2022').documents).toEqual([{ partial: { num: '42', year: '2022', type: 'NĐ' } }]);
    expect(parseReferences('thong tu 17').documents).toEqual([{ partial: { num: '17', type: 'TT' } }]);
  });

  it('finds procedure codes', () => {
    expect(parseReferences('thủ tục 1.002755 cần gì').procedureCodes).toEqual(['1.002755']);
  });

  it('matches partial references against stored numbers', () => {
    expect(matchesPartial('42/2022/NĐ-CP', { num: '42', year: '2022', type: 'NĐ' })).toBe(true);
    expect(matchesPartial('42/2021/NĐ-CP', { num: '42', year: '2022', type: 'NĐ' })).toBe(false);
    expect(matchesPartial('17/2024/TT-BCA', { num: '17', type: 'TT' })).toBe(true);
  });
});
