import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

describe('createLogger', () => {
  it('masks personal data in the message and in nested fields, errors included, and keeps legal numbers', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l) => lines.push(l) });
    log('warn', 'câu hỏi từ 0912345678', {
      question: 'CCCD 001203004567 hỏi về Luật Cư trú 68/2020/QH14',
      nested: { list: ['email an.nguyen@gmail.com'], n: 3 },
      error: new Error('insert failed for STK 1903 4567 8901 23'),
    });
    const text = lines.join('');
    for (const raw of ['0912345678', '001203004567', 'an.nguyen@gmail.com', '1903 4567 8901 23']) expect(text).not.toContain(raw);
    const line = JSON.parse(lines[0]!) as { question: string; nested: { n: number } };
    expect(line.question).toContain('68/2020/QH14');
    expect(line.nested.n).toBe(3);
  });

  it('drops lines under its level', () => {
    const lines: string[] = [];
    createLogger('warn', { write: (l) => lines.push(l) })('info', 'quiet');
    expect(lines).toEqual([]);
  });
});
