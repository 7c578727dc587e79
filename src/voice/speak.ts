// Written questions to the way a recogniser hears them said: the inverse of normalize.ts, for
// evaluating voice. "Lệ phí cấp CCCD theo Nghị định 42/2022/NĐ-CP là 500.000 đồng?" becomes
// "ờ cho em hỏi là lệ phí cấp căn cước công dân theo nghị định bốn mươi hai năm hai không hai hai
// là năm trăm nghìn đồng ạ": lowercase, no punctuation, numbers in words, fillers, and a share of
// syllables without their marks. The readings vary the way people vary (nghìn/ngàn, linh/lẻ, a year
// in full or digit by digit, an abbreviation spelled or expanded), chosen by a seeded generator so
// an eval gives the same questions on every run.
import { fold } from '../text/normalize.ts';
import { lacksDiacritics } from '../text/restore.ts';

/** A small seeded generator (mulberry32): uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a stable seed from a question id. */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Numbers

export interface Dialect {
  /** Northern "nghìn", southern "ngàn". */
  thousand: 'nghìn' | 'ngàn';
  /** The zero tens place: "một trăm linh năm" (north), "một trăm lẻ năm" (south). */
  zeroTens: 'linh' | 'lẻ';
}

const NORTH: Dialect = { thousand: 'nghìn', zeroTens: 'linh' };
const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];

/** 1–999 as one group; `full` reads the hundreds even when zero ("không trăm linh năm" after nghìn). */
function groupWords(g: number, full: boolean, d: Dialect): string[] {
  const h = Math.floor(g / 100);
  const t = Math.floor(g / 10) % 10;
  const u = g % 10;
  const out: string[] = [];
  const withHundreds = h > 0 || full;
  if (withHundreds) out.push(DIGIT_WORDS[h]!, 'trăm');
  if (t === 0) {
    if (u > 0) out.push(...(withHundreds ? [d.zeroTens] : []), DIGIT_WORDS[u]!);
  } else if (t === 1) {
    out.push('mười');
    if (u > 0) out.push(u === 5 ? 'lăm' : DIGIT_WORDS[u]!);
  } else {
    out.push(DIGIT_WORDS[t]!, 'mươi');
    // after "mươi" one is "mốt", four "tư", five "lăm"
    if (u > 0) out.push(u === 1 ? 'mốt' : u === 4 ? 'tư' : u === 5 ? 'lăm' : DIGIT_WORDS[u]!);
  }
  return out;
}

function belowBillion(n: number, leading: boolean, d: Dialect): string[] {
  const out: string[] = [];
  let started = !leading;
  for (const [g, scale] of [
    [Math.floor(n / 1e6), 'triệu'],
    [Math.floor(n / 1e3) % 1000, d.thousand],
    [n % 1000, ''],
  ] as const) {
    // A zero group is left out: 1.000.005 is "một triệu không trăm linh năm".
    if (g === 0) continue;
    out.push(...groupWords(g, started, d), ...(scale ? [scale] : []));
    started = true;
  }
  return out;
}

function spell(n: number, leading: boolean, d: Dialect): string[] {
  if (n < 1e9) return belowBillion(n, leading, d);
  const rest = n % 1e9;
  return [...spell(Math.floor(n / 1e9), leading, d), 'tỷ', ...(rest ? belowBillion(rest, false, d) : [])];
}

/** A whole number as read aloud: 21 "hai mươi mốt", 1005 "một nghìn không trăm linh năm", 1200000 "một triệu hai trăm nghìn". */
export function numberToWords(n: number, dialect: Dialect = NORTH): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`numberToWords takes a whole number from 0; got ${n}`);
  return n === 0 ? 'không' : spell(n, true, dialect).join(' ');
}

const digitByDigit = (s: string) => [...s].map((c) => DIGIT_WORDS[Number(c)]!).join(' ');

type YearStyle = 'full' | 'short' | 'digits';

/**
 * A year as people say it: in full ("hai nghìn không trăm mười lăm"), shortened ("hai nghìn mười
 * lăm") or digit by digit ("hai không mười lăm", "hai không một lăm", "hai không hai tư").
 */
function yearWords(y: number, style: YearStyle, d: Dialect, rand: () => number, teens = true): string {
  if (style === 'full' || y < 2000 || y > 2099) return numberToWords(y, d);
  const rest = y % 100;
  if (style === 'short') return rest ? `hai ${d.thousand} ${rest < 10 ? `${d.zeroTens} ` : ''}${numberToWords(rest, d)}` : `hai ${d.thousand}`;
  // The 2010s are said both ways: "hai không mười lăm" and "hai không một lăm".
  if (teens && rest >= 10 && rest < 20 && rand() < 0.5) return `hai không ${numberToWords(rest, d)}`;
  const [a, b] = [Math.floor(rest / 10), rest % 10];
  const last = a >= 2 && b === 1 ? 'mốt' : a > 0 && b === 4 ? 'tư' : a > 0 && b === 5 ? 'lăm' : DIGIT_WORDS[b]!;
  return `hai không ${DIGIT_WORDS[a]} ${last}`;
}

// ---------------------------------------------------------------------------------------------
// Abbreviations and letters

// How citizens say the abbreviations they write. Spelled forms only where normalize.ts reads them back.
const ABBREVIATIONS: Record<string, { said: string[]; spelled?: string }> = {
  CCCD: { said: ['căn cước công dân', 'căn cước'], spelled: 'xê xê xê đê' },
  CMND: { said: ['chứng minh nhân dân', 'chứng minh thư'], spelled: 'xê em en đê' },
  BHXH: { said: ['bảo hiểm xã hội'], spelled: 'bê hát xê hát' },
  BHYT: { said: ['bảo hiểm y tế'], spelled: 'bê hát y tê' },
  BHTN: { said: ['bảo hiểm thất nghiệp'] },
  GPLX: { said: ['giấy phép lái xe', 'bằng lái xe', 'bằng lái'], spelled: 'gờ pê lờ xê' },
  UBND: { said: ['ủy ban nhân dân', 'ủy ban'], spelled: 'u bê en đê' },
  HĐND: { said: ['hội đồng nhân dân'] },
  MST: { said: ['mã số thuế'], spelled: 'em ét tê' },
  TNCN: { said: ['thu nhập cá nhân'] },
  THPT: { said: ['trung học phổ thông', 'cấp ba'] },
  THCS: { said: ['trung học cơ sở', 'cấp hai'] },
  CSGT: { said: ['cảnh sát giao thông'] },
  TTHC: { said: ['thủ tục hành chính'] },
  PCCC: { said: ['phòng cháy chữa cháy'] },
  DVC: { said: ['dịch vụ công'] },
  BLHS: { said: ['bộ luật hình sự'] },
  BLDS: { said: ['bộ luật dân sự'] },
  BLLĐ: { said: ['bộ luật lao động'] },
  TP: { said: ['thành phố'] },
  HCM: { said: ['hồ chí minh'] },
  'TP.HCM': { said: ['thành phố hồ chí minh'] },
  VNEID: { said: ['vê nê ai đi', 'vê neo'] },
  VNĐ: { said: ['đồng', 'việt nam đồng'] },
  VND: { said: ['đồng', 'việt nam đồng'] },
  USD: { said: ['đô', 'đô la mỹ'] },
};

const LETTER_NAMES: Record<string, string> = {
  a: 'a', b: 'bê', c: 'xê', d: 'đê', đ: 'đê', e: 'e', f: 'ép', g: 'gờ', h: 'hát', i: 'i', j: 'gi', k: 'ca', l: 'lờ', m: 'mờ',
  n: 'nờ', o: 'o', p: 'pê', q: 'quy', r: 'rờ', s: 'ét', t: 'tê', u: 'u', v: 'vê', w: 'vê kép', x: 'ích', y: 'i dài', z: 'dét',
};
// Points of an article as read: "điểm bê", "điểm dê" (d), "điểm đê" (đ).
const POINT_NAMES: Record<string, string> = { b: 'bê', c: 'xê', d: 'dê', đ: 'đê', g: 'gờ', h: 'hát', k: 'ca', l: 'lờ', m: 'mờ', n: 'nờ' };
const spellLetters = (s: string) => [...s.toLowerCase()].map((c) => LETTER_NAMES[c] ?? (/\d/.test(c) ? DIGIT_WORDS[Number(c)]! : '')).filter(Boolean).join(' ');

const MEASURES: Record<string, string> = { m2: 'mét vuông', m3: 'mét khối', km2: 'ki lô mét vuông', km: 'ki lô mét', kg: 'ki lô gam', cm: 'xăng ti mét', mm: 'mi li mét', ha: 'héc ta' };

// ---------------------------------------------------------------------------------------------
// Legal document numbers, read so that normalize.ts parses them: "nghị định bốn mươi hai năm hai không hai hai"

const DOC_TYPES = ['thông tư liên tịch', 'thông tư', 'nghị định', 'quyết định', 'nghị quyết', 'chỉ thị', 'luật'];

function docType(suffix: string): string | null {
  const s = suffix.toUpperCase();
  if (s === 'NĐ-CP') return 'nghị định';
  if (/^QH\d+$/.test(s)) return 'luật';
  if (s.startsWith('TTLT')) return 'thông tư liên tịch';
  if (s.startsWith('TT-')) return 'thông tư';
  if (s.startsWith('QĐ')) return 'quyết định';
  if (s.startsWith('NQ')) return 'nghị quyết';
  if (s.startsWith('CT-')) return 'chỉ thị';
  return null;
}

function suffixWords(suffix: string, d: Dialect, rand: () => number): string {
  const s = suffix.toUpperCase();
  if (s === 'NĐ-CP') return rand() < 0.5 ? 'nờ đê xê pê' : '';
  const qh = /^QH(\d+)$/.exec(s);
  if (qh) return `quốc hội ${rand() < 0.3 ? 'khóa ' : ''}${numberToWords(Number(qh[1]), d)}`;
  if (s === 'QĐ-TTG' || s === 'CT-TTG') return 'của thủ tướng chính phủ';
  return spellLetters(s.replace(/-/g, ''));
}

// ---------------------------------------------------------------------------------------------
// Fillers

const LEADING_FILLERS = ['ờ', 'dạ', 'cho em hỏi là', 'dạ cho tôi hỏi', 'cho mình hỏi', 'chị ơi cho em hỏi', 'à cho em hỏi chút', 'alo', 'ừm', 'dạ em chào anh cho em hỏi là'];
const TRAILING_FILLERS = ['ạ', 'vậy ạ', 'thế ạ'];
const EN_LEADING_FILLERS = ['um', 'uh', 'so', 'hi'];
// A question that already opens or closes politely gets no second opening or closing.
const OPENINGS = new Set(['cho', 'dạ', 'xin', 'chào', 'alo', 'thưa', 'à', 'ờ', 'vâng'].map(fold));
const CLOSINGS = new Set(['ạ', 'vậy', 'thế', 'nhé', 'nha', 'hả'].map(fold));

// ---------------------------------------------------------------------------------------------

export interface SpokenStyleOptions {
  seed: number;
  /** Share of syllables the recogniser gives without diacritics; 0.15 unless told. */
  stripRate?: number;
  /** Hesitations and polite openings; on unless told. */
  fillers?: boolean;
  /** The question's language: English numbers are read in English. */
  lang?: 'vi' | 'en';
}

const COUNT_UNITS = new Set(
  'người đồng cây con cái chiếc bản lần trang tờ hộ căn thửa m mét km kg tấn lít ha ngày tháng tuần giờ phút giây tuổi trường hợp'.split(' '),
);
const LEAD_PUNCT = /^[([{"“‘'«]+/u;
const TRAIL_PUNCT = /[)\]}"”’'».,!?;:…]+$/u;

interface Speaker {
  rand: () => number;
  dialect: Dialect;
  year: YearStyle;
  pick<T>(xs: readonly T[]): T;
}

function speaker(seed: number): Speaker {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  // One person keeps one way of speaking through a question.
  const dialect: Dialect = rand() < 0.3 ? { thousand: 'ngàn', zeroTens: 'lẻ' } : NORTH;
  const year = pick<YearStyle>(['full', 'short', 'digits']);
  return { rand, dialect, year, pick };
}

/** Fraction digits after "phẩy": "5" → "năm", "14" → "mười bốn", "05" → "không năm". */
const fractionWords = (f: string, d: Dialect) => (f.length === 2 && f[0] !== '0' ? numberToWords(Number(f), d) : digitByDigit(f));

/** One whitespace-separated chunk (punctuation already off) to spoken words; `before` is what was said so far. */
function speakChunk(core: string, before: string[], next: string, sp: Speaker): string {
  const d = sp.dialect;
  const prev = before.at(-1) ?? '';
  let m: RegExpExecArray | null;

  if ((m = /^(\d{1,4})\/(\d{4})\/([\p{L}\d]+(?:-[\p{L}\d]+)*)$/u.exec(core))) {
    const said = before.join(' ');
    const typed = DOC_TYPES.find((t) => said.endsWith(t) || said.endsWith(`${t} số`));
    const type = typed ? '' : (docType(m[3]!) ?? '');
    const so = !typed || said.endsWith('số') ? '' : sp.rand() < 0.5 ? 'số' : '';
    // Document numbers are read in a form normalize.ts is built to parse, so not "hai không mười lăm".
    const parts = [type, so, numberToWords(Number(m[1]), d), 'năm', yearWords(Number(m[2]), sp.year, d, sp.rand, false), suffixWords(m[3]!, d, sp.rand)];
    return parts.filter(Boolean).join(' ');
  }
  if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(core))) {
    const month = Number(m[2]) === 4 ? 'tư' : numberToWords(Number(m[2]), d);
    return `${prev === 'ngày' ? '' : 'ngày '}${numberToWords(Number(m[1]), d)} tháng ${month} năm ${yearWords(Number(m[3]), sp.year, d, sp.rand)}`;
  }
  if ((m = /^(\d{1,2})\/(\d{4})$/.exec(core))) {
    const month = Number(m[1]) === 4 ? 'tư' : numberToWords(Number(m[1]), d);
    return `${prev === 'tháng' ? '' : 'tháng '}${month} năm ${yearWords(Number(m[2]), sp.year, d, sp.rand)}`;
  }
  if ((m = /^(\d+)\/(\d+)$/.exec(core))) return `${numberToWords(Number(m[1]), d)} phần ${Number(m[2]) === 4 ? 'tư' : numberToWords(Number(m[2]), d)}`;
  if ((m = /^(\d+(?:\.\d{3})*)(?:,(\d+))?%$/.exec(core))) {
    return `${numberToWords(Number(m[1]!.replace(/\./g, '')), d)}${m[2] ? ` phẩy ${fractionWords(m[2], d)}` : ''} phần trăm`;
  }
  if ((m = /^(\d{1,3}(?:\.\d{3})+|\d+),(\d+)$/.exec(core))) return `${numberToWords(Number(m[1]!.replace(/\./g, '')), d)} phẩy ${fractionWords(m[2]!, d)}`;
  if (/^\d{1,3}(\.\d{3})+$/.test(core)) return numberToWords(Number(core.replace(/\./g, '')), d);
  if ((m = /^(\d{1,2}):(\d{2})$/.exec(core))) return `${numberToWords(Number(m[1]), d)} giờ${Number(m[2]) ? ` ${numberToWords(Number(m[2]), d)}` : ''}`;
  if ((m = /^(\d+)-(\d+)$/.exec(core))) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    // "1-2 giờ" is "một hai giờ"; a wider range is "từ … đến …"
    return b === a + 1 && b < 10 ? `${numberToWords(a, d)} ${numberToWords(b, d)}` : `${numberToWords(a, d)} đến ${numberToWords(b, d)}`;
  }
  if (/^\d+$/.test(core)) {
    const n = Number(core);
    // Phone numbers and codes with a leading zero are read digit by digit; "03 người" is "ba người".
    if (core.length >= 3 && core.startsWith('0')) return digitByDigit(core);
    if (core.length > 12) return digitByDigit(core);
    if (prev === 'thứ' && (n === 1 || n === 4)) return n === 1 ? 'nhất' : 'tư';
    if (prev === 'tháng' && n === 4) return 'tư';
    if (core.length === 4 && n >= 1900 && n <= 2099 && !COUNT_UNITS.has(next)) return yearWords(n, sp.year, d, sp.rand);
    return numberToWords(n, d);
  }
  const low = core.toLowerCase();
  if (MEASURES[low] && /\d/.test(low)) return MEASURES[low];
  if (/^[a-z]\d{1,2}$/i.test(core) && ['bằng', 'hạng', 'lái', 'xe'].includes(prev)) return spellLetters(core); // licence classes: "bằng B2"
  if (prev === 'điểm' && POINT_NAMES[core]) return POINT_NAMES[core]; // "điểm b khoản 1" is "điểm bê khoản một"
  const abbr = ABBREVIATIONS[core.toUpperCase()];
  if (abbr) {
    const said = abbr.spelled && sp.rand() < 0.25 ? abbr.spelled : sp.pick(abbr.said);
    // "GPLX xe máy" is "bằng lái xe máy", not "bằng lái xe xe máy"
    return next && said.endsWith(` ${next}`) ? said.slice(0, -next.length - 1) : said;
  }
  if (/\d/.test(core)) {
    // Codes mixing letters and digits ("H29-250312-0007", "CT01"): letters by name, digits one by one.
    return core
      .split(/([.\-/])/)
      .map((part) => (part === '.' ? 'chấm' : part === '-' ? 'gạch' : part === '/' ? 'trên' : spellLetters(part)))
      .filter(Boolean)
      .join(' ');
  }
  return low;
}

const EN_SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** English numbers, for English questions: 12 "twelve", 1500000 "one million five hundred thousand". */
export function englishNumberToWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`englishNumberToWords takes a whole number from 0; got ${n}`);
  if (n < 20) return EN_SMALL[n]!;
  if (n < 100) return EN_TENS[Math.floor(n / 10)]! + (n % 10 ? ` ${EN_SMALL[n % 10]}` : '');
  for (const [v, w] of [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand'], [100, 'hundred']] as const) {
    if (n >= v) return `${englishNumberToWords(Math.floor(n / v))} ${w}${n % v ? ` ${englishNumberToWords(n % v)}` : ''}`;
  }
  return String(n);
}

function speakEnglishChunk(core: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^(\d+(?:,\d{3})*)(?:\.(\d+))?(%?)$/.exec(core))) {
    const whole = englishNumberToWords(Number(m[1]!.replace(/,/g, '')));
    const frac = m[2] ? ` point ${[...m[2]].map((c) => EN_SMALL[Number(c)]).join(' ')}` : '';
    return `${whole}${frac}${m[3] ? ' percent' : ''}`;
  }
  if (/\d/.test(core)) return [...core.toLowerCase()].map((c) => (/\d/.test(c) ? EN_SMALL[Number(c)] : /\p{L}/u.test(c) ? c : ' ')).join(' ');
  return core.toLowerCase();
}

/**
 * A written question as a recogniser would return it spoken: deterministic for a seed. The
 * result has no digits and no punctuation; it is lowercase.
 */
export function toSpokenStyle(text: string, opts: SpokenStyleOptions): string {
  const sp = speaker(opts.seed);
  const stripRate = opts.stripRate ?? 0.15;
  const english = opts.lang === 'en';
  // A question typed without diacritics stands for a transcript that came without them.
  const unaccented = !english && lacksDiacritics(text);
  const chunks = text.normalize('NFC').split(/\s+/).filter(Boolean);
  const said: string[] = [];
  chunks.forEach((chunk, i) => {
    const lead = LEAD_PUNCT.exec(chunk)?.[0] ?? '';
    const rest = chunk.slice(lead.length);
    const core = rest.slice(0, rest.length - (TRAIL_PUNCT.exec(rest)?.[0].length ?? 0));
    if (!core) return;
    const next = (chunks[i + 1] ?? '').toLowerCase().replace(/[^\p{L}\d]/gu, '');
    const spoken = english ? speakEnglishChunk(core) : speakChunk(core, said, next, sp);
    said.push(...spoken.split(' ').filter(Boolean));
  });

  let words = said.flatMap((w) => w.toLowerCase().split(/[^\p{L}]+/u)).filter(Boolean);
  if (opts.fillers !== false && words.length) {
    if (english) {
      if (sp.rand() < 0.4) words.unshift(sp.pick(EN_LEADING_FILLERS));
    } else {
      // a hesitation mid-sentence: "mất hai mươi ờ lăm ngày"
      if (words.length > 3 && sp.rand() < 0.2) words.splice(1 + Math.floor(sp.rand() * (words.length - 1)), 0, 'ờ');
      if (sp.rand() < 0.5 && !OPENINGS.has(fold(words[0]!))) words.unshift(...sp.pick(LEADING_FILLERS).split(' '));
      if (sp.rand() < 0.35 && !CLOSINGS.has(fold(words.at(-1)!))) words.push(...sp.pick(TRAILING_FILLERS).split(' '));
    }
  }
  words = words.map((w) => (unaccented || sp.rand() < stripRate ? fold(w) : w));
  return words.join(' ');
}
