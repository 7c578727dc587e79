// Gazette (công báo) entries: JSON array or JSON Lines of publication records.
import { z } from 'zod';
import { normalizeDocNumber } from '../../text/legal.ts';
import { collapseSpace, normalizeText } from '../../text/normalize.ts';
import { jsonArrayItems, jsonLines, readLines } from '../lines.ts';
import { emptyMeta, type DocumentInput, type GazetteEntry, type ReaderItem } from '../types.ts';
import { docKeyForGazette, formatZodError } from './common.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'is not a real date');
const optText = z.string().trim().min(1).nullish().transform((v) => (v ? collapseSpace(normalizeText(v)) : null));
const docNumber = z
  .string()
  .nullish()
  .transform((v, ctx) => {
    if (!v) return null;
    const n = normalizeDocNumber(v);
    if (!n) ctx.addIssue({ code: 'custom', message: `"${v}" is not a document number such as 68/2020/QH14` });
    return n;
  });
const numbers = z.array(z.string()).default([]);

const schema = z.object({
  number: docNumber,
  type: optText,
  name: z.string().trim().min(1, 'name is required'),
  aliases: z.array(z.string()).default([]),
  issuer: optText,
  signer: optText,
  signerTitle: optText,
  issueDate: isoDate.nullish(),
  effectiveDate: isoDate.nullish(),
  status: z.enum(['in_force', 'partly_repealed', 'repealed', 'unknown']).default('in_force'),
  summary: optText,
  gazetteIssue: z.union([z.string(), z.number()]).nullish(),
  gazetteDate: isoDate.nullish(),
  url: z.url({ protocol: /^https?$/ }).nullish(),
  replaces: numbers,
  amends: numbers,
  amendedBy: numbers,
  replacedBy: z.string().nullish(),
});

export function parseGazetteEntry(raw: unknown): { ok: true; entry: GazetteEntry } | { ok: false; message: string } {
  const r = schema.safeParse(raw);
  if (!r.success) return { ok: false, message: formatZodError(r.error) };
  const v = r.data;
  return {
    ok: true,
    entry: {
      number: v.number,
      type: v.type,
      name: collapseSpace(normalizeText(v.name)),
      aliases: v.aliases.map((a) => collapseSpace(normalizeText(a))).filter(Boolean),
      issuer: v.issuer,
      signer: v.signer,
      signerTitle: v.signerTitle,
      issueDate: v.issueDate ?? null,
      effectiveDate: v.effectiveDate ?? null,
      status: v.status,
      summary: v.summary,
      gazetteIssue: v.gazetteIssue == null ? null : String(v.gazetteIssue),
      gazetteDate: v.gazetteDate ?? null,
      url: v.url ?? null,
      replaces: v.replaces,
      amends: v.amends,
      amendedBy: v.amendedBy,
      replacedBy: v.replacedBy ?? null,
    },
  };
}

/** The searchable document made from a gazette entry: one unit describing the publication. */
export function gazetteDocument(e: GazetteEntry, line: number): DocumentInput {
  const title = e.number ? `${e.name} (${e.number})` : e.name;
  const facts = [
    e.type && `Loại văn bản: ${e.type}`,
    e.number && `Số hiệu: ${e.number}`,
    e.issuer && `Cơ quan ban hành: ${e.issuer}`,
    e.signer && `Người ký: ${e.signer}${e.signerTitle ? ` (${e.signerTitle})` : ''}`,
    e.issueDate && `Ngày ban hành: ${e.issueDate}`,
    e.effectiveDate && `Ngày hiệu lực: ${e.effectiveDate}`,
    e.gazetteIssue && `Công báo số: ${e.gazetteIssue}${e.gazetteDate ? ` ngày ${e.gazetteDate}` : ''}`,
    e.summary && `Trích yếu: ${e.summary}`,
  ].filter(Boolean);
  return {
    kind: 'gazette',
    docKey: docKeyForGazette(e),
    sourceId: e.number ?? e.name,
    line,
    meta: {
      ...emptyMeta(`Công báo: ${title}`),
      number: e.number,
      aliases: e.aliases,
      docType: e.type,
      issuer: e.issuer,
      signer: e.signer,
      issueDate: e.issueDate,
      effectiveDate: e.effectiveDate,
      status: e.status,
      url: e.url,
    },
    units: [
      {
        unitKey: 'entry',
        kind: 'gazette',
        ordinal: 0,
        label: 'Công báo',
        title,
        path: [],
        text: facts.join('\n'),
        structure: { ...e },
        url: e.url,
      },
    ],
  };
}

export async function* readGazette(path: string, onBytes?: (n: number) => void): AsyncGenerator<ReaderItem> {
  const lines = readLines(path, onBytes);
  const items = path.endsWith('.jsonl') ? jsonLines(lines) : jsonArrayItems(lines);
  for await (const item of items) {
    if (item.error) {
      yield { issue: { line: item.line, message: item.error } };
      continue;
    }
    const parsed = parseGazetteEntry(item.value);
    if (!parsed.ok) yield { issue: { line: item.line, message: `invalid gazette entry: ${parsed.message}` } };
    else yield { gazette: parsed.entry, line: item.line };
  }
}
