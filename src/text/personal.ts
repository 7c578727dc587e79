// Personal data in free text (Nghị định 13/2023/NĐ-CP): citizen IDs (CCCD 12 digits, CMND 9),
// phone numbers, emails, social-insurance and health-card numbers, tax codes, bank accounts,
// licence plates and house-level addresses. Masked wherever a text leaves the agency that owns it:
// the public ticket page, exports (issue [trust] widens this to logs and prompts).
//
// Decisions, measured against the labelled corpus in personal-corpus.ts:
// - Agency hotlines (1800/1900 numbers, 111–115) and *.gov.vn mailboxes are public: left alone.
//   Any other 10–11 digit phone number and any house-level address is masked whoever owns it —
//   we cannot tell an office line or address from a citizen's, and over-masking costs little.
// - A number's kind comes from the nearest keyword before it ("CCCD", "STK", "MST" …) and
//   otherwise from its shape; thousand-grouped numbers and numbers followed by a unit
//   ("1.900.000 đồng", "30 ngày") are amounts, never identifiers, unless a keyword says otherwise.
// - Numbers keep their last three digits ("•••••••678") so a citizen can recognise their own;
//   plates and addresses are replaced by a label.

export type PersonalKind =
  | 'email'
  | 'phone'
  | 'citizen_id'
  | 'old_id'
  | 'social_insurance'
  | 'health_card'
  | 'tax_code'
  | 'bank_account'
  | 'id_number'
  | 'plate'
  | 'address';

export type PersonalSpan = { kind: PersonalKind; start: number; end: number };

const PLATE_MASK = '[biển số xe]';
const ADDRESS_MASK = '[địa chỉ]';
const EMAIL_MASK = '•••@•••';

const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';
/** Case-insensitive first letter only: the rest of the pattern must stay case-sensitive. */
const cap = (w: string) => `[${w[0]!.toLowerCase()}${w[0]!.toUpperCase()}]${w.slice(1)}`;
const words = (ws: string[]) => `(?:${ws.map(cap).join('|')})`;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const PUBLIC_EMAIL = /\.gov\.vn$/i;

const HEALTH_CARD = new RegExp(`${NOT_WORD_BEFORE}[A-Z]{2}\\d{13}${NOT_WORD_AFTER}`, 'gu');

// 2-digit province, series (1–2 letters, motorbikes add a digit), then 4–5 digits ("123.45").
const PLATE = new RegExp(
  `${NOT_WORD_BEFORE}\\d{2}[ -]?([A-Za-z]{1,2})\\d?[ -]?(?:\\d{3}\\.\\d{2}|\\d{4,5})${NOT_WORD_AFTER}`,
  'gu',
);
const PLATE_CONTEXT = /(?:biển|bien|xe|plate|car)\b[^\n]{0,20}$/iu;

// Addresses: a house number or alley followed by a street name, or a hamlet; then any
// ", phường/xã/quận/huyện …" parts. Province and city are not personal and stay.
const NAME_WORD = '\\p{Lu}\\p{Ll}*';
const NAME = `${NAME_WORD}(?:\\s+${NAME_WORD}){0,4}`;
const NUM = '\\d+[A-Za-z]?(?:/\\d+)*';
const HOUSE = `${words(['số nhà', 'so nha', 'số', 'so'])}\\s+${NUM}`;
const ALLEY = `${words(['ngõ', 'ngo', 'ngách', 'ngach', 'hẻm', 'hem', 'kiệt', 'kiet'])}\\s+${NUM}`;
const STREET = `(?:${words(['đường', 'duong', 'phố', 'pho'])}\\s+)?${NAME}`;
const UNIT = `(?:${words(['phường', 'phuong', 'xã', 'xa', 'thị trấn', 'thi tran', 'thị xã', 'thi xa', 'quận', 'quan', 'huyện', 'huyen'])}\\s+|[PpQq]\\.\\s?)`;
const TAIL = `(?:,\\s*${UNIT}(?:${NAME}|\\d+))*`;
const HAMLET = `(?:${words(['thôn', 'thon', 'xóm', 'xom', 'ấp', 'tổ dân phố', 'to dan pho', 'khu phố', 'khu pho'])}\\s+(?:${NAME}|\\d+)|${words(['tổ', 'ap'])}\\s+\\d+)`;
const ADDRESS = new RegExp(
  `${NOT_WORD_BEFORE}(?:${HOUSE}(?:,?\\s+${ALLEY})*,?\\s+${STREET}|${HOUSE}(?:,?\\s+${ALLEY})+|${ALLEY}(?:\\s+${ALLEY})*\\s+${STREET}|${HAMLET})${TAIL}`,
  'gu',
);
// A bare house number ("45A Trần Hưng Đạo") only counts right after an address cue.
const BARE_ADDRESS = new RegExp(
  `(?<=(?:${words(['tại', 'tai', 'ở', 'trú', 'tru', 'về', 'at', 'address', 'địa chỉ', 'dia chi'])})(?:\\s+\\p{Ll}+)?\\s*:?\\s+)${NUM}(?:,?\\s+${ALLEY})*\\s+${STREET}${TAIL}`,
  'gu',
);
// Capitalised words that follow "số 02" in legal text and are not street names.
const NOT_STREET = new Set(
  'Phụ Điều Khoản Chương Mục Luật Nghị Thông Quyết Bộ Sở Cục Chi UBND Công Phòng Ban Tổng Văn Trung Chính Quốc Ủy Mẫu Tòa Tờ Biểu PM AM'.split(' '),
);

// A run of digit groups joined by single spaces, dots or dashes, e.g. "+84 912 345 678".
const DIGIT_RUN = /(?<![\p{L}\p{N}/.,_-])\+?\d+(?:[ .-]\d+)*/gu;
const UNIT_AFTER = /^\s?(?:đồng|dong|đ|d|vnđ|vnd|usd|%|triệu|trieu|tỷ|ty|nghìn|ngàn|người|nguoi|liều|lượt|hồ sơ|km|m2|kg|tấn|phút|ngày|tháng|năm)(?![\p{L}\p{N}])/iu;
const KEYWORDS: [Exclude<PersonalKind, 'email' | 'plate' | 'address' | 'health_card' | 'id_number'>, RegExp][] = [
  ['citizen_id', /cccd|căn cước|can cuoc|định danh|dinh danh|id card|\bid\b/giu],
  ['old_id', /cmnd|chứng minh|chung minh|old id/giu],
  ['social_insurance', /bhxh|bảo hiểm|bao hiem|social insurance/giu],
  ['tax_code', /\bmst\b|mã số thuế|ma so thue|tax code|tax id/giu],
  ['bank_account', /\bstk\b|tài khoản|tai khoan|\btk\b|ngân hàng|ngan hang|account/giu],
  ['phone', /sđt|\bsdt\b|điện thoại|dien thoai|\bđt\b|\bdt\b|zalo|phone|\bgọi\b|liên hệ|liên lạc|máy bàn|di động|\btext\b|\bcall\b|contact/giu],
];
const DIGITS_FOR: Record<(typeof KEYWORDS)[number][0], (n: number) => boolean> = {
  citizen_id: (n) => n === 12 || n === 9,
  old_id: (n) => n === 9 || n === 12,
  social_insurance: (n) => n === 10,
  tax_code: (n) => n === 10 || n === 13,
  bank_account: (n) => n >= 8 && n <= 19,
  phone: () => false, // phones are recognised by shape; the keyword only confirms
};

function keywordBefore(text: string, start: number): (typeof KEYWORDS)[number][0] | null {
  const window = text.slice(Math.max(0, start - 40), start).split('\n').pop()!;
  let best: { kind: (typeof KEYWORDS)[number][0]; at: number } | null = null;
  for (const [kind, re] of KEYWORDS) {
    for (const m of window.matchAll(re)) {
      const at = m.index + m[0].length;
      if (!best || at > best.at) best = { kind, at };
    }
  }
  // A keyword speaks for the next number only: in "STK 0123456789. Tổng đài 1900 1234" the hotline
  // is not a second account number.
  if (best && /\d/.test(window.slice(best.at))) return null;
  return best?.kind ?? null;
}

type Group = { digits: string; start: number; end: number; sep: string };

function classifyNumber(text: string, groups: Group[], plus: boolean): PersonalKind | null {
  const first = groups[0]!;
  const last = groups[groups.length - 1]!;
  const digits = groups.map((g) => g.digits).join('');
  const n = digits.length;
  const seps = groups.slice(1).map((g) => g.sep);
  if (UNIT_AFTER.test(text.slice(last.end))) return null;
  const ctx = keywordBefore(text, first.start - (plus ? 1 : 0));
  if (/^1[89]00/.test(digits) && ctx !== 'bank_account') return null; // public hotlines
  const thousands =
    !plus &&
    seps.length > 0 &&
    seps.every((s) => s === seps[0] && (s === '.' || s === ',')) &&
    !digits.startsWith('0') &&
    first.digits.length <= 3 &&
    groups.slice(1).every((g) => g.digits.length === 3);
  if (ctx && ctx !== 'phone' && DIGITS_FOR[ctx](n)) return ctx;
  if (thousands) return null;
  if (plus) return digits.startsWith('84') && (n === 11 || n === 12) ? 'phone' : null;
  if (digits.startsWith('84') && n === 11 && /[35789]/.test(digits[2]!)) return 'phone';
  if (digits.startsWith('0')) {
    if (n === 10 && /[35789]/.test(digits[1]!)) return 'phone';
    if (n === 11 && digits[1] === '2') return 'phone';
    if (n === 12) return 'citizen_id';
    if (n === 9) return 'old_id';
    if (n === 10 || n === 13) return 'id_number';
    return null;
  }
  // Without a keyword, only an unbroken run of 9–13 digits is read as an identifier.
  return seps.length === 0 && n >= 9 && n <= 13 ? 'id_number' : null;
}

function findNumbers(text: string): PersonalSpan[] {
  const found: PersonalSpan[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const plus = m[0].startsWith('+');
    const groups: Group[] = [];
    for (const g of m[0].matchAll(/([ .-]?)(\d+)/g)) {
      const start = m.index + g.index + g[1]!.length;
      groups.push({ digits: g[2]!, start, end: start + g[2]!.length, sep: g[1]! });
    }
    if (/^[\p{L}/]/u.test(text.slice(m.index + m[0].length))) continue; // "1234/QĐ", "7h30"
    // Longest valid prefix first, so "0912345678 0987654321" gives two phones. A run is only
    // split at spaces: "2.000986.000" is one code, not a number hiding inside another.
    const splitsAt = (k: number) => k === 0 || k === groups.length || groups[k]!.sep === ' ';
    for (let i = 0; i < groups.length; ) {
      let taken = false;
      for (let j = groups.length; j > i; j--) {
        if (!splitsAt(i) || !splitsAt(j)) continue;
        const part = groups.slice(i, j);
        const kind = classifyNumber(text, part, plus && i === 0);
        if (kind) {
          found.push({ kind, start: i === 0 ? m.index : part[0]!.start, end: part[part.length - 1]!.end });
          i = j;
          taken = true;
          break;
        }
      }
      if (!taken) i++;
    }
  }
  return found;
}

/** Personal data in `text`, as non-overlapping spans sorted by position. */
export function findPersonal(text: string): PersonalSpan[] {
  const spans: PersonalSpan[] = [];
  const free = (s: number, e: number) => spans.every((x) => e <= x.start || s >= x.end);
  const add = (kind: PersonalKind, start: number, end: number) => {
    if (end > start && free(start, end)) spans.push({ kind, start, end });
  };

  for (const m of text.matchAll(EMAIL)) if (!PUBLIC_EMAIL.test(m[0])) add('email', m.index, m.index + m[0].length);
  for (const m of text.matchAll(HEALTH_CARD)) add('health_card', m.index, m.index + m[0].length);
  for (const m of text.matchAll(PLATE)) {
    if (m[1] !== m[1]!.toUpperCase() && !PLATE_CONTEXT.test(text.slice(0, m.index))) continue;
    add('plate', m.index, m.index + m[0].length);
  }
  // Both address patterns may match the same place ("ở 15 ngõ 4 Lê Lợi"): the earliest, longest wins.
  const addresses = [...text.matchAll(BARE_ADDRESS), ...text.matchAll(ADDRESS)]
    .filter((m) => {
      const street = /\d[A-Za-z]?(?:\/\d+)*,?\s+(?:(?:đường|duong|phố|pho)\s+)?(\p{Lu}\p{Ll}*)/u.exec(m[0]);
      return !(street && NOT_STREET.has(street[1]!) && !/^(?:thôn|thon|xóm|xom|ấp|ap|tổ|to|khu)/iu.test(m[0]));
    })
    .sort((a, b) => a.index - b.index || b[0].length - a[0].length);
  for (const m of addresses) add('address', m.index, m.index + m[0].length);
  for (const s of findNumbers(text)) add(s.kind, s.start, s.end);
  return spans.sort((a, b) => a.start - b.start);
}

function maskOf(kind: PersonalKind, raw: string): string {
  if (kind === 'email') return EMAIL_MASK;
  if (kind === 'plate') return PLATE_MASK;
  if (kind === 'address') return ADDRESS_MASK;
  const digits = raw.replace(/\D/g, '');
  return `${'•'.repeat(Math.max(0, digits.length - 3))}${digits.slice(-3)}`;
}

export function maskPersonal(text: string): string {
  let out = '';
  let at = 0;
  for (const s of findPersonal(text)) {
    out += text.slice(at, s.start) + maskOf(s.kind, text.slice(s.start, s.end));
    at = s.end;
  }
  return out + text.slice(at);
}
