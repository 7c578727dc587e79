import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../../../test/support/fixtures.ts';
import { DocumentRegistry } from '../registry.ts';
import type { ReaderItem } from '../types.ts';
import { readGazette } from './gazette.ts';
import { readQa } from './qa.ts';
import { htmlToText, readTextFile } from './text.ts';

async function collect(it: AsyncIterable<ReaderItem>): Promise<ReaderItem[]> {
  const out: ReaderItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const docOf = (items: ReaderItem[]) => items.flatMap((i) => ('doc' in i ? [i.doc] : []));

describe('text readers', () => {
  it('reads the main text of an HTML page without scripts, navigation or entities', () => {
    const { title, text } = htmlToText(
      '<html><head><title>Thông báo &amp; hướng dẫn</title><script>alert(1)</script></head><body><nav>Trang chủ</nav>' +
        '<h1>Đăng ký tạm trú</h1><p>Lệ phí&nbsp;10.000 đồng.</p><p>Nộp tại &#x43;ông an xã.</p><footer>©</footer></body></html>',
    );
    expect(title).toBe('Thông báo & hướng dẫn');
    expect(text).toBe('Đăng ký tạm trú\nLệ phí 10.000 đồng.\nNộp tại Công an xã.');
  });

  it('takes a Markdown heading as the title and a news date from the first lines', async () => {
    const dir = tempDir();
    const md = write(dir, 'guide.md', '# Hướng dẫn làm hộ chiếu\n\nNộp hồ sơ tại Công an tỉnh.\n');
    const [doc] = docOf(await collect(readTextFile(md, 'text')));
    expect(doc).toMatchObject({ kind: 'text', docKey: 'text:guide', meta: { name: 'Hướng dẫn làm hộ chiếu' } });
    const news = write(dir, 'n1.txt', 'Vĩ mô\n\nCổng thông tin điện tử các bộ họp lần đầu\n\nbaochinhphu.vn 12/08/2023 08:08\n\nNội dung.');
    const [n] = docOf(await collect(readTextFile(news, 'news')));
    expect(n!.meta).toMatchObject({ name: 'Cổng thông tin điện tử các bộ họp lần đầu', issueDate: '2023-08-12' });
  });

  it('skips an empty or non-UTF-8 text file with a reason', async () => {
    const dir = tempDir();
    expect(await collect(readTextFile(write(dir, 'e.txt', '  \n'), 'text'))).toEqual([{ issue: { line: 1, message: 'empty file' } }]);
    const bad = await collect(readTextFile(write(dir, 'b.txt', Buffer.from([0x61, 0x0a, 0xff, 0x0a])), 'text'));
    expect(bad).toEqual([{ issue: { line: 2, message: 'invalid UTF-8; the file was skipped' } }]);
  });
});

describe('Q&A and gazette readers', () => {
  it('reads Q&A pairs with their sources and rejects an empty answer', async () => {
    const p = write(
      tempDir(),
      'qa.jsonl',
      '{"id":"a","question":"Làm CCCD ở đâu?","answer":"Tại Công an xã.","agency":"cong-an-xa","sources":[{"kind":"law","law":"68/2020/qh14","article":"5"}]}\n' +
        '{"id":"b","question":"Hỏi?","answer":"  "}\n',
    );
    const items = await collect(readQa(p, 'x'));
    const [doc] = docOf(items);
    expect(doc).toMatchObject({ docKey: 'qa:cong-an-xa:a', units: [{ kind: 'qa', text: 'Hỏi: Làm CCCD ở đâu?\nĐáp: Tại Công an xã.' }] });
    expect(doc!.units[0]!.structure.sources).toEqual([{ kind: 'law', law: '68/2020/QH14', article: '5' }]);
    expect(items[1]).toEqual({ issue: { line: 2, message: expect.stringMatching(/answer is empty/) } });
  });

  it('validates gazette entries and makes their numbers canonical', async () => {
    const p = write(
      tempDir(),
      'g.json',
      JSON.stringify([
        { number: '68/2020/qh14', name: 'Luật Cư trú', issuer: 'Quốc hội', issueDate: '2020-11-13', effectiveDate: '2021-07-01' },
        { number: '42/2022/NĐ-CP', name: 'Nghị định', issueDate: '2022-13-40' },
      ]),
    );
    const items = await collect(readGazette(p));
    expect(items[0]).toMatchObject({ gazette: { number: '68/2020/QH14', name: 'Luật Cư trú', status: 'in_force' } });
    expect(items[1]).toMatchObject({ issue: { message: expect.stringMatching(/issueDate/) } });
    const reg = new DocumentRegistry(items.flatMap((i) => ('gazette' in i ? [i.gazette] : [])));
    expect(reg.resolve('luat cu tru')?.number).toBe('68/2020/QH14');
  });
});
