// Question sets for evaluation, in the three formats DESIGN.md names: our own
// ({id, text, sources, expect?, facts?…}), ALQAC ({question_id|id, text, relevant_articles}) and
// DVC FAQ ({question, ma_thu_tuc}). JSON arrays or JSON Lines.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export type GoldSource = { kind: 'law'; law: string; article: string } | { kind: 'procedure'; code: string };

export interface EvalQuestion {
  id: string;
  text: string;
  history: string[];
  channel: 'text' | 'voice';
  lang: 'vi' | 'en';
  expect: 'answer' | 'escalate' | null;
  gold: GoldSource[];
  facts: string[];
}

const str = z.union([z.string(), z.number()]).transform(String);
const own = z.object({
  id: str,
  text: z.string().min(1),
  history: z.array(z.string()).default([]),
  channel: z.enum(['text', 'voice']).default('text'),
  lang: z.enum(['vi', 'en']).default('vi'),
  expect: z.enum(['answer', 'escalate']).optional(),
  sources: z.array(z.union([z.object({ kind: z.literal('law'), law: z.string().min(1), article: str }), z.object({ kind: z.literal('procedure'), code: z.string().min(1) })])),
  facts: z.array(z.string()).default([]),
});
const alqac = z.object({
  question_id: str.optional(),
  id: str.optional(),
  text: z.string().min(1),
  relevant_articles: z.array(z.object({ law_id: str, article_id: str })),
});
const dvc = z.object({ question: z.string().min(1), ma_thu_tuc: z.string().min(1), id: str.optional() });

export class EvalSetError extends Error {
  override name = 'EvalSetError';
}

export function toQuestion(raw: unknown, index: number): EvalQuestion | string {
  const o = own.safeParse(raw);
  if (o.success) {
    const v = o.data;
    return { id: v.id, text: v.text, history: v.history, channel: v.channel, lang: v.lang, expect: v.expect ?? null, gold: v.sources, facts: v.facts };
  }
  const a = alqac.safeParse(raw);
  if (a.success) {
    const v = a.data;
    return {
      id: v.question_id ?? v.id ?? `q${index + 1}`,
      text: v.text,
      history: [],
      channel: 'text',
      lang: 'vi',
      expect: null,
      gold: v.relevant_articles.map((r) => ({ kind: 'law', law: r.law_id, article: r.article_id })),
      facts: [],
    };
  }
  const d = dvc.safeParse(raw);
  if (d.success) {
    return { id: d.data.id ?? `faq-${index + 1}`, text: d.data.question, history: [], channel: 'text', lang: 'vi', expect: null, gold: [{ kind: 'procedure', code: d.data.ma_thu_tuc }], facts: [] };
  }
  return 'not a question in any known format (own {id, text, sources}, ALQAC {text, relevant_articles}, DVC FAQ {question, ma_thu_tuc})';
}

export async function loadQuestionSet(path: string): Promise<{ questions: EvalQuestion[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new EvalSetError(`cannot read question set ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let records: unknown[];
  const trimmed = text.trim();
  if (!trimmed) throw new EvalSetError(`question set ${path} is empty`);
  if (trimmed.startsWith('[')) {
    try {
      records = JSON.parse(trimmed) as unknown[];
    } catch (e) {
      throw new EvalSetError(`question set ${path} is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    records = [];
    const problems: string[] = [];
    trimmed.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        records.push(JSON.parse(line));
      } catch {
        problems.push(`line ${i + 1}: malformed JSON`);
        records.push(null);
      }
    });
  }
  const questions: EvalQuestion[] = [];
  const problems: string[] = [];
  records.forEach((r, i) => {
    const q = r === null ? 'malformed JSON' : toQuestion(r, i);
    if (typeof q === 'string') problems.push(`record ${i + 1}: ${q}`);
    else questions.push(q);
  });
  if (!questions.length) throw new EvalSetError(`question set ${path} has no usable questions${problems.length ? ` (${problems[0]})` : ''}`);
  return { questions, problems };
}
