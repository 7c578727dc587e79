import { describe, expect, it } from 'vitest';
import { normalizeTranscript } from './normalize.ts';
import { englishNumberToWords, hashSeed, mulberry32, numberToWords, toSpokenStyle } from './speak.ts';

// Expected readings are written from how a Vietnamese speaker reads the number, not from the code.
describe('numberToWords', () => {
  it.each<[number, string]>([
    [0, 'không'],
    [5, 'năm'],
    [10, 'mười'],
    [11, 'mười một'],
    [14, 'mười bốn'],
    [15, 'mười lăm'],
    [20, 'hai mươi'],
    [21, 'hai mươi mốt'],
    [24, 'hai mươi tư'],
    [25, 'hai mươi lăm'],
    [55, 'năm mươi lăm'],
    [100, 'một trăm'],
    [101, 'một trăm linh một'],
    [105, 'một trăm linh năm'],
    [110, 'một trăm mười'],
    [115, 'một trăm mười lăm'],
    [142, 'một trăm bốn mươi hai'],
    [1000, 'một nghìn'],
    [1005, 'một nghìn không trăm linh năm'],
    [1010, 'một nghìn không trăm mười'],
    [2022, 'hai nghìn không trăm hai mươi hai'],
    [3000, 'ba nghìn'],
    [50_000, 'năm mươi nghìn'],
    [500_000, 'năm trăm nghìn'],
    [1_000_000, 'một triệu'],
    [1_000_005, 'một triệu không trăm linh năm'],
    [1_005_000, 'một triệu không trăm linh năm nghìn'],
    [1_200_000, 'một triệu hai trăm nghìn'],
    [5_000_000, 'năm triệu'],
    [1_000_000_000, 'một tỷ'],
    [2_300_000_000, 'hai tỷ ba trăm triệu'],
    [1_050_000_000, 'một tỷ không trăm năm mươi triệu'],
    [1_000_000_000_000, 'một nghìn tỷ'],
  ])('%d is read "%s"', (n, words) => {
    expect(numberToWords(n)).toBe(words);
  });

  it('reads the southern way when asked', () => {
    expect(numberToWords(105_000, { thousand: 'ngàn', zeroTens: 'lẻ' })).toBe('một trăm lẻ năm ngàn');
  });

  it('refuses what is not a whole number from 0', () => {
    expect(() => numberToWords(-1)).toThrow(RangeError);
    expect(() => numberToWords(2.5)).toThrow(RangeError);
  });

  it('reads English numbers for English questions', () => {
    expect(englishNumberToWords(12)).toBe('twelve');
    expect(englishNumberToWords(1_500_000)).toBe('one million five hundred thousand');
  });
});

describe('numberToWords read back by the transcript normaliser', () => {
  const rand = mulberry32(20240515);
  const edges = [1, 4, 5, 9, 10, 11, 14, 15, 21, 24, 25, 99, 100, 101, 104, 105, 110, 115, 999, 1000, 1001, 1005, 1010, 1100, 2022, 10_005, 100_500, 1_000_005, 1_005_000, 1_500_000, 2_300_000_000];
  const sample = [...edges, ...Array.from({ length: 300 }, () => 1 + Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 12))))];
  // normalize.ts writes amounts with "." between thousands, and anything under 1000 as it is.
  const written = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

  it('gives back the digits of every amount, north and south', () => {
    for (const dialect of [undefined, { thousand: 'ngàn', zeroTens: 'lẻ' } as const]) {
      for (const n of sample) expect(normalizeTranscript(`${numberToWords(n, dialect)} đồng`).text, `${n}`).toBe(`${written(n)} đồng`);
    }
  });

  it('gives back counts of days', () => {
    for (const n of sample.filter((x) => x < 1000)) expect(normalizeTranscript(`${numberToWords(n)} ngày`).text).toBe(`${n} ngày`);
  });

  it('gives back years however they are read, outside the 2010s', () => {
    for (const year of [1990, 2000, 2005, 2008, 2020, 2021, 2022, 2024, 2025]) {
      for (let seed = 1; seed <= 30; seed++) {
        const spoken = toSpokenStyle(`năm ${year}`, { seed, stripRate: 0, fillers: false });
        expect(normalizeTranscript(spoken).text, spoken).toBe(`năm ${year}`);
      }
    }
  });
});

describe('toSpokenStyle', () => {
  const question = 'Theo Nghị định 42/2022/NĐ-CP, lệ phí cấp CCCD cho người từ 14 tuổi là 500.000 đồng (giảm 30%) từ ngày 15/5/2024, đúng không?';

  it('gives the same question for the same seed and varies with the seed', () => {
    expect(toSpokenStyle(question, { seed: 7 })).toBe(toSpokenStyle(question, { seed: 7 }));
    const variants = new Set(Array.from({ length: 10 }, (_, seed) => toSpokenStyle(question, { seed })));
    expect(variants.size).toBeGreaterThan(5);
  });

  it('leaves no digits, no punctuation and no capitals', () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = toSpokenStyle(question, { seed });
      expect(s).not.toMatch(/[\d\p{P}\p{S}]/u);
      expect(s).toBe(s.toLowerCase());
      expect(s).not.toMatch(/\s{2}|^\s|\s$/);
    }
  });

  it('reads numbers, amounts, percentages, dates, decimals and legal references as they are said', () => {
    const say = (text: string, seed = 3) => toSpokenStyle(text, { seed, stripRate: 0, fillers: false });
    expect(say('Lệ phí 500.000 đồng')).toMatch(/^lệ phí năm trăm (nghìn|ngàn) đồng$/);
    expect(say('Giảm 30%')).toBe('giảm ba mươi phần trăm');
    expect(say('Hệ số 2,5')).toBe('hệ số hai phẩy năm');
    expect(say('Điều 5')).toBe('điều năm');
    expect(say('Phạt 03 người')).toBe('phạt ba người');
    expect(say('thứ 4')).toBe('thứ tư');
    expect(say('điểm b khoản 1 Điều 142')).toBe('điểm bê khoản một điều một trăm bốn mươi hai');
    expect(say('Diện tích 30 m2')).toBe('diện tích ba mươi mét vuông');
  });

  // "… vậy ạ" loses its "ạ" to the normaliser; "vậy" and "thế" stay, as part of the question.
  const searched = (spoken: string) => normalizeTranscript(spoken).text.replace(/ (vậy|thế)$/, '');

  it('reads what it writes so that the transcript normaliser gets the written question back', () => {
    const cases: [string, string][] = [
      ['Nghị định 42/2022/NĐ-CP quy định gì?', 'nghị định 42/2022/NĐ-CP quy định gì'],
      ['Theo 123/2021/NĐ-CP thì sao?', 'theo nghị định 123/2021/NĐ-CP thì sao'],
      ['Luật 68/2020/QH14 có hiệu lực khi nào?', 'luật 68/2020/QH14 có hiệu lực khi nào'],
      ['Thông tư 59/2021/TT-BCA hướng dẫn gì?', 'thông tư 59/2021/TT-BCA hướng dẫn gì'],
      ['Nộp hồ sơ ngày 15/5/2024 ở đâu?', 'nộp hồ sơ ngày 15 tháng 5 năm 2024 ở đâu'],
      ['Phí 1.200.000 đồng', 'phí 1.200.000 đồng'],
      ['Làm căn cước mất 15 ngày', 'làm căn cước mất 15 ngày'],
      ['Mức hưởng 75%', 'mức hưởng 75%'],
      ['Điều 5 khoản 2', 'điều 5 khoản 2'],
      ['Từ đủ 14 tuổi đến dưới 16 tuổi', 'từ đủ 14 tuổi đến dưới 16 tuổi'],
    ];
    for (const [written, expected] of cases) {
      for (let seed = 1; seed <= 20; seed++) {
        const spoken = toSpokenStyle(written, { seed, stripRate: 0 });
        expect(searched(spoken), spoken).toBe(expected);
      }
    }
  });

  it('reads abbreviations out or spells them as people do', () => {
    const said = new Set(Array.from({ length: 40 }, (_, seed) => toSpokenStyle('cấp lại CCCD', { seed, stripRate: 0, fillers: false })));
    expect([...said].sort()).toEqual(['cấp lại căn cước', 'cấp lại căn cước công dân', 'cấp lại xê xê xê đê']);
    expect(toSpokenStyle('Cấp lại GPLX ở UBND', { seed: 1, stripRate: 0, fillers: false })).not.toMatch(/gplx|ubnd/);
  });

  it('takes the marks off about the asked share of syllables', () => {
    const text = 'thủ tục đăng ký thường trú cho người chưa thành niên ở nhà thuê mất bao nhiêu ngày làm việc';
    let stripped = 0;
    let total = 0;
    for (let seed = 0; seed < 200; seed++) {
      const out = toSpokenStyle(text, { seed, fillers: false }).split(' ');
      text.split(' ').forEach((w, i) => {
        total++;
        if (out[i] !== w) stripped++;
      });
    }
    expect(stripped / total).toBeGreaterThan(0.1);
    expect(stripped / total).toBeLessThan(0.2);
    expect(toSpokenStyle(text, { seed: 1, stripRate: 0, fillers: false })).toBe(text);
  });

  it('keeps a question typed without diacritics without them', () => {
    const s = toSpokenStyle('nghi viec roi muon rut bhxh 1 lan thi bao lau nhan duoc tien', { seed: 2, fillers: false });
    expect(s).toMatch(/^nghi viec roi muon rut (bao hiem xa hoi|be hat xe hat) mot lan thi bao lau nhan duoc tien$/);
  });

  it('adds fillers only when asked', () => {
    const plain = 'lệ phí là bao nhiêu';
    const withFillers = Array.from({ length: 20 }, (_, seed) => toSpokenStyle(plain, { seed, stripRate: 0 }));
    expect(withFillers.some((s) => s !== plain)).toBe(true);
    for (const s of withFillers) expect(searched(s)).toBe(plain);
    for (let seed = 0; seed < 20; seed++) expect(toSpokenStyle(plain, { seed, stripRate: 0, fillers: false })).toBe(plain);
  });

  it('reads English questions in English', () => {
    expect(toSpokenStyle('How many days after 12 months?', { seed: 1, fillers: false, lang: 'en' })).toBe('how many days after twelve months');
  });

  it('derives stable seeds from ids', () => {
    expect(hashSeed('q-12')).toBe(hashSeed('q-12'));
    expect(hashSeed('q-12')).not.toBe(hashSeed('q-13'));
  });
});
