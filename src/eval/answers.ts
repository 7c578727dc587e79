// The answer block of an eval: each question (after its history, in one conversation) goes
// through the whole answer pipeline; the report counts escalations against `expect`, facts found
// in the answers, and citations that hold up. Citations are checked here independently of the
// pipeline's own verifier: against the units the answer record says were retrieved, and the
// stored unit text. The conversations the eval creates are deleted afterwards.
import type { AnswerService } from '../answer/pipeline.ts';
import type { AskResponse } from '../answer/types.ts';
import type { Db } from '../db/index.ts';
import { mean, percentile } from './metrics.ts';
import type { EvalQuestion } from './sets.ts';

export interface AnswerMetrics {
  n: number;
  escalate_precision: number;
  escalate_recall: number;
  facts_rate: number;
  citation_validity: number;
  status: Record<string, number>;
  latency_ms: { p50: number; p95: number };
}

export interface AnswerMiss {
  id: string;
  text: string;
  expect: string | null;
  status: string;
  reason: string;
  missingFacts: string[];
  invalidCitations: string[];
  answer: string;
}

export interface AnswerEval {
  metrics: AnswerMetrics;
  /** The question each id was understood as (follow-ups rewritten, transcripts normalised), for ranking. */
  understood: Map<string, string>;
  misses: AnswerMiss[];
}

/** Case, and separators between digits ("10,000" = "10.000" = "10000"), do not matter. */
export function normaliseForFacts(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/(\d)[.,\s](?=\d)/g, '$1')
    .replace(/\s+/g, ' ');
}

export function hasFact(answer: string, fact: string): boolean {
  return normaliseForFacts(answer).includes(normaliseForFacts(fact).trim());
}

/** Whether every citation points at a unit the answer's retrieval returned, with its quote verbatim in it. */
async function citationProblems(db: Db, r: AskResponse): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.query<{ units: { sourceId: string }[] }>('SELECT units FROM answers WHERE id = $1', [r.answerId]);
  const retrieved = new Set((rows[0]?.units ?? []).map((u) => u.sourceId));
  const markers = new Set([...r.answer.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1])));
  const ns = new Set(r.citations.map((c) => c.n));
  for (const m of markers) if (!ns.has(m)) problems.push(`[${m}] has no citation`);
  for (const c of r.citations) {
    if (!retrieved.has(c.sourceId)) {
      problems.push(`[${c.n}] ${c.sourceId} was not retrieved`);
      continue;
    }
    const [docKey, unitKey] = c.sourceId.split('#');
    const unit = await db.query<{ text: string }>('SELECT u.text FROM units u JOIN documents d ON d.id = u.document_id WHERE d.doc_key = $1 AND u.unit_key = $2', [docKey, unitKey]);
    if (!unit[0]) problems.push(`[${c.n}] ${c.sourceId} does not exist`);
    else if (!unit[0].text.includes(c.quote)) problems.push(`[${c.n}] quote not verbatim in ${c.sourceId}`);
  }
  return problems;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export async function runAnswerEval(deps: { db: Db; answers: AnswerService }, questions: EvalQuestion[], opts: { maxMisses?: number } = {}): Promise<AnswerEval> {
  const understood = new Map<string, string>();
  const misses: AnswerMiss[] = [];
  const conversations: string[] = [];
  const latency: number[] = [];
  const status: Record<string, number> = {};
  let tp = 0;
  let predicted = 0;
  let expected = 0;
  let factsTotal = 0;
  let factsFound = 0;
  const validity: number[] = [];
  try {
    for (const q of questions) {
      let conversationId: string | undefined;
      const lang = q.lang === 'en' ? 'en' : undefined;
      // A spoken conversation is spoken throughout.
      const channel = q.channel === 'voice' ? 'voice' : 'api';
      for (const h of q.history) {
        const r = await deps.answers.ask({ question: h, conversationId, channel, lang });
        conversationId = r.conversationId;
      }
      const t0 = performance.now();
      const r = await deps.answers.ask({ question: q.text, conversationId, channel, lang });
      latency.push(performance.now() - t0);
      conversations.push(r.conversationId);
      understood.set(q.id, r.rewrittenQuestion ?? r.transcript?.text ?? q.text);
      status[r.status] = (status[r.status] ?? 0) + 1;

      const escalated = r.status === 'escalated';
      if (escalated) predicted++;
      if (q.expect === 'escalate') expected++;
      if (escalated && q.expect === 'escalate') tp++;
      const missing = q.expect === 'escalate' ? [] : q.facts.filter((f) => !hasFact(r.answer, f));
      if (q.expect !== 'escalate') {
        factsTotal += q.facts.length;
        factsFound += q.facts.length - missing.length;
      }
      let invalid: string[] = [];
      if (r.status === 'answered' && r.citations.length) {
        invalid = await citationProblems(deps.db, r);
        validity.push(invalid.length ? 0 : 1);
      }
      const wrongStatus = q.expect !== null && escalated !== (q.expect === 'escalate');
      if ((wrongStatus || missing.length || invalid.length) && misses.length < (opts.maxMisses ?? 50)) {
        misses.push({ id: q.id, text: q.text, expect: q.expect, status: r.status, reason: r.reason, missingFacts: missing, invalidCitations: invalid, answer: r.answer.slice(0, 400) });
      }
    }
  } finally {
    if (conversations.length) await deps.db.query('DELETE FROM conversations WHERE id = ANY($1::text[])', [conversations]);
  }
  return {
    metrics: {
      n: questions.length,
      escalate_precision: round(predicted ? tp / predicted : expected ? 0 : 1),
      escalate_recall: round(expected ? tp / expected : 1),
      facts_rate: round(factsTotal ? factsFound / factsTotal : 1),
      citation_validity: round(validity.length ? mean(validity) : 1),
      status,
      latency_ms: { p50: round(percentile(latency, 50), 1), p95: round(percentile(latency, 95), 1) },
    },
    understood,
    misses,
  };
}
