// Search chunks from canonical units. Every chunk carries its breadcrumb (document › unit ›
// part) so a chunk read alone still says where it comes from, and a `locator` naming the
// smallest citable part (Khoản, Điểm, procedure field).
import type { ArticleStructure } from './readers/laws.ts';
import { paragraphWindows } from './readers/common.ts';
import type { ChunkInput, DocumentMeta, UnitInput } from './types.ts';

/** Articles up to this length stay one chunk; longer ones split along Khoản, then Điểm. */
const ARTICLE_WHOLE = 900;
const PART_MAX = 1400;

export function documentLabel(meta: Pick<DocumentMeta, 'name' | 'number'>): string {
  return meta.number && !meta.name.includes(meta.number) ? `${meta.name} (${meta.number})` : meta.name;
}

function lawChunks(meta: DocumentMeta, unit: UnitInput): ChunkInput[] {
  const heading = `${documentLabel(meta)} › ${unit.label}. ${unit.title ?? ''}`.trim();
  const s = unit.structure as unknown as ArticleStructure;
  if (unit.text.length <= ARTICLE_WHOLE || !s.clauses?.length) {
    return paragraphWindows(unit.text, PART_MAX).map((text, i) => ({ locator: i === 0 ? null : `phần ${i + 1}`, heading, text }));
  }
  const out: ChunkInput[] = [];
  if (s.intro) out.push({ locator: null, heading, text: `${unit.title}\n${s.intro}` });
  for (const c of s.clauses) {
    const clauseHeading = `${heading} › Khoản ${c.n}`;
    if (c.text.length <= PART_MAX || !c.points.length) {
      for (const text of paragraphWindows(c.text, PART_MAX)) out.push({ locator: `Khoản ${c.n}`, heading: clauseHeading, text });
      continue;
    }
    const lead = c.text.slice(0, c.text.indexOf(c.points[0]!.text)).trim();
    if (lead) out.push({ locator: `Khoản ${c.n}`, heading: clauseHeading, text: lead });
    for (const p of c.points) {
      for (const text of paragraphWindows(p.text, PART_MAX)) {
        out.push({ locator: `Điểm ${p.p} Khoản ${c.n}`, heading: `${clauseHeading} › Điểm ${p.p}`, text: lead ? `${lead}\n${text}` : text });
      }
    }
  }
  return out;
}

interface ProcedureStructure {
  code: string;
  name: string;
  level: string | null;
  field: string | null;
  agency: string | null;
  audience: string | null;
  channels: { channel: string; time: string | null; fee: string | null; description: string }[];
  documents: { name: string; copies: string | null }[];
  documentsText: string | null;
  steps: string[];
  conditions: string | null;
  legalBasisText: string | null;
  result: string | null;
}

function procedureChunks(unit: UnitInput): ChunkInput[] {
  const s = unit.structure as unknown as ProcedureStructure;
  const heading = `Thủ tục ${s.code} – ${s.name}`;
  const fields: [string, string | null][] = [
    [
      'tong_quan',
      [s.name, s.level && `Cấp thực hiện: ${s.level}`, s.field && `Lĩnh vực: ${s.field}`, s.agency && `Cơ quan thực hiện: ${s.agency}`, s.audience && `Đối tượng: ${s.audience}`]
        .filter(Boolean)
        .join('\n'),
    ],
    [
      'cach_thuc_thuc_hien',
      s.channels.length
        ? s.channels
            .map((c) => `${c.channel}: thời hạn ${c.time ?? 'không nêu'}; phí, lệ phí ${c.fee ?? 'không nêu'}. ${c.description}`.trim())
            .join('\n')
        : null,
    ],
    ['thanh_phan_ho_so', s.documents.length ? s.documents.map((d) => `- ${d.name}${d.copies ? ` (${d.copies})` : ''}`).join('\n') : s.documentsText],
    ['trinh_tu_thuc_hien', s.steps.length ? s.steps.join('\n') : null],
    ['yeu_cau_dieu_kien', s.conditions],
    ['can_cu_phap_ly', s.legalBasisText],
    ['ket_qua_xu_ly', s.result],
  ];
  const out: ChunkInput[] = [];
  for (const [locator, text] of fields) {
    if (!text) continue;
    for (const piece of paragraphWindows(text, PART_MAX)) out.push({ locator, heading, text: piece });
  }
  return out;
}

export function chunksForUnit(meta: DocumentMeta, unit: UnitInput): ChunkInput[] {
  switch (unit.kind) {
    case 'law_article':
      return lawChunks(meta, unit);
    case 'procedure':
      return procedureChunks(unit);
    default: {
      const heading = unit.title ? `${unit.label}: ${unit.title}` : `${documentLabel(meta)} › ${unit.label}`;
      return paragraphWindows(unit.text, PART_MAX).map((text, i) => ({ locator: i === 0 ? null : `đoạn ${i + 1}`, heading, text }));
    }
  }
}
