// Q&A history (hỏi đáp) as JSON Lines: {id?, question, answer, agency?, date?, field?, sources?}.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { normalizeDocNumber } from '../../text/legal.ts';
import { collapseSpace, normalizeText } from '../../text/normalize.ts';
import { jsonArrayItems, jsonLines, readLines } from '../lines.ts';
import { emptyMeta, type DocumentInput, type ReaderItem } from '../types.ts';
import { formatZodError } from './common.ts';

const clean = (v: string) => normalizeText(v).replace(/\r/g, '').trim();
export const qaSourceSchema = z.union([
  z.object({ kind: z.literal('law'), law: z.string().min(1), article: z.union([z.string(), z.number()]).transform(String).optional() }),
  z.object({ kind: z.literal('procedure'), code: z.string().min(1) }),
  z.object({ kind: z.literal('url'), url: z.url({ protocol: /^https?$/ }), title: z.string().optional() }),
]);

export const qaSchema = z.object({
  id: z.union([z.string().trim().min(1), z.number()]).transform(String).optional(),
  question: z.string().refine((s) => s.trim().length > 0, 'question is empty').transform(clean),
  answer: z.string().refine((s) => s.trim().length > 0, 'answer is empty').transform(clean),
  agency: z.string().trim().min(1).optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'date must start with YYYY-MM-DD').optional(),
  field: z.string().optional(),
  sources: z.array(qaSourceSchema).default([]),
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export type QaRecord = z.infer<typeof qaSchema>;

export function qaDocument(r: QaRecord, line: number, origin: string): DocumentInput {
  const id = r.id ?? createHash('sha256').update(collapseSpace(r.question)).digest('hex').slice(0, 16);
  const sources = r.sources.map((s) => (s.kind === 'law' ? { ...s, law: normalizeDocNumber(s.law) ?? s.law } : s));
  return {
    kind: 'qa',
    docKey: `qa:${r.agency ?? origin}:${id}`,
    sourceId: id,
    line,
    meta: { ...emptyMeta(collapseSpace(r.question)), agency: r.agency ?? null, issueDate: r.date?.slice(0, 10) ?? null, url: r.url ?? null, extra: { field: r.field ?? null } },
    units: [
      {
        unitKey: 'qa',
        kind: 'qa',
        ordinal: 0,
        label: `Hỏi đáp ${id}`,
        title: collapseSpace(r.question),
        path: [],
        text: `Hỏi: ${r.question}\nĐáp: ${r.answer}`,
        structure: { question: r.question, answer: r.answer, agency: r.agency ?? null, date: r.date ?? null, field: r.field ?? null, sources },
        url: r.url ?? null,
      },
    ],
  };
}

export async function* readQa(path: string, origin: string, onBytes?: (n: number) => void): AsyncGenerator<ReaderItem> {
  const seen = new Map<string, number>();
  for await (const item of (path.toLowerCase().endsWith('.json') ? jsonArrayItems : jsonLines)(readLines(path, onBytes))) {
    if (item.error) {
      yield { issue: { line: item.line, message: item.error } };
      continue;
    }
    const r = qaSchema.safeParse(item.value);
    if (!r.success) {
      yield { issue: { line: item.line, message: `invalid Q&A record: ${formatZodError(r.error)}` } };
      continue;
    }
    const doc = qaDocument(r.data, item.line, origin);
    const first = seen.get(doc.docKey);
    if (first) {
      yield { issue: { line: item.line, message: `duplicate Q&A id ${doc.sourceId} (first at line ${first}); skipped` } };
      continue;
    }
    seen.set(doc.docKey, item.line);
    yield { doc };
  }
}
