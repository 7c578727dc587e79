// ALQAC-style statute files: [{id: law name or number, articles: [{id, text: "title\n\nbody"}]}].
import { z } from 'zod';
import { normalizeDocNumber } from '../../text/legal.ts';
import { collapseSpace, normalizeText } from '../../text/normalize.ts';
import { jsonArrayItems, readLines } from '../lines.ts';
import { lawDocKey, type DocumentRegistry } from '../registry.ts';
import { emptyMeta, type DocumentInput, type DocumentMeta, type ReaderItem, type UnitInput } from '../types.ts';
import { formatZodError } from './common.ts';

const id = z.union([z.string().trim().min(1), z.number()]).transform(String);
const lawSchema = z.object({
  id,
  articles: z
    .array(z.object({ id, text: z.string().refine((t) => t.trim().length > 0, 'article text is empty') }))
    .min(1, 'a law needs at least one article'),
});

export interface Point {
  p: string;
  text: string;
}
export interface Clause {
  n: string;
  text: string;
  points: Point[];
}
export interface ArticleStructure {
  intro: string;
  clauses: Clause[];
}

/** Splits an article body into its lead text, Khoản ("1.") and Điểm ("a)"). */
export function parseArticleBody(body: string): ArticleStructure {
  const lines = body.split('\n').map((l) => l.trim()).filter(Boolean);
  const intro: string[] = [];
  const clauses: Clause[] = [];
  for (const line of lines) {
    const k = /^(\d+[a-z]?)\.\s+(.*)$/.exec(line);
    const p = /^([a-zđ]\d?)\)\s+(.*)$/.exec(line);
    if (k) clauses.push({ n: k[1]!, text: line, points: [] });
    else if (p && clauses.length) clauses[clauses.length - 1]!.points.push({ p: p[1]!, text: line });
    else if (clauses.length) {
      const c = clauses[clauses.length - 1]!;
      const last = c.points[c.points.length - 1];
      if (last) last.text += `\n${line}`;
      else c.text += `\n${line}`;
    } else intro.push(line);
  }
  for (const c of clauses) if (c.points.length) c.text = [c.text, ...c.points.map((p) => p.text)].join('\n');
  return { intro: intro.join('\n'), clauses };
}

export function articleUnit(articleId: string, rawText: string, ordinal: number, url: string | null): UnitInput {
  const text = normalizeText(rawText).replace(/\r/g, '').replace(/[ \t]+/g, ' ').trim();
  const sep = text.indexOf('\n');
  const title = collapseSpace(sep === -1 ? text : text.slice(0, sep));
  const body = sep === -1 ? '' : text.slice(sep + 1).replace(/\n{2,}/g, '\n').trim();
  return {
    unitKey: `article:${articleId}`,
    kind: 'law_article',
    ordinal,
    label: `Điều ${articleId}`,
    title,
    path: [],
    text: body ? `${title}\n${body}` : title,
    structure: parseArticleBody(body) as unknown as Record<string, unknown>,
    url,
  };
}

export function lawMeta(idText: string, registry: DocumentRegistry): { docKey: string; meta: DocumentMeta } {
  const entry = registry.resolve(idText);
  const number = entry?.number ?? normalizeDocNumber(idText);
  const name = entry?.name ?? (number ? `Văn bản ${number}` : collapseSpace(normalizeText(idText)));
  return {
    docKey: lawDocKey(idText, entry),
    meta: {
      ...emptyMeta(name),
      number,
      aliases: entry?.aliases ?? [],
      docType: entry?.type ?? null,
      issuer: entry?.issuer ?? null,
      signer: entry?.signer ?? null,
      issueDate: entry?.issueDate ?? null,
      effectiveDate: entry?.effectiveDate ?? null,
      status: entry?.status ?? 'unknown',
      amends: entry?.amends ?? [],
      replaces: entry?.replaces ?? [],
      replacedBy: entry?.replacedBy ?? null,
      url: entry?.url ?? null,
      extra: entry ? {} : { unresolved: true },
    },
  };
}

export async function* readLaws(path: string, registry: DocumentRegistry, onBytes?: (n: number) => void): AsyncGenerator<ReaderItem> {
  for await (const item of jsonArrayItems(readLines(path, onBytes))) {
    if (item.error) {
      yield { issue: { line: item.line, message: item.error } };
      continue;
    }
    const r = lawSchema.safeParse(item.value);
    if (!r.success) {
      yield { issue: { line: item.line, message: `invalid law record: ${formatZodError(r.error)}` } };
      continue;
    }
    const { docKey, meta } = lawMeta(r.data.id, registry);
    const seen = new Set<string>();
    const units: UnitInput[] = [];
    for (const [i, a] of r.data.articles.entries()) {
      if (seen.has(a.id)) {
        yield { issue: { line: item.line, message: `duplicate article id ${a.id} in law "${r.data.id}"; the first one is kept` } };
        continue;
      }
      seen.add(a.id);
      units.push(articleUnit(a.id, a.text, /^\d+$/.test(a.id) ? Number(a.id) : 100_000 + i, meta.url));
    }
    const doc: DocumentInput = { kind: 'law', docKey, sourceId: r.data.id, line: item.line, meta, units };
    yield { doc };
  }
}
