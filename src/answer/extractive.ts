// The default composer, no LLM: a procedure becomes a compact checklist (documents, where,
// time, fee, link); a law article becomes the passage that answers, quoted verbatim with the
// smallest reference that holds it (Điểm / Khoản / Điều). Every number shown is the source's own.
import { fmt, t, type Lang } from '../messages.ts';
import type { SearchHit } from '../retrieval/search.ts';
import { passageScore } from '../retrieval/features.ts';
import { statesAnswer, type AnswerType } from '../retrieval/answer-type.ts';
import type { Aspect } from './followup.ts';
import type { Draft } from './types.ts';
import { foldedTermSet } from '../text/terms.ts';

interface Clause {
  n: string;
  text: string;
  points: { p: string; text: string }[];
}
interface ArticleStructure {
  intro?: string;
  clauses?: Clause[];
}
interface ProcedureStructure {
  code?: string;
  name?: string;
  agency?: string | null;
  address?: string | null;
  channels?: { channel: string; time: string | null; fee: string | null; description?: string }[];
  documents?: { name: string; copies: string | null }[];
  conditions?: string | null;
  steps?: string[];
}

export interface ComposeInput {
  lang: Lang;
  /** The question asks for an amount, a duration, an age… */
  wantsQuantity: boolean;
  /** What kind of answer the question expects (an age, a duration, a fee, a place…). */
  answerTypes?: AnswerType[];
  aspects: Aspect[];
  /** Idf-weighted query terms (folded unigrams and bigrams). */
  terms: Map<string, number>;
  /** The units to draw on, best first, with their stored structure. */
  sources: { hit: SearchHit; structure: Record<string, unknown> }[];
}

const MAX_DOCUMENTS = 6;
/** A required document's description is cut here (at a word) on a phone-sized answer. */
const DOCUMENT_CHARS = 320;

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/\s+\S*$/, '')} …`;
}
const MAX_QUOTE = 700;

interface Passage {
  /** What the passage is judged on (a point together with the lead of its clause). */
  text: string;
  /** What is quoted: verbatim spans of the unit, in order (the clause lead, then the point). */
  quotes: string[];
  locator: string | null;
}

/** Candidate passages of an article, each a verbatim span of the article text. */
function articlePassages(hit: SearchHit, s: ArticleStructure): Passage[] {
  const out: Passage[] = [];
  const body = hit.text;
  const add = (quotes: string[], locator: string | null) => {
    const q = quotes.map((x) => x.trim()).filter(Boolean);
    if (q.length && q.every((x) => body.includes(x))) out.push({ text: q.join('\n'), quotes: q, locator });
  };
  if (s.intro) for (const sentence of sentences(s.intro)) add([sentence], null);
  for (const c of s.clauses ?? []) {
    if (c.text.length <= MAX_QUOTE) add([c.text], `Khoản ${c.n}`);
    const lead = c.points.length ? c.text.slice(0, c.text.indexOf(c.points[0]!.text)).trim() : c.text;
    if (lead.length > MAX_QUOTE || !c.points.length) for (const sentence of sentences(lead)) add([sentence], `Khoản ${c.n}`);
    else if (c.points.length && c.text.length > MAX_QUOTE) add([lead], `Khoản ${c.n}`);
    // A point reads with the lead of its clause ("Công dân có trách nhiệm khai báo tạm vắng trong
    // các trường hợp sau đây:" … "d) Đi khỏi … từ 12 tháng liên tục trở lên …").
    const context = lead.length <= 400 ? [lead] : [];
    for (const p of c.points) if (p.text.length <= MAX_QUOTE) add([...context, p.text], `Điểm ${p.p} Khoản ${c.n}`);
  }
  if (!out.length) {
    // No Khoản: the article's sentences (after its title line).
    // An untitled article (the Constitution's) may have its one paragraph stored as its title.
    const rest = hit.title && body.startsWith(hit.title) ? body.slice(hit.title.length) : body;
    const text = rest.trim() ? rest : body;
    for (const sentence of sentences(text)) add([sentence], null);
  }
  return out;
}

/** Sentences (or list lines) of a text, each short enough to quote. */
function sentences(text: string): string[] {
  const parts = text
    .split(/\n+/)
    // Portal records run their steps together on one line: "… cấp xã. - Trong thời hạn …".
    .flatMap((line) => line.split(/(?<=[.;:?!])\s+(?:[-+]\s+)?(?=[\p{Lu}\d]|[a-zđ]\d?\)\s)/u))
    .map((s) => s.trim())
    .filter((s) => s.length > 3);
  return parts.flatMap((s) => (s.length <= MAX_QUOTE ? [s] : []));
}

function refWithLocator(hit: SearchHit, locator: string | null): string {
  return locator ? `${locator} ${hit.ref}` : hit.ref;
}

/** A passage that states what is asked (an age for "bao nhiêu tuổi", a duration for "bao lâu"…) weighs more. */
function answerWeight(text: string, want: Want): number {
  if (!want.quantity && !want.types.length) return 1;
  return statesAnswer(text, want.types) ? ANSWER_WEIGHT : 1;
}
const ANSWER_WEIGHT = 1.5;

interface Want {
  quantity: boolean;
  types: AnswerType[];
  /** The question asks for something the procedure's record has no field for. */
  unrecorded?: boolean;
}

function pickPassages(hit: SearchHit, structure: Record<string, unknown>, terms: Map<string, number>, want: Want): Passage[] {
  const passages = hit.kind === 'law_article' ? articlePassages(hit, structure as ArticleStructure) : textPassages(hit);
  if (!passages.length) return [];
  // "Bao lâu / bao nhiêu / mấy tuổi": the passage that states the answer is the one that answers.
  const scored = passages.map((p) => ({ p, s: passageScore(p.text, terms) * answerWeight(p.text, want) })).sort((a, b) => b.s - a.s);
  const best = scored[0]!;
  const picked = [best.p];
  // A second passage when it answers nearly as well and says something else (not part of the first).
  const overlaps = (a: Passage, b: Passage) => a.quotes.some((q) => b.quotes.some((r) => q.includes(r) || r.includes(q)));
  const second = scored.slice(1).find((x) => x.s >= best.s * 0.9 && x.s > 0 && !overlaps(best.p, x.p));
  if (second && best.p.text.length + second.p.text.length <= MAX_QUOTE * 1.4) picked.push(second.p);
  return picked.sort((a, b) => hit.text.indexOf(a.quotes[0]!) - hit.text.indexOf(b.quotes[0]!));
}

function textPassages(hit: SearchHit): Passage[] {
  let text = hit.text;
  if (hit.kind === 'qa') {
    const i = text.indexOf('\nĐáp:');
    if (i >= 0) {
      const answer = text.slice(i + '\nĐáp:'.length).trim();
      if (answer.length <= MAX_QUOTE * 1.4) return [{ text: answer, quotes: [answer], locator: null }];
      text = answer;
    }
  }
  return sentences(text).filter((s) => hit.text.includes(s)).map((s) => ({ text: s, quotes: [s], locator: null }));
}

/** The source line that best backs what the question asks about a procedure. */
function procedureQuote(hit: SearchHit, aspects: Aspect[]): string {
  const lines = hit.text.split('\n');
  const find = (prefix: string) => lines.find((l) => l.startsWith(prefix));
  const byAspect: Record<Aspect, string | undefined> = {
    fee: find('Phí, lệ phí:'),
    time: find('Thời hạn giải quyết:'),
    documents: lines[lines.findIndex((l) => l.startsWith('Thành phần hồ sơ:')) + 1],
    where: find('Cơ quan thực hiện:') ?? find('Cách thức nộp:'),
    conditions: find('Yêu cầu, điều kiện:'),
    steps: lines[lines.findIndex((l) => l.startsWith('Trình tự thực hiện:')) + 1],
  };
  for (const a of aspects) {
    const line = byAspect[a];
    if (line && line.trim()) return line.trim();
  }
  return find('Phí, lệ phí:') ?? lines[0]!;
}

function procedureAnswer(hit: SearchHit, s: ProcedureStructure, lang: Lang, aspects: Aspect[], cite: string): string[] {
  const out: string[] = [fmt('procIntro', lang, { name: s.name ?? hit.title ?? '', code: s.code ?? hit.label, cite })];
  const channels = s.channels ?? [];
  const times = [...new Set(channels.map((c) => c.time).filter((x): x is string => !!x))];
  const fees = [...new Set(channels.map((c) => c.fee).filter((x): x is string => !!x))];
  const sections: Record<Aspect | 'notes', string[]> = {
    documents: (() => {
      const docs = s.documents ?? [];
      if (!docs.length) return [];
      // A question about the fee or the time gets a shorter list: the link has the rest.
      const max = aspects.length && !aspects.includes('documents') ? 3 : MAX_DOCUMENTS;
      const lines = docs.slice(0, max).map((d) => `  - ${shorten(d.name.replace(/^[-*+•\s]+/, ''), DOCUMENT_CHARS)}${d.copies ? ` (${d.copies})` : ''}`);
      if (docs.length > max) lines.push(`  ${t('procMoreDocuments', lang)}`);
      return [`- ${t('procDocuments', lang)}`, ...lines];
    })(),
    where: [
      ...(s.agency ? [`- ${t('procWhere', lang)} ${s.agency}${s.address ? ` (${s.address})` : ''}`] : []),
      ...(channels.length ? [`- ${t('procChannels', lang)} ${[...new Set(channels.map((c) => c.channel))].join(', ')}`] : []),
    ],
    time: [`- ${t('procTime', lang)} ${times.length ? times.join('; ') : t('procTimeUnknown', lang)}`],
    fee: fees.length ? [`- ${t('procFee', lang)} ${fees.join('; ')}`] : [],
    notes: channelNotes(channels).map((n) => `- ${t('procNote', lang)} ${n}`),
    conditions: s.conditions && s.conditions.length <= MAX_QUOTE ? [`- ${t('procConditions', lang)} ${s.conditions}`] : [],
    steps: s.steps?.length ? [`- ${t('procSteps', lang)} ${s.steps.slice(0, 3).join(' ')}`].filter((l) => l.length <= MAX_QUOTE * 2) : [],
  };
  // What was asked comes first; the usual checklist follows.
  // Notes about fees and deadlines follow a question about either at once.
  const asked: (Aspect | 'notes')[] = aspects.some((a) => a === 'fee' || a === 'time') ? [...aspects, 'notes'] : aspects;
  const order: (Aspect | 'notes')[] = [...asked, 'documents', 'where', 'time', 'fee', 'notes'];
  const seen = new Set<Aspect | 'notes'>();
  for (const a of order) {
    if (seen.has(a)) continue;
    seen.add(a);
    out.push(...sections[a]);
  }
  if (hit.url) out.push(`- ${t('procLink', lang)} ${hit.url}`);
  return out;
}

/** The passage of a procedure that must cover at least this share of the question to be quoted. */
const PROCEDURE_PASSAGE_MIN = 0.3;

/** The sentence of a procedure's text (after its heading lines) that best answers the question. */
/**
 * Within one unit, the words of its title say nothing about which passage answers: every passage of
 * "Giải quyết hưởng chế độ thai sản" is about maternity benefits. They count for less, so the rest
 * of the question ("BHXH tự nguyện", "kể từ ngày sinh") picks the passage.
 */
function beyondTitle(terms: Map<string, number>, title: string | null): Map<string, number> {
  if (!title) return terms;
  const inTitle = foldedTermSet(title);
  const out = new Map<string, number>();
  for (const [term, w] of terms) out.set(term, inTitle.has(term) ? w * TITLE_TERM_WEIGHT : w);
  return out;
}
const TITLE_TERM_WEIGHT = 0.3;

function procedurePassage(hit: SearchHit, termsIn: Map<string, number>, want: Want): string | null {
  const terms = beyondTitle(termsIn, hit.title);
  const body = hit.text.split('\n').slice(1).filter((l) => !/^(Cấp thực hiện|Lĩnh vực|Cơ quan thực hiện|Đối tượng thực hiện|Cách thức nộp|Thời hạn giải quyết|Phí, lệ phí|Căn cứ pháp lý):/.test(l));
  let best: { text: string; s: number; states: boolean } | null = null;
  for (const sentence of sentences(body.join('\n'))) {
    const clean = sentence.replace(/^[-*+•\s]+/, '');
    if (!hit.text.includes(clean) || clean.length < 20) continue;
    const weight = answerWeight(clean, want);
    const s = passageScore(clean, terms) * weight;
    if (!best || s > best.s) best = { text: clean, s, states: weight > 1 };
  }
  if (!best || best.s <= 0) return null;
  // Asked where to submit and the record has no office: the best sentence that names one answers.
  if (want.unrecorded && best.states) return best.text;
  return best.s >= PROCEDURE_PASSAGE_MIN ? best.text : null;
}

/** Whether the procedure's record has a field for what is asked. */
function recorded(s: ProcedureStructure, a: Aspect): boolean {
  switch (a) {
    case 'where':
      return Boolean(s.agency || s.address);
    case 'fee':
      return (s.channels ?? []).some((c) => c.fee);
    case 'time':
      return (s.channels ?? []).some((c) => c.time);
    case 'documents':
      return Boolean(s.documents?.length);
    default:
      return true;
  }
}

function aspectTypes(aspects: Aspect[]): AnswerType[] {
  const map: Partial<Record<Aspect, AnswerType>> = { where: 'where', fee: 'money', time: 'duration', documents: 'documents' };
  return aspects.flatMap((a) => (map[a] ? [map[a]!] : []));
}

const NOTE_MAX = 320;

/**
 * The portal's notes per submission channel ("Lệ phí cấp mới 40.000đồng/lần…", "03 ngày làm việc,
 * kể từ ngày nhận đủ hồ sơ hợp lệ"): often the only place a fee or deadline is spelled out. Short
 * ones that say something about time or money are kept, once each, cut at a sentence end.
 */
export function channelNotes(channels: { description?: string }[]): string[] {
  const out: string[] = [];
  for (const c of channels) {
    let d = (c.description ?? '').replace(/^[\s(]+|[\s)]+$/g, '').replace(/\s+/g, ' ').trim();
    if (!d || !/\d|miễn/i.test(d) || !/(phí|đồng|ngày|giờ|tháng|miễn)/i.test(d)) continue;
    if (d.length > NOTE_MAX) {
      const cut = d.slice(0, NOTE_MAX);
      const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('; '), cut.lastIndexOf('.)'));
      if (end < 40) continue;
      d = cut.slice(0, end + 1);
    }
    if (!out.includes(d)) out.push(d);
    if (out.length >= 2) break;
  }
  return out;
}

/** The official text of a procedure that its stored unit text leaves out. */
function procedureSupport(s: ProcedureStructure): string {
  return (s.channels ?? []).map((c) => c.description ?? '').join('\n');
}

/** The extractive answer from the best source (and a second one to see when it is nearly as good). */
export function composeExtractive(input: ComposeInput): Draft | null {
  const { lang, sources, terms, aspects } = input;
  const want: Want = { quantity: input.wantsQuantity, types: input.answerTypes ?? [] };
  const main = sources[0];
  if (!main) return null;
  const draft: Draft = { text: '', sources: [], composer: 'extractive' };
  const lines: string[] = [];
  const { hit, structure } = main;
  if (hit.kind === 'procedure') {
    draft.sources.push({ n: 1, hit, quote: procedureQuote(hit, aspects), ref: hit.ref, support: procedureSupport(structure as ProcedureStructure) });
    const checklist = procedureAnswer(hit, structure as ProcedureStructure, lang, aspects, '[1]');
    // A specific question ("hạn chót nộp hồ sơ là khi nào?") gets the sentence of the procedure
    // that answers it, quoted, before the checklist.
    // So does a question about what the record leaves out ("nộp ở đâu" with no agency on record).
    const unrecorded = aspects.some((a) => !recorded(structure as ProcedureStructure, a));
    const specific = want.quantity || !aspects.length || unrecorded ? procedurePassage(hit, terms, unrecorded ? { ...want, types: aspectTypes(aspects), unrecorded } : want) : null;
    if (specific && !checklist.some((l) => l.includes(specific))) checklist.splice(1, 0, `- ${t('procPassage', lang)} “${specific}”`);
    lines.push(...checklist);
  } else {
    const passages = pickPassages(hit, structure, terms, want);
    if (!passages.length) return null;
    // One citation per quoted passage, each with its own smallest reference.
    const sameLocator = passages.every((p) => p.locator === passages[0]!.locator);
    const locator = sameLocator ? passages[0]!.locator : null;
    const ref = refWithLocator(hit, locator);
    const quotes = [...new Set(passages.flatMap((p) => p.quotes))];
    draft.sources.push({ n: 1, hit, quote: quotes.reduce((a, b) => (b.length > a.length ? b : a)), ref });
    lines.push(fmt(hit.kind === 'qa' ? 'qaIntro' : 'lawIntro', lang, { ref, cite: '[1]' }));
    for (const q of quotes) lines.push(`“${q}”`);
  }
  const other = sources[1];
  if (other) {
    if (other.hit.kind === 'procedure') {
      draft.sources.push({ n: 2, hit: other.hit, quote: other.hit.text.split('\n')[0]!, ref: other.hit.ref });
      lines.push(fmt('seeAlso', lang, { ref: other.hit.ref, cite: '[2]' }));
    } else {
      // Another provision that answers nearly as well: its best passage, quoted like the first.
      const p = pickPassages(other.hit, other.structure, terms, want)[0];
      if (p) {
        const ref = refWithLocator(other.hit, p.locator);
        draft.sources.push({ n: 2, hit: other.hit, quote: p.quotes.at(-1)!, ref });
        lines.push(fmt('seeAlsoQuote', lang, { ref, cite: '[2]' }), ...p.quotes.map((q) => `“${q}”`));
      }
    }
  }
  draft.text = lines.join('\n');
  return draft;
}
