// A spoken question arrives as the recogniser's best hypothesis and, sometimes, its alternatives
// (n-best), each with a confidence. Each is normalised (numbers, legal references, fillers); when
// they differ, the one retrieval finds the most to say about wins, weighted by how sure the
// recogniser was — "lệ phí cấp căn cước" beats "lệ phí cấp căn cứ" because the corpus answers it.
// When the choice is shaky the assistant asks "Có phải bạn hỏi: …?" before answering.
import { normalizeTranscript, type NormalizedTranscript } from './normalize.ts';

export interface SpokenCandidate extends NormalizedTranscript {
  raw: string;
  /** The recogniser's confidence, 0–1. */
  asr: number;
}

export interface SpokenScore {
  /** How much of the question the best unit covers (the pipeline's confidence), 0–1. */
  coverage: number;
  /** The best unit, to tell whether two hypotheses lead to the same answer. */
  top: number | null;
}

export interface SpokenChoice {
  chosen: SpokenCandidate;
  /** Ask the citizen to confirm before answering. */
  uncertain: boolean;
  /** Distinct normalised hypotheses considered. */
  considered: number;
}

/** Below this recogniser confidence the transcript is confirmed with the citizen first. */
export const CONFIRM_BELOW = 0.6;
/** A runner-up leading elsewhere within this share of the winner's score makes the choice shaky. */
const CLOSE_CALL = 0.9;
const MAX_CANDIDATES = 4;

const combined = (c: SpokenCandidate, s: SpokenScore) => s.coverage * (0.6 + 0.4 * c.asr);

export function spokenCandidates(question: string, alternatives: { text: string; confidence: number }[] = []): SpokenCandidate[] {
  const clamp = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 1);
  // Some recognisers (browsers among them) report 0 for every hypothesis: that is "unknown", not "unsure".
  if (alternatives.length && alternatives.every((a) => !a.confidence)) alternatives = alternatives.map((a, i) => ({ text: a.text, confidence: i === 0 ? 1 : 0.5 }));
  const given = alternatives.find((a) => a.text.trim() === question.trim());
  // Without alternatives the recogniser's confidence is unknown: the transcript is taken as heard.
  const first = { text: question, confidence: given ? given.confidence : alternatives.length ? Math.max(...alternatives.map((a) => clamp(a.confidence))) : 1 };
  const seen = new Set<string>();
  const out: SpokenCandidate[] = [];
  for (const a of [first, ...alternatives]) {
    if (!a.text.trim()) continue;
    const n = normalizeTranscript(a.text);
    const key = n.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...n, raw: a.text, asr: clamp(a.confidence) });
    if (out.length >= MAX_CANDIDATES) break;
  }
  return out;
}

/** Picks among the hypotheses; `score` retrieves for one normalised text. */
export async function chooseSpoken(candidates: SpokenCandidate[], score: (text: string) => Promise<SpokenScore>): Promise<SpokenChoice | null> {
  if (!candidates.length) return null;
  if (candidates.length === 1) return { chosen: candidates[0]!, uncertain: candidates[0]!.asr < CONFIRM_BELOW, considered: 1 };
  const scored = [];
  for (const c of candidates) scored.push({ c, s: await score(c.text) });
  scored.sort((x, y) => combined(y.c, y.s) - combined(x.c, x.s) || y.c.asr - x.c.asr);
  const [best, runner] = scored as [(typeof scored)[number], (typeof scored)[number] | undefined];
  const close = !!runner && runner.s.top !== best.s.top && combined(runner.c, runner.s) >= CLOSE_CALL * combined(best.c, best.s) && combined(best.c, best.s) > 0;
  return { chosen: best.c, uncertain: best.c.asr < CONFIRM_BELOW || close, considered: scored.length };
}

const YES = /^(?:(?:dạ|vâng|ừ|ừm|ok|oke|okay)\s*)*(?:đúng|đúng rồi|đúng vậy|đúng thế|phải|phải rồi|chính xác|có|ừ|vâng|dạ|yes|ok|oke|okay)(?:\s+(?:rồi|vậy|ạ|á|nha|nhé|đó|đấy))*[\s.!]*$/iu;
const NO = /^(?:(?:dạ|ờ)\s*)*(?:không|không phải|sai|sai rồi|chưa đúng|không đúng|no)(?:\s+(?:rồi|ạ|đâu|nha|nhé))*[\s.!]*$/iu;

/** The citizen's answer to "Có phải bạn hỏi: …?": yes, no, or something else (a new question). */
export function confirmationReply(text: string): 'yes' | 'no' | null {
  const t = text.trim().toLowerCase();
  if (YES.test(t)) return 'yes';
  if (NO.test(t)) return 'no';
  return null;
}
