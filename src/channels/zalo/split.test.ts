import { describe, expect, it } from 'vitest';
import { formatForZalo, splitForZalo } from './split.ts';

/** Checks the parts are the text in order, cut only at whitespace (or hard-cut runs), each ≤ max and trimmed. */
function expectFaithful(text: string, parts: string[], max: number) {
  let pos = 0;
  for (const p of parts) {
    expect(p.length).toBeGreaterThan(0);
    expect(p.length).toBeLessThanOrEqual(max);
    expect(p).toBe(p.trim());
    const at = text.indexOf(p, pos);
    expect(at, `part not found in order: ${JSON.stringify(p.slice(0, 40))}`).toBeGreaterThanOrEqual(pos);
    expect(text.slice(pos, at).trim()).toBe('');
    pos = at + p.length;
  }
  expect(text.slice(pos).trim()).toBe('');
  expect(parts.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
}

const sentence = (i: number) => `Câu thứ ${i} nói về hồ sơ đăng ký tạm trú tại Công an cấp xã [${(i % 12) + 1}].`;

describe('splitForZalo', () => {
  it('keeps a short answer in one message, trimmed', () => {
    expect(splitForZalo('  Lệ phí là 7.000 đồng [1].  \n')).toEqual(['Lệ phí là 7.000 đồng [1].']);
    expect(splitForZalo('   ')).toEqual([]);
  });

  it('cuts at a paragraph break rather than a line break or a sentence end', () => {
    const a = 'Đoạn một, câu một. Câu hai.\nDòng hai.';
    const b = 'Đoạn hai. Câu cuối.';
    const text = `${a}\n\n${b}`;
    const parts = splitForZalo(text, a.length + 5);
    expect(parts).toEqual([a, b]);
    expectFaithful(text, parts, a.length + 5);
  });

  it('cuts at a line break when no paragraph break fits', () => {
    const text = 'Hồ sơ gồm: tờ khai. Giấy tờ chứng minh chỗ ở.\n- Căn cước công dân.\n- Giấy tờ khác.';
    const parts = splitForZalo(text, 70);
    expect(parts[0]).toBe('Hồ sơ gồm: tờ khai. Giấy tờ chứng minh chỗ ở.\n- Căn cước công dân.');
    expectFaithful(text, parts, 70);
  });

  it('cuts at a sentence end, keeping the citation marker with its sentence', () => {
    const text = 'Lệ phí đăng ký tạm trú là 7.000 đồng. [1] Thời hạn giải quyết là 3 ngày làm việc [2]. Nộp hồ sơ tại Công an xã [3].';
    const parts = splitForZalo(text, 50);
    expect(parts[0]).toBe('Lệ phí đăng ký tạm trú là 7.000 đồng. [1]');
    expect(parts[1]).toBe('Thời hạn giải quyết là 3 ngày làm việc [2].');
    for (const p of parts) expect(p).not.toMatch(/^\[\d+\]/);
    expectFaithful(text, parts, 50);
  });

  it('never leaves a citation marker at the start of a message, even when cutting mid-sentence', () => {
    const text = `Người đăng ký tạm trú phải có chỗ ở hợp pháp ${'và đáp ứng điều kiện '.repeat(3)}[12] [13]`;
    for (let max = 20; max <= text.length; max += 3) {
      const parts = splitForZalo(text, max);
      expectFaithful(text, parts, max);
      for (const p of parts) expect(p).not.toMatch(/^\[\d+\]/);
      expect(parts.join(' ')).toContain('[12] [13]');
    }
  });

  it('never cuts inside a URL', () => {
    const url = 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.004194';
    const text = `Xem chi tiết thủ tục tại ${url} hoặc hỏi Công an xã. ${'Thêm thông tin. '.repeat(5)}`;
    for (let max = url.length; max <= text.length; max += 7) {
      const parts = splitForZalo(text, max);
      expectFaithful(text, parts, max);
      expect(parts.some((p) => p.includes(url))).toBe(true);
    }
  });

  it('hard-cuts a single run longer than a message, as a last resort, and not inside "[12]"', () => {
    const run = 'x'.repeat(25) + '[12]' + 'y'.repeat(10);
    const parts = splitForZalo(`Mở đầu. ${run}`, 27);
    expectFaithful(`Mở đầu. ${run}`, parts, 27);
    expect(parts).toContain('x'.repeat(25));
    expect(parts.some((p) => p.startsWith('[12]'))).toBe(true);
  });

  it('does not split a surrogate pair when hard-cutting', () => {
    const parts = splitForZalo('😀'.repeat(5), 3);
    expect(parts.every((p) => p.length <= 3)).toBe(true);
    expect(parts.join('')).toBe('😀'.repeat(5));
    for (const p of parts) expect(p).not.toMatch(/[\ud800-\udbff]$/);
  });

  it('splits a long Vietnamese answer into parts of at most 2,000 characters with nothing lost', () => {
    const paragraphs = Array.from({ length: 12 }, (_, p) => Array.from({ length: 9 }, (_, i) => sentence(p * 9 + i)).join(' '));
    const text = paragraphs.join('\n\n') + '\n\nNguồn:\n' + Array.from({ length: 12 }, (_, i) => `[${i + 1}] Khoản ${i + 1} Điều 20, Luật Cư trú (68/2020/QH14) – https://vbpl.vn/x?id=${i}`).join('\n');
    expect(text.length).toBeGreaterThan(7000);
    const parts = splitForZalo(text);
    expect(parts.length).toBeGreaterThan(3);
    expectFaithful(text, parts, 2000);
    // Paragraph breaks were available, so every cut is at one.
    for (const p of parts.slice(0, -1)) expect(text).toContain(`${p}\n\n`);
  });

  it('respects any limit on random Vietnamese text', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const words = ['đăng', 'ký', 'tạm', 'trú', 'hồ', 'sơ', '7.000', 'đồng.', '[1]', '[12].', 'https://a.vn/b?c=d', '\n', '\n\n', 'Điều', 'khoản;'];
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 20 + Math.floor(rnd() * 200) }, () => words[Math.floor(rnd() * words.length)]).join(rnd() < 0.5 ? ' ' : '  ');
      const max = 20 + Math.floor(rnd() * 200);
      expectFaithful(text, splitForZalo(text, max), max);
    }
  });
});

describe('formatForZalo', () => {
  it('appends a plain-text source list, with links only where there are some', () => {
    const text = formatForZalo('Lệ phí là 7.000 đồng [2]. Hồ sơ nộp tại Công an xã [1].', [
      { n: 2, ref: 'Thủ tục 1.004194 – Đăng ký tạm trú', url: 'https://dichvucong.gov.vn/x?ma=1.004194' },
      { n: 1, ref: 'Khoản 2 Điều 20, Luật Cư trú (68/2020/QH14)' },
    ]);
    expect(text).toBe(
      'Lệ phí là 7.000 đồng [2]. Hồ sơ nộp tại Công an xã [1].\n\nNguồn:\n[1] Khoản 2 Điều 20, Luật Cư trú (68/2020/QH14)\n[2] Thủ tục 1.004194 – Đăng ký tạm trú – https://dichvucong.gov.vn/x?ma=1.004194',
    );
  });

  it('is just the answer when nothing is cited', () => {
    expect(formatForZalo(' Xin chào. ', [])).toBe('Xin chào.');
  });
});
