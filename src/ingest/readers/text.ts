// News articles and plain documents: .txt, .md, .html. One unit per file, chunked by paragraphs.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { collapseSpace, normalizeText } from '../../text/normalize.ts';
import { emptyMeta, type ReaderItem } from '../types.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Main text of an HTML page: scripts, styles and navigation dropped, blocks as paragraphs. */
export function htmlToText(html: string): { title: string | null; text: string } {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? null;
  const body = html
    .replace(/<(head|title|script|style|noscript|nav|header|footer|aside|template|svg)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(br|\/p|\/div|\/h[1-6]|\/li|\/tr|\/section|\/article)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ');
  const text = decodeEntities(body)
    .split('\n')
    .map((l) => collapseSpace(l))
    .filter(Boolean)
    .join('\n');
  return { title: title ? collapseSpace(decodeEntities(title.replace(/<[^>]+>/g, ' '))) : null, text };
}

export async function* readTextFile(path: string, kind: 'news' | 'text', onBytes?: (n: number) => void): AsyncGenerator<ReaderItem> {
  const bytes = await readFile(path);
  onBytes?.(bytes.length);
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = new TextDecoder('utf-8').decode(bytes).split('\n').findIndex((l) => l.includes('\uFFFD'));
    yield { issue: { line: bad + 1, message: 'invalid UTF-8; the file was skipped' } };
    return;
  }
  // NUL bytes mean a binary file, and PostgreSQL cannot store them in text.
  if (raw.includes('\u0000')) {
    yield { issue: { line: raw.slice(0, raw.indexOf('\u0000')).split('\n').length, message: 'NUL bytes (a binary file?); the file was skipped' } };
    return;
  }
  const ext = extname(path).toLowerCase();
  let title: string | null = null;
  let text: string;
  if (ext === '.html' || ext === '.htm') ({ title, text } = htmlToText(raw));
  else text = raw.replace(/\r/g, '');
  text = normalizeText(text).trim();
  if (!text) {
    yield { issue: { line: 1, message: 'empty file' } };
    return;
  }
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!title) {
    const heading = lines.find((l) => /^#\s+/.test(l));
    // News files start with a section label ("Vĩ mô") before the headline: take the first line
    // that reads like a headline (not a one- or two-word label).
    title = heading ? heading.replace(/^#+\s*/, '') : (lines.find((l) => l.split(/\s+/).length >= 4 && l.length <= 300) ?? lines[0]!);
  }
  const stem = basename(path, ext);
  const date = /(\d{2})\/(\d{2})\/(\d{4})/.exec(lines.slice(0, 6).join(' '));
  yield {
    doc: {
      kind,
      docKey: `${kind}:${stem}`,
      sourceId: stem,
      line: 1,
      meta: { ...emptyMeta(collapseSpace(title)), issueDate: date ? `${date[3]}-${date[2]}-${date[1]}` : null },
      units: [
        {
          unitKey: 'body',
          kind,
          ordinal: 0,
          label: kind === 'news' ? 'Bài viết' : 'Văn bản',
          title: collapseSpace(title),
          path: [],
          text: lines.join('\n'),
          structure: { format: ext.slice(1) || 'txt' },
          url: null,
        },
      ],
    },
  };
}
