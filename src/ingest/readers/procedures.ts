// Administrative procedures (thủ tục hành chính) from the national public service portal, JSON Lines.
import { z } from 'zod';
import { collapseSpace, normalizeText } from '../../text/normalize.ts';
import { jsonArrayItems, jsonLines, readLines } from '../lines.ts';
import { emptyMeta, type DocumentInput, type ReaderItem } from '../types.ts';
import { formatZodError } from './common.ts';

const NO_INFO = /^(không có thông tin|không có|không)\.?$/i;
const text = z
  .string()
  .nullish()
  .transform((v) => {
    const t = v ? normalizeText(v).replace(/\r/g, '').trim() : '';
    return t && !NO_INFO.test(t) ? t : '';
  });

const schema = z.object({
  ma_thu_tuc: z.string().trim().regex(/^\d+\.\d{3,}(\.[\w.-]+)?$/, 'ma_thu_tuc must look like 1.002755'),
  ten_thu_tuc: z.string().trim().min(1, 'ten_thu_tuc is required'),
  detail_url: z.url({ protocol: /^https?$/ }).nullish().catch(null),
  cap_thuc_hien: text,
  linh_vuc: text,
  loai_thu_tuc: text,
  doi_tuong_thuc_hien: text,
  co_quan_co_tham_quyen: text,
  co_quan_thuc_hien: text,
  dia_chi_tiep_nhan: text,
  trinh_tu_thuc_hien: text,
  cach_thuc_thuc_hien: text,
  thanh_phan_ho_so: text,
  yeu_cau_dieu_kien: text,
  can_cu_phap_ly: text,
  ket_qua_xu_ly: text,
  so_quyet_dinh: text,
  source_folder: text,
});

export interface SubmissionChannel {
  channel: string;
  time: string | null;
  fee: string | null;
  description: string;
}

const CHANNELS = 'Trực tiếp|Trực tuyến|Dịch vụ bưu chính';
const TIME = String.raw`\d+(?:[.,]\d+)?\s*(?:Ngày làm việc|ngày làm việc|Ngày|ngày|Giờ|giờ|Tháng|tháng|Tuần|tuần|Năm|năm)?|Không có thông tin`;
const FEE = String.raw`Miễn phí|Không có thông tin|(?:(?:Phí|Lệ phí)\s*:?\s*)?\d[\d.,]*\s*(?:Việt Nam Đồng|Đồng|đồng|VNĐ)`;
const ROW = new RegExp(`(${CHANNELS})\\s*(${TIME})\\s*((?:${FEE})(?:\\s*(?:${FEE}))*)?`, 'g');

/**
 * Splits the flattened "cách thức thực hiện" (header, then per channel: channel, time, fee,
 * description run together) into rows.
 */
export function parseSubmission(flat: string): SubmissionChannel[] {
  const s = flat.replace(/^Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả/, '');
  const rows: { m: RegExpExecArray }[] = [];
  for (const m of s.matchAll(ROW)) rows.push({ m });
  return rows.map(({ m }, i) => {
    const end = i + 1 < rows.length ? rows[i + 1]!.m.index : s.length;
    const time = m[2] && !NO_INFO.test(m[2].trim()) ? collapseSpace(m[2]) : null;
    const fee = m[3] && !NO_INFO.test(m[3].trim()) ? collapseSpace(m[3].replace(/(Miễn phí|Đồng)(?=\S)/g, '$1; ')) : null;
    return { channel: m[1]!, time, fee, description: collapseSpace(s.slice(m.index + m[0].length, end)) };
  });
}

export interface RequiredDocument {
  name: string;
  copies: string | null;
}

/**
 * Template file names (forms to download, ASCII: "Mau NA17.doc") are stuck to the end of the
 * document name; cut them off at the last ")" or word boundary before them.
 */
function stripTemplateFile(name: string): string {
  if (!/\.(docx?|xlsx?|pdf|rar|zip)$/i.test(name)) return name;
  // "…của Bộ Công an)Mẫu DC02 Phiếu đề nghị.doc": the file name is glued after a ")".
  const glued = name.lastIndexOf(')', name.length - 5);
  if (glued > 0 && /\S/.test(name[glued + 1] ?? '')) return name.slice(0, glued + 1).trim();
  const m = /([\x20-\x7E]*)\.(docx?|xlsx?|pdf|rar|zip)$/i.exec(name);
  if (!m) return name;
  let start = m.index;
  const paren = m[1]!.lastIndexOf(')');
  if (paren >= 0) start += paren + 1;
  else if (start > 0 && /\p{L}/u.test(name[start - 1]!)) {
    const space = m[1]!.indexOf(' ');
    start = space >= 0 ? start + space : name.length;
  }
  return name.slice(0, start).trim();
}

/** Splits the flattened "thành phần hồ sơ" table into documents with their number of copies. */
export function parseDocuments(flat: string): RequiredDocument[] {
  const s = flat.replace(/^-*/, '').replace(/Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng/g, '\n');
  const out: RequiredDocument[] = [];
  const re = /(\d+)\s*(bản chính|bản sao|Bản chính|Bản sao)/g;
  let last = 0;
  for (const m of s.matchAll(re)) {
    let name = s.slice(last, m.index).trim();
    name = stripTemplateFile(name);
    last = m.index + m[0].length;
    if (!name || name.length < 3) continue;
    out.push({ name: collapseSpace(name), copies: m[1] === '0' ? null : `${m[1]} ${m[2]!.toLowerCase()}` });
  }
  const tail = s.slice(last).trim();
  if (tail.length > 3) out.push({ name: collapseSpace(tail), copies: null });
  return out;
}

/** Steps ("Bước 1: …") as a list; one item when the text has no numbered steps. */
export function parseSteps(t: string): string[] {
  if (!t) return [];
  const parts = t.split(/(?=Bước\s*\d+\s*[:.-])/).map((p) => collapseSpace(p)).filter(Boolean);
  return parts.length ? parts : [collapseSpace(t)];
}

/** Document numbers cited in the legal basis. */
export function parseLegalBasis(t: string): string[] {
  const found = t.match(/\d{1,4}\/(?:\d{4}\/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*(?!\p{Ll})/gu) ?? [];
  return [...new Set(found)];
}

export function procedureDocument(raw: z.infer<typeof schema>, line: number): DocumentInput {
  const code = raw.ma_thu_tuc;
  const name = collapseSpace(normalizeText(raw.ten_thu_tuc));
  const channels = parseSubmission(raw.cach_thuc_thuc_hien);
  const documents = parseDocuments(raw.thanh_phan_ho_so);
  const steps = parseSteps(raw.trinh_tu_thuc_hien);
  const legalBasis = parseLegalBasis(raw.can_cu_phap_ly);
  const agency = raw.co_quan_thuc_hien || raw.co_quan_co_tham_quyen || null;
  const url = raw.detail_url ?? null;
  const structure = {
    code,
    name,
    level: raw.cap_thuc_hien || null,
    field: raw.linh_vuc || null,
    type: raw.loai_thu_tuc || null,
    audience: raw.doi_tuong_thuc_hien || null,
    agency,
    competentAgency: raw.co_quan_co_tham_quyen || null,
    address: raw.dia_chi_tiep_nhan || null,
    channels,
    documents,
    documentsText: raw.thanh_phan_ho_so || null,
    steps,
    conditions: raw.yeu_cau_dieu_kien || null,
    legalBasis,
    legalBasisText: raw.can_cu_phap_ly || null,
    result: raw.ket_qua_xu_ly || null,
    decision: raw.so_quyet_dinh || null,
    ministry: raw.source_folder || null,
  };
  const fees = [...new Set(channels.map((c) => c.fee).filter(Boolean))];
  const times = [...new Set(channels.map((c) => c.time).filter(Boolean))];
  const lines = [
    `Thủ tục ${code} – ${name}`,
    structure.level && `Cấp thực hiện: ${structure.level}`,
    structure.field && `Lĩnh vực: ${structure.field}`,
    agency && `Cơ quan thực hiện: ${agency}`,
    structure.audience && `Đối tượng thực hiện: ${structure.audience}`,
    channels.length && `Cách thức nộp: ${[...new Set(channels.map((c) => c.channel))].join(', ')}`,
    times.length && `Thời hạn giải quyết: ${times.join('; ')}`,
    fees.length && `Phí, lệ phí: ${fees.join('; ')}`,
    documents.length && `Thành phần hồ sơ:\n${documents.map((d) => `- ${d.name}${d.copies ? ` (${d.copies})` : ''}`).join('\n')}`,
    steps.length && `Trình tự thực hiện:\n${steps.join('\n')}`,
    structure.conditions && `Yêu cầu, điều kiện: ${structure.conditions}`,
    structure.legalBasisText && `Căn cứ pháp lý: ${collapseSpace(structure.legalBasisText)}`,
    structure.result && `Kết quả: ${collapseSpace(structure.result)}`,
  ].filter(Boolean);
  return {
    kind: 'procedure',
    docKey: `procedure:${code}`,
    sourceId: code,
    line,
    meta: { ...emptyMeta(name), number: code, docType: 'Thủ tục hành chính', issuer: raw.co_quan_co_tham_quyen || null, agency, url, extra: { field: structure.field, level: structure.level } },
    units: [
      { unitKey: 'procedure', kind: 'procedure', ordinal: 0, label: `Thủ tục ${code}`, title: name, path: [], text: lines.join('\n'), structure, url },
    ],
  };
}

export async function* readProcedures(path: string, onBytes?: (n: number) => void): AsyncGenerator<ReaderItem> {
  const seen = new Map<string, number>();
  for await (const item of (path.toLowerCase().endsWith('.json') ? jsonArrayItems : jsonLines)(readLines(path, onBytes))) {
    if (item.error) {
      yield { issue: { line: item.line, message: item.error } };
      continue;
    }
    const r = schema.safeParse(item.value);
    if (!r.success) {
      yield { issue: { line: item.line, message: `invalid procedure: ${formatZodError(r.error)}` } };
      continue;
    }
    const first = seen.get(r.data.ma_thu_tuc);
    if (first) {
      yield { issue: { line: item.line, message: `duplicate procedure ${r.data.ma_thu_tuc} (first at line ${first}); skipped` } };
      continue;
    }
    seen.set(r.data.ma_thu_tuc, item.line);
    yield { doc: procedureDocument(r.data, item.line) };
  }
}
