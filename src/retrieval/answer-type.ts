// Expected answer type: "bao nhiêu tuổi" wants an age, "bao lâu" a duration, "lệ phí bao nhiêu" an
// amount, "nộp ở đâu" a place. When the first hit never states such a thing near the question's
// words and a nearly-as-relevant hit just below it does, the one that can answer goes first.
// Classic question answering, cheap here: a few patterns over the question and over the unit's
// lines. It only ever moves a hit up from the first few, and only when the first cannot answer.
import type { Queryable } from '../db/index.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { fold } from '../text/normalize.ts';
import { coverage, passageScore, termWeights, type TermStats } from './features.ts';
import { analyzeQuery } from './query.ts';
import type { Reranker, SearchHit } from './search.ts';

export type AnswerType = 'age' | 'duration' | 'money' | 'percent' | 'area' | 'where' | 'documents';

// Over the folded question (no diacritics, lowercase, words separated by single spaces).
const QUESTION_TYPES: [AnswerType, RegExp][] = [
  ['age', /\b(?:bao nhieu tuoi|may tuoi|do tuoi nao|tuoi toi (?:da|thieu) la|how old|what age|age)\b/],
  [
    'duration',
    /\b(?:bao lau|may (?:ngay|thang|nam|gio|tuan)|bao nhieu (?:ngay|thang|nam|gio|tuan)|(?:thoi han|thoi hieu) la|han chot|how long|how many (?:days|months|years|hours)|deadline|within how)\b/,
  ],
  ['money', /\b(?:bao nhieu tien|le phi|phi|muc phat|phat bao nhieu|tien phat|mat tien|how much|fee|fees|fine)\b/],
  ['percent', /\b(?:phan tram|lai suat|ty le|percent|percentage|interest rate)\b/],
  ['area', /\b(?:m2|met vuong|dien tich|square met(?:er|re)s?)\b/],
  ['where', /\b(?:o dau|noi nao|cho nao|nop o|nop tai|where|which office)\b/],
  ['documents', /\b(?:giay to gi|ho so gom|ho so can|can chuan bi|chuan bi nhung gi|chuan bi gi|what documents)\b/],
];

const SPELLED = '(?:mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi|muoi|mot|lam|tram|nghin|ngan)';
// Over a folded unit line; dates ("ngày 01 tháng 7 năm 2021") are removed first.
const STATES: Record<AnswerType, RegExp> = {
  age: new RegExp(`\\b(?:\\d+|${SPELLED}|thang) tuoi\\b`),
  duration: new RegExp(`\\b(?:\\d+|${SPELLED}) (?:ngay|thang|nam|gio|tuan|phut)\\b`),
  money: /\b(?:\d[\d.,]* ?(?:dong|d|vnd|trieu|nghin|ngan|ty)|mien (?:phi|le phi)|khong (?:phai )?(?:thu|tra|nop) (?:phi|le phi|tien)|phi|le phi|tien phat)\b/,
  percent: /%|\bphan tram\b/,
  area: /\b(?:m2|met vuong|hec ta)\b|m²/,
  where: /\b(?:uy ban nhan dan|ubnd|toa an|bo phan mot cua|nop (?:don|ho so|to khai)? ?(?:tai|den|cho)|co quan (?:cong an|thue|hai quan|bao hiem|dang ky))\b/,
  documents: /\b(?:ho so (?:gom|bao gom|de nghi)|giay to|ban sao|to khai|don (?:de nghi|yeu cau))\b/,
};

// A procedure's record always says where, with what, how long and for how much.
const PROCEDURE_FIELDS: Partial<Record<AnswerType, RegExp>> = {
  duration: /^Thời hạn giải quyết:/m,
  money: /^Phí, lệ phí:/m,
  where: /^Cơ quan thực hiện:/m,
  documents: /^(?:Hồ sơ|Thành phần hồ sơ)/m,
};

const DATES = /\bngay \d{1,2} thang \d{1,2} nam \d{4}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b|\bthang \d{1,2} nam \d{4}\b|\bnam \d{4}\b/g;

function foldLine(s: string): string {
  return fold(s).replace(/[^a-z0-9%/.,²]+/g, ' ').replace(DATES, ' ').trim();
}

const ENUMERATOR = /^\s*(?:\d+\.|[a-zđ]\)|[-+*•])\s+/gimu;
const SPELLED_NUMBER = new RegExp(`\\b${SPELLED}\\b`);

/**
 * Whether a passage states an answer of one of these types; with no type, whether it states a
 * number at all. The passage's own numbering ("2.", "a)") does not count.
 */
export function statesAnswer(text: string, types: AnswerType[]): boolean {
  const body = text.replace(ENUMERATOR, '');
  const f = foldLine(body);
  if (!types.length) return /\d/.test(f) || SPELLED_NUMBER.test(f);
  return types.some((t) => STATES[t].test(f) || (t === 'area' && /m²/.test(body)));
}

export function expectedAnswerTypes(question: string): AnswerType[] {
  const f = ` ${fold(question).replace(/[^a-z0-9]+/g, ' ').trim()} `;
  return QUESTION_TYPES.filter(([, re]) => re.test(f)).map(([t]) => t);
}

/** The answer types the unit states, in a line that is about the question (or in its procedure record). */
export function statedTypes(hit: SearchHit, types: AnswerType[], terms: Map<string, number>): Set<AnswerType> {
  const out = new Set<AnswerType>();
  if (hit.kind === 'procedure') for (const t of types) if (PROCEDURE_FIELDS[t]?.test(hit.text)) out.add(t);
  const rest = types.filter((t) => !out.has(t));
  if (!rest.length) return out;
  // A point ("a) 01 năm kể từ…") is read with its clause's lead, and every line with the title:
  // an article titled "Thời hiệu khởi kiện" is about that throughout.
  const raw = hit.text.split(/\n+/);
  // Cheap test first: most units never state such a thing at all.
  const says = raw.map((l) => {
    const f = foldLine(l);
    return rest.filter((t) => STATES[t].test(f) || (t === 'area' && /m²/.test(l)));
  });
  if (says.every((x) => !x.length)) return out;
  const title = passageScore(raw[0] ?? '', terms);
  let lead = 0;
  const lines = raw.map((l, i) => {
    const own = passageScore(l, terms);
    if (/^\d+\.\s/.test(l)) lead = own;
    else if (!/^[a-zđ]\)\s/.test(l)) lead = 0;
    return { l, s: Math.max(own, lead, i > 0 ? title : 0) };
  });
  const best = Math.max(0, ...lines.map((x) => x.s));
  if (best <= 0) return out;
  lines.forEach(({ s }, i) => {
    if (s >= best * RELEVANT_LINE) for (const t of says[i]!) out.add(t);
  });
  return out;
}

export interface AnswerTypeParams {
  /** How many of the first hits may be moved to the front. */
  depth: number;
  /** A hit moved up must cover at least this share of what the first one covers. */
  minCoverageRatio: number;
}

/** A line counts as about the question when it scores at least this share of the unit's best line. */
const RELEVANT_LINE = 0.5;

export const DEFAULT_ANSWER_TYPE: AnswerTypeParams = { depth: 5, minCoverageRatio: 0.6 };

export interface AnswerTypeDeps {
  db: Queryable;
  lexicon: Lexicon;
  termStats?: TermStats | undefined;
}

export function createAnswerTypeReranker(deps: AnswerTypeDeps, p: AnswerTypeParams = DEFAULT_ANSWER_TYPE): Reranker {
  return {
    id: 'answer-type',
    async rerank(query, hits) {
      if (hits.length < 2 || hits[0]!.match.reference === 'unit') return hits;
      const types = expectedAnswerTypes(query);
      if (!types.length) return hits;
      const a = analyzeQuery(query, deps.lexicon);
      const w = await termWeights(deps.db, query, a.expansions, deps.termStats);
      const head = hits.slice(0, p.depth);
      const first = statedTypes(head[0]!, types, w.expanded).size;
      if (first >= types.length) return hits;
      const topCoverage = coverage(head[0]!, w.question, deps.lexicon, a.folded);
      // The one that states the most of what is asked, the higher-ranked of equals.
      let i = 0;
      let most = first;
      for (let k = 1; k < head.length && most < types.length; k++) {
        const n = statedTypes(head[k]!, types, w.expanded).size;
        if (n <= most) continue;
        if (coverage(head[k]!, w.question, deps.lexicon, a.folded) >= topCoverage * p.minCoverageRatio) [i, most] = [k, n];
      }
      if (i === 0) return hits;
      const out = [...hits];
      out.unshift(...out.splice(i, 1));
      return out;
    },
  };
}
