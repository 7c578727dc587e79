// Speech-recogniser transcripts to searchable and displayable questions.
//
// A recogniser returns "dạ chị ơi cho em hỏi làm căn cước mất mười lăm ngày hả": lowercase, no
// punctuation, numbers in words, fillers and vocatives, sometimes no diacritics. Retrieval wants
// "làm căn cước mất 15 ngày hả"; the citizen should see "Làm căn cước mất 15 ngày hả?". Pure and
// synchronous: it runs on every voice message before anything else.
import { collapseSpace, fold, normalizeText } from '../text/normalize.ts';
import { lacksDiacritics } from '../text/restore.ts';
import { convertNumberTokens, producedToken, type Token } from './numbers.ts';

export interface NormalizedTranscript {
  /** For retrieval: fillers removed, numbers and legal references as digits, diacritics restored when a restorer is given and the transcript has none. Lowercase is fine. */
  text: string;
  /** For display to the citizen: same content, first letter capitalised, sentence punctuation restored (a question gets "?"), legal abbreviations in their official case (NĐ-CP, QH14, CCCD, UBND…). */
  display: string;
  /** True when anything was changed beyond whitespace. */
  changed: boolean;
}

export interface NormalizeOptions {
  /** Restores diacritics on text typed/recognised without them; called only when the transcript lacks diacritics. */
  restoreDiacritics?: (text: string) => string;
}

const nt = (w: string) => normalizeText(w);

// ---------------------------------------------------------------------------------------------
// Tokens

const LEADING_PUNCT = /^[([{"“‘'«]+/u;
const TRAILING_PUNCT = /[)\]}"”’'».,!?;:…]+$/u;
// Punctuation before a word opens (its key is "open") and glues to the next word; after a word it closes.
const OPEN = 'open';

// Abbreviations citizens type or the recogniser spells, in their official case.
const OFFICIAL = [
  'CCCD', 'CMND', 'BHXH', 'BHYT', 'BHTN', 'GPLX', 'MST', 'UBND', 'HĐND', 'DVC', 'THPT', 'THCS', 'CSGT', 'TTHC', 'PCCC',
  'NĐ-CP', 'QĐ-TTg', 'TT-BCA', 'TT-BTC', 'TT-BYT', 'TT-BTP', 'TT-BNV', 'TT-BXD', 'TT-BGDĐT', 'TT-BLĐTBXH',
];
const TYPED_CODES = new Map<string, string>();
for (const c of [...OFFICIAL, 'VNeID', 'VssID', 'VNĐ', 'VND', 'USD']) {
  TYPED_CODES.set(c.toLowerCase(), c);
  TYPED_CODES.set(fold(c), c);
}

// A Vietnamese syllable without its marks: onset, vowels, coda.
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]+(ng|nh|ch|[cmnpt])?$/;

function classify(core: string, folded: boolean): Token {
  if (/\d/.test(core)) return producedToken(canonicalNumberToken(core), 'num');
  const low = core.toLowerCase();
  const code = TYPED_CODES.get(low);
  if (code) return producedToken(code, 'code');
  // "UBND", "TP" typed in capitals; "LỆ PHÍ" or "HAI NGÀY" shouted in capitals is still words.
  if (core.length >= 2 && core === core.toUpperCase() && /^[\p{Lu}-]+$/u.test(core) && !SYLLABLE.test(fold(core))) {
    return producedToken(core, 'code');
  }
  return { surface: core, low, key: folded ? fold(low) : low, kind: 'word' };
}

/** "42/2022/nđ-cp" → "42/2022/NĐ-CP"; "b2" → "B2"; "ct01" → "CT01"; anything else as typed. */
function canonicalNumberToken(core: string): string {
  const doc = /^(\d{1,4})\/(\d{4})\/([\p{L}]+(?:-[\p{L}]+)*)$/u.exec(core);
  if (doc) {
    const suffix = doc[3]!.toUpperCase().replace(/-TTG$/, '-TTg');
    return `${doc[1]}/${doc[2]}/${suffix}`;
  }
  if (/^([a-f]\d{1,2}e?|ct\d{2}|qh\d{1,2})$/i.test(core)) return core.toUpperCase();
  return core;
}

function tokenize(s: string, folded: boolean): Token[] {
  const out: Token[] = [];
  const input = collapseSpace(normalizeText(s));
  if (!input) return out;
  for (const chunk of input.split(' ')) {
    const lead = LEADING_PUNCT.exec(chunk)?.[0] ?? '';
    const rest = chunk.slice(lead.length);
    const trail = TRAILING_PUNCT.exec(rest)?.[0] ?? '';
    const core = rest.slice(0, rest.length - trail.length);
    if (lead) out.push({ surface: lead, low: lead, key: OPEN, kind: 'punct' });
    if (core) out.push(classify(core, folded));
    if (trail) out.push({ surface: trail, low: trail, key: 'close', kind: 'punct' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fillers

interface Slot {
  alts: string[][];
  optional: boolean;
}
interface FillerRule {
  slots: Slot[];
  /** The same slots without diacritics, for transcripts that have none. */
  foldedSlots: Slot[];
  /** Words a match can start with, to skip the rule at once elsewhere. */
  firsts: Set<string>;
  foldedFirsts: Set<string>;
  /** Only at the start of a clause: "dạ" also begins "dạ dày", "vâng" "vâng lời". */
  startOnly: boolean;
  /** Safe to match without diacritics. */
  folded: boolean;
  /** Words before it that make it meaningful: "chú ý là" (note that). */
  notAfter?: Set<string>;
  /** Words after it that make it part of the sentence: "em muốn hỏi về…" reads as a request. */
  notBefore?: Set<string>;
  /** Only when another filler follows: without diacritics "da" may be "đã", "a" the letter. */
  beforeFiller?: boolean;
}

const PRONOUNS = 'anh|chị|em|bạn|ad|admin|cô|chú|bác|ông|bà|cháu|con|mình|tôi|tớ|anh_chị|các_anh|các_chị';

function rule(pattern: string, opts: Partial<Omit<FillerRule, 'slots' | 'foldedSlots' | 'firsts' | 'foldedFirsts'>> = {}): FillerRule {
  const slots = pattern.split(' ').map((part) => {
    const optional = part.endsWith('?');
    const body = (optional ? part.slice(0, -1) : part).replace(/^\(|\)$/g, '');
    const alts = (body === 'P' ? PRONOUNS : body).split('|').map((a) => a.split('_').map(nt));
    return { alts, optional };
  });
  const foldedSlots = slots.map((sl) => ({ ...sl, alts: sl.alts.map((a) => a.map(fold)) }));
  const firsts = new Set<string>();
  for (const sl of slots) {
    sl.alts.forEach((a) => firsts.add(a[0]!));
    if (!sl.optional) break;
  }
  return { slots, foldedSlots, firsts, foldedFirsts: new Set([...firsts].map(fold)), startOnly: false, folded: false, ...opts };
}

const FILLERS: FillerRule[] = [
  rule('P ơi', { folded: true }),
  rule('cho P? hỏi (chút|tí|xíu|thăm)? (với)? (là)?', { folded: true }),
  rule('P? xin hỏi (chút|tí)? (là)?', { folded: true }),
  rule('P (muốn|cần) hỏi (chút|tí)? (là)?', { folded: true, notBefore: new Set([nt('về'), 've']) }),
  rule('P có (câu|việc) (hỏi|muốn_hỏi|cần_hỏi) (là)?', { folded: true }),
  rule('P hỏi (chút|tí|xíu) (là)?', { folded: true }),
  rule('kiểu như là', { folded: true }),
  rule('nói chung là', { folded: true }),
  rule('(alo|alô|a_lô|a_lo)', { folded: true }),
  rule('thì là', { notAfter: new Set(['rau'].map(nt)) }),
  rule('ý là', { notAfter: new Set(['chú', 'lưu', 'đồng', 'chủ', 'cố', 'tùy', 'gợi', 'ngụ', 'có', 'tác', 'nghĩa'].map(nt)) }),
  rule('(ờ|ừ|ừm|ưm|ờm|ơ|à|ạ|hừm|ừ_thì|à_mà)'),
  rule('(dạ|vâng|dạ_vâng)', { startOnly: true }),
  rule('(à|ạ|dạ|vâng|dạ_vâng|ừm|ờm)', { startOnly: true, folded: true, beforeFiller: true }),
  rule('thưa P', { startOnly: true }),
  rule('P? (chào|xin_chào) P? (ạ)?', { startOnly: true, folded: true, notBefore: new Set([nt('mừng'), 'mung']) }),
];

/** Whether the word tokens from `j` spell `ws` (keys compared as stored). */
function wordsAt(toks: Token[], j: number, ws: string[]): boolean {
  for (let n = 0; n < ws.length; n++) {
    const t = toks[j + n];
    if (t?.kind !== 'word' || t.key !== ws[n]) return false;
  }
  return true;
}

/** End of the longest match of the slots from `s` at token `j`, or -1. */
function matchSlots(slots: Slot[], s: number, toks: Token[], j: number): number {
  if (s === slots.length) return j;
  const slot = slots[s]!;
  let best = -1;
  for (const alt of slot.alts) if (wordsAt(toks, j, alt)) best = Math.max(best, matchSlots(slots, s + 1, toks, j + alt.length));
  if (slot.optional) best = Math.max(best, matchSlots(slots, s + 1, toks, j));
  return best;
}

function matchRule(r: FillerRule, toks: Token[], i: number, folded: boolean): number {
  const end = matchSlots(folded ? r.foldedSlots : r.slots, 0, toks, i);
  return end > i ? end : -1;
}

/** End of the longest filler at token `i`, or -1. `prev` is the word kept before it, if any. */
function fillerEnd(toks: Token[], i: number, folded: boolean, atStart: boolean, prev: Token | undefined): number {
  const tok = toks[i];
  if (tok?.kind !== 'word') return -1;
  let end = -1;
  for (const r of FILLERS) {
    if ((folded && !r.folded) || (r.startOnly && !atStart) || !(folded ? r.foldedFirsts : r.firsts).has(tok.key)) continue;
    if (r.notAfter && prev?.kind === 'word' && r.notAfter.has(prev.low)) continue;
    const e = matchRule(r, toks, i, folded);
    if (e > 0 && r.notBefore && toks[e]?.kind === 'word' && r.notBefore.has(toks[e]!.key)) continue;
    if (e > 0 && r.beforeFiller && fillerEnd(toks, e, folded, atStart, undefined) < 0) continue;
    end = Math.max(end, e);
  }
  return end;
}

function removeFillers(toks: Token[], folded: boolean): Token[] {
  const out: Token[] = [];
  let atStart = true;
  let justRemoved = false;
  let i = 0;
  while (i < toks.length) {
    const tok = toks[i]!;
    if (tok.kind === 'punct') {
      // the comma that followed "dạ," or "chị ơi," goes with it
      if (!(justRemoved && /^[,;:]+$/.test(tok.surface))) out.push(tok);
      atStart = true;
      i++;
      continue;
    }
    const end = fillerEnd(toks, i, folded, atStart, out.at(-1));
    if (end > i) {
      i = end;
      justRemoved = true;
      continue;
    }
    out.push(tok);
    atStart = false;
    justRemoved = false;
    i++;
  }
  // Without diacritics a final "a" is "ạ" or "à"; "điểm a" keeps its letter.
  const lastWord = out.findLastIndex((t) => t.kind !== 'punct');
  if (folded && lastWord > 0 && out[lastWord]!.key === 'a' && !['diem', 'hang', 'bang', 'khoan'].includes(out[lastWord - 1]!.key)) {
    out.splice(lastWord, 1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Spelled abbreviations: "xê xê xê đê" → CCCD, "bê hát xê hát" → BHXH

const LETTER_NAMES: Record<string, string[]> = {
  A: ['a'],
  B: ['bê', 'bờ', 'bi'],
  C: ['xê', 'cờ', 'xi', 'si'],
  D: ['đê', 'dê', 'dờ', 'đờ', 'di', 'đi'],
  Đ: ['đê', 'đờ'],
  E: ['e'],
  G: ['gờ', 'giê', 'gi'],
  H: ['hát', 'hắt', 'hờ'],
  I: ['i'],
  K: ['ca', 'ka'],
  L: ['lờ', 'e lờ', 'eo'],
  M: ['mờ', 'em mờ', 'em'],
  N: ['nờ', 'en nờ', 'en'],
  O: ['o'],
  P: ['pê', 'pờ', 'pi'],
  Q: ['quy', 'quờ', 'kiu'],
  R: ['rờ', 'e rờ'],
  S: ['ét', 'ét xì', 'sờ'],
  T: ['tê', 'tờ', 'ti'],
  U: ['u', 'iu'],
  V: ['vê', 'vờ', 'vi'],
  // "gờ pê lờ xê" and "bê hát xê hát" are how people say GPLX and BHXH
  X: ['ích', 'ích xì', 'xờ', 'xê', 'ít'],
  Y: ['y', 'i dài', 'i'],
};
const LETTER_VARIANTS = new Map(Object.entries(LETTER_NAMES).map(([l, names]) => [l, names.map((n) => n.split(' ').map(nt))]));
const FOLDED_LETTER_VARIANTS = new Map([...LETTER_VARIANTS].map(([l, vs]) => [l, vs.map((v) => v.map(fold))]));
// Any spelling starts with one of these syllables; other words are skipped at once.
const LETTER_STARTS = new Set([...LETTER_VARIANTS.values()].flatMap((vs) => vs.map((v) => v[0]!)));
const FOLDED_LETTER_STARTS = new Set([...LETTER_STARTS].map(fold));

interface Spelled {
  official: string;
  letters: string[];
  /** Digits read after the letters: "xê tê không một" → CT01. */
  digits?: number;
}
const SPELLED: Spelled[] = [
  ...OFFICIAL.map((official) => ({ official, letters: [...official.replace(/-/g, '').toUpperCase()] })),
  { official: 'CT', letters: ['C', 'T'], digits: 2 },
].sort((a, b) => b.letters.length - a.letters.length);
// Whole-word renderings of brand names the recogniser produces.
const SPOKEN_BRANDS: [string[], string][] = [
  'vê neo', 'vi neo', 'vê nê ai đi', 'vi en i ai đi', 'vê en e ai đi', 'vê en ê ai đi', 'vi nê ai đi',
].map((p) => [p.split(' ').map(nt), 'VNeID']);
const FOLDED_BRANDS: [string[], string][] = SPOKEN_BRANDS.map(([ws, b]) => [ws.map(fold), b]);
const DIGIT_NAMES = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'].map(nt);
const FOLDED_DIGIT_NAMES = DIGIT_NAMES.map(fold);

function matchLetters(toks: Token[], j: number, letters: string[], n: number, variants: Map<string, string[][]>): number {
  if (n === letters.length) return j;
  let best = -1;
  for (const v of variants.get(letters[n]!) ?? []) {
    if (wordsAt(toks, j, v)) best = Math.max(best, matchLetters(toks, j + v.length, letters, n + 1, variants));
  }
  return best;
}

function joinSpelled(toks: Token[], folded: boolean): Token[] {
  const out: Token[] = [];
  const variants = folded ? FOLDED_LETTER_VARIANTS : LETTER_VARIANTS;
  const starts = folded ? FOLDED_LETTER_STARTS : LETTER_STARTS;
  const brands = folded ? FOLDED_BRANDS : SPOKEN_BRANDS;
  const digitNames = folded ? FOLDED_DIGIT_NAMES : DIGIT_NAMES;
  let i = 0;
  next: while (i < toks.length) {
    const tok = toks[i]!;
    if (tok.kind !== 'word' || !starts.has(tok.key)) {
      out.push(tok);
      i++;
      continue;
    }
    for (const [words, brand] of brands) {
      if (wordsAt(toks, i, words)) {
        out.push(producedToken(brand, 'code'));
        i += words.length;
        continue next;
      }
    }
    for (const s of SPELLED) {
      let end = matchLetters(toks, i, s.letters, 0, variants);
      if (end < 0) continue;
      let official = s.official;
      if (s.digits) {
        const ds = toks.slice(end, end + s.digits).map((t) => (t.kind === 'word' ? digitNames.indexOf(t.key) : -1));
        if (ds.length < s.digits || ds.some((d) => d < 0)) continue;
        official += ds.join('');
        end += s.digits;
      }
      out.push(producedToken(official, 'code'));
      i = end;
      continue next;
    }
    out.push(toks[i]!);
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Units said in words, written as the legal texts write them: "ba mươi mét vuông" → "30 m2"

interface UnitWords {
  words: string[];
  unit: string;
  /** Only after a number: "cây số" is a kilometre in "ba cây số", a milestone elsewhere. */
  afterNumber?: boolean;
}
const UNIT_WORDS: UnitWords[] = [
  { words: ['met', 'vuong'], unit: 'm2' },
  { words: ['met', 'khoi'], unit: 'm3' },
  { words: ['ki', 'lo', 'met'], unit: 'km' },
  { words: ['kilomet'], unit: 'km' },
  { words: ['cay', 'so'], unit: 'km', afterNumber: true },
];

/** Compared without diacritics either way: "met vuong" is no other word. */
function joinUnits(toks: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  next: while (i < toks.length) {
    for (const u of UNIT_WORDS) {
      if (u.afterNumber && out.at(-1)?.kind !== 'num') continue;
      if (u.words.every((w, n) => toks[i + n]?.kind === 'word' && fold(toks[i + n]!.low).replace(/-/g, '') === w)) {
        out.push(producedToken(u.unit, 'num'));
        i += u.words.length;
        continue next;
      }
    }
    out.push(toks[i]!);
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Diacritics

function matchCase(original: string, restored: string): string {
  if (original.length > 1 && original === original.toUpperCase()) return restored.toUpperCase();
  if (original[0] !== original[0]!.toLowerCase()) return restored[0]!.toUpperCase() + restored.slice(1);
  return restored;
}

/**
 * Runs the restorer over the words, keeping digits, codes and punctuation exactly: the whole
 * sentence first (the restorer decides from neighbours), and word runs between them if the
 * restorer touched anything it should not have.
 */
function restoreWords(toks: Token[], restorer: (text: string) => string): Token[] {
  const form = (t: Token) => (t.kind === 'word' ? t.low : t.surface);
  const accept = (span: Token[], out: string[]) =>
    out.length === span.length && span.every((t, n) => (t.kind === 'word' ? fold(out[n]!) === fold(t.low) : out[n] === t.surface));
  const apply = (t: Token, restored: string): Token => {
    const low = normalizeText(restored).toLowerCase();
    return { ...t, low, key: low, surface: matchCase(t.surface, low) };
  };
  const whole = restorer(toks.map(form).join(' ')).split(/\s+/).filter(Boolean);
  if (accept(toks, whole)) return toks.map((t, n) => (t.kind === 'word' ? apply(t, whole[n]!) : t));
  const out = [...toks];
  for (let i = 0; i < toks.length; ) {
    if (toks[i]!.kind !== 'word') {
      i++;
      continue;
    }
    let j = i;
    while (j < toks.length && toks[j]!.kind === 'word') j++;
    const span = toks.slice(i, j);
    const restored = restorer(span.map(form).join(' ')).split(/\s+/).filter(Boolean);
    if (accept(span, restored)) span.forEach((t, n) => (out[i + n] = apply(t, restored[n]!)));
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Questions and display

const TRAILING_SOFTENERS = new Set(['vậy', 'thế', 'nhé', 'nha', 'ta', 'đây', 'ạ'].map(nt));
const FINAL_QUESTION = new Set(['không', 'chưa', 'à', 'hả', 'nhỉ', 'chứ', 'hở', 'đâu', 'sao', 'ko'].map(nt));
const QUESTION_PHRASES = [
  'bao nhiêu', 'bao lâu', 'bao giờ', 'ở đâu', 'đi đâu', 'thế nào', 'như nào', 'có phải', 'gì', 'nào', 'mấy', 'hả', 'nhỉ', 'sao',
].map((p) => p.split(' ').map(nt));
// "bản sao", "sao y", "sao chép" are copies, not "why".
const SAO_BEFORE = new Set(['bản', 'ngôi'].map(nt));
const SAO_AFTER = new Set(['y', 'chép', 'lục', 'kê', 'lưu'].map(nt));
const FOLDED_FINAL = new Set(['khong', 'chua', 'nhi', 'ko']);
const FOLDED_PHRASES = ['bao nhieu', 'bao lau', 'bao gio', 'o dau', 'the nao', 'nhu nao', 'co phai', 'gi', 'tai sao', 'vi sao', 'lam sao'].map((p) =>
  p.split(' '),
);

function asksSomething(toks: Token[], accented: boolean): boolean {
  const ws = toks.filter((t) => t.kind === 'word').map((t) => (accented ? t.low : fold(t.low)));
  const phrases = accented ? QUESTION_PHRASES : FOLDED_PHRASES;
  for (let i = 0; i < ws.length; i++) {
    for (const p of phrases) {
      if (!p.every((w, n) => ws[i + n] === w)) continue;
      if (p.length === 1 && p[0] === nt('sao') && (SAO_BEFORE.has(ws[i - 1] ?? '') || SAO_AFTER.has(ws[i + 1] ?? ''))) continue;
      return true;
    }
  }
  let end = ws.length - 1;
  while (end > 0 && accented && TRAILING_SOFTENERS.has(ws[end]!)) end--;
  const last = ws[end];
  if (last !== undefined && (accented ? FINAL_QUESTION : FOLDED_FINAL).has(last)) return true;
  // "ai ký giấy này", "người ký là ai"; not "ai cũng phải…" (everyone must)
  return accented && ((ws[0] === 'ai' && ws[1] !== nt('cũng')) || last === 'ai');
}

// Capitalised before a number, as Vietnamese legal writing does: "Điều 5", "Nghị định 42/2022/NĐ-CP",
// "Chương II". "khoản" and "điểm" stay lowercase ("điểm a khoản 1 Điều 3").
const CAP_BEFORE_NUMBER: string[][] = ['điều', 'chương', 'mục', 'luật', 'nghị định', 'thông tư liên tịch', 'thông tư', 'quyết định', 'nghị quyết', 'chỉ thị'].map(
  (p) => p.split(' ').map((w) => fold(w)),
);
// Proper names a lowercase transcript cannot spell correctly by itself.
const PROPER_NAMES: [string[], string[]][] = [
  'Thành phố Hồ Chí Minh', 'Hồ Chí Minh', 'Việt Nam', 'Hà Nội', 'Đà Nẵng', 'Hải Phòng', 'Cần Thơ', 'Quốc hội', 'Chính phủ',
  'Thủ tướng', 'Bộ Công an', 'Bộ Tư pháp', 'Bộ Tài chính', 'Bộ Y tế', 'Cổng Dịch vụ công quốc gia', 'Tết',
].map((n) => [n.toLowerCase().split(' ').map(nt), n.split(' ').map(nt)]);
// Statutes citizens name, so "luật cư trú" shows as "Luật Cư trú" (only the first word of a name is capitalised).
const LAW_NAMES = [
  'cư trú', 'căn cước', 'căn cước công dân', 'đất đai', 'hôn nhân và gia đình', 'bảo hiểm xã hội', 'bảo hiểm y tế', 'giao thông đường bộ',
  'giao thông', 'trật tự an toàn giao thông đường bộ', 'hộ tịch', 'nhà ở', 'doanh nghiệp', 'đầu tư', 'lao động', 'dân sự', 'hình sự',
  'xử lý vi phạm hành chính', 'quốc tịch việt nam', 'thuế thu nhập cá nhân', 'quản lý thuế', 'khiếu nại', 'tố cáo', 'tiếp công dân',
  'người cao tuổi', 'trẻ em', 'thanh niên', 'giáo dục', 'việc làm', 'an ninh mạng', 'giao dịch điện tử', 'kinh doanh bất động sản',
  'xây dựng', 'công chứng', 'thi hành án dân sự', 'nghĩa vụ quân sự', 'bình đẳng giới', 'phòng cháy và chữa cháy',
].map((n) => n.split(' ').map(nt)).sort((a, b) => b.length - a.length);

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function displayForms(toks: Token[]): string[] {
  const forms = toks.map((t) => t.surface);
  const folded = toks.map((t) => (t.kind === 'word' ? fold(t.low) : ''));
  for (let i = 0; i < toks.length; i++) {
    for (const p of CAP_BEFORE_NUMBER) {
      if (!p.every((w, n) => folded[i + n] === w)) continue;
      let j = i + p.length;
      if (folded[j] === 'so') j++;
      if (toks[j]?.kind === 'num') forms[i] = capitalise(forms[i]!);
      break;
    }
    if (toks[i]!.surface === 'luật' || (toks[i]!.surface === 'bộ' && toks[i + 1]?.surface === 'luật')) {
      const start = toks[i]!.surface === 'bộ' ? i + 2 : i + 1;
      const name = LAW_NAMES.find((n) => n.every((w, k) => toks[start + k]?.kind === 'word' && toks[start + k]!.surface === w));
      if (name) {
        // "Luật Cư trú", "Bộ luật Dân sự"
        forms[i] = capitalise(forms[i]!);
        forms[start] = capitalise(forms[start]!);
        i = start;
        continue;
      }
    }
    for (const [low, proper] of PROPER_NAMES) {
      if (low.every((w, n) => toks[i + n]?.kind === 'word' && toks[i + n]!.surface === w)) {
        proper.forEach((w, n) => (forms[i + n] = w));
        break;
      }
    }
  }
  return forms;
}

function join(toks: Token[], forms: string[]): string {
  let out = '';
  let glue = true;
  toks.forEach((t, n) => {
    const s = forms[n]!;
    if (t.kind === 'punct' && t.key === OPEN) {
      out += (glue ? '' : ' ') + s;
      glue = true;
    } else if (t.kind === 'punct') {
      out += s;
      glue = false;
    } else {
      out += (glue ? '' : ' ') + s;
      glue = false;
    }
  });
  return out;
}

/** Drops punctuation left dangling at either end once fillers are gone. */
function trimPunct(toks: Token[]): Token[] {
  let a = 0;
  let b = toks.length;
  while (a < b && toks[a]!.kind === 'punct' && toks[a]!.key !== OPEN) a++;
  while (b > a && toks[b - 1]!.kind === 'punct' && /^[,;:]+$/.test(toks[b - 1]!.surface)) b--;
  return toks.slice(a, b);
}

// ---------------------------------------------------------------------------------------------

/** Spoken numbers, dates and legal references to digits; everything else as it was. */
export function wordsToNumbers(text: string): string {
  const folded = lacksDiacritics(text);
  const toks = convertNumberTokens(tokenize(text, folded), folded);
  return join(toks, toks.map((t) => t.surface));
}

export function normalizeTranscript(raw: string, opts: NormalizeOptions = {}): NormalizedTranscript {
  const folded = lacksDiacritics(raw);
  const original = tokenize(raw, folded);
  const lastWord = original.findLast((t) => t.kind !== 'punct');
  // A final "à" asks ("phải nộp lại à"); it goes as a filler, so remember the question now.
  const askedByParticle = !folded && lastWord?.low === 'à';

  let toks = removeFillers(original, folded);
  toks = joinSpelled(toks, folded);
  toks = convertNumberTokens(toks, folded);
  toks = joinUnits(toks);
  toks = trimPunct(toks);
  let accented = !folded;
  if (folded && opts.restoreDiacritics && toks.some((t) => t.kind === 'word')) {
    toks = restoreWords(toks, opts.restoreDiacritics);
    accented = !lacksDiacritics(toks.map((t) => t.low).join(' '));
  }

  let body = toks;
  // Commas too: "105, …" would otherwise search for "105," (the "…" hid the comma from trimPunct).
  while (body.length && body.at(-1)!.kind === 'punct' && /^[.?!…,;:]+$/.test(body.at(-1)!.surface)) body = body.slice(0, -1);
  const text = join(body, body.map((t) => (t.kind === 'word' ? t.low : t.surface)));

  let display = '';
  if (toks.length) {
    const forms = displayForms(toks);
    const first = toks.findIndex((t) => t.kind !== 'punct');
    if (first >= 0 && toks[first]!.kind === 'word') forms[first] = capitalise(forms[first]!);
    display = join(toks, forms);
    const last = toks.at(-1)!;
    if (last.kind !== 'punct' || !/[.?!…]/.test(last.surface)) display += askedByParticle || asksSomething(toks, accented) ? '?' : '.';
  }
  const bare = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
  return { text, display, changed: bare(display) !== bare(raw) };
}
