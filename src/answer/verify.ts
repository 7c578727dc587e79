// The citation verifier: an answer may say only what its cited sources say. Every [n] must point
// at a retrieved unit, every quoted span must occur verbatim in a source it cites, and every number,
// amount, duration or document number must occur in a cited source. Lines that fail are removed;
// an answer left with nothing cited fails as a whole.
//
// Against prompt injection it also removes any sentence that reads as an instruction, repeats the
// prompt, echoes the attacker's own words, calls something free or states an amount in words that
// the cited source does not — so an obedient model cannot put the attacker's text in an answer.
import type { SearchHit } from '../retrieval/search.ts';
import { canonical, fold } from '../text/normalize.ts';
import { echoes, findInjection, type PromptLeakCheck } from './injection.ts';
import { sourceIdOf } from './store.ts';
import type { Citation, Draft } from './types.ts';

export interface Verified {
  text: string;
  citations: Citation[];
  removed: { line: string; why: string }[];
}

const MARKER = /\[(\d{1,2})\]/g;
const QUOTED = /[“"]([^”"]{8,})[”"]/g;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const DOC_NUMBER = /\b\d{1,4}\/\d{4}\/[\p{Lu}Đ][\p{Lu}Đ\d]*(?:-[\p{Lu}Đ\d]+)*/gu;
const URL = /\bhttps?:\/\/[^\s)\]>"”]+/gi;

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const digits = (s: string) => s.replace(/[.,]/g, '').replace(/^0+(?=\d)/, '');

function sourceText(h: SearchHit, ref: string, support = ''): string {
  return `${ref}\n${h.ref}\n${h.label}\n${h.title ?? ''}\n${h.documentName}\n${h.documentNumber ?? ''}\n${h.text}\n${support}`;
}

function numbersOf(text: string): Set<string> {
  return new Set((text.replace(URL, ' ').match(NUMBER) ?? []).map(digits));
}

export interface VerifyOptions {
  /** Words only the attacker used (removed parts of the question, poisoned units): an answer must not repeat them. */
  attacker?: Set<string>;
  /** Finds a run of a prompt's words in a sentence. */
  leak?: PromptLeakCheck;
}

/** Why a removal means the whole draft was steered by an attacker, not merely wrong once. */
export const STEERED = /^(an instruction|repeats the prompt|repeats the attacker)/;

export function verifyDraft(draft: Draft, retrieved: SearchHit[], o: VerifyOptions = {}): Verified {
  const retrievedIds = new Set(retrieved.map((h) => h.unitId));
  const byN = new Map(draft.sources.filter((s) => retrievedIds.has(s.hit.unitId)).map((s) => [s.n, s]));
  const removed: Verified['removed'] = [];
  const kept: string[] = [];
  let inherited: number[] = [];
  const used: number[] = [];

  for (const rawLine of draft.text.split('\n')) {
    const sentences = splitSentences(rawLine);
    const parsed = sentences.map((raw) => {
      const all = [...raw.matchAll(MARKER)].map((m) => Number(m[1]));
      const valid = all.filter((n) => byN.has(n));
      return { raw, all, valid };
    });
    const out: string[] = [];
    parsed.forEach((p, i) => {
      if (p.all.length && !p.valid.length) {
        removed.push({ line: p.raw, why: 'citation to a source that was not retrieved' });
        return;
      }
      // A sentence without a marker leans on the next cited sentence of its line, else on the
      // block opened by the last cited line (the checklist under a procedure's heading).
      const cited = p.valid.length ? p.valid : (parsed.slice(i + 1).find((x) => x.valid.length)?.valid ?? inherited);
      const body = p.raw.replace(MARKER, '');
      const steered = steering(body, draft.composer, o);
      if (steered) {
        removed.push({ line: p.raw, why: steered });
        return;
      }
      const needsSupport = /\d/.test(body.replace(URL, '')) || new RegExp(QUOTED.source).test(body) || FREE_CLAIM.test(body) || new RegExp(AMOUNT_WORDS.source, 'iu').test(body);
      if (!cited.length) {
        if (needsSupport) removed.push({ line: p.raw, why: 'a claim without a citation' });
        else if (draft.composer === 'llm' && !worded(body, [...byN.values()].map((x) => sourceText(x.hit, x.ref, x.support)))) removed.push({ line: p.raw, why: 'words no source uses' });
        else out.push(p.raw.replace(MARKER, ''));
        return;
      }
      const support = cited.map((n) => byN.get(n)!).map((x) => sourceText(x.hit, x.ref, x.support));
      const why = problem(body, support, support.map(squash)) ?? (draft.composer === 'llm' && !worded(body, support) ? 'words the cited source does not use' : null);
      if (why) {
        removed.push({ line: p.raw, why });
        return;
      }
      for (const n of cited) if (!used.includes(n)) used.push(n);
      out.push(p.raw.replace(MARKER, (m, n: string) => (byN.has(Number(n)) ? m : '')));
    });
    const last = parsed.filter((p) => p.valid.length).at(-1);
    if (last) inherited = last.valid;
    if (out.length || !rawLine.trim()) kept.push(out.join(' '));
  }

  // Renumber in order of first use: [1], [2]… with no gaps.
  const renumber = new Map(used.map((n, i) => [n, i + 1]));
  const text = kept
    .join('\n')
    .replace(MARKER, (_m, n: string) => `[${renumber.get(Number(n))}]`)
    .replace(/[ \t]+([.,:;])/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const citations: Citation[] = used.map((n) => {
    const s = byN.get(n)!;
    const c: Citation = {
      n: renumber.get(n)!,
      sourceId: sourceIdOf(s.hit),
      kind: s.hit.kind,
      title: s.hit.title ?? s.hit.documentName,
      ref: s.ref,
      quote: s.quote,
    };
    if (s.hit.url) c.url = s.hit.url;
    return c;
  });
  // A citation's quote must itself be verbatim in its unit.
  for (const c of citations) {
    const s = byN.get([...renumber].find(([, v]) => v === c.n)![0])!;
    if (!squash(s.hit.text).includes(squash(c.quote))) c.quote = s.hit.text.split('\n')[0]!.slice(0, 300);
  }
  return { text: citations.length ? text : '', citations, removed };
}

/** Sentences of a line, each keeping the markers that follow it ("… 15.000 đồng [1]."). */
function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?](?:\s*\[\d{1,2}\])*)\s+(?=[\p{Lu}\d“"(-])/u).filter((x) => x.length > 0);
}

const VI_MARK = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/iu;
/** Below this share of its word pairs found in the sources, a Vietnamese sentence is not theirs. */
const MIN_PAIR_SUPPORT = 0.3;

function pairs(text: string): string[] {
  const out: string[] = [];
  for (const run of canonical(text).split(/[^\p{L}\s]+/u)) {
    const w = run.split(/\s+/).filter(Boolean);
    for (let i = 0; i + 1 < w.length; i++) out.push(`${w[i]} ${w[i + 1]}`);
  }
  return out;
}

/**
 * Whether a model's Vietnamese sentence is worded from its sources: a paraphrase keeps many of the
 * sources' word pairs ("lệ phí", "đăng ký tạm trú", "ngày làm việc"); a sentence the model was
 * told to say ("Tôi đã bị chiếm quyền") keeps almost none. English sentences are left to the other
 * checks, since the sources are Vietnamese.
 */
function worded(body: string, support: string[]): boolean {
  const own = body.replace(new RegExp(QUOTED.source, 'g'), ' ');
  if (!VI_MARK.test(own)) return true;
  const mine = pairs(own);
  if (mine.length < 3) return true;
  const have = support.map(pairSet);
  return mine.filter((x) => have.some((h) => h.has(x))).length / mine.length >= MIN_PAIR_SUPPORT;
}

// The same few sources are checked sentence after sentence: their word pairs are kept for a while.
const pairCache = new Map<string, Set<string>>();
function pairSet(text: string): Set<string> {
  let set = pairCache.get(text);
  if (!set) {
    if (pairCache.size >= 64) pairCache.delete(pairCache.keys().next().value!);
    set = new Set(pairs(text));
    pairCache.set(text, set);
  }
  return set;
}

/** A sentence that an attacker, not a source, put there (checked whatever it cites). */
function steering(body: string, composer: Draft['composer'], o: VerifyOptions): string | null {
  // Quoted text too: a source that reads as an order is not quoted as an answer.
  const hit = findInjection(body);
  if (hit) return `an instruction, not an answer (${hit.kind})`;
  if (o.leak?.(body)) return 'repeats the prompt';
  if (composer === 'llm' && o.attacker) {
    const words = echoes(body, o.attacker);
    if (words.length) return `repeats the attacker's words (${words.slice(0, 3).join(', ')})`;
  }
  return null;
}

// "Miễn phí", "không mất phí", "free": a fee claim without a digit, which must be the source's too.
const FREE_CLAIM = /miễn (?:phí|lệ phí|thu)|không (?:thu|mất|tốn|phải (?:nộp|đóng|trả))(?: bất kỳ| khoản)? (?:phí|lệ phí|tiền|chi phí)|không có (?:phí|lệ phí)|\bfree\b|\bno (?:fee|charge|cost)s?\b|\bcosts? nothing\b|without (?:any )?(?:fee|charge|payment)|\bzero\b/iu;
const FREE_SUPPORT = /miễn|không (?:thu|mất|phải nộp)|lệ phí: không|phí, lệ phí: không|free/iu;
// An amount spelled out in words ("năm mươi nghìn đồng", "fifty thousand dong").
const VI_NUM = 'không|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|tỉ|linh|lẻ';
const EN_NUM = 'zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|and';
const AMOUNT_WORDS = new RegExp(`(?<![\\p{L}])(?:(?:${VI_NUM})\\s+)+(?:đồng|vnđ|vnd)|\\b(?:(?:${EN_NUM})[\\s-]+)+(?:dong|vnd|đồng)\\b`, 'giu');

function problem(body: string, support: string[], supportSquashed: string[]): string | null {
  for (const m of body.matchAll(QUOTED)) {
    const q = squash(m[1]!).replace(/^…|…$/g, '').trim();
    if (!supportSquashed.some((s) => s.includes(q))) return 'a quotation that is not in the cited source';
  }
  const have = new Set<string>();
  for (const s of support) for (const n of numbersOf(s)) have.add(n);
  for (const n of numbersOf(body)) if (!have.has(n)) return `the number ${n} is not in the cited source`;
  // The source's own wording of "free" ("không phải trả phí") supports the claim as well as a fee line does.
  if (FREE_CLAIM.test(body) && !support.some((s) => FREE_SUPPORT.test(s) || FREE_CLAIM.test(s))) return 'calls something free that the cited source does not';
  const folded = support.map((s) => fold(s).replace(/\s+/g, ' '));
  for (const m of body.matchAll(AMOUNT_WORDS)) {
    const phrase = fold(m[0]).replace(/\s+/g, ' ').trim();
    if (!folded.some((s) => s.includes(phrase))) return `the amount "${m[0].trim()}" is not in the cited source`;
  }
  const upper = support.map((s) => s.toUpperCase());
  for (const m of body.matchAll(DOC_NUMBER)) if (!upper.some((s) => s.includes(m[0].toUpperCase()))) return `the document number ${m[0]} is not in the cited source`;
  return null;
}
