// The answer pipeline: guard input → rewrite follow-up → route → retrieve → decide → compose →
// verify citations → guard output, over one context. Each step records its timing; any step may
// stop the run with a status. What stops with `escalated` gets a ticket with the routed agency.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { DEFAULT_AGENCY, type AgencyDirectory } from '../escalation/agencies.ts';
import { addWorkingDays, findTicketByCode, formatDue, newTicketCode } from '../escalation/tickets.ts';
import type { Logger } from '../http/errors.ts';
import { fmt, messages, t, type Lang, type MessageKey } from '../messages.ts';
import { analyzeQuery } from '../retrieval/query.ts';
import type { SearchHit, Searcher } from '../retrieval/search.ts';
import type { Glossary } from '../text/english.ts';
import { translateQuery } from '../text/english.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { coverage, termWeights } from '../retrieval/features.ts';
import { composeExtractive } from './extractive.ts';
import { asksForQuantity, aspectsOf, rewriteFollowUp } from './followup.ts';
import { expectedAnswerTypes } from '../retrieval/answer-type.ts';
import { detectLang, guardInput, guardOutput, MAX_QUESTION_CHARS } from './guard.ts';
import { attackerWords, findInjection, promptLeakChecker, structureText, taintOf } from './injection.ts';
import { classify } from './intents.ts';
import type { LlmComposer } from './llm.ts';
import { loadHistory, saveExchange, sourceIdOf } from './store.ts';
import type { AnswerContext, AnswerStatus, AskInput, AskResponse, StopReason } from './types.ts';
import { STEERED, verifyDraft, type VerifyOptions } from './verify.ts';
import { lacksDiacritics } from '../text/restore.ts';
import { normalizeTranscript } from '../voice/normalize.ts';
import { maskPersonal } from '../text/personal.ts';
import type { Sealer } from '../privacy/seal.ts';
import { chooseSpoken, confirmationReply, spokenCandidates, type SpokenScore } from '../voice/spoken.ts';

export interface AnswerParams {
  /**
   * Below this confidence (share of the question's idf weight found in the best unit) the question
   * is escalated. Calibrated on eval/sets/answers-dev.jsonl; see docs/adr/0003-answers.md.
   */
  threshold: number;
  /** Units retrieved per question. */
  k: number;
  /** A second source is offered ("Xem thêm") when its confidence is at least this share of the first's. */
  seeAlsoRatio: number;
}

/** How long after a document takes effect its answers mention what it replaced. */
const RECENT_CHANGE_MS = 2 * 365 * 24 * 3600_000;

export const DEFAULT_ANSWER_PARAMS: AnswerParams = { threshold: 0.2, k: 8, seeAlsoRatio: 0.85 };

/** Masks personal data (src/text/personal.ts); what the pipeline searches, stores, logs and sends. */
export type Masker = (text: string) => string;

export interface AnswerDeps {
  db: Db;
  searcher: Searcher;
  lexicon: Lexicon;
  glossary: Glossary;
  agencies: AgencyDirectory;
  now: () => Date;
  log: Logger;
  llm?: LlmComposer | null;
  /** maskPersonal unless a test gives another. */
  masker?: Masker;
  /** Seals the citizen's raw words for the owning agency (no key: nothing raw is kept). */
  sealer?: Sealer;
  params?: Partial<AnswerParams>;
  /** Told of each new ticket once it is stored (grouping, the agency's notification); never fails an answer. */
  onTicket?: (ticket: { code: string; agency: string; dueAt: Date; question: string; channel: string }) => Promise<void>;
  /** Told of each answer given, once stored (the /metrics counters); never fails an answer. */
  onAnswer?: (answer: { status: AnswerStatus; reason: StopReason; composer: string; channel: string }) => void;
}

type Step = { name: string; run: (ctx: AnswerContext) => Promise<void> | void };

export interface AnswerService {
  ask(input: AskInput): Promise<AskResponse>;
}

function stop(ctx: AnswerContext, status: AnswerStatus, reason: StopReason, text?: string) {
  ctx.stop = { status, reason, ...(text !== undefined ? { text } : {}) };
}

export function createAnswerService(deps: AnswerDeps): AnswerService {
  const p: AnswerParams = { ...DEFAULT_ANSWER_PARAMS, ...deps.params };
  const mask: Masker = deps.masker ?? maskPersonal;

  const steps: Step[] = [
    {
      name: 'guard_input',
      run(ctx) {
        const v = guardInput(ctx.input.question);
        ctx.question = v.text;
        ctx.lang = ctx.input.lang ?? detectLang(v.text);
        // A turn refused as an injection is the attacker's, not context for a follow-up.
        ctx.history = ctx.history.filter((h) => h.reason !== 'injection');
        if (v.injection) {
          ctx.injection = { removed: v.injection.removed, tainted: [] };
          ctx.notes.push(`injection taken out of the question: ${v.injection.hits.map((h) => `${h.kind}/${h.via}`).join(', ') || 'hidden text'}`);
        }
        if (!v.ok) stop(ctx, 'refused', v.reason, v.reason === 'empty' ? t('emptyQuestion', ctx.lang) : v.reason === 'injection' ? t('injectionRefused', ctx.lang) : fmt('questionTooLong', ctx.lang, { limit: MAX_QUESTION_CHARS.toLocaleString('vi-VN') }));
      },
    },
    {
      name: 'confirm',
      run(ctx) {
        // The citizen answers "Có phải bạn hỏi: …?": yes → that question; no → please say it again.
        const last = ctx.history.at(-1);
        if (last?.role !== 'assistant' || last.reason !== 'confirm_transcript') return;
        const reply = confirmationReply(ctx.question);
        const asked = [...ctx.history].reverse().find((h) => h.role === 'citizen');
        if (reply === 'yes' && asked) {
          ctx.question = asked.rewritten ?? asked.text;
          ctx.confirmed = true;
        } else if (reply === 'no') {
          stop(ctx, 'answered', 'confirm_declined', t('voiceRepeat', ctx.lang));
        }
      },
    },
    {
      name: 'spoken',
      async run(ctx) {
        if (ctx.confirmed || !(ctx.channel === 'voice' || ctx.input.spoken)) return;
        const choice = await chooseSpoken(spokenCandidates(ctx.question, ctx.input.alternatives), spokenScore);
        if (!choice) return;
        const { chosen } = choice;
        let display = chosen.display;
        if (lacksDiacritics(chosen.text)) {
          // The transcript came without diacritics: shown with those the best sources suggest.
          const r = await deps.searcher.search(chosen.text, { k: 4 });
          if (r.restored) display = normalizeTranscript(r.restored).display;
        }
        const confirm = choice.uncertain && classify(chosen.text).route === 'question';
        ctx.transcript = { raw: ctx.question, text: chosen.text, display, confidence: chosen.asr, confirm };
        ctx.question = chosen.text;
        if (confirm) {
          ctx.rewritten = chosen.text;
          stop(ctx, 'answered', 'confirm_transcript', fmt('voiceConfirm', ctx.lang, { question: display }));
        }
      },
    },
    {
      // From here on the question is masked: retrieval, the LLM, the record and the ticket never see
      // the citizen's numbers (a spoken one becomes digits only in the step above).
      name: 'mask',
      run(ctx) {
        ctx.question = mask(ctx.question);
        if (ctx.rewritten) ctx.rewritten = mask(ctx.rewritten);
      },
    },
    {
      name: 'rewrite',
      async run(ctx) {
        if (!ctx.history.length || ctx.confirmed) return;
        const r = rewriteFollowUp(ctx.question, ctx.history);
        if (!r) return;
        ctx.rewritten = r.text;
        if (deps.llm?.rewrite) {
          try {
            const better = await deps.llm.rewrite(mask(ctx.question), ctx.history.map((h) => ({ ...h, text: mask(h.rewritten ?? h.text) })), ctx.lang);
            if (better) ctx.rewritten = better;
          } catch (e) {
            deps.log('warn', 'llm rewrite failed; using the deterministic rewrite', { error: String(e) });
          }
        }
      },
    },
    {
      name: 'route',
      async run(ctx) {
        const intent = classify(ctx.question);
        ctx.route = intent.route;
        ctx.ticketCode = intent.ticketCode;
        switch (intent.route) {
          case 'greeting':
            return stop(ctx, 'answered', 'greeting', t('greeting', ctx.lang));
          case 'thanks':
            return stop(ctx, 'answered', 'thanks', t('thanks', ctx.lang));
          case 'off_topic':
            return stop(ctx, 'refused', 'off_topic', t('offTopic', ctx.lang));
          case 'officer': {
            // A bare "gặp cán bộ" after a question: the ticket is about that question.
            const earlier = [...ctx.history].reverse().find((h) => h.role === 'citizen');
            if (earlier && ctx.question.split(/\s+/).length <= 14) ctx.rewritten = earlier.rewritten ?? earlier.text;
            ctx.agency = routeByWords(ctx);
            return stop(ctx, 'escalated', 'officer_requested');
          }
          case 'status': {
            if (!intent.ticketCode) {
              ctx.agency = routeByWords(ctx);
              return stop(ctx, 'escalated', 'status_inquiry');
            }
            const ticket = await findTicketByCode(deps.db, intent.ticketCode);
            if (!ticket) return stop(ctx, 'answered', 'ticket_not_found', fmt('ticketNotFound', ctx.lang, { code: intent.ticketCode }));
            const agencyName = deps.agencies.get(ticket.agency)?.name ?? ticket.agency;
            const status = fmt('ticketStatus', ctx.lang, {
              code: ticket.code,
              agency: agencyName,
              status: t(`ticket_${ticket.status}` as MessageKey, ctx.lang),
              due: formatDue(new Date(ticket.due_at), ctx.lang),
            });
            // Answered already: the officer's answer itself, not just the news that there is one.
            const answer = ticket.answer ? `\n\n${fmt('officerAnswerIntro', ctx.lang, { agency: agencyName, code: ticket.code })}\n${ticket.answer}` : '';
            return stop(ctx, 'answered', 'ticket_status', status + answer);
          }
          default:
            if (intent.text !== ctx.question && !ctx.rewritten) ctx.rewritten = intent.text;
        }
      },
    },
    {
      name: 'retrieve',
      async run(ctx) {
        const q = searchText(ctx);
        const r = await deps.searcher.search(q, { k: p.k });
        ctx.hits = r.hits;
        if (ctx.rewritten && ctx.history.length) keepFollowUpOnTopic(ctx);
        if (!ctx.hits.length) {
          ctx.agency = routeByWords(ctx);
          stop(ctx, 'escalated', 'no_content');
        }
      },
    },
    {
      name: 'decide',
      async run(ctx) {
        const q = searchText(ctx);
        const a = analyzeQuery(q, deps.lexicon);
        ctx.weights = await termWeights(deps.db, q, a.expansions, deps.searcher.termStats?.bind(deps.searcher));
        const scored = ctx.hits.slice(0, 2).map((h) => ({ h, c: explicitlyNamed(h) ? 1 : coverage(h, ctx.weights!.question, deps.lexicon, a.folded) }));
        ctx.confidence = scored[0]!.c;
        const top = ctx.hits[0]!;
        if (ctx.confidence < p.threshold) {
          ctx.agency = routeByWords(ctx);
          return stop(ctx, 'escalated', 'low_confidence');
        }
        ctx.agency = routeFor(ctx, top);
        const second = scored[1];
        ctx.seeAlso = second && second.c >= ctx.confidence * p.seeAlsoRatio && alternativeOf(top, second.h) ? second.h : null;
      },
    },
    {
      name: 'compose',
      async run(ctx) {
        // A follow-up rewritten (by the LLM) into an instruction is not answered.
        if (ctx.rewritten && findInjection(ctx.rewritten)) return stop(ctx, 'refused', 'injection', t('injectionRefused', ctx.lang));
        const structures = await loadStructures(deps.db, ctx.hits.map((h) => h.unitId));
        // Units that read as orders to the assistant (a poisoned document) are set aside whole:
        // they are neither quoted nor shown to the LLM, and their words may not reach the answer.
        const tainted = ctx.hits.filter((h) => taintOf(h.unitId, `${h.title ?? ''}\n${h.text}\n${structureText(structures.get(h.unitId))}`));
        if (tainted.length) {
          const top = ctx.hits[0]!;
          ctx.injection = { removed: ctx.injection?.removed ?? [], tainted };
          ctx.notes.push(`set aside units that read as instructions: ${tainted.map(sourceIdOf).join(', ')}`);
          ctx.hits = ctx.hits.filter((h) => !tainted.includes(h));
          if (ctx.seeAlso && tainted.includes(ctx.seeAlso)) ctx.seeAlso = null;
          const next = ctx.hits[0];
          if (!next) {
            ctx.agency = routeByWords(ctx);
            return stop(ctx, 'escalated', 'no_content');
          }
          if (tainted.includes(top)) {
            // The next unit must clear the same bar the poisoned one did.
            ctx.seeAlso = null;
            ctx.confidence = explicitlyNamed(next) ? 1 : coverage(next, ctx.weights!.question, deps.lexicon, analyzeQuery(searchText(ctx), deps.lexicon).folded);
            if (ctx.confidence < p.threshold) {
              ctx.agency = routeByWords(ctx);
              return stop(ctx, 'escalated', 'low_confidence');
            }
            ctx.agency = routeFor(ctx, next);
          }
        }
        const sources = [ctx.hits[0]!, ...(ctx.seeAlso ? [ctx.seeAlso] : [])];
        const input = {
          lang: ctx.lang,
          aspects: aspectsOf(ctx.rewritten ?? ctx.question),
          wantsQuantity: asksForQuantity(ctx.rewritten ?? ctx.question),
          answerTypes: expectedAnswerTypes(searchText(ctx)),
          terms: ctx.weights!.expanded,
          sources: sources.map((hit) => ({ hit, structure: structures.get(hit.unitId) ?? {} })),
        };
        ctx.extractive = composeExtractive(input);
        if (deps.llm) {
          try {
            const started = performance.now();
            ctx.draft = await deps.llm.compose({
              question: mask(ctx.rewritten ?? ctx.question),
              lang: ctx.lang,
              hits: ctx.hits.slice(0, deps.llm.maxSources),
              mask,
            });
            ctx.timings.llm = performance.now() - started;
          } catch (e) {
            ctx.notes.push(`llm failed: ${e instanceof Error ? e.message : String(e)}`);
            deps.log('warn', 'llm composer failed; falling back to the extractive answer', { error: e instanceof Error ? e.message : String(e) });
            ctx.draft = ctx.extractive;
          }
        } else {
          ctx.draft = ctx.extractive;
        }
        if (!ctx.draft) {
          ctx.agency = routeByWords(ctx);
          stop(ctx, 'escalated', 'no_content');
        }
      },
    },
    {
      name: 'verify',
      run(ctx) {
        const screen = screenFor(ctx);
        let v = verifyDraft(ctx.draft!, ctx.hits, screen);
        for (const r of v.removed) ctx.notes.push(`removed (${r.why}): ${r.line.slice(0, 200)}`);
        // A model that repeated an instruction, the prompt or the attacker's words was steered:
        // none of its answer is kept.
        const steered = v.removed.some((r) => STEERED.test(r.why));
        if ((steered || !v.citations.length) && ctx.draft!.composer === 'llm' && ctx.extractive) {
          ctx.notes.push(steered ? 'llm answer was steered by injected text; using the extractive answer' : 'llm answer had no verifiable citation; using the extractive answer');
          ctx.draft = ctx.extractive;
          v = verifyDraft(ctx.extractive, ctx.hits, screen);
        }
        if (!v.citations.length) return stop(ctx, 'escalated', 'unverified');
        ctx.composer = ctx.draft!.composer;
        ctx.promptVersion = ctx.draft!.promptVersion ?? null;
        ctx.answer = v.text;
        ctx.citations = v.citations;
      },
    },
    {
      name: 'guard_output',
      run(ctx) {
        ctx.answer = guardOutput(ctx.answer, new Set(ctx.citations.flatMap((c) => (c.url ? [c.url] : []))));
        if (leaksPrompt(ctx.answer)) {
          ctx.notes.push('the answer repeated the prompt');
          ctx.agency = routeByWords(ctx);
          return stop(ctx, 'escalated', 'unverified');
        }
        // A citizen who knew the old decree should learn that the cited one replaced it — while the
        // change is recent (not for a code that replaced its predecessor a decade ago).
        const cited = new Set(ctx.citations.map((c) => c.sourceId));
        const recent = (h: SearchHit) => !h.effectiveDate || deps.now().getTime() - Date.parse(h.effectiveDate) < RECENT_CHANGE_MS;
        const replaced = [...new Set(ctx.hits.filter((h) => cited.has(sourceIdOf(h)) && h.replaces?.length && recent(h)).flatMap((h) => h.replaces!))];
        if (replaced.length) ctx.answer += `\n\n${fmt('replacesNote', ctx.lang, { list: replaced.join(', ') })}`;
        stop(ctx, 'answered', 'answered');
      },
    },
  ];

  const leaksPrompt = promptLeakChecker(deps.llm?.promptTexts ?? [], [...Object.values(messages.vi), ...Object.values(messages.en)]);

  /** What an answer is checked against besides its sources: the attacker's words and the prompts. */
  function screenFor(ctx: AnswerContext): VerifyOptions {
    const attack = [...(ctx.injection?.removed ?? []), ...(ctx.injection?.tainted ?? []).map((h) => h.text)];
    return { leak: leaksPrompt, ...(attack.length ? { attacker: attackerWords(attack, ctx.hits.map((h) => `${h.ref}\n${h.text}`).join('\n')) } : {}) };
  }

  /** How well retrieval answers one hypothesis of a spoken question (the decide step's confidence). */
  async function spokenScore(text: string): Promise<SpokenScore> {
    const r = await deps.searcher.search(text, { k: 3 });
    const top = r.hits[0];
    if (!top) return { coverage: 0, top: null };
    if (explicitlyNamed(top)) return { coverage: 1, top: top.unitId };
    const a = analyzeQuery(text, deps.lexicon);
    const w = await termWeights(deps.db, text, a.expansions, deps.searcher.termStats?.bind(deps.searcher));
    return { coverage: coverage(top, w.question, deps.lexicon, a.folded), top: top.unitId };
  }

  function searchText(ctx: AnswerContext): string {
    const q = ctx.rewritten ?? ctx.question;
    return ctx.lang === 'en' ? translateQuery(q, deps.glossary) : q;
  }

  /** The agency for a question from its words (and the earlier question, for a bare "gặp cán bộ"). */
  function routeByWords(ctx: AnswerContext): string {
    const text = [ctx.rewritten ?? ctx.question, ...ctx.history.filter((h) => h.role === 'citizen').map((h) => h.rewritten ?? h.text).reverse()].join(' \n ');
    return deps.agencies.route(ctx.lang === 'en' ? translateQuery(text, deps.glossary) : text).id;
  }

  function routeFor(ctx: AnswerContext, top: SearchHit): string {
    if (top.kind === 'procedure') {
      const level = /Cấp thực hiện: ([^\n]+)/.exec(top.text)?.[1] ?? null;
      const field = /Lĩnh vực: ([^\n]+)/.exec(top.text)?.[1] ?? null;
      return deps.agencies.route(ctx.rewritten ?? ctx.question, { field, level }).id;
    }
    return routeByWords(ctx);
  }

  /** A follow-up stays with the unit the previous answer cited when that unit is still among the best. */
  function keepFollowUpOnTopic(ctx: AnswerContext) {
    const previous = [...ctx.history].reverse().find((h) => h.role === 'assistant' && h.unitIds.length) ?? [...ctx.history].reverse().find((h) => h.unitIds.length);
    const id = previous?.unitIds[0];
    const i = id === undefined ? -1 : ctx.hits.findIndex((h) => h.unitId === id);
    if (i > 0 && i < 5) ctx.hits.unshift(...ctx.hits.splice(i, 1));
  }

  return {
    async ask(input) {
      const conversationId = input.conversationId ?? randomUUID();
      const history = input.conversationId ? await loadHistory(deps.db, conversationId) : [];
      const ctx: AnswerContext = {
        input,
        channel: input.channel ?? 'api',
        conversationId,
        history,
        question: input.question,
        lang: input.lang ?? 'vi',
        rewritten: null,
        route: 'question',
        ticketCode: null,
        hits: [],
        confidence: null,
        draft: null,
        stop: null,
        answer: '',
        citations: [],
        ticket: null,
        agency: null,
        timings: {},
        composer: 'canned',
        promptVersion: null,
        notes: [],
        weights: null,
        seeAlso: null,
        extractive: null,
      };
      const started = performance.now();
      for (const step of steps) {
        const t0 = performance.now();
        await step.run(ctx);
        ctx.timings[step.name] = performance.now() - t0;
        if (ctx.stop) break;
      }
      return finish(ctx, started);
    },
  };

  async function finish(ctx: AnswerContext, started: number): Promise<AskResponse> {
    const s = ctx.stop!;
    if (s.status !== 'answered' || s.reason !== 'answered') {
      ctx.citations = [];
      ctx.composer = 'canned';
      ctx.promptVersion = null;
    }
    const answerId = randomUUID();
    let ticket: { code: string; agency: string; dueAt: Date } | null = null;
    if (s.status === 'escalated') {
      const agency = deps.agencies.get(ctx.agency ?? DEFAULT_AGENCY) ?? deps.agencies.get(DEFAULT_AGENCY)!;
      const dueAt = addWorkingDays(deps.now(), agency.serviceLevelDays);
      ticket = { code: newTicketCode(), agency: agency.id, dueAt };
      ctx.agency = agency.id;
      ctx.ticket = { code: ticket.code, agency: agency.id, agencyName: agency.name, dueAt: dueAt.toISOString() };
      ctx.answer = escalationText(ctx.lang, s.reason, { agency: agency.name, code: ticket.code, due: formatDue(dueAt, ctx.lang) });
    } else if (s.text !== undefined) {
      ctx.answer = s.text;
    }
    // A run stopped before the mask step (a refusal, a transcript to confirm) is masked here.
    ctx.question = mask(ctx.question);
    if (ctx.rewritten) ctx.rewritten = mask(ctx.rewritten);
    const raw = ctx.input.question;
    const sealed = deps.sealer ? await deps.sealer.seal(raw, mask(raw)) : null;
    ctx.timings.total = performance.now() - started;
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await saveExchange(deps.db, ctx, answerId, ticket, sealed);
        break;
      } catch (e) {
        // A ticket code collision (unique violation): draw a new code and try again.
        if (!ticket || attempt >= 3 || !String((e as { code?: string }).code ?? e).includes('23505')) throw e;
        ticket.code = newTicketCode();
        ctx.ticket!.code = ticket.code;
        ctx.answer = escalationText(ctx.lang, s.reason, { agency: ctx.ticket!.agencyName, code: ticket.code, due: formatDue(ticket.dueAt, ctx.lang) });
      }
    }
    ctx.timings.save = performance.now() - t0;
    if (ticket && deps.onTicket) {
      const created = { ...ticket, question: ctx.rewritten ?? ctx.question, channel: ctx.channel };
      await deps.onTicket(created).catch((e: unknown) => deps.log('warn', 'after-ticket work failed', { code: ticket!.code, error: e instanceof Error ? e.message : String(e) }));
    }
    deps.log('info', 'answer', {
      answerId,
      status: s.status,
      reason: s.reason,
      route: ctx.route,
      composer: ctx.composer,
      confidence: ctx.confidence,
      citations: ctx.citations.length,
      agency: ctx.agency,
      timings: Object.fromEntries(Object.entries(ctx.timings).map(([k, v]) => [k, Math.round(v)])),
      ...(ctx.notes.length ? { notes: ctx.notes } : {}),
    });
    try {
      deps.onAnswer?.({ status: s.status, reason: s.reason, composer: ctx.composer, channel: ctx.channel });
    } catch (e) {
      deps.log('warn', 'onAnswer failed', { error: e instanceof Error ? e.message : String(e) });
    }
    return {
      conversationId: ctx.conversationId,
      answerId,
      status: s.status,
      answer: ctx.answer,
      citations: ctx.citations,
      ...(ctx.ticket ? { ticket: ctx.ticket } : {}),
      lang: ctx.lang,
      ...(ctx.rewritten ? { rewrittenQuestion: ctx.rewritten } : {}),
      reason: s.reason,
      ...(ctx.transcript ? { transcript: ctx.transcript } : {}),
    };
  }
}

/**
 * Whether a second unit is worth offering next to the first: another article that answers as
 * well, or the same procedure as handled at another level ("… (cấp tỉnh)" / "… (cấp xã)").
 */
function alternativeOf(top: SearchHit, other: SearchHit): boolean {
  if (top.kind !== other.kind) return false;
  if (top.kind !== 'procedure') return true;
  const base = (h: SearchHit) => (h.title ?? '').replace(/\([^)]*\)/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return base(top) === base(other);
}

function explicitlyNamed(h: SearchHit): boolean {
  return h.match.reference === 'unit';
}

function escalationText(lang: Lang, reason: StopReason, vars: { agency: string; code: string; due: string }): string {
  const key: MessageKey = reason === 'officer_requested' ? 'escalatedOfficer' : reason === 'status_inquiry' ? 'escalatedStatus' : reason === 'unverified' ? 'escalatedUnverified' : 'escalatedLowConfidence';
  return fmt(key, lang, vars);
}

async function loadStructures(db: Db, ids: number[]): Promise<Map<number, Record<string, unknown>>> {
  const rows = await db.query<{ id: number; structure: Record<string, unknown> }>('SELECT id, structure FROM units WHERE id = ANY($1::int[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.structure]));
}

