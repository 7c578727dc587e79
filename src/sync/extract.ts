// A portal page as a document: its main text and what the page says about the document — number,
// type, issuer, signer, dates, validity and which documents it replaces, repeals or amends.
//
// Portals state metadata in four ways: label/value table rows, <dl>, <meta> tags, or only in the
// text of the document itself (the header "Số: 15/2025/NĐ-CP", "Hà Nội, ngày …", the closing
// article "Nghị định này có hiệu lực …", the signature block). Every source is read; the page's
// own labels win over <meta> tags, which win over what is inferred from the text.
import { NodeType, parse, type HTMLElement, type Node } from 'node-html-parser';
import type { ValidityStatus } from '../ingest/types.ts';
import { normalizeDocNumber } from '../text/legal.ts';
import { collapseSpace, fold, normalizeText } from '../text/normalize.ts';

export interface ExtractedPage {
  /** The document's title (h1 / og:title / <title> minus the site's name). */
  title: string | null;
  /** Main content as plain text, one paragraph, heading or table row a line ("a | b"). */
  text: string;
  /** Document number, normalised like the rest of the project ("15/2025/NĐ-CP"). */
  number: string | null;
  docType: string | null;
  issuer: string | null;
  signer: string | null;
  /** ISO yyyy-mm-dd. */
  issueDate: string | null;
  effectiveDate: string | null;
  status: ValidityStatus | null;
  replaces: string[];
  repeals: string[];
  amends: string[];
  /** On an old document's page: the number of the document that replaced it. */
  replacedBy: string | null;
  gazette: { issue: string | null; date: string | null } | null;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const DOC_TYPES = [
  'Hiến pháp', 'Bộ luật', 'Luật', 'Pháp lệnh', 'Lệnh', 'Nghị quyết liên tịch', 'Nghị quyết', 'Nghị định',
  'Quyết định', 'Thông tư liên tịch', 'Thông tư', 'Chỉ thị', 'Công văn', 'Công điện', 'Thông báo', 'Kế hoạch',
  'Hướng dẫn', 'Văn bản hợp nhất',
].sort((a, b) => b.length - a.length);
const TYPE_ALT = DOC_TYPES.map((t) => fold(t)).join('|');

/** Type codes inside a number ("NĐ" in "15/2025/NĐ-CP"). QH is both Luật and Nghị quyết, so absent. */
const TYPE_BY_CODE: Record<string, string> = {
  ND: 'Nghị định', TT: 'Thông tư', TTLT: 'Thông tư liên tịch', QD: 'Quyết định', NQ: 'Nghị quyết',
  NQLT: 'Nghị quyết liên tịch', CT: 'Chỉ thị', PL: 'Pháp lệnh', CD: 'Công điện',
};

/** Issuer codes closing a number ("CP" in "NĐ-CP"); names as they were when those codes were used. */
const ISSUER_BY_CODE: Record<string, string> = {
  CP: 'Chính phủ', TTG: 'Thủ tướng Chính phủ', QH: 'Quốc hội', UBTVQH: 'Ủy ban Thường vụ Quốc hội',
  BTC: 'Bộ Tài chính', BCA: 'Bộ Công an', BYT: 'Bộ Y tế', BTP: 'Bộ Tư pháp', BNV: 'Bộ Nội vụ', BXD: 'Bộ Xây dựng',
  BQP: 'Bộ Quốc phòng', BNG: 'Bộ Ngoại giao', BCT: 'Bộ Công Thương', BGDDT: 'Bộ Giáo dục và Đào tạo',
  BLDTBXH: 'Bộ Lao động - Thương binh và Xã hội', BTNMT: 'Bộ Tài nguyên và Môi trường',
  BKHDT: 'Bộ Kế hoạch và Đầu tư', BGTVT: 'Bộ Giao thông vận tải', BTTTT: 'Bộ Thông tin và Truyền thông',
  BKHCN: 'Bộ Khoa học và Công nghệ', BNNPTNT: 'Bộ Nông nghiệp và Phát triển nông thôn',
  BVHTTDL: 'Bộ Văn hóa, Thể thao và Du lịch', NHNN: 'Ngân hàng Nhà nước Việt Nam',
};

const AGENCY_NAMES: Record<string, string> = {
  'chinh phu': 'Chính phủ', 'quoc hoi': 'Quốc hội', 'thu tuong chinh phu': 'Thủ tướng Chính phủ',
  'uy ban thuong vu quoc hoi': 'Ủy ban Thường vụ Quốc hội', 'chu tich nuoc': 'Chủ tịch nước',
  'ngan hang nha nuoc viet nam': 'Ngân hàng Nhà nước Việt Nam', 'van phong chinh phu': 'Văn phòng Chính phủ',
  'toa an nhan dan toi cao': 'Tòa án nhân dân tối cao', 'vien kiem sat nhan dan toi cao': 'Viện kiểm sát nhân dân tối cao',
  'kiem toan nha nuoc': 'Kiểm toán Nhà nước', 'bo cong thuong': 'Bộ Công Thương',
};

type Field =
  | 'number' | 'docType' | 'knownType' | 'issuer' | 'signer' | 'issueDate' | 'effectiveDate' | 'status'
  | 'replaces' | 'repeals' | 'amends' | 'replacedBy' | 'gazette' | 'gazetteIssue' | 'gazetteDate';

/** Labels as `labelKey` leaves them (folded, punctuation gone), Vietnamese, English and Dublin Core. */
const LABELS: Record<string, Field> = {
  'so ky hieu': 'number', 'so hieu': 'number', 'so hieu van ban': 'number', 'ky hieu': 'number', 'so': 'number',
  'so van ban': 'number', 'luat so': 'number', 'ky hieu van ban': 'number', 'document number': 'number', 'number': 'number',
  'loai van ban': 'docType', 'hinh thuc van ban': 'docType',
  // Generic labels also name news categories ("Loại: Tin tức"): only a known document type counts.
  'the loai': 'knownType', 'loai': 'knownType', 'document type': 'knownType', 'dc type': 'knownType',
  'co quan ban hanh': 'issuer', 'noi ban hanh': 'issuer', 'don vi ban hanh': 'issuer', 'co quan ban hanh chuc danh': 'issuer',
  'issuer': 'issuer', 'dc publisher': 'issuer', 'co quan tra loi': 'issuer', 'don vi tra loi': 'issuer',
  'nguoi ky': 'signer', 'nguoi ky van ban': 'signer', 'signer': 'signer',
  'ngay ban hanh': 'issueDate', 'ngay ky': 'issueDate', 'ngay ky ban hanh': 'issueDate', 'ngay thong qua': 'issueDate',
  'issue date': 'issueDate', 'dc date issued': 'issueDate', 'ngay tra loi': 'issueDate', 'ngay dang': 'issueDate',
  'ngay xuat ban': 'issueDate', 'dc date': 'issueDate', 'date': 'issueDate', 'article published time': 'issueDate',
  'date published': 'issueDate', 'datepublished': 'issueDate', 'pubdate': 'issueDate',
  'ngay co hieu luc': 'effectiveDate', 'ngay hieu luc': 'effectiveDate', 'hieu luc tu ngay': 'effectiveDate',
  'ngay bat dau hieu luc': 'effectiveDate', 'co hieu luc tu ngay': 'effectiveDate', 'effective date': 'effectiveDate',
  'dc date valid': 'effectiveDate',
  'tinh trang hieu luc': 'status', 'tinh trang': 'status', 'trang thai hieu luc': 'status', 'trang thai': 'status',
  'hieu luc': 'status', 'tinh trang van ban': 'status', 'status': 'status',
  // vbpl.vn's relationship tabs: "bị" marks documents this one acts on; without it, the reverse.
  'van ban bi thay the': 'replaces', 'van ban bi bai bo': 'repeals', 'van ban bi huy bo': 'repeals',
  'van ban bi sua doi bo sung': 'amends', 'van ban bi sua doi': 'amends',
  'van ban thay the': 'replacedBy', 'duoc thay the boi': 'replacedBy', 'thay the boi': 'replacedBy',
  'bi thay the boi': 'replacedBy', 'replaced by': 'replacedBy',
  'cong bao': 'gazette', 'nguon thu thap': 'gazette', 'dang cong bao': 'gazette', 'nguon': 'gazette',
  'so cong bao': 'gazetteIssue', 'ngay dang cong bao': 'gazetteDate', 'ngay cong bao': 'gazetteDate',
};

function labelKey(s: string): string {
  return fold(s.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')).replace(/[^a-z0-9]+/g, ' ').trim();
}

function fieldOf(label: string): Field | null {
  return label.length > 60 ? null : (LABELS[labelKey(label)] ?? null);
}

// ---------------------------------------------------------------------------------------------
// Small parsers

const foldedChars = new Map<string, string>();

/** Folds each character on its own so indexes in the result are indexes in `s`. */
function foldAligned(s: string): string {
  let out = '';
  for (const ch of s) {
    let f = foldedChars.get(ch);
    if (f === undefined) {
      f = fold(ch);
      if (f.length !== ch.length) f = ch;
      if (foldedChars.size < 10_000) foldedChars.set(ch, f);
    }
    out += f;
  }
  return out;
}

/**
 * Document numbers as written: "15/2025/NĐ-CP", "91/2015/QH13", "1234/QĐ-UBND", "05/2019/TT-BTC".
 * Spaces around a hyphen are allowed only before an all-capital code, so "NĐ-CP - Quy định" stops at CP.
 */
const DOC_NUMBER = /(?<![\p{L}\d/])\d{1,4}\s*\/\s*(?:\d{4}\s*\/\s*)?[\p{L}][\p{L}\d]*(?:-[\p{L}\d]+|\s?-\s?[\p{Lu}\d]+(?![\p{L}\d]))*/gu;

function docNumbersIn(s: string): { number: string; index: number; end: number }[] {
  const out: { number: string; index: number; end: number }[] = [];
  for (const m of s.matchAll(DOC_NUMBER)) {
    const n = normalizeDocNumber(m[0].replace(/\u00D0/g, 'Đ'));
    if (n) out.push({ number: n, index: m.index, end: m.index + m[0].length });
  }
  return out;
}

function firstDocNumber(s: string): string | null {
  return docNumbersIn(s)[0]?.number ?? null;
}

function ymd(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

const DATE_FORMS: [RegExp, (m: RegExpExecArray) => string | null][] = [
  [/\b(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])/, (m) => ymd(+m[1]!, +m[2]!, +m[3]!)],
  [/(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/, (m) => ymd(+m[3]!, +m[2]!, +m[1]!)],
  [/\b(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s+nam\s+(\d{4})\b/, (m) => ymd(+m[3]!, +m[2]!, +m[1]!)],
];

/** The earliest date in `s`: "15/01/2025", "ngày 15 tháng 01 năm 2025", "2025-01-15" → "2025-01-15". */
export function parseViDate(s: string): string | null {
  const f = fold(s);
  let best: { at: number; date: string } | null = null;
  for (const [re, make] of DATE_FORMS) {
    const m = re.exec(f);
    const date = m ? make(m) : null;
    if (m && date && (!best || m.index < best.at)) best = { at: m.index, date };
  }
  return best?.date ?? null;
}

/** "Tình trạng hiệu lực" values; anything not about validity (a Q&A's "Đã trả lời") → null. */
export function statusOf(value: string): ValidityStatus | null {
  const f = labelKey(value);
  if (/\bhet hieu luc mot phan\b|\bcon hieu luc mot phan\b/.test(f)) return 'partly_repealed';
  if (/\bhet hieu luc\b|\bbi bai bo\b|\bbi thay the\b/.test(f)) return 'repealed';
  // ValidityStatus has no "not yet in force": in_force would let answers quote rules that do not
  // apply yet, and repealed is false. unknown, with effectiveDate, lets the caller decide by date.
  if (/\bchua co hieu luc\b/.test(f)) return 'unknown';
  // Suspended documents are neither in force nor repealed.
  if (/\b(ngung|tam ngung|dinh chi) hieu luc\b|\bkhong xac dinh\b|\bchua xac dinh\b/.test(f)) return 'unknown';
  if (/\bcon hieu luc\b|^co hieu luc\b|\bdang co hieu luc\b/.test(f)) return 'in_force';
  return null;
}

/** "Nghị định", "NGHỊ ĐỊNH", "nghi dinh" → "Nghị định"; unknown types kept as written unless `known`. */
function canonicalType(value: string, known: boolean): string | null {
  const v = collapseSpace(value);
  const t = DOC_TYPES.find((d) => fold(d) === labelKey(v));
  return t ?? (!known && v && v.length <= 60 ? v : null);
}

/** Type named at the start of `s` ("Nghị định số 15/…", "LUẬT CƯ TRÚ"), or null. */
function leadingType(s: string): string | null {
  const f = foldAligned(s).trimStart();
  return DOC_TYPES.find((d) => f.startsWith(fold(d)) && !/[\p{L}\d]/u.test(f.charAt(fold(d).length))) ?? null;
}

function typeFromNumber(number: string): string | null {
  const code = fold(number.split('/').at(-1)!.split('-')[0]!).toUpperCase();
  return TYPE_BY_CODE[code] ?? null;
}

function issuerFromNumber(number: string): string | null {
  const parts = number.split('/').at(-1)!.split('-');
  // Joint documents ("TTLT-BTC-BTP") and bare codes ("QĐ") do not name a single issuer.
  if (parts.length > 2 || (parts.length === 2 && /^TTLT|^NQLT/.test(fold(parts[0]!).toUpperCase()))) return null;
  const code = fold(parts.at(-1)!).toUpperCase().replace(/\d+$/, '');
  if (parts.length === 1 && code !== 'QH') return null;
  return ISSUER_BY_CODE[code] ?? null;
}

function gazetteOf(value: string): { issue: string | null; date: string | null } {
  const f = fold(value);
  const m = /(?:^|\bso\b)\s*:?\s*(\d+(?:\s*[+&]\s*\d+)*)(?![\d/])/.exec(f);
  return { issue: m ? m[1]!.replace(/\s+/g, '').replace(/&/g, '+') : null, date: parseViDate(value) };
}

/** "CHÍNH PHỦ" → "Chính phủ"; "ỦY BAN NHÂN DÂN TỈNH BẮC NINH" → "Ủy ban nhân dân tỉnh Bắc Ninh". */
function agencyCase(upper: string): string {
  const s = collapseSpace(upper);
  const known = AGENCY_NAMES[labelKey(s)];
  if (known) return known;
  const lower = s.toLocaleLowerCase('vi');
  const cap = (w: string) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1);
  const local = /^((?:ủy|uỷ) ban nhân dân|hội đồng nhân dân) (tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn) (.+)$/u.exec(lower);
  if (local) return `${cap(local[1]!)} ${local[2]} ${local[3]!.split(' ').map(cap).join(' ')}`;
  const ministry = /^bộ (.+)$/u.exec(lower);
  if (ministry) return `Bộ ${cap(ministry[1]!)}`;
  return cap(lower);
}

function isUpper(s: string): boolean {
  return /\p{L}/u.test(s) && s === s.toLocaleUpperCase('vi');
}

function personName(line: string): string | null {
  const s = collapseSpace(line.replace(/^(?:ông|bà)\s+/iu, ''));
  const words = s.split(' ');
  if (words.length < 2 || words.length > 5 || !words.every((w) => /^\p{L}+$/u.test(w))) return null;
  if (isUpper(s)) return words.map((w) => w.charAt(0) + w.slice(1).toLocaleLowerCase('vi')).join(' ');
  return words.every((w) => /^\p{Lu}/u.test(w)) ? s : null;
}

// ---------------------------------------------------------------------------------------------
// Validity clauses

const LIST_ITEM = /^(?:[a-zđ]\)|\d+[a-z]?[.)]|[-+•*–])\s*/u;
const SUB_ITEM = /^(?:[a-zđ]\)|[-+•*–])\s*/u;
const TRIGGERS = /\b(sua doi,? bo sung|sua doi|bo sung|thay the|bai bo|huy bo|het hieu luc)\b/g;
/** A part of a document: "Điều 4 của", "khoản 3 Điều 7 của", "Phụ lục I ban hành kèm theo", "các quy định tại". */
const PART = /\b(?:mot so dieu|mot so noi dung|dieu|khoan|diem|chuong|muc|tiet|phu luc|bieu mau|mau so|cum tu|quy dinh)\b/g;
const PART_OF = new RegExp(`^\\s*(?:\\d+[a-z]?|[ivxlc]{1,6}|[a-z])?(?:\\s*,)?(?:\\s+(?:ban hanh\\s+)?kem theo|\\s+cua|\\s+tai)?\\s+(?:${TYPE_ALT})(?:\\s+lien tich)?(?:\\s+so)?\\s*$`);

/** Whether the words before a number name a part of that document rather than the whole of it. */
function namesPart(before: string): boolean {
  const last = [...before.matchAll(PART)].at(-1);
  return !!last && PART_OF.test(before.slice(last.index + last[0].length));
}

type Clauses = { replaces: string[]; repeals: string[]; amends: string[] };

/**
 * What a document says it replaces, repeals or amends, read from its own clauses ("Nghị định này thay
 * thế Nghị định số 01/2021/NĐ-CP …", "Bãi bỏ Thông tư số …", "Sửa đổi, bổ sung một số điều của …",
 * "… Nghị định số 02/2020/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực").
 *
 * A verb counts only when this document is its subject — at the start of a sentence or list item,
 * after "<loại> này", in a title ("Nghị định sửa đổi …") or chained with "và" — so the same verbs in
 * a cited document's name ("Luật sửa đổi, bổ sung …"), in "Căn cứ" lines or in the passive ("được
 * thay thế bởi") are ignored. Replacing or repealing only part of a document (an article, an
 * appendix) leaves that document in force, so it is listed under `amends`.
 */
export function clausesOfValidity(text: string): Clauses {
  return validityClauses(normalizeText(text), false);
}

/**
 * `text` already normalised; `titled`: its first line is the document's title, where "Nghị định sửa
 * đổi …" names its subject.
 */
function validityClauses(text: string, titled: boolean): Clauses {
  const out = { replaces: new Set<string>(), repeals: new Set<string>(), amends: new Set<string>() };
  const lines = text.split('\n').map((l) => collapseSpace(l)).filter(Boolean);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Preambles cite documents by name, and quoted lines are the text of amended provisions.
    if (/^can cu\b/.test(foldAligned(line)) || /^[“"«‘']/.test(line)) continue;
    for (const sentence of sentences(line)) {
      for (const { verb, span } of sentenceClauses(sentence, titled && i === 0)) {
        addNumbers(out, verb, span);
        // "3. Bãi bỏ các văn bản sau:" — the items below carry the numbers.
        if (!/:\s*$/.test(span)) continue;
        const item = /^\d/.test(line) ? SUB_ITEM : LIST_ITEM;
        while (i + 1 < lines.length && item.test(lines[i + 1]!)) addNumbers(out, verb, lines[++i]!.replace(item, ''));
      }
    }
  }
  return { replaces: [...out.replaces], repeals: [...out.repeals], amends: [...out.amends] };
}

type Verb = 'replaces' | 'repeals' | 'amends';

/** Splits a line at ". " and "; " — article numbers ("Điều 10.") split off harmlessly. */
function sentences(line: string): string[] {
  return line.split(/(?<=[.;])\s+/).filter(Boolean);
}

/** "Nghị định này", "Thông tư này", "Quy định này": the document speaking of itself (folded). */
const SELF_SRC = `(?:${TYPE_ALT}|van ban|quy dinh|quy che)\\s+nay`;
const SELF = new RegExp(`\\b${SELF_SRC}\\b`);
/** "Nghị định này có hiệu lực thi hành kể từ ngày … và" before the verb (folded). */
const CLOSING_ARTICLE = new RegExp(`\\b${SELF_SRC}\\b.*\\bco hieu luc(?: thi hanh)?\\b.*(?:\\bva|,)(?:\\s+dong thoi)?$`);
const TITLE_SUBJECT = new RegExp(`^(?:${TYPE_ALT})(?:\\s+so)?(?:\\s+\\d{1,4}\\s*/\\S*)?$`);
const INTRODUCES_DOCUMENT = new RegExp(`(?:${TYPE_ALT})(?:\\s+lien tich)?(?:\\s+so)?\\s*$|(?:^|[,;]|\\bva)\\s*$`);

/**
 * The verbs in `sentence` whose subject is this document, each with the words it governs (up to the
 * next verb, so a verb inside a cited document's name cuts the span short rather than adding to it).
 */
function sentenceClauses(sentence: string, title: boolean): { verb: Verb; span: string }[] {
  const f = foldAligned(sentence);
  const hits = [...f.matchAll(TRIGGERS)];
  const out: { verb: Verb; span: string }[] = [];
  const self = hits.length > 0 && SELF.test(f);
  for (const [n, m] of hits.entries()) {
    const at = m.index;
    const word = m[1]!;
    // A subject is a few words; looking further back only costs time on run-on lines.
    const whole = at <= SUBJECT_WINDOW;
    const prefix = f.slice(Math.max(0, at - SUBJECT_WINDOW), at).trim();
    if (word === 'het hieu luc') {
      // "Nghị định số 01/2021/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực": the numbers
      // come before the verb; only "… này" in the sentence ties it to this document.
      if (!self || /\b(co|duoc|bi|con)$/.test(prefix)) continue;
      // The subject starts after "Kể từ ngày … có hiệu lực," when the sentence opens with it.
      const from = Math.max(0, at - 1000);
      const lead = [...f.slice(from, at).matchAll(/\bco hieu luc(?: thi hanh)?\s*,/g)].at(-1);
      out.push({ verb: 'repeals', span: sentence.slice(lead ? from + lead.index + lead[0].length : from, at) });
      continue;
    }
    const verb: Verb = word.startsWith('thay') ? 'replaces' : word === 'bai bo' || word === 'huy bo' ? 'repeals' : 'amends';
    const sincePrevious = f.slice(Math.max(n ? hits[n - 1]!.index + hits[n - 1]![0].length : 0, at - 40), at).trim();
    const chained = out.length > 0 && /(?:^|\s|,)(?:va|dong thoi|va dong thoi),?$/.test(sincePrevious);
    if (chained || selfIsSubject(prefix, whole, title)) {
      out.push({ verb, span: sentence.slice(at + m[0].length, hits[n + 1]?.index ?? sentence.length) });
    }
  }
  return out;
}

const SUBJECT_WINDOW = 160;

/** `prefix`: the words before the verb; `whole`: whether they start the sentence. */
function selfIsSubject(prefix: string, whole: boolean, title: boolean): boolean {
  // "Nghị định này thay thế …", "Thông tư này đồng thời bãi bỏ …".
  if (/\bnay(?:\s+(?:se|cung|dong thoi))?$/.test(prefix)) return true;
  // "Nghị định này có hiệu lực thi hành kể từ ngày … và thay thế …" (the usual closing article).
  if (CLOSING_ARTICLE.test(prefix)) return true;
  if (!whole) return false;
  if (!prefix || prefix.replace(LIST_ITEM, '') === '') return true;
  // "Kể từ ngày Nghị định này có hiệu lực thi hành, bãi bỏ …".
  if (/^ke tu ngay\b.*\bnay\b.*\bco hieu luc(?: thi hanh)?,?$/.test(prefix)) return true;
  // A title: "Nghị định sửa đổi, bổ sung …", "Thông tư số 05/2025/TT-BTC bãi bỏ …".
  return title && TITLE_SUBJECT.test(prefix);
}

function addNumbers(out: Record<Verb, Set<string>>, verb: Verb, span: string): void {
  const f = foldAligned(span);
  const found = docNumbersIn(span);
  for (const [k, d] of found.entries()) {
    const before = f.slice(k === 0 ? 0 : found[k - 1]!.end, d.index);
    // The object of the verb is the first number; later ones count only when introduced as a document
    // of their own ("…, Thông tư số …", "và 02/2020/…"), not when quoted inside a name ("… Luật X số …").
    const own = k === 0 || INTRODUCES_DOCUMENT.test(before.trim() ? before.slice(-80) : ',');
    if (!own) continue;
    const partial = namesPart(k === 0 ? f.slice(0, d.index) : before);
    out[partial && verb !== 'amends' ? 'amends' : verb].add(d.number);
  }
}

// ---------------------------------------------------------------------------------------------
// HTML to lines

const BLOCK = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'html', 'li', 'main', 'ol', 'p', 'pre', 'section',
  'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
/** Never content. */
const DROP_ALWAYS = ['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'embed', 'canvas', 'head'];
/** Page furniture around the content. */
const DROP_CHROME = ['nav', 'form', 'aside', 'button', 'select', 'textarea', 'input', 'dialog', 'menu'];
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search', 'complementary', 'menu', 'menubar', 'dialog']);
const CHROME_CLASS = /^(breadcrumbs?|menu|main-menu|navbar|nav|sidebar|pagination|social|share|sharing|cookies?|ads|advert)$/;
const SEPARATOR_LINE = /^[\s\-–—_*=.~·•+]+$/;
const ARTICLE_LINE = /^Điều\s+\d+[a-zđ]?\s*[.:]/u;

type Mode = 'rows' | 'cells';

function tagOf(n: Node): string {
  return n.nodeType === NodeType.ELEMENT_NODE ? ((n as HTMLElement).rawTagName ?? '').toLowerCase() : '';
}

function elementChildren(e: HTMLElement): HTMLElement[] {
  return e.childNodes.filter((c): c is HTMLElement => c.nodeType === NodeType.ELEMENT_NODE);
}

/**
 * Plain-text lines of an element. `rows` flattens each table row to "a | b" (the text users read);
 * `cells` gives every cell its own lines (for reading a decree's header and signature block, which
 * portals lay out as tables).
 */
function renderLines(root: HTMLElement, mode: Mode): string[] {
  const lines: string[] = [];
  let cur = '';
  const flush = () => {
    const t = collapseSpace(cur);
    if (t && !SEPARATOR_LINE.test(t)) lines.push(t);
    cur = '';
  };
  const walk = (n: Node): void => {
    if (n.nodeType === NodeType.TEXT_NODE) {
      cur += n.text;
      return;
    }
    if (n.nodeType !== NodeType.ELEMENT_NODE) return;
    const e = n as HTMLElement;
    const tag = tagOf(e);
    if (tag === 'br') return flush();
    if (tag === 'pre') {
      flush();
      for (const l of e.text.split('\n')) (cur = l), flush();
      return;
    }
    if (mode === 'rows' && tag === 'table') {
      flush();
      for (const row of tableRows(e)) lines.push(...rowLines(row));
      return;
    }
    if (mode === 'rows' && tag === 'dl') {
      flush();
      lines.push(...dlLines(e));
      return;
    }
    const block = BLOCK.has(tag);
    if (block) flush();
    for (const c of e.childNodes) walk(c);
    if (block) flush();
  };
  walk(root);
  flush();
  return lines;
}

function tableRows(table: HTMLElement): HTMLElement[][] {
  const rows: HTMLElement[][] = [];
  const cellsOf = (tr: HTMLElement) => elementChildren(tr).filter((c) => tagOf(c) === 'td' || tagOf(c) === 'th');
  const visit = (e: HTMLElement) => {
    for (const c of elementChildren(e)) {
      const t = tagOf(c);
      if (t === 'tr') rows.push(cellsOf(c));
      else if (t === 'thead' || t === 'tbody' || t === 'tfoot') visit(c);
      else if (t === 'td' || t === 'th') rows.push([c]);
      else if (t === 'caption') rows.push([c]);
    }
  };
  visit(table);
  return rows;
}

function rowLines(cells: HTMLElement[]): string[] {
  const rendered = cells.map((c) => renderLines(c, 'rows'));
  // Old portals lay whole documents out in one table cell; flattening that would glue articles together.
  const layout = cells.some((c) => c.querySelector('table')) || rendered.some((ls) => ls.length > 6 || ls.some((l) => ARTICLE_LINE.test(l)));
  if (layout) return rendered.flat();
  const parts = rendered.map((ls) => ls.join(' ')).filter(Boolean);
  return parts.length ? [parts.join(' | ')] : [];
}

function dlLines(dl: HTMLElement): string[] {
  const out: string[][] = [];
  const visit = (e: HTMLElement) => {
    for (const c of elementChildren(e)) {
      const t = tagOf(c);
      const text = renderLines(c, 'rows').join(' ');
      if (t === 'dt') out.push([text]);
      else if (t === 'dd') (out.at(-1) ?? (out.push([]), out.at(-1)!)).push(text);
      else if (t === 'div') visit(c);
    }
  };
  visit(dl);
  return out.map((p) => p.filter(Boolean).join(' | ')).filter(Boolean);
}

function dropAll(root: HTMLElement, tags: string[]): void {
  for (const e of root.querySelectorAll(tags.join(','))) e.remove();
}

function dropChrome(root: HTMLElement): void {
  dropAll(root, DROP_CHROME);
  for (const e of root.querySelectorAll('header, footer')) {
    // An <article>'s own header holds its headline; only the page's banner and footer are chrome.
    if (!e.closest('article, main')) e.remove();
  }
  for (const e of root.querySelectorAll('[role], [class], [id]')) {
    const role = (e.getAttribute('role') ?? '').toLowerCase();
    const tokens = `${e.getAttribute('class') ?? ''} ${e.getAttribute('id') ?? ''}`.toLowerCase().split(/\s+/);
    if (CHROME_ROLES.has(role) || tokens.some((t) => CHROME_CLASS.test(t))) e.remove();
  }
}

/** The page's main content: <main>/<article> when it holds most of the text, else the whole body. */
function mainContent(root: HTMLElement): HTMLElement {
  const body = root.querySelector('body') ?? root;
  const total = body.text.length;
  let best: HTMLElement | null = null;
  for (const e of root.querySelectorAll('main, [role=main], article')) if (!best || e.text.length > best.text.length) best = e;
  return best && best.text.length >= 0.3 * total ? best : body;
}

// ---------------------------------------------------------------------------------------------
// Metadata

type Pair = [Field, string];

/** Label/value pairs in table rows, <dl>, "Label: value" lines and label-then-value lines. */
function labelPairs(root: HTMLElement): Pair[] {
  const pairs: Pair[] = [];
  for (const table of root.querySelectorAll('table')) {
    const rows = tableRows(table).map((cells) => cells.map((c) => renderLines(c, 'rows').join(' ')));
    for (const cells of rows) {
      for (let i = 0; i < cells.length; i++) {
        const f = fieldOf(cells[i]!);
        if (f && i + 1 < cells.length && !fieldOf(cells[i + 1]!)) pairs.push([f, cells[++i]!]);
        else pairs.push(...linePair(cells[i]!));
      }
    }
    // A header row of labels over a single row of values.
    if (rows.length === 2 && rows[0]!.length === rows[1]!.length && rows[0]!.length > 1 && rows[0]!.every((c) => fieldOf(c))) {
      rows[0]!.forEach((label, k) => pairs.push([fieldOf(label)!, rows[1]![k]!]));
    }
  }
  for (const dl of root.querySelectorAll('dl')) {
    let field: Field | null = null;
    for (const c of elementChildren(dl).flatMap((e) => (tagOf(e) === 'div' ? elementChildren(e) : [e]))) {
      const text = renderLines(c, 'rows').join(' ');
      if (tagOf(c) === 'dt') field = fieldOf(text);
      else if (tagOf(c) === 'dd' && field) pairs.push([field, text]);
    }
  }
  const lines = renderLines(root, 'cells');
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    const own = linePair(line);
    if (own.length) pairs.push(...own);
    else {
      // "Số ký hiệu:" or a multi-word label alone on its line, its value on the next.
      const m = /^(.{1,50}?)\s*[:：]?$/u.exec(line);
      const f = m ? fieldOf(m[1]!) : null;
      if (f && next && !fieldOf(next) && (line.trim().endsWith(':') || labelKey(line).includes(' '))) pairs.push([f, next]);
    }
  }
  return pairs;
}

function linePair(line: string): Pair[] {
  const m = /^([^:：]{1,50}?)\s*[:：]\s*(.+)$/u.exec(line);
  const f = m ? fieldOf(m[1]!) : null;
  return f ? [[f, m![2]!]] : [];
}

function metaPairs(root: HTMLElement): { pairs: Pair[]; ogTitle: string | null; siteName: string | null } {
  const pairs: Pair[] = [];
  let ogTitle: string | null = null;
  let siteName: string | null = null;
  for (const m of root.querySelectorAll('meta')) {
    const name = m.getAttribute('name') ?? m.getAttribute('property') ?? m.getAttribute('itemprop') ?? '';
    const content = collapseSpace(m.getAttribute('content') ?? '');
    if (!name || !content) continue;
    const key = labelKey(name);
    if (key === 'og title' || key === 'twitter title') ogTitle ??= content;
    else if (key === 'og site name' || key === 'application name') siteName ??= content;
    const f = fieldOf(name);
    if (f) pairs.push([f, content]);
  }
  return { pairs, ogTitle, siteName };
}

interface Meta {
  number: string | null;
  docType: string | null;
  issuer: string | null;
  signer: string | null;
  issueDate: string | null;
  effectiveDate: string | null;
  status: ValidityStatus | null;
  replacedBy: string | null;
  replaces: Set<string>;
  repeals: Set<string>;
  amends: Set<string>;
  gazetteIssue: string | null;
  gazetteDate: string | null;
}

/** Applies pairs in priority order: the first valid value of each single-valued field wins. */
function applyPairs(meta: Meta, pairs: Pair[]): void {
  for (const [field, raw] of pairs) {
    const value = collapseSpace(normalizeText(raw));
    if (!value) continue;
    switch (field) {
      case 'number':
        meta.number ??= firstDocNumber(value);
        break;
      case 'docType':
      case 'knownType':
        meta.docType ??= canonicalType(value, field === 'knownType');
        break;
      case 'issuer':
      case 'signer':
        if (value.length <= 150) meta[field] ??= value;
        break;
      case 'issueDate':
      case 'effectiveDate':
        meta[field] ??= parseViDate(value);
        break;
      case 'status':
        meta.status ??= statusOf(value);
        break;
      case 'replaces':
      case 'repeals':
      case 'amends':
        for (const d of docNumbersIn(value)) meta[field].add(d.number);
        break;
      case 'replacedBy':
        meta.replacedBy ??= firstDocNumber(value);
        break;
      case 'gazette': {
        if (!/cong bao|^\s*(so\s*)?\d/.test(fold(value))) break;
        const g = gazetteOf(value);
        meta.gazetteIssue ??= g.issue;
        meta.gazetteDate ??= g.date;
        break;
      }
      case 'gazetteIssue':
        meta.gazetteIssue ??= gazetteOf(`số ${value}`).issue;
        break;
      case 'gazetteDate':
        meta.gazetteDate ??= parseViDate(value);
        break;
    }
  }
}

const EFFECTIVE_FROM = new RegExp(`\\b${SELF_SRC}\\s+co\\s+hieu\\s+luc(?:\\s+thi\\s+hanh)?\\s+(?:ke\\s+)?tu\\s+ngay\\s+`);
const ADOPTED_ON = new RegExp(`\\b${SELF_SRC}\\s+(?:da\\s+)?duoc\\s+.{0,160}?thong\\s+qua\\s+ngay\\s+`);
const REPLACED_BY = new RegExp(`(?:^|\\n|\\b${SELF_SRC}\\s+)(?:da\\s+)?(?:duoc|bi)\\s+thay\\s+the\\s+(?:boi|bang)\\s+`);

/** What the document's own text says: its header, closing articles and signature block. */
function inferFromText(meta: Meta, lines: string[], text: string): void {
  const firstArticle = lines.findIndex((l) => ARTICLE_LINE.test(l));
  const header = lines.slice(0, Math.min(firstArticle < 0 ? 40 : firstArticle, 40));
  const fh = header.map(foldAligned);

  // "CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": the issuer heads the left column.
  const nation = fh.findIndex((l) => l.includes('cong hoa xa hoi chu nghia viet nam'));
  if (!meta.issuer && nation > 0) {
    const upper: string[] = [];
    for (let k = nation - 1; k >= 0 && upper.length < 3 && isUpper(header[k]!) && !/^so\b/.test(fh[k]!); k--) upper.unshift(header[k]!);
    if (upper.length) {
      const last = upper.at(-1)!;
      // "ỦY BAN NHÂN DÂN" over "TỈNH BẮC NINH" is one name; "BỘ TÀI CHÍNH" over "TỔNG CỤC THUẾ" is the unit.
      const local = /^(tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran)\b/.test(fold(last)) && upper.length > 1;
      meta.issuer = agencyCase(local ? `${upper.at(-2)} ${last}` : last);
    }
  }
  if (!meta.issueDate) {
    const k = fh.findIndex((l) => /^[a-z][a-z .'-]{1,40},\s*ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}/.test(l));
    if (k >= 0) meta.issueDate = parseViDate(header[k]!);
  }
  if (!meta.docType) {
    const k = header.findIndex((l, j) => isUpper(l) && j !== nation && leadingType(l) && labelKey(l).length <= 40);
    if (k >= 0) meta.docType = leadingType(header[k]!);
  }

  const f = foldAligned(text);
  if (!meta.effectiveDate) {
    const m = EFFECTIVE_FROM.exec(f);
    if (m) {
      const rest = f.slice(m.index + m[0].length, m.index + m[0].length + 40);
      meta.effectiveDate = /^(ky|ban hanh)\b/.test(rest) ? meta.issueDate : parseViDate(rest);
    }
  }
  if (!meta.issueDate) {
    // Laws carry no "Hà Nội, ngày …" line; they end "… thông qua ngày 29 tháng 6 năm 2024."
    const m = ADOPTED_ON.exec(f);
    if (m) meta.issueDate = parseViDate(f.slice(m.index + m[0].length, m.index + m[0].length + 40));
  }
  if (!meta.replacedBy) {
    const m = REPLACED_BY.exec(f);
    if (m) meta.replacedBy = firstDocNumber(text.slice(m.index + m[0].length).split(/[\n.;]\s/)[0] ?? '');
  }
  if (!meta.gazetteIssue) {
    const m = /\bcong bao\s+(?=so\s*:?\s*\d)/.exec(f);
    if (m) {
      const g = gazetteOf(text.slice(m.index + m[0].length, m.index + m[0].length + 80));
      meta.gazetteIssue = g.issue;
      meta.gazetteDate ??= g.date;
    }
  }
  if (!meta.signer) meta.signer = signerOf(lines);
}

const SIGN_TITLE = /^(?:(?:tm|kt|q|tl|tuq)\.\s*|(?:pho\s+)?(?:thu tuong|bo truong|chu tich|chanh an|vien truong|thong doc|tong kiem toan|tong giam doc|giam doc|cuc truong|chanh van phong|truong ban|thu truong)\b)/;

/** The person who signed, from the closing block "TM. CHÍNH PHỦ / THỦ TƯỚNG / (Đã ký) / Phạm Minh Chính". */
function signerOf(lines: string[]): string | null {
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 60); i--) {
    if (!isUpper(lines[i]!) || !SIGN_TITLE.test(foldAligned(lines[i]!))) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
      const l = lines[j]!;
      if (/da ky|^\[.*\]$|^\(.*\)$/.test(foldAligned(l))) continue;
      return personName(l);
    }
    return null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Title

const SITE_WORDS = /cong thong tin|cong ttdt|co so du lieu|thu vien|bao dien tu|trang thong tin|website|portal|\.vn\b|\.com\b|www\./;

/** A <title> without the site's name after " | ", " - ", " – " or " — ". */
function pageTitle(raw: string, siteName: string | null, url: string): string {
  let t = collapseSpace(raw);
  let host = '';
  try {
    host = new URL(url).hostname.replace(/^www\./, '');
  } catch {
    // No usable URL: the site's name is recognised by its words alone.
  }
  if (siteName) {
    const s = collapseSpace(siteName);
    const re = new RegExp(`\\s*[|\\-–—:]+\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'u');
    if (re.test(t)) return t.replace(re, '');
  }
  const pipe = t.split(/\s+\|\s+/);
  if (pipe.length > 1) t = pipe.slice(0, -1).join(' | ');
  const dash = t.split(/\s+[-–—]\s+/);
  const last = fold(dash.at(-1) ?? '');
  if (dash.length > 1 && (SITE_WORDS.test(last) || (host && last.includes(host)))) t = dash.slice(0, -1).join(' - ');
  return t;
}

// ---------------------------------------------------------------------------------------------

export function extractPage(html: string, url: string): ExtractedPage {
  let root: HTMLElement;
  try {
    root = parse(String(html ?? ''), { comment: false, parseNoneClosedTags: true, blockTextElements: { script: true, style: true, noscript: true } });
  } catch {
    root = parse('');
  }
  const { pairs: metaTagPairs, ogTitle, siteName } = metaPairs(root);
  const rawTitle = root.querySelector('title')?.text ?? '';
  dropAll(root, DROP_ALWAYS);
  // Property panels sometimes sit in an <aside>; read labels before the chrome goes.
  const pagePairs = labelPairs(root);
  dropChrome(root);
  const main = mainContent(root);

  const text = normalizeText(renderLines(main, 'rows').join('\n'));
  const cellLines = normalizeText(renderLines(main, 'cells').join('\n')).split('\n');

  const h1 = main.querySelector('h1') ?? root.querySelector('h1');
  const titleRaw = (h1 && collapseSpace(h1.text)) || (ogTitle && collapseSpace(ogTitle)) || (rawTitle && pageTitle(rawTitle, siteName, url)) || '';
  const title = titleRaw ? normalizeText(titleRaw) : null;

  const meta: Meta = {
    number: null, docType: null, issuer: null, signer: null, issueDate: null, effectiveDate: null, status: null,
    replacedBy: null, replaces: new Set(), repeals: new Set(), amends: new Set(), gazetteIssue: null, gazetteDate: null,
  };
  applyPairs(meta, labelPairs(main));
  applyPairs(meta, metaTagPairs);
  applyPairs(meta, pagePairs);

  // A title that starts with the type names the document ("Nghị định 15/2025/NĐ-CP quy định …"); a
  // headline that merely mentions a number ("Chính phủ ban hành Nghị định 15/…") does not.
  const titled = title && leadingType(title) ? title : null;
  if (!meta.number && titled) {
    const n = docNumbersIn(titled)[0];
    if (n && /^[\p{L}\s]*(?:số\s*)?$/iu.test(titled.slice(0, n.index))) meta.number = n.number;
  }
  inferFromText(meta, cellLines, text);
  meta.docType ??= (titled && leadingType(titled)) ?? (meta.number ? typeFromNumber(meta.number) : null);
  if (!meta.issuer && meta.number) meta.issuer = issuerFromNumber(meta.number);

  // Only a legal document's page speaks for itself; news and Q&A retell what other documents did.
  const legal = Boolean(meta.number || meta.docType);
  const clauses = legal ? validityClauses(titled ? `${titled}\n${text}` : text, Boolean(titled)) : { replaces: [], repeals: [], amends: [] };
  const own = meta.number;
  const merge = (a: Set<string>, b: string[]) => [...new Set([...a, ...b])].filter((n) => n !== own);
  const gazette = meta.gazetteIssue || meta.gazetteDate ? { issue: meta.gazetteIssue, date: meta.gazetteDate } : null;
  return {
    title,
    text,
    number: meta.number,
    docType: meta.docType,
    issuer: meta.issuer,
    signer: meta.signer,
    issueDate: meta.issueDate,
    effectiveDate: meta.effectiveDate,
    status: meta.status,
    replaces: merge(meta.replaces, clauses.replaces),
    repeals: merge(meta.repeals, clauses.repeals),
    amends: merge(meta.amends, clauses.amends),
    replacedBy: meta.replacedBy && meta.replacedBy !== own ? meta.replacedBy : null,
    gazette,
  };
}
