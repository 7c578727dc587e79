// Legal references in citizens' words: "Điều 5 khoản 2", "42/2022/NĐ-CP", "nghị định 42 năm 2022",
// "luật cư trú", procedure codes "1.002755".
import { normalizeDocNumber } from './legal.ts';
import { fold, normalizeText } from './normalize.ts';

export interface ArticleRef {
  article: string;
  clause?: string;
  point?: string;
}

/** A document number, complete ("42/2022/NĐ-CP") or partial (number, year and type in words). */
export interface DocNumberRef {
  number?: string;
  partial?: { num: string; year?: string; type: string };
}

export interface References {
  articles: ArticleRef[];
  documents: DocNumberRef[];
  procedureCodes: string[];
}

const TYPE_WORDS: [RegExp, string][] = [
  [/^nghi dinh$/, 'NĐ'],
  [/^thong tu lien tich$/, 'TTLT'],
  [/^thong tu$/, 'TT'],
  [/^quyet dinh$/, 'QĐ'],
  [/^nghi quyet$/, 'NQ'],
  [/^luat$/, 'QH'],
  [/^chi thi$/, 'CT'],
];

export function parseReferences(text: string): References {
  const norm = normalizeText(text);
  const f = fold(norm);
  const articles: ArticleRef[] = [];
  // "điều 5 khoản 2 điểm a", "khoản 2 điều 5", "điểm a khoản 2 điều 5"
  const artRe = /(?:(?:diem\s+([a-z])\s*,?\s*)?khoan\s+(\d+)\s*,?\s*)?dieu\s+(\d+[a-z]?)(?:\s*,?\s*khoan\s+(\d+)(?:\s*,?\s*diem\s+([a-z])\b)?)?/g;
  for (const m of f.matchAll(artRe)) {
    const clause = m[2] ?? m[4];
    const point = m[1] ?? m[5];
    articles.push({ article: m[3]!, ...(clause ? { clause } : {}), ...(point ? { point } : {}) });
  }
  const documents: DocNumberRef[] = [];
  for (const m of norm.matchAll(/\b(\d{1,4})\s*\/\s*(\d{4})\s*\/\s*([\p{L}\d]+(?:\s*-\s*[\p{L}\d]+)*)/gu)) {
    const n = normalizeDocNumber(`${m[1]}/${m[2]}/${m[3]}`);
    if (n) documents.push({ number: n });
  }
  for (const m of f.matchAll(/\b(nghi dinh|thong tu lien tich|thong tu|quyet dinh|nghi quyet|chi thi)\s+(?:so\s+)?(\d{1,4})(?:\s*(?:nam|\/)\s*(\d{4}))?(?!\s*\/\s*\d{4}\s*\/)/g)) {
    const type = TYPE_WORDS.find(([re]) => re.test(m[1]!))?.[1] ?? 'VB';
    documents.push({ partial: { num: m[2]!, ...(m[3] ? { year: m[3] } : {}), type } });
  }
  const procedureCodes = [...new Set([...norm.matchAll(/\b(\d\.\d{6})\b/g)].map((m) => m[1]!))];
  return { articles, documents, procedureCodes };
}

/** Whether a stored document number matches a partial reference ("nghị định 42 năm 2022"). */
export function matchesPartial(number: string, p: NonNullable<DocNumberRef['partial']>): boolean {
  const parts = number.split('/');
  if (parts[0]!.replace(/^0+/, '') !== p.num.replace(/^0+/, '')) return false;
  if (p.year && parts[1] !== p.year) return false;
  const suffix = fold(parts.at(-1) ?? '').toUpperCase();
  return suffix.startsWith(fold(p.type).toUpperCase());
}
