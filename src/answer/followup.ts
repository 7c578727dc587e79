// Follow-ups such as "thế còn lệ phí?" only make sense with the question before them. The
// deterministic rewrite keeps the new aspect ("lệ phí") and takes the topic ("đăng ký tạm trú")
// from the earlier question, with that question's own aspect words removed.
import { fold } from '../text/normalize.ts';
import type { Turn } from './types.ts';

/** What a question asks about a procedure; used by the rewrite and by the composer's emphasis. */
export type Aspect = 'fee' | 'time' | 'documents' | 'where' | 'conditions' | 'steps';

const ASPECTS: [Aspect, RegExp][] = [
  ['fee', /\b(?:le phi|phi|bao nhieu tien|mat tien|mat phi|chi phi|ton phi|tien|fee|fees|cost|costs|charge|price)\b/],
  ['time', /\b(?:bao lau|may ngay|bao nhieu ngay|thoi han|thoi gian|mat may|lau khong|how long|how many days|processing time|time)\b/],
  ['documents', /\b(?:giay to|ho so|can gi|nhung gi|can nhung|chuan bi|thanh phan|documents?|papers?|what do i need)\b/],
  ['where', /\b(?:o dau|noi nao|cho nao|co quan nao|nop o|nop tai|where|which office|which agency)\b/],
  ['conditions', /\b(?:dieu kien|yeu cau|conditions?|requirements?|eligible|eligibility)\b/],
  ['steps', /\b(?:cac buoc|trinh tu|lam the nao|lam sao|cach lam|quy trinh|steps?|how (?:do|can|to))\b/],
];

/** "bao lâu", "bao nhiêu", "mấy tuổi", "tối đa", "how many"…: the answer is a number. */
export function asksForQuantity(text: string): boolean {
  const ff = ` ${fold(text).replace(/[^a-z0-9]+/g, ' ').trim()} `;
  return /\b(?:bao lau|bao nhieu|may (?:ngay|thang|nam|tuoi|gio|lan|tuan|phan tram)|toi da|toi thieu|it nhat|thoi han|thoi hieu|tu (?:du )?bao nhieu|how (?:many|much|long|old)|maximum|minimum|at least|deadline|age)\b/.test(ff);
}

export function aspectsOf(text: string): Aspect[] {
  const ff = ` ${fold(text).replace(/[^a-z0-9]+/g, ' ').trim()} `;
  return ASPECTS.filter(([, re]) => re.test(ff)).map(([a]) => a);
}

// Openers and closers that make a message lean on the one before.
const LEADING = /^(?:(?:thế|vậy|the|vay)\s+)?(?:còn|con)\s+|^(?:vậy|thế|vay|the)\s+(?:thì\s+|thi\s+)?|^(?:and\s+)?(?:what|how)\s+about\s+|^and\s+/iu;
const TRAILING = /\s*(?:thì\s+sao|thi\s+sao|thế\s+nào|the\s+nao|nữa|nua|thì\s+thế\s+nào|then)?\s*(?:ạ|a|nhỉ|nhi|vậy|vay|hả|ha)?\s*[?？.!…]*\s*$/iu;
// A particle that only softens the question: "bao lâu thì xong thế ạ", "hết bao nhiêu vậy". Without
// diacritics "the" may be "thẻ" (card) and is kept.
const CLOSING_PARTICLE = /\s+(?:thế|vậy|vay|nhỉ|nhi)(?:\s+(?:ạ|a|à|nhé|nhe|nha))?\s*([?？.!…]*)\s*$/iu;
const ANAPHORA = /\b(?:thu tuc (?:do|nay|tren)|truong hop (?:do|nay|tren)|viec (?:do|nay)|cai (?:do|nay)|giay (?:do|nay)|dieu (?:do|nay)|luat (?:do|nay)|the same|that procedure|this procedure|it)\b/;
// Words around an aspect that do not name a topic: "hết bao nhiêu tiền", "bao lâu thì xong".
const FILLERS = /\b(?:het|mat|thi|co|duoc|xong|ket qua|nhan|lay|lam|moi|roi|nua|tat ca|tong cong|khoang|tam|chung|tra|nop|ngay|tien|gio|tuan|thang|lan)\b/g;
const QUESTION_WORDS =
  /\b(?:cho (?:em|toi|minh|chau) hoi(?: la)?|xin hoi|cho hoi|toi muon hoi|em muon hoi|can nhung giay to gi|can giay to gi|can nhung gi|can gi|giay to gi|ho so gom nhung gi|ho so gom|gom nhung gi|la bao nhieu|bao nhieu|mat bao lau|bao lau|o dau|the nao|nhu the nao|lam the nao|khong|a|vay|nhi|what documents do i need|what documents are needed|how long does it take|how much is|how much does|what is|how do i|where do i|where can i|do i need|the fee for|the fee|fee for)\b/g;

export interface Rewrite {
  text: string;
  /** The earlier turn the follow-up leans on. */
  base: Turn;
}

/** The earlier citizen question (as understood then), the one a follow-up continues. */
function lastCitizenTurn(history: Turn[]): Turn | null {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.role === 'citizen') return history[i]!;
  return null;
}

function syllableCount(s: string): number {
  return (fold(s).match(/[a-z0-9]+/g) ?? []).length;
}

/** `text` without a closing particle, its final punctuation kept. */
function withoutParticle(text: string): string {
  return text.trim().replace(CLOSING_PARTICLE, '$1');
}

export function isFollowUp(text: string, history: Turn[]): boolean {
  if (!lastCitizenTurn(history)) return false;
  const t = withoutParticle(text);
  const ff = ` ${fold(t).replace(/[^a-z0-9]+/g, ' ').trim()} `;
  if (LEADING.test(t) && syllableCount(t) <= 12) return true;
  if (/\b(?:thi sao|the nao)\s*$/.test(ff.trim()) && syllableCount(t) <= 10) return true;
  if (ANAPHORA.test(ff)) return true;
  // A bare aspect ("lệ phí bao nhiêu?", "mất bao lâu thì có thẻ mới?") says nothing, or next to
  // nothing, about what it is for.
  if (!aspectsOf(t).length && !asksForQuantity(t)) return false;
  let rest = ff.replace(QUESTION_WORDS, ' ');
  for (const [, re] of ASPECTS) rest = rest.replace(new RegExp(re.source, 'g'), ' ');
  rest = rest.replace(FILLERS, ' ').replace(/\s+/g, ' ').trim();
  if (!rest) return true;
  // "mất bao lâu thì có thẻ mới?" after a question about an ID card continues it; "phí làm hộ
  // chiếu bao nhiêu" after one about residence starts a new topic.
  const base = lastCitizenTurn(history)!;
  const earlier = new Set(fold(`${base.rewritten ?? ''} ${base.text}`).match(/[a-z0-9]+/g) ?? []);
  return syllableCount(rest) <= 2 && rest.split(' ').some((w) => earlier.has(w));
}

/**
 * The topic of a question: the question without its aspect and question words, in its original
 * spelling. Folding keeps the length of NFC Vietnamese text, so spans found in the folded text
 * are cut from the original at the same positions.
 */
export function topicOf(question: string): string {
  return cutSpans(question, [QUESTION_WORDS, ...ASPECTS.map(([, re]) => re)]);
}

/** `text` without the spans the patterns match in its folded form, punctuation and extra spaces removed. */
function cutSpans(text: string, patterns: RegExp[]): string {
  const original = text.normalize('NFC');
  const folded = fold(original);
  if (folded.length !== original.length) {
    let f = folded;
    for (const re of patterns) f = f.replace(new RegExp(re.source, 'g'), ' ');
    return f.replace(/[?？!.,;:…]+/g, ' ').replace(/\s+/g, ' ').trim();
  }
  const keep = new Array<boolean>(original.length).fill(true);
  for (const re of patterns) {
    for (const m of folded.matchAll(new RegExp(re.source, 'g'))) for (let k = m.index; k < m.index + m[0].length; k++) keep[k] = false;
  }
  const out = [...original].map((ch, k) => (keep[k] ? ch : ' ')).join('');
  return out.replace(/[?？!.,;:…]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * A self-contained question for a follow-up, or null when the message stands on its own.
 * The topic is taken from the earlier question in its original spelling where possible.
 */
export function rewriteFollowUp(text: string, history: Turn[]): Rewrite | null {
  if (!isFollowUp(text, history)) return null;
  const base = lastCitizenTurn(history)!;
  const earlier = base.rewritten ?? base.text;
  const aspect = withoutParticle(text).replace(LEADING, '').replace(TRAILING, '').trim();
  const topic = topicOf(earlier);
  if (!topic) return null;
  // "còn nữ thì sao?" after "Nam bao nhiêu tuổi…": the new word takes the place of its
  // counterpart in the earlier question, which keeps everything else it asked.
  const swapped = swapCounterpart(cutSpans(earlier, [QUESTION_WORDS]), aspect);
  if (swapped) return { text: swapped, base };
  return { text: `${aspect} ${topic}`.replace(/\s+/g, ' ').trim(), base };
}

// Words a follow-up sets against one in the earlier question (folded, space-separated syllables).
const COUNTERPARTS: string[][] = [
  ['nam', 'nu'],
  ['truc tiep', 'truc tuyen', 'online', 'qua mang', 'buu chinh', 'dich vu buu chinh'],
  ['xe may', 'o to', 'xe o to'],
  ['cap xa', 'cap huyen', 'cap tinh', 'trung uong'],
  ['cha', 'me', 'bo'],
  ['vo', 'chong'],
  ['con trai', 'con gai'],
  ['cap moi', 'cap lai', 'cap doi', 'gia han'],
  ['thuong tru', 'tam tru'],
];

/** `text` with `word`'s contrasting member put in place of its counterpart, or null. */
function swapCounterpart(text: string, word: string): string | null {
  const w = ` ${fold(word).replace(/[^a-z0-9]+/g, ' ').trim()} `;
  const folded = fold(text);
  if (folded.length !== text.length) return null;
  for (const group of COUNTERPARTS) {
    const mine = group.filter((g) => w.includes(` ${g} `)).sort((a, b) => b.length - a.length)[0];
    if (!mine) continue;
    const original = originalSpan(word, mine) ?? mine;
    for (const other of group) {
      if (other === mine) continue;
      const m = new RegExp(`(^|[^a-z0-9])(${other})(?=$|[^a-z0-9])`).exec(folded);
      if (!m) continue;
      const at = m.index + m[1]!.length;
      return `${text.slice(0, at)}${original}${text.slice(at + other.length)}`.replace(/\s+/g, ' ').trim();
    }
  }
  return null;
}

/** The part of `text` whose folded form is `foldedPart`, in the original spelling. */
function originalSpan(text: string, foldedPart: string): string | null {
  const t = text.normalize('NFC');
  const f = fold(t);
  if (f.length !== t.length) return null;
  const i = f.indexOf(foldedPart);
  return i < 0 ? null : t.slice(i, i + foldedPart.length);
}
