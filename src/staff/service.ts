// What staff can do to a ticket, in one place for the JSON API and the console's forms: each
// action validates its input, acts through the queue, and tells the citizen when it should.
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import type { AgencyDirectory } from '../escalation/agencies.ts';
import type { DeliveryService } from '../escalation/delivery.ts';
import { approve, propose, reject, type Proposal } from '../escalation/learning.ts';
import {
  addCanned,
  addNote,
  answerTicket,
  askCitizen,
  claim,
  claimNext,
  closeTicket,
  getTicket,
  PRIORITIES,
  QueueError,
  release,
  setPriority,
  transfer,
  type Actor,
  type Ticket,
} from '../escalation/queue.ts';
import { addWorkingDays } from '../escalation/tickets.ts';
import { qaSourceSchema } from '../ingest/readers/qa.ts';
import { fmt } from '../messages.ts';
import { audit } from '../privacy/audit.ts';

export interface StaffDeps {
  db: Db;
  embedder: Embedder;
  agencies: AgencyDirectory;
  deliveries: DeliveryService;
  now: () => Date;
}

const text = (max: number) => z.string().trim().min(1).max(max);
// A checkbox arrives as "on" from a form and as a boolean from JSON.
const flag = z.union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('false'), z.literal('')]).transform((v) => v === true || v === 'on' || v === 'true');

export const actionSchemas = {
  claim: z.object({}),
  release: z.object({}),
  note: z.object({ text: text(4000) }),
  priority: z.object({ priority: z.enum(PRIORITIES) }),
  transfer: z.object({ agency: text(100), reason: text(1000) }),
  ask: z.object({ text: text(2000) }),
  answer: z.object({ text: text(6000), group: flag.optional(), propose: flag.optional(), question: z.string().trim().max(2000).optional(), sources: z.array(qaSourceSchema).max(20).optional() }),
  close: z.object({ reason: z.string().trim().max(1000).optional() }),
  propose: z.object({ question: text(2000), answer: text(6000), sources: z.array(qaSourceSchema).max(20).default([]) }),
} as const;
export type ActionName = keyof typeof actionSchemas;
export const ACTIONS = Object.keys(actionSchemas) as ActionName[];

export interface ActionResult {
  ok: string;
  ticket?: Ticket | null;
  tickets?: Ticket[];
  proposal?: Proposal;
}

/** Browsers send a textarea's line breaks as CRLF; citizens' channels and the store use LF. */
function normaliseNewlines(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\r\n?/g, '\n');
  if (Array.isArray(v)) return v.map(normaliseNewlines);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseNewlines(x)]));
  return v;
}

export function createStaffService(deps: StaffDeps) {
  const { db } = deps;
  const agencyName = (id: string) => deps.agencies.get(id)?.name ?? id;

  async function tellCitizen(t: Pick<Ticket, 'id' | 'code' | 'agency' | 'conversation_id' | 'lang'>, intro: 'officerAnswerIntro' | 'officerAsksIntro', body: string) {
    const lead = fmt(intro, t.lang === 'en' ? 'en' : 'vi', { agency: agencyName(t.agency), code: t.code });
    return deps.deliveries.deliver({ ticketId: t.id, ticketCode: t.code, conversationId: t.conversation_id, text: `${lead}\n${body}` });
  }

  // Every staff action goes through this service, so the audit log is written here, once, after the
  // action succeeded; the detail holds ids and enum values, never what anyone wrote.
  const AUDIT_NAMES: Partial<Record<ActionName, string>> = { ask: 'ask_citizen' };
  function auditDetail(action: ActionName, body: Record<string, unknown>, r: ActionResult): Record<string, string | number | boolean> {
    const d: Record<string, string | number | boolean> = {};
    if (action === 'priority') d.priority = body.priority as string;
    if (action === 'transfer') d.to = body.agency as string;
    if (action === 'answer') d.tickets = r.tickets?.length ?? 1;
    if (r.proposal) d.proposal = r.proposal.id;
    return d;
  }

  async function perform(actor: Actor, code: string, action: ActionName, body: Record<string, unknown>): Promise<ActionResult> {
    switch (action) {
      case 'claim':
        return { ok: 'ok_claim', ticket: await claim(db, actor, code) };
      case 'release':
        return { ok: 'ok_release', ticket: await release(db, actor, code) };
      case 'note':
        await addNote(db, actor, code, body.text as string);
        return { ok: 'ok_note' };
      case 'priority':
        return { ok: 'ok_priority', ticket: await setPriority(db, actor, code, body.priority as Ticket['priority']) };
      case 'transfer': {
        const to = deps.agencies.get(body.agency as string);
        if (!to) throw new QueueError(400, 'unknown_agency');
        await transfer(db, actor, code, { agency: to.id, dueAt: addWorkingDays(deps.now(), to.serviceLevelDays) }, body.reason as string);
        return { ok: 'ok_transfer' };
      }
      case 'ask': {
        const t = await askCitizen(db, actor, code, body.text as string);
        await tellCitizen(t, 'officerAsksIntro', body.text as string);
        return { ok: 'ok_ask', ticket: t };
      }
      case 'answer': {
        const answered = await answerTicket(db, actor, code, body.text as string, { wholeGroup: Boolean(body.group) });
        for (const t of answered) await tellCitizen(t, 'officerAnswerIntro', body.text as string);
        const main = answered.find((t) => t.code === code.toUpperCase()) ?? answered[0]!;
        let proposal: Proposal | undefined;
        if (body.propose) {
          proposal = await propose(db, actor, main, { question: (body.question as string | undefined) || main.question, answer: body.text as string, sources: (body.sources as never) ?? [] });
        }
        return { ok: 'ok_answer', ticket: main, tickets: answered, ...(proposal ? { proposal } : {}) };
      }
      case 'close':
        return { ok: 'ok_close', ticket: await closeTicket(db, actor, code, (body.reason as string | undefined) || null) };
      case 'propose': {
        const t = await getTicket(db, actor, code);
        if (!t) throw new QueueError(404, 'ticket_not_found');
        const p = await propose(db, actor, t, body as { question: string; answer: string; sources: never[] });
        return { ok: 'ok_propose', proposal: p };
      }
    }
  }

  return {
    async claimNext(actor: Actor) {
      const t = await claimNext(db, actor);
      if (t) await audit(db, actor, 'ticket.claim', `ticket:${t.code}`, { next: true });
      return t;
    },

    async act(actor: Actor, code: string, action: ActionName, input: unknown): Promise<ActionResult> {
      const parsed = actionSchemas[action].safeParse(normaliseNewlines(input ?? {}));
      if (!parsed.success) throw parsed.error;
      const body = parsed.data as Record<string, unknown>;
      const r = await perform(actor, code, action, body);
      await audit(db, actor, `ticket.${AUDIT_NAMES[action] ?? action}`, `ticket:${code.toUpperCase()}`, auditDetail(action, body, r));
      return r;
    },

    async approve(actor: Actor, id: number) {
      const p = await approve(deps, actor, id);
      await audit(db, actor, 'proposal.approve', `proposal:${id}`, p.document_id ? { document: p.document_id } : {});
      return p;
    },
    async reject(actor: Actor, id: number) {
      const p = await reject(db, actor, id);
      await audit(db, actor, 'proposal.reject', `proposal:${id}`);
      return p;
    },
    async addCanned(actor: Actor, title: string, body: string) {
      const c = await addCanned(db, actor, title, body);
      await audit(db, actor, 'canned.create', `canned:${c.id}`);
      return c;
    },
  };
}
export type StaffService = ReturnType<typeof createStaffService>;
