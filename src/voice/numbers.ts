// Spoken Vietnamese numbers to digits, decided by context: "năm" is five in "năm người" but the
// year in "năm nay" and "năm 2022"; "một" is the article in "một người" and "per" in "ba triệu một
// tháng"; "không" is "not" unless it sits inside a number. A lone number word becomes digits only
// where the next word shows it counts something (a unit) or the previous one asks for a number
// (Điều, khoản, tháng…); a number of two words or more always does. Dates and spoken legal
// references ("nghị định bốn mươi hai năm hai không hai hai" → "42/2022/NĐ-CP") are read here too,
// because the same words mean something else inside them.
import { fold, normalizeText } from '../text/normalize.ts';

export type TokenKind = 'word' | 'num' | 'code' | 'punct';

export interface Token {
  /** As recognised or typed (case kept, for display); for produced tokens, the produced form. */
  surface: string;
  /** Lowercase surface: what `text` shows for words. */
  low: string;
  /** What the rules compare: `low`, or its folded form when the transcript has no diacritics. */
  key: string;
  kind: TokenKind;
}

export function producedToken(surface: string, kind: 'num' | 'code'): Token {
  return { surface, low: surface, key: surface.toLowerCase(), kind };
}

// Constants go through the same normalisation as input, so "khoá"/"khóa" spellings compare equal.
const nt = (w: string) => normalizeText(w);
const words = (s: string) => s.split(' ').map(nt);

const DIGITS = new Map(
  Object.entries({ không: 0, một: 1, hai: 2, ba: 3, bốn: 4, năm: 5, sáu: 6, bảy: 7, bẩy: 7, tám: 8, chín: 9 }).map(([w, v]) => [nt(w), v]),
);
// After "mươi" five is "lăm" and one is usually "mốt": "hai mươi năm" is twenty years, not 25.
const AFTER_TENS = new Map(
  Object.entries({ mốt: 1, một: 1, hai: 2, ba: 3, bốn: 4, tư: 4, lăm: 5, nhăm: 5, sáu: 6, bảy: 7, bẩy: 7, tám: 8, chín: 9 }).map(([w, v]) => [nt(w), v]),
);
const AFTER_MUOI = new Map([...AFTER_TENS].filter(([w]) => w !== 'mốt'));
// Forms that only exist after a tens digit, so "hai lăm" (25) and "ba mốt" (31) are unambiguous.
const CONTRACTED = new Map(Object.entries({ mốt: 1, tư: 4, lăm: 5, nhăm: 5 }).map(([w, v]) => [nt(w), v]));
const DIGIT_NAMES = [...DIGITS].filter(([w]) => w !== nt('bẩy')).map(([w]) => w);
const SCALES = new Map(Object.entries({ nghìn: 1e3, ngàn: 1e3, triệu: 1e6, tỷ: 1e9, tỉ: 1e9 }).map(([w, v]) => [nt(w), v]));
const NUMBER_WORDS = new Set([
  ...DIGITS.keys(),
  ...AFTER_TENS.keys(),
  ...SCALES.keys(),
  ...words('mười mươi chục trăm linh lẻ rưỡi phẩy'),
]);
const FOLDED_READINGS = new Map<string, string[]>();
for (const w of NUMBER_WORDS) FOLDED_READINGS.set(fold(w), [...(FOLDED_READINGS.get(fold(w)) ?? []), w]);
// Without diacritics these syllables are more often another word: "nam" (south, male), "sau"
// (after: "tháng sau"), "bay" (fly), "tam" (tạm trú), "tu" (từ), "lam" (làm), "le" (lệ phí),
// "ty"/"ti" (một tí). They count as numbers only inside a number, never as its first or only word.
const RISKY_FOLDED = new Set(['nam', 'sau', 'bay', 'tam', 'tu', 'lam', 'le', 'ty', 'ti']);

// A recogniser sometimes drops the marks of a single word inside an accented transcript: "một trăm
// ba muoi hai", "hai không mot lăm". Such a word reads as a number only when it is attached to one.
// These syllables are rarely anything but numbers, so any number word next to them will do (or a
// word that asks for a number: "điều muoi")…
const PLAIN_FOLDED = new Set(['muoi', 'tram', 'nghin', 'trieu', 'chuc', 'khong', 'bon', 'chin']);
// …the others ("lam" is làm, "mot" mọt, "ngan" ngắn) need a neighbour that exists only in numbers.
const NUMBER_ONLY = new Set(words('mười mươi trăm nghìn ngàn triệu chục lăm nhăm mốt'));

/** A word list compared as typed, or folded when the transcript has no diacritics. */
interface WordSet {
  accented: Set<string>;
  folded: Set<string>;
}
const wordSet = (s: string): WordSet => ({ accented: new Set(words(s)), folded: new Set(words(s).map(fold)) });

// "hai tư vấn viên" is two advisers, not 24.
const TU_COMPOUNDS = wordSet('vấn pháp nhân cách liệu duy thế tưởng hữu bản sản lệnh trang thục chất gia doanh lợi vị');
// Particles that close a clause: "… hai mươi tư thế ạ".
const CLOSING_PARTICLES = wordSet('ạ à nhé nha nhỉ hả');

type UnitKind = 'time' | 'age' | 'money' | 'measure' | 'count';
const UNITS = new Map<string, UnitKind>();
const addUnits = (kind: UnitKind, list: string) => list.split(' ').forEach((w) => UNITS.set(nt(w), kind));
addUnits('time', 'giây phút giờ tiếng ngày tuần tháng năm quý buổi');
addUnits('age', 'tuổi');
addUnits('money', 'đồng đ vnđ vnd usd đô euro yên');
addUnits('measure', 'mét m km cm mm cây ki kg ký cân lạng lít ha héc m2 m3 khối tấn tạ yến gam độ phân');
addUnits(
  'count',
  'người lần bản bộ tờ trang quyển cuốn chiếc cái con căn thửa hộ đứa cháu suất lượt hồ ảnh tấm loại bước chỗ xe phòng tầng mức đơn kỳ cặp đôi chữ số điểm môn trường',
);
const FOLDED_UNITS = new Map<string, UnitKind>();
for (const [w, k] of UNITS) if (!FOLDED_UNITS.has(fold(w))) FOLDED_UNITS.set(fold(w), k);

// "năm" followed by these is the year noun: "năm nay", "năm học", "tháng năm năm sau".
const YEAR_MODIFIERS = wordSet('nay ngoái sau trước tới học đó ấy này kia rồi qua mới nhuận sinh tài thứ đầu cuối ngân âm');
// …and preceded by these: "mỗi năm", "hàng năm", "trong năm".
const YEAR_PRECEDERS = wordSet('mỗi hàng trong cuối đầu giữa nửa cả các những từng sang qua');
// Vague or ordinal contexts keep the word: "thứ hai", "vài ba ngày", "dăm ba bữa".
const KEEP_AFTER = wordSet('thứ vài dăm mấy');
const SIZE_WORDS = wordSet('ảnh hình cỡ khổ size');
const QUOC_HOI = words('quốc hội');
const THU_TUONG = words('thủ tướng');
const CHINH_PHU = words('chính phủ');
const PHAN_TRAM = words('phần trăm');

interface Structural {
  /** Chapters are numbered in Roman numerals in Vietnamese legislation. */
  roman?: boolean;
  /** "số năm đóng bảo hiểm" is the number of years, so "số" never takes a lone "năm". */
  noFive?: boolean;
  /** Too ambiguous without diacritics ("so" = so sánh, "mong" = hope). */
  accentedOnly?: boolean;
}
const STRUCTURAL = new Map<string, Structural>([
  [nt('điều'), {}],
  [nt('khoản'), {}],
  [nt('chương'), { roman: true }],
  [nt('mục'), {}],
  [nt('tiết'), {}],
  [nt('số'), { noFive: true, accentedOnly: true }],
  [nt('mùng'), {}],
  [nt('mồng'), { accentedOnly: true }],
  [nt('lớp'), {}],
  [nt('quận'), { accentedOnly: true }],
  [nt('phường'), { accentedOnly: true }],
]);
const FOLDED_STRUCTURAL = new Map([...STRUCTURAL].filter(([, st]) => !st.accentedOnly).map(([w, st]) => [fold(w), st]));

type DocKind = 'nd' | 'tt' | 'ttlt' | 'qd' | 'nq' | 'ct' | 'luat';
const DOC_TYPES: { words: string[]; kind: DocKind }[] = [
  { words: words('thông tư liên tịch'), kind: 'ttlt' },
  { words: words('thông tư'), kind: 'tt' },
  { words: words('nghị định'), kind: 'nd' },
  { words: words('quyết định'), kind: 'qd' },
  { words: words('nghị quyết'), kind: 'nq' },
  { words: words('chỉ thị'), kind: 'ct' },
  { words: words('luật'), kind: 'luat' },
];

// Letters as read aloud, for "điểm bê khoản hai" and "bằng bê hai".
type Spellings = [letter: string, names: string[][]][];
const spellings = (table: [string, string[]][]): Spellings => table.map(([l, names]) => [l, names.map(words)]);
const POINT_LETTERS = spellings([
  ['a', ['a']],
  ['b', ['bê', 'bờ']],
  ['c', ['xê', 'cờ']],
  ['d', ['dê', 'dờ']],
  ['đ', ['đê', 'đờ']],
  ['e', ['e']],
  ['g', ['gờ', 'giê']],
  ['h', ['hát', 'hờ']],
  ['i', ['i']],
  ['k', ['ca', 'ka']],
  ['l', ['lờ', 'e lờ']],
  ['m', ['mờ', 'em mờ']],
  ['n', ['nờ', 'en nờ']],
]);
const LICENCE_LETTERS = spellings([
  ['A', ['a']],
  ['B', ['bê', 'bờ']],
  ['C', ['xê', 'cờ']],
  ['D', ['đê', 'dê']],
  ['E', ['e']],
  ['F', ['ép phờ', 'ép']],
]);

const ROMAN: [number, string][] = [[90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
function toRoman(n: number): string {
  let s = '';
  for (const [v, r] of ROMAN) {
    while (n >= v) {
      s += r;
      n -= v;
    }
  }
  return s;
}

/** Thousands separated by "." as Vietnamese writes amounts: 1200000 → "1.200.000". */
function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

const pad2 = (n: number) => String(n).padStart(2, '0');

interface Cardinal {
  value: number;
  end: number;
  /** One word only ("năm", "mười"): its meaning depends on the neighbours. */
  lone: boolean;
  /** Ends on nghìn/triệu/tỷ, "rưỡi" or an elliptical digit: an amount, never a year. */
  amount: boolean;
}

interface Year {
  value: number;
  end: number;
  /** As written: "2022", or "08" for a year read as "không tám". */
  text: string;
}

interface Hit {
  tokens: Token[];
  end: number;
}

class Scanner {
  private readonly readings: string[][];
  private readonly foldCache = new Map<string, string>();
  // Rules ask the same questions about the same positions ("is a unit next?" reads a year, which
  // reads a number…); answers are remembered for the scan.
  private readonly cardinals = new Map<number, Cardinal | null>();
  private readonly years = new Map<number, Year | null>();

  constructor(
    private readonly t: Token[],
    private readonly folded: boolean,
  ) {
    this.readings = t.map((tok) => {
      if (tok.kind !== 'word') return [];
      if (folded) return FOLDED_READINGS.get(tok.key) ?? [];
      return NUMBER_WORDS.has(tok.key) ? [tok.key] : [];
    });
    if (!folded) this.readStrayFolded();
    this.readTypedDigits();
  }

  /**
   * Recognisers write some numbers as digits and the rest in words: "2 muoi", "5 trăm", "2 triệu".
   * A digit right before a multiplier word is read as that digit's word, so the number reads whole.
   */
  private readTypedDigits(): void {
    this.t.forEach((tok, i) => {
      if (tok.kind !== 'num' || !/^[1-9]$/.test(tok.surface)) return;
      if (['mươi', 'trăm', 'chục'].some((w) => this.has(i + 1, w)) || this.scale(i + 1) !== undefined) this.readings[i] = [DIGIT_NAMES[Number(tok.surface)]!];
    });
  }

  /** Gives readings to number words without marks in an accented transcript, where attached to a number. */
  private readStrayFolded(): void {
    const candidates = new Set<number>();
    this.t.forEach((tok, i) => {
      if (tok.kind === 'word' && !NUMBER_WORDS.has(tok.key) && fold(tok.key) === tok.key && FOLDED_READINGS.has(tok.key)) candidates.add(i);
    });
    const numberOnly = (j: number) => this.readings[j]?.some((r) => NUMBER_ONLY.has(r)) ?? false;
    const anyNumber = (j: number) => (this.readings[j]?.length ?? 0) > 0 || (this.t[j]?.kind === 'num' && /^\d+$/.test(this.t[j]!.surface));
    const asksNumber = (j: number) => {
      const tok = this.t[j];
      return tok?.kind === 'word' && (STRUCTURAL.has(tok.key) || FOLDED_STRUCTURAL.has(tok.key));
    };
    // Each word read gives its neighbours something to attach to: "hai nghìn không tram mười tám".
    for (let grew = true; grew; ) {
      grew = false;
      for (const i of candidates) {
        const key = this.t[i]!.key;
        const attached = PLAIN_FOLDED.has(key)
          ? anyNumber(i - 1) || anyNumber(i + 1) || asksNumber(i - 1)
          : numberOnly(i - 1) || numberOnly(i + 1);
        if (!attached) continue;
        this.readings[i] = FOLDED_READINGS.get(key)!;
        candidates.delete(i);
        grew = true;
      }
    }
  }

  private k(w: string): string {
    if (!this.folded) return w;
    let f = this.foldCache.get(w);
    if (f === undefined) this.foldCache.set(w, (f = fold(w)));
    return f;
  }

  private is(i: number, ...ws: string[]): boolean {
    const tok = this.t[i];
    return tok?.kind === 'word' && ws.some((w) => this.k(w) === tok.key);
  }

  private inSet(i: number, set: WordSet): boolean {
    const tok = this.t[i];
    return tok?.kind === 'word' && (this.folded ? set.folded : set.accented).has(tok.key);
  }

  private phrase(i: number, ws: string[]): boolean {
    return ws.every((w, n) => this.is(i + n, w));
  }

  private has(i: number, w: string): boolean {
    return this.readings[i]?.includes(w) ?? false;
  }

  private risky(i: number): boolean {
    return this.folded && RISKY_FOLDED.has(this.t[i]?.key ?? '');
  }

  private read(i: number, table: Map<string, number>): number | undefined {
    for (const r of this.readings[i] ?? []) {
      const v = table.get(r);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private digit(i: number) {
    return this.read(i, DIGITS);
  }

  private scale(i: number): number | undefined {
    const s = this.read(i, SCALES);
    // "tỷ lệ" is a rate, not a billion
    return s === 1e9 && this.is(i + 1, 'lệ') ? undefined : s;
  }

  private isFive(i: number): boolean {
    return this.has(i, 'năm');
  }

  unitAt(i: number): UnitKind | undefined {
    const tok = this.t[i];
    if (!tok) return undefined;
    if (tok.kind === 'code') return /^(vnđ|vnd|usd|eur)$/i.test(tok.surface) ? 'money' : undefined;
    if (tok.kind === 'num') return /^(m2|m3|km2?|cm|mm|kg)$/i.test(tok.surface) ? 'measure' : undefined;
    if (tok.kind !== 'word') return undefined;
    // "năm nay" and "năm 2022" name a year; they do not count years.
    if (this.is(i, 'năm') && (this.yearModifier(i + 1) || this.yearAt(i + 1, true))) return undefined;
    return (this.folded ? FOLDED_UNITS : UNITS).get(tok.key);
  }

  private yearModifier(i: number): boolean {
    return this.inSet(i, YEAR_MODIFIERS);
  }

  private numberContinues(i: number): boolean {
    return ['mươi', 'chục', 'trăm', 'phẩy', 'linh', 'lẻ', 'rưỡi'].some((w) => this.has(i, w)) || this.scale(i) !== undefined;
  }

  /** "mười [một…chín]", "D mươi [u]", "D chục", "hai lăm" (25). */
  private tens(q: number, riskyHead: boolean): { value: number; end: number } | null {
    if (this.has(q, 'mười')) {
      const u = this.read(q + 1, AFTER_MUOI);
      if (u !== undefined && !(u === 4 && this.has(q + 1, 'tư') && this.tuCompound(q + 2, true))) return { value: 10 + u, end: q + 2 };
      return { value: 10, end: q + 1 };
    }
    const d = this.digit(q);
    if (d === undefined || d < 1) return null;
    if (d >= 2 && this.has(q + 1, 'mươi')) {
      const u = this.read(q + 2, AFTER_TENS);
      if (u !== undefined && !(u === 4 && this.has(q + 2, 'tư') && this.tuCompound(q + 3, true))) return { value: d * 10 + u, end: q + 3 };
      return { value: d * 10, end: q + 2 };
    }
    if (this.has(q + 1, 'chục')) return { value: d * 10, end: q + 2 };
    // Contractions are never read without diacritics: "ba lam viec" is "ba làm việc".
    if (d >= 2 && !this.folded && (!this.risky(q) || riskyHead)) {
      const u = this.read(q + 1, CONTRACTED);
      if (u !== undefined && !(u === 4 && this.tuCompound(q + 2))) return { value: d * 10 + u, end: q + 2 };
    }
    return null;
  }

  /**
   * Whether "tư" before word `i` is the first half of a word ("tư vấn", "tư thế"). After a number
   * a clause-final "thế" is a particle: "năm hai nghìn không trăm hai mươi tư thế ạ".
   */
  private tuCompound(i: number, afterNumber = false): boolean {
    if (!this.inSet(i, TU_COMPOUNDS)) return false;
    return !(afterNumber && this.is(i, 'thế') && this.clauseEnds(i + 1));
  }

  private clauseEnds(i: number): boolean {
    const tok = this.t[i];
    return !tok || tok.kind === 'punct' || this.inSet(i, CLOSING_PARTICLES);
  }

  /** A digit standing for the next lower place: "một trăm hai" = 120, "một triệu hai" = 1.200.000. */
  private ellipticalDigit(e: number): number | undefined {
    if (this.risky(e) || this.isFive(e)) return undefined; // "một trăm năm" is a hundred years
    const d = this.has(e, 'mốt') ? 1 : this.has(e, 'tư') && !this.folded && !this.tuCompound(e + 1) ? 4 : this.digit(e);
    if (d === undefined || d < 1) return undefined;
    if (this.numberContinues(e + 1) || this.read(e + 1, CONTRACTED) !== undefined) return undefined;
    // "ba triệu một tháng" is three million a month
    if (d === 1 && this.has(e, 'một') && this.unitAt(e + 1) !== undefined) return undefined;
    return d;
  }

  /** 0–999, optionally after a scale word (where "lẻ hai" and "không trăm…" appear). */
  private segment(q: number, afterScale: boolean, riskyHead: boolean): { value: number; end: number; amount: boolean } | null {
    let v = 0;
    let e = q;
    let hundreds = false;
    const d = this.digit(q);
    if (d !== undefined && this.has(q + 1, 'trăm')) {
      v = d * 100;
      e = q + 2;
      hundreds = true;
    }
    if ((hundreds || afterScale) && (this.has(e, 'linh') || this.has(e, 'lẻ'))) {
      const u = this.digit(e + 1);
      if (u !== undefined && u > 0) return { value: v + u, end: e + 2, amount: false };
    }
    if (hundreds && this.has(e, 'rưỡi')) return { value: v + 50, end: e + 1, amount: true };
    const t = this.tens(e, riskyHead || hundreds || afterScale);
    if (t) return { value: v + t.value, end: t.end, amount: false };
    if (hundreds) {
      const ell = this.ellipticalDigit(e);
      return ell !== undefined ? { value: v + ell * 10, end: e + 1, amount: true } : { value: v, end: e, amount: false };
    }
    if (afterScale) return null;
    if (d !== undefined && d >= 1 && (!this.risky(q) || riskyHead)) return { value: d, end: q + 1, amount: false };
    return null;
  }

  cardinal(p: number, riskyHead = false): Cardinal | null {
    const key = p * 2 + (riskyHead ? 1 : 0);
    let c = this.cardinals.get(key);
    if (c === undefined) this.cardinals.set(key, (c = this.parseCardinal(p, riskyHead)));
    return c;
  }

  private parseCardinal(p: number, riskyHead: boolean): Cardinal | null {
    const first = this.segment(p, false, riskyHead);
    if (!first) return null;
    let total = 0;
    let cur = first.value;
    let e = first.end;
    let amount = first.amount;
    let lastScale = Infinity;
    for (;;) {
      let s = this.scale(e);
      // "một tí" (a little) is not a billion
      if (s !== undefined && this.risky(e) && cur === 1 && this.digit(e + 1) === undefined && this.unitAt(e + 1) !== 'money') s = undefined;
      if (s === undefined || cur === 0) {
        total += cur;
        break;
      }
      if (s >= lastScale) total = (total + cur) * s;
      else total += cur * s;
      lastScale = s;
      e++;
      // "một nghìn tỷ": a larger scale straight after multiplies everything so far
      for (let s2 = this.scale(e); s2 !== undefined && s2 > lastScale; s2 = this.scale(e)) {
        total *= s2;
        lastScale = s2;
        e++;
      }
      cur = 0;
      amount = true;
      if (this.has(e, 'rưỡi')) {
        total += lastScale / 2;
        e++;
        break;
      }
      const seg = this.segment(e, true, true);
      if (seg) {
        cur = seg.value;
        e = seg.end;
        amount = seg.amount;
        continue;
      }
      const ell = this.ellipticalDigit(e);
      if (ell !== undefined) {
        total += (ell * lastScale) / 10;
        e++;
      }
      break;
    }
    return { value: total, end: e, lone: e - p === 1, amount };
  }

  /** Digits read one by one: "không chín không một…", "hai không hai tư"; "hai không mười lăm" (2015). */
  private run(i: number): { digits: string; end: number } {
    let j = i;
    let digits = '';
    while (j < this.t.length) {
      if (digits === '19' || digits === '20') {
        // A year said as its century and a two-digit number: "hai không mười lăm", "hai không hai mươi tư".
        const t = this.tens(j, true);
        if (t && t.value >= 10) return { digits: digits + t.value, end: t.end };
      }
      let d = this.digit(j);
      if (j === i) {
        if (this.risky(j)) break;
      } else if (d === undefined && (!this.folded || j - i >= 3)) {
        // "hai không hai tư" (2024); without diacritics only once the run is clearly digits
        d = this.read(j, CONTRACTED);
        if (d === 4 && this.tuCompound(j + 1, true)) d = undefined;
      }
      if (d === undefined) break;
      digits += d;
      j++;
    }
    return { digits, end: j };
  }

  /** A year after "năm" or in a document number: "hai không hai hai", "hai nghìn không trăm hai mươi mốt", "2022". */
  yearAt(j: number, lenient: boolean): Year | null {
    const key = j * 2 + (lenient ? 1 : 0);
    let y = this.years.get(key);
    if (y === undefined) this.years.set(key, (y = this.parseYear(j, lenient)));
    return y;
  }

  private parseYear(j: number, lenient: boolean): Year | null {
    const tok = this.t[j];
    if (tok?.kind === 'num' && /^\d{4}$/.test(tok.surface)) return { value: Number(tok.surface), end: j + 1, text: tok.surface };
    const r = this.run(j);
    if (!this.numberContinues(r.end)) {
      const year = { value: Number(r.digits), end: r.end, text: r.digits };
      if (r.digits.length === 4 && /^[12]/.test(r.digits)) return year;
      // "sinh năm chín tám" ('98), "năm không tám" ('08)
      if (lenient && r.digits.length === 2 && /^[05-9]/.test(r.digits)) return year;
    }
    const c = this.cardinal(j, true);
    if (c && !c.lone && c.value <= 2100 && (lenient ? !c.amount || c.value >= 1000 : c.value >= 1000)) {
      return { value: c.value, end: c.end, text: String(c.value) };
    }
    return null;
  }

  private emitNum(s: string): Token {
    return producedToken(s, 'num');
  }

  private docRef(i: number): Hit | null {
    const type = DOC_TYPES.find((d) => this.phrase(i, d.words));
    if (!type) return null;
    let j = i + type.words.length;
    const so = this.is(j, 'số') ? j++ : -1;
    let num: { value: number; end: number } | null = null;
    const tok = this.t[j];
    if (tok?.kind === 'num' && /^\d{1,4}$/.test(tok.surface)) num = { value: Number(tok.surface), end: j + 1 };
    else {
      const c = this.cardinal(j, true);
      // "luật năm 2020" names the year, not law number five; a lone "năm" is five only before the year
      if (c && !(c.lone && this.isFive(j) && !this.is(c.end, 'năm')) && c.value < 10000 && !c.amount) num = c;
    }
    if (!num) return null;
    const head = this.t.slice(i, i + type.words.length);
    let k = num.end;
    const year = this.is(k, 'năm') ? this.yearAt(k + 1, false) : null;
    if (!year) {
      // "quyết định một lần" is a verb and an adverb, not decision no. 1
      if (num.end - j === 1 && this.unitAt(num.end) !== undefined) return null;
      return { tokens: [...head, ...(so >= 0 ? [this.t[so]!] : []), this.emitNum(String(num.value))], end: k };
    }
    k = year.end;
    let suffix = '';
    const code = this.t[k]?.kind === 'code' ? this.t[k]!.surface : '';
    switch (type.kind) {
      case 'nd':
        // Decrees are always issued by the Government.
        suffix = '/NĐ-CP';
        if (code === 'NĐ-CP') k++;
        break;
      case 'luat':
      case 'nq': {
        let m = k;
        if (this.phrase(m, QUOC_HOI)) {
          m += 2;
          if (this.is(m, 'khóa')) m++;
          const q = this.cardinal(m, true);
          if (q && q.value >= 1 && q.value <= 20) {
            suffix = `/QH${q.value}`;
            k = q.end;
          }
        } else if (/^QH\d{1,2}$/.test(code)) {
          suffix = `/${code}`;
          k++;
        }
        break;
      }
      case 'qd':
      case 'ct': {
        let m = k;
        if (this.is(m, 'của')) m++;
        if (this.phrase(m, THU_TUONG)) {
          m += 2;
          if (this.phrase(m, CHINH_PHU)) m += 2;
          suffix = type.kind === 'qd' ? '/QĐ-TTg' : '/CT-TTg';
          k = m;
        }
        break;
      }
      case 'tt':
        // The issuing ministry cannot be guessed; only a spelled-out suffix ("tê tê bê xê a") names it.
        if (code.startsWith('TT-')) {
          suffix = `/${code}`;
          k++;
        }
        break;
      case 'ttlt':
        break;
    }
    return { tokens: [...head, this.emitNum(`${pad2(num.value)}/${year.value}${suffix}`)], end: k };
  }

  private letterAt(i: number, table: Spellings): { letter: string; end: number } | null {
    for (const [letter, names] of table) {
      for (const ws of names) {
        if (this.phrase(i, ws)) return { letter, end: i + ws.length };
      }
    }
    return null;
  }

  /** "điểm bê khoản hai" → "điểm b khoản 2". */
  private point(i: number, out: Token[]): Hit | null {
    if (this.folded || !this.is(i, 'điểm')) return null;
    const l = this.letterAt(i + 1, POINT_LETTERS);
    if (!l || (l.end === i + 2 && this.t[i + 1]!.low === l.letter)) return null;
    const next = this.t[l.end];
    const afterRef = out.length >= 2 && out.at(-1)!.kind === 'num' && ['khoản', 'điều'].includes(out.at(-2)!.low);
    if (!(this.is(l.end, 'khoản', 'điều') || !next || next.kind === 'punct' || afterRef)) return null;
    return { tokens: [this.t[i]!, producedToken(l.letter, 'code')], end: l.end };
  }

  /** Driving-licence classes: "bằng bê hai" → "bằng B2", "hạng a một" → "hạng A1". */
  private licence(i: number): Hit | null {
    const hang = this.is(i, 'hạng');
    if (!hang && (this.folded || !this.is(i, 'bằng'))) return null;
    let j = i + 1;
    if (!hang && this.is(j, 'lái')) j += this.is(j + 1, 'xe') ? 2 : 1;
    const l = this.letterAt(j, LICENCE_LETTERS);
    if (!l) return null;
    let e = l.end;
    let code = l.letter;
    const d = this.digit(e);
    if (d !== undefined && d >= 1 && d <= 4 && !this.risky(e) && !this.numberContinues(e + 1)) {
      code += d;
      e++;
    }
    if (this.is(e, 'e') && l.letter !== 'E') {
      code += 'E';
      e++;
    }
    // "bằng a" could be ordinary speech; a class needs its digit or a spelled letter name.
    if (!hang && code.length === 1 && ['a', 'e'].includes(this.t[j]!.low)) return null;
    return { tokens: [...this.t.slice(i, j), producedToken(code, 'code')], end: e };
  }

  private day(i: number): Hit | null {
    if (!this.is(i, 'ngày')) return null;
    const c = this.cardinal(i + 1, !this.folded);
    if (!c || c.value < 1 || c.value > 31 || c.amount) return null;
    // "ngày một tăng" (ever more): a lone number is a date only before "tháng"
    if (c.lone && !this.is(c.end, 'tháng')) return null;
    return { tokens: [this.t[i]!, this.emitNum(String(c.value))], end: c.end };
  }

  private month(i: number): Hit | null {
    if (!this.is(i, 'tháng')) return null;
    if (this.folded && this.t[i + 1]?.key === 'sau') return null; // "tháng sau"
    // April is "tháng tư"; "tư" alone is not a number anywhere else
    if (!this.folded && this.has(i + 1, 'tư') && !this.tuCompound(i + 2, true)) return { tokens: [this.t[i]!, this.emitNum('4')], end: i + 2 };
    const c = this.cardinal(i + 1, true);
    if (!c || c.value < 1 || c.value > 12 || c.amount) return null;
    if (c.lone && this.isFive(i + 1) && this.yearModifier(i + 2)) return null; // "tháng năm nay": May, or this year's month?
    // "mỗi tháng hai lần" counts times; the number belongs to "lần"
    if (c.lone && this.unitAt(c.end) !== undefined) return null;
    return { tokens: [this.t[i]!, this.emitNum(String(c.value))], end: c.end };
  }

  private year(i: number): Hit | null {
    if (!this.is(i, 'năm')) return null;
    const own = this.cardinal(i);
    if (own && !own.lone) return null; // "năm mươi", "năm trăm nghìn"
    const y = this.yearAt(i + 1, true);
    if (!y) return null;
    return { tokens: [this.t[i]!, this.emitNum(y.text)], end: y.end };
  }

  private structural(i: number): Hit | null {
    const tok = this.t[i];
    if (tok?.kind !== 'word') return null;
    const s = (this.folded ? FOLDED_STRUCTURAL : STRUCTURAL).get(tok.key);
    if (!s) return null;
    if (this.run(i + 1).digits.length >= 3) return null; // "số không chín…" is a phone number
    const c = this.cardinal(i + 1, true);
    if (!c || c.amount || c.value >= 1000) return null;
    if (c.lone && this.isFive(i + 1) && (s.noFive || this.yearModifier(i + 2) || this.yearAt(i + 2, false))) return null;
    if (this.has(c.end, 'phẩy') || this.phrase(c.end, PHAN_TRAM)) return null;
    const value = s.roman ? toRoman(c.value) : String(c.value);
    return { tokens: [tok, this.emitNum(value)], end: c.end };
  }

  private digitRun(i: number): Hit | null {
    const r = this.run(i);
    let { digits, end } = r;
    // "ba bốn năm" is more likely "three or four years" than the code 345
    if (digits.length <= 3 && this.isFive(end - 1)) {
      digits = digits.slice(0, -1);
      end--;
    }
    if (this.numberContinues(end)) {
      digits = digits.slice(0, -1);
      end--;
    }
    if (digits.length < 3) return null;
    // A run led by "năm" is usually the year noun and a short year: "sinh năm chín tám"
    if (this.isFive(i) && digits.length < 5) return null;
    return { tokens: [this.emitNum(digits)], end };
  }

  /** The digits after "phẩy": "năm" → 5, "không năm" → 05, "mười bốn" → 14. */
  private fraction(e: number): { digits: string; end: number } | null {
    const t = this.tens(e, true);
    if (t) return { digits: String(t.value), end: t.end };
    let j = e;
    let digits = '';
    for (let d = this.digit(j); d !== undefined; d = this.digit(++j)) digits += d;
    return digits ? { digits, end: j } : null;
  }

  private format(c: Cardinal): string {
    const v = c.value;
    if (v < 1000) return String(v);
    const unit = this.unitAt(c.end);
    // Amounts get thousands separators; a bare 19xx/20xx read in full is a year.
    if (c.amount || v >= 10000 || v < 1900 || v > 2100 || unit === 'money' || unit === 'measure') return groupThousands(v);
    return String(v);
  }

  private loneIsNumber(i: number, c: Cardinal, out: Token[]): boolean {
    if (this.risky(i)) return false;
    if (this.inSet(i - 1, KEEP_AFTER)) return false;
    // "trong năm năm qua": of two "năm" in a row the first counts the second
    if (this.isFive(i) && this.is(c.end, 'năm')) return true;
    const unit = this.unitAt(c.end);
    if (!unit) return false;
    if (this.isFive(i) && this.inSet(i - 1, YEAR_PRECEDERS)) return false;
    if (c.value === 1) {
      // "một người", "một lần": the article reads better than "1 người" and searches the same.
      if (unit === 'count') return false;
      // "ba triệu một tháng", "hai lần một năm": "một" means "per"
      if (unit === 'time' && (out.at(-1)?.kind === 'num' || out.at(-2)?.kind === 'num')) return false;
    }
    return true;
  }

  private number(i: number, out: Token[]): Hit | null {
    const tok = this.t[i]!;
    if (tok.kind === 'num' && /^\d+(,\d+)?$/.test(tok.surface) && this.phrase(i + 1, PHAN_TRAM)) {
      return { tokens: [this.emitNum(`${tok.surface}%`)], end: i + 3 };
    }
    if (this.digit(i) === 0 && this.has(i + 1, 'phẩy')) {
      const f = this.fraction(i + 2);
      if (f) return { tokens: [this.emitNum(`0,${f.digits}`)], end: f.end };
    }
    const c = this.cardinal(i);
    if (!c) return null;
    let e = c.end;
    if (this.has(e, 'phẩy') && !c.amount) {
      const f = this.fraction(e + 1);
      if (f) {
        let s = `${c.lone ? c.value : this.format(c)},${f.digits}`;
        e = f.end;
        if (this.phrase(e, PHAN_TRAM)) {
          s += '%';
          e += 2;
        }
        return { tokens: [this.emitNum(s)], end: e };
      }
    }
    if (this.phrase(e, PHAN_TRAM)) return { tokens: [this.emitNum(`${this.format(c)}%`)], end: e + 2 };
    if (c.lone) {
      const b = this.cardinal(e + 1);
      // "một phần ba" → 1/3; "ba phần tư" → 3/4
      if (this.is(e, 'phần')) {
        const den = this.has(e + 1, 'tư') ? 4 : b?.lone ? b.value : undefined;
        if (den !== undefined && den > c.value && den <= 10) return { tokens: [this.emitNum(`${c.value}/${den}`)], end: e + 2 };
      }
      // "ảnh ba nhân bốn" → 3x4
      if (this.is(e, 'nhân') && b?.lone && this.inSet(i - 1, SIZE_WORDS)) {
        return { tokens: [this.emitNum(`${c.value}x${b.value}`)], end: e + 2 };
      }
      // "hai ba ngày" → 2-3 ngày
      const n = this.cardinal(e);
      if (n?.lone && n.value === c.value + 1 && !this.risky(i) && !this.risky(e) && this.unitAt(n.end) !== undefined) {
        if (!this.inSet(i - 1, KEEP_AFTER)) {
          return { tokens: [this.emitNum(`${c.value}-${n.value}`)], end: n.end };
        }
      }
      if (!this.loneIsNumber(i, c, out)) return null;
    }
    return { tokens: [this.emitNum(this.format(c))], end: c.end };
  }

  scan(): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < this.t.length) {
      const hit =
        this.docRef(i) ??
        this.point(i, out) ??
        this.licence(i) ??
        this.day(i) ??
        this.month(i) ??
        this.year(i) ??
        this.structural(i) ??
        this.digitRun(i) ??
        this.number(i, out);
      if (hit) {
        out.push(...hit.tokens);
        i = hit.end;
      } else {
        out.push(this.t[i]!);
        i++;
      }
    }
    return out;
  }
}

/**
 * Replaces spoken numbers, dates and legal references in a token list with digits. `folded`
 * says the tokens' keys have no diacritics, which makes several number words ambiguous.
 */
export function convertNumberTokens(tokens: Token[], folded: boolean): Token[] {
  return new Scanner(tokens, folded).scan();
}
