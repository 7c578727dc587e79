// /staff: the console (server-rendered pages whose forms post back here) and /staff/api (JSON, for
// the console's scripts and for agencies' own tools with an API token). One authentication step:
// a session cookie (with a CSRF token that every state-changing request must echo) or a bearer
// API token. An expired session sends a browser back to the login page.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { ChannelSwitchError, isChannel, type ChannelSwitches } from '../abuse/switches.ts';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import type { AgencyDirectory } from '../escalation/agencies.ts';
import { dashboard, ticketsCsv } from '../escalation/dashboard.ts';
import { getProposal, listProposals } from '../escalation/learning.ts';
import { getTicket, groupMembers, listCanned, listTickets, PRIORITIES, QueueError, ticketEvents, type Actor, type Ticket } from '../escalation/queue.ts';
import { ownsTicket, revealForActor } from '../privacy/reveal.ts';
import { createSealer, type Sealer } from '../privacy/seal.ts';
import { audit, listAudit } from '../privacy/audit.ts';
import { deleteCitizen, exportCitizen, targetAgencies, type CitizenTarget } from '../privacy/citizen.ts';
import { AppError } from '../http/errors.ts';
import { syncStatus } from '../sync/status.ts';
import { st, stf, t } from '../messages.ts';
import type { Searcher } from '../retrieval/search.ts';
import { checkLogin, createSession, endSession, findApiToken, findSession, toActor } from './auth.ts';
import { staffApiKeys } from '../ingest/api-keys.ts';
import { ACTIONS, type ActionName, type StaffService } from './service.ts';
import * as views from './views.ts';

export const SESSION_COOKIE = 'hoidap_staff';

type Env = { Variables: { actor: Actor; csrf: string | null } };

export interface StaffRouteDeps {
  config: Config;
  db: Db;
  agencies: AgencyDirectory;
  staff: StaffService;
  now: () => Date;
  /** Searches sources for tickets escalated before any search. */
  searcher?: Pick<Searcher, 'search'>;
  /** Opens citizens' sealed words for staff of the owning agency. */
  sealer?: Sealer;
  /** The channel kill switches (admins: GET/POST /staff/api/channels). */
  switches?: ChannelSwitches;
}

const CODE = /^HD-[0-9A-Z]{5}-[0-9A-Z]{5}$/i;
const filterSchema = z.object({
  status: z.enum(['open', 'new', 'claimed', 'waiting_citizen', 'answered', 'closed']).optional().catch(undefined),
  priority: z.enum(PRIORITIES).optional().catch(undefined),
  overdue: z.string().optional().transform((v) => v === '1' || v === 'true' || v === 'on'),
  agency: z.string().max(100).optional(),
});

const when = z
  .string()
  .trim()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)))
  .transform((v) => new Date(v));
const auditQuerySchema = z.object({
  actor: z.string().trim().min(1).max(100).optional(),
  action: z.string().trim().regex(/^[a-z_.]{1,60}$/).optional(),
  target: z.string().trim().min(1).max(200).optional(),
  agency: z.string().trim().min(1).max(100).optional(),
  from: when.optional(),
  to: when.optional(),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Exactly one of a conversation id or a Zalo user id (Zalo ids are digits). */
function citizenTarget(body: Record<string, unknown>): CitizenTarget {
  const b = z
    .object({ conversationId: z.string().trim().min(1).max(100).optional(), zaloUserId: z.string().trim().regex(/^\d{1,32}$/).optional() })
    .parse(body);
  if (Boolean(b.conversationId) === Boolean(b.zaloUserId)) throw new AppError(400, 'citizen_target', st('citizen_target'));
  return b.conversationId ? { conversationId: b.conversationId } : { zaloUserId: b.zaloUserId! };
}

function isLoopback(host: string | undefined): boolean {
  return /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?$/.test(host ?? '');
}

/** JSON or a form: the console posts forms, scripts and tools post JSON. */
async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const raw = await c.req.text();
    if (!raw.trim()) return {};
    try {
      const v = JSON.parse(raw) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new AppError(400, 'invalid_request', t('badInput'));
      return v as Record<string, unknown>;
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError(400, 'invalid_json', t('badJson'));
    }
  }
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      throw new AppError(400, 'invalid_request', t('badInput'));
    }
    return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string'));
  }
  if (!type && ['GET', 'HEAD'].includes(c.req.method)) return {};
  const raw = await c.req.text();
  if (!raw) return {};
  throw new AppError(415, 'unsupported_media_type', t('badContentType'));
}

function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof QueueError) return new AppError(e.status, e.code, st(e.code));
  if (e instanceof z.ZodError) {
    return new AppError(400, 'invalid_request', t('badInput'), e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  throw e;
}

export function staffRoutes(deps: StaffRouteDeps) {
  const app = new Hono<Env>();
  const { db } = deps;
  app.use('/staff/*', bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new AppError(413, 'payload_too_large', t('bodyTooLarge')); } }));

  // ---- login / logout ----
  app.get('/staff/login', (c) => c.html(views.loginPage({ expired: c.req.query('expired') === '1', failed: c.req.query('failed') === '1' })));
  app.post('/staff/login', async (c) => {
    const body = await readBody(c);
    const parsed = z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(500) }).safeParse(body);
    const wantsJson = !(c.req.header('content-type') ?? '').includes('form');
    const staff = parsed.success ? await checkLogin(db, parsed.data.email, parsed.data.password) : null;
    if (parsed.success) await auditLogin(parsed.data.email, staff);
    if (!staff) {
      if (wantsJson) throw new AppError(parsed.success ? 401 : 400, parsed.success ? 'bad_login' : 'invalid_request', parsed.success ? st('bad_login') : t('badInput'));
      return c.redirect('/staff/login?failed=1', 303);
    }
    const s = await createSession(db, staff.id, deps.now());
    setCookie(c, SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/staff',
      // Secure everywhere but plain-HTTP loopback (development and tests).
      secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https' || !isLoopback(c.req.header('host')),
      expires: s.expiresAt,
    });
    return wantsJson ? c.json({ staff: { id: staff.id, name: staff.name, agency: staff.agency, role: staff.role }, csrf: s.csrf, expiresAt: s.expiresAt }) : c.redirect('/staff', 303);
  });

  // ---- authentication for everything else under /staff ----
  app.use('/staff/*', async (c, next) => {
    if (c.req.path === '/staff/login') return next();
    const api = c.req.path.startsWith('/staff/api/');
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer) {
      const staff = await findApiToken(db, bearer, deps.now());
      if (!staff) throw new AppError(401, 'login_required', st('login_required'));
      c.set('actor', toActor(staff));
      c.set('csrf', null);
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    const found = cookie ? await findSession(db, cookie, deps.now()) : null;
    if (!found || 'expired' in found) {
      const expired = Boolean(found);
      if (expired) deleteCookie(c, SESSION_COOKIE, { path: '/staff' });
      if (api) throw new AppError(401, expired ? 'session_expired' : 'login_required', st(expired ? 'session_expired' : 'login_required'));
      return c.redirect(`/staff/login${expired ? '?expired=1' : ''}`, 303);
    }
    c.set('actor', toActor(found.staff));
    c.set('csrf', found.csrf);
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      const sent = c.req.header('x-csrf-token') ?? (await readBody(c))._csrf;
      if (sent !== found.csrf) throw new AppError(403, 'csrf', st('csrf'));
    }
    return next();
  });

  app.onError((e, c) => {
    const err = toAppError(e);
    // A form post from the console goes back to its page with the message.
    const back = c.req.method === 'POST' && !c.req.path.startsWith('/staff/api/') && (c.req.header('content-type') ?? '').includes('form');
    if (back && err.status < 500) {
      // The page the form was on: the ticket's, the approvals page, else the queue (never the form's
      // own address, which has no page).
      const path = c.req.path;
      const to = /^\/staff\/tickets\/[^/]+\/[^/]+$/.test(path) ? path.slice(0, path.lastIndexOf('/'))
        : path.startsWith('/staff/proposals/') ? '/staff/approvals'
        : path === '/staff/login' ? path
        : '/staff';
      return c.redirect(`${to}?error=${encodeURIComponent(err.code)}`, 303);
    }
    return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
  });

  const actor = (c: Context<Env>) => c.get('actor');
  const apiKeys = staffApiKeys({ db, agencies: deps.agencies, now: deps.now });
  // The typed email is never recorded (it may be a citizen's, or a password typed in the wrong box):
  // a failure on a known account is recorded against that account with the failures of the last
  // hour, one on an unknown email only as that, with the hour's count of such failures.
  async function auditLogin(email: string, staff: { id: number; name: string; agency: string; role: Actor['role'] } | null) {
    if (staff) return audit(db, toActor(staff), 'auth.login', `staff:${staff.id}`);
    const [known] = await db.query<{ id: number; name: string; agency: string; role: Actor['role'] }>('SELECT id, name, agency, role FROM staff WHERE email = $1', [email.trim().toLowerCase()]);
    const [r] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed' AND at > $1 AND ${known ? 'actor = $2' : 'actor IS NULL'}`,
      known ? [new Date(deps.now().getTime() - 3600_000), known.id] : [new Date(deps.now().getTime() - 3600_000)],
    );
    const attempts = (r?.n ?? 0) + 1;
    if (known) return audit(db, toActor(known), 'auth.login_failed', `staff:${known.id}`, { known: true, attemptsLastHour: attempts });
    return audit(db, { name: 'system' }, 'auth.login_failed', null, { known: false, attemptsLastHour: attempts });
  }
  const mustCode = (code: string) => {
    if (!CODE.test(code)) throw new AppError(400, 'bad_code', st('bad_code'));
    return code.toUpperCase();
  };

  // ---- JSON API ----
  app.get('/staff/api/me', (c) => c.json({ staff: actor(c), csrf: c.get('csrf') }));
  app.get('/staff/api/tickets', async (c) => {
    const f = filterSchema.parse(c.req.query());
    return c.json({ tickets: await listTickets(db, actor(c), f) });
  });
  app.post('/staff/api/tickets/claim-next', async (c) => {
    const tk = await deps.staff.claimNext(actor(c));
    if (!tk) throw new AppError(404, 'nothing_to_claim', st('nothing_to_claim'));
    return c.json({ ticket: tk });
  });
  app.get('/staff/api/tickets/:code', async (c) => {
    const tk = await getTicket(db, actor(c), mustCode(c.req.param('code')));
    if (!tk) throw new AppError(404, 'ticket_not_found', st('ticket_not_found'));
    const v = await ticketView(tk, actor(c));
    return c.json({ ticket: v.ticket, events: v.events, group: await groupMembers(db, actor(c), tk), ...v.context, revealed: v.revealed });
  });
  app.post('/staff/api/tickets/:code/:action', async (c) => {
    const name = c.req.param('action') as ActionName;
    if (!ACTIONS.includes(name)) throw new AppError(404, 'not_found', t('notFound'));
    const code = mustCode(c.req.param('code'));
    const r = await deps.staff.act(actor(c), code, name, await readBody(c)).catch((e: unknown) => { throw toAppError(e); });
    return c.json({ ...r, ok: r.ok, message: st(r.ok) });
  });
  app.get('/staff/api/canned', async (c) => c.json({ canned: await listCanned(db, actor(c)) }));
  app.post('/staff/api/canned', async (c) => {
    const b = z.object({ title: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(6000) }).parse(await readBody(c));
    return c.json({ canned: await deps.staff.addCanned(actor(c), b.title, b.body) }, 201);
  });
  app.get('/staff/api/proposals', async (c) => c.json({ proposals: await listProposals(db, actor(c)) }));
  app.post('/staff/api/proposals/:id/:decision', async (c) => {
    const id = z.coerce.number().int().positive().max(2 ** 31 - 1).parse(c.req.param('id'));
    const d = c.req.param('decision');
    if (d !== 'approve' && d !== 'reject') throw new AppError(404, 'not_found', t('notFound'));
    const p = d === 'approve' ? await deps.staff.approve(actor(c), id) : await deps.staff.reject(actor(c), id);
    return c.json({ proposal: p });
  });
  app.get('/staff/api/dashboard', async (c) => {
    const q = z.object({ days: z.coerce.number().int().min(1).max(366).default(30), agency: z.string().max(100).optional() }).parse(c.req.query());
    return c.json(await dashboard(db, actor(c), q.days, q.agency));
  });
  app.get('/staff/api/export.csv', async (c) => csv(c));
  // Portal sync for operators: each source and its latest passes (fetched, created, changed, failed, errors).
  app.get('/staff/api/sync', async (c) => {
    if (actor(c).role === 'officer') throw new AppError(403, 'forbidden', st('forbidden'));
    return c.json(await syncStatus(db));
  });
  // Agencies' API keys for the ingestion API: admins all, supervisors their own agency's.
  app.get('/staff/api/apikeys', async (c) => c.json({ apiKeys: await apiKeys.list(actor(c), c.req.query()) }));
  app.post('/staff/api/apikeys', async (c) => c.json(await apiKeys.create(actor(c), await readBody(c)), 201));
  app.post('/staff/api/apikeys/:id/revoke', async (c) => c.json({ apiKey: await apiKeys.revoke(actor(c), c.req.param('id')) }));
  // Channel kill switches, admins only (the switch itself is audited).
  app.get('/staff/api/channels', async (c) => {
    if (actor(c).role !== 'admin') throw new AppError(403, 'admin_only', st('admin_only'));
    if (!deps.switches) throw new AppError(404, 'not_found', t('notFound'));
    return c.json({ channels: await deps.switches.list() });
  });
  app.post('/staff/api/channels/:channel', async (c) => {
    if (actor(c).role !== 'admin') throw new AppError(403, 'admin_only', st('admin_only'));
    const channel = c.req.param('channel');
    if (!deps.switches || !isChannel(channel)) throw new AppError(404, 'unknown_channel', st('unknown_channel'));
    const b = z.object({ enabled: z.boolean(), reason: z.string().trim().max(500).optional() }).parse(await readBody(c));
    try {
      return c.json({ channel: await deps.switches.set(channel, b.enabled, { reason: b.reason || null, by: actor(c) }) });
    } catch (e) {
      if (e instanceof ChannelSwitchError) throw new AppError(409, e.code, st(e.code));
      throw e;
    }
  });

  // ---- audit log: supervisors see their agency's rows, admins everyone's ----
  app.get('/staff/api/audit', async (c) => c.json({ audit: await auditRows(c) }));
  app.get('/staff/audit', async (c) => {
    if (actor(c).role === 'officer') return c.html(views.notFoundPage(page(c)), 404);
    return c.html(views.auditPage(page(c), c.req.query(), await auditRows(c)));
  });
  async function auditRows(c: Context<Env>) {
    const who = actor(c);
    if (who.role === 'officer') throw new AppError(403, 'forbidden', st('forbidden'));
    const q = auditQuerySchema.parse(c.req.query());
    // A bare date as the end ("to 2026-11-24", the console's date field) includes that whole day.
    if (q.to && /^\d{4}-\d{2}-\d{2}$/.test(c.req.query('to')?.trim() ?? '')) q.to = new Date(q.to.getTime() + 86_400_000);
    return listAudit(db, { ...q, actor: q.actor && /^\d+$/.test(q.actor) ? Number(q.actor) : q.actor, agency: who.role === 'admin' ? q.agency : who.agency });
  }

  // ---- one citizen's data (Nghị định 13/2023): export for admins and for supervisors of an agency
  // that handled the conversation; deletion for admins only. The citizen's raw words are opened
  // only for staff of the agency that owns every ticket involved, as on the ticket page; the command
  // line (`hoidap citizen export`, run by the operator holding the key) always opens them. ----
  const sealer = deps.sealer ?? createSealer(deps.config.dataEncryptionKey);
  const noKey = createSealer(undefined);
  app.post('/staff/api/citizens/export', async (c) => {
    const who = actor(c);
    if (who.role === 'officer') throw new AppError(403, 'forbidden', st('forbidden'));
    const target = citizenTarget(await readBody(c));
    const agencies = await targetAgencies(db, target);
    const owns = agencies.length > 0 && agencies.every((a) => ownsTicket(who, a));
    // A Zalo user id spans agencies; a supervisor asks by the conversation of their agency's ticket.
    if (who.role === 'supervisor' && (!('conversationId' in target) || !agencies.includes(who.agency))) throw new AppError(403, 'forbidden', st('forbidden'));
    const out = await exportCitizen(db, owns ? sealer : noKey, target, who, deps.now());
    if (!out) throw new AppError(404, 'citizen_not_found', st('citizen_not_found'));
    c.header('content-disposition', `attachment; filename="hoidap-citizen-${deps.now().toISOString().slice(0, 10)}.json"`);
    return c.json(out);
  });
  app.post('/staff/api/citizens/delete', async (c) => {
    const who = actor(c);
    if (who.role !== 'admin') throw new AppError(403, 'forbidden', st('forbidden'));
    const target = citizenTarget(await readBody(c));
    const deleted = await deleteCitizen(db, target, who);
    if (!deleted) throw new AppError(404, 'citizen_not_found', st('citizen_not_found'));
    return c.json({ deleted, message: st('ok_citizen_deleted') });
  });

  /** The ticket with its events and context, the citizen's raw words opened only for the owning agency. */
  async function ticketView(tk: Ticket, who: Actor) {
    const context = await ticketContext(db, tk, deps.searcher);
    const r = await revealForActor(deps.sealer, who, { ticket: tk, events: await ticketEvents(db, tk.id), conversation: context.conversation });
    const { question_sealed: _sealed, ...ticket } = tk;
    await audit(db, who, r.revealed ? 'ticket.view_raw' : 'ticket.view', `ticket:${tk.code}`);
    return { ticket: { ...ticket, question: r.question }, events: r.events, context: { ...context, conversation: r.conversation }, revealed: r.revealed };
  }

  async function csv(c: Context<Env>) {
    const days = z.coerce.number().int().min(1).max(366).default(30).parse(c.req.query('days'));
    c.header('content-type', 'text/csv; charset=utf-8');
    c.header('content-disposition', `attachment; filename="hoidap-tickets-${deps.now().toISOString().slice(0, 10)}.csv"`);
    const body = await ticketsCsv(db, actor(c), days);
    await audit(db, actor(c), 'tickets.export_csv', null, { days });
    return c.body(body);
  }

  // ---- console pages ----
  const page = (c: Context<Env>) => ({ actor: actor(c), csrf: c.get('csrf') ?? '', agencies: deps.agencies.list, ok: c.req.query('ok'), error: c.req.query('error') });
  app.get('/staff', async (c) => {
    const f = filterSchema.parse(c.req.query());
    return c.html(views.queuePage(page(c), f, await listTickets(db, actor(c), f)));
  });
  app.post('/staff/claim-next', async (c) => {
    const tk = await deps.staff.claimNext(actor(c));
    return c.redirect(tk ? `/staff/tickets/${tk.code}?ok=ok_claim` : '/staff?error=nothing_to_claim', 303);
  });
  app.get('/staff/tickets/:code', async (c) => {
    const tk = await getTicket(db, actor(c), mustCode(c.req.param('code')));
    if (!tk) return c.html(views.notFoundPage(page(c)), 404);
    const v = await ticketView(tk, actor(c));
    return c.html(views.ticketPage(page(c), v.ticket, v.events, await groupMembers(db, actor(c), tk), v.context, await listCanned(db, actor(c))));
  });
  app.post('/staff/tickets/:code/:action', async (c) => {
    const name = c.req.param('action') as ActionName;
    if (!ACTIONS.includes(name)) throw new AppError(404, 'not_found', t('notFound'));
    const code = mustCode(c.req.param('code'));
    const r = await deps.staff.act(actor(c), code, name, await readBody(c));
    // After a transfer the ticket is no longer this agency's: back to the queue.
    return c.redirect(name === 'transfer' ? `/staff?ok=${r.ok}` : `/staff/tickets/${code}?ok=${r.ok}`, 303);
  });
  app.post('/staff/canned', async (c) => {
    const b = z.object({ title: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(6000), back: z.string().regex(CODE).optional() }).parse(await readBody(c));
    await deps.staff.addCanned(actor(c), b.title, b.body);
    return c.redirect(b.back ? `/staff/tickets/${b.back}?ok=ok_canned` : '/staff?ok=ok_canned', 303);
  });
  app.get('/staff/approvals', async (c) => c.html(views.approvalsPage(page(c), await listProposals(db, actor(c)))));
  app.post('/staff/proposals/:id/:decision', async (c) => {
    const id = z.coerce.number().int().positive().max(2 ** 31 - 1).parse(c.req.param('id'));
    const d = c.req.param('decision');
    if (d !== 'approve' && d !== 'reject') throw new AppError(404, 'not_found', t('notFound'));
    if (!(await getProposal(db, actor(c), id))) throw new QueueError(404, 'proposal_not_found');
    if (d === 'approve') await deps.staff.approve(actor(c), id);
    else await deps.staff.reject(actor(c), id);
    return c.redirect(`/staff/approvals?ok=ok_${d}`, 303);
  });
  app.get('/staff/dashboard', async (c) => c.html(views.dashboardPage(page(c), await dashboard(db, actor(c), 30))));
  app.get('/staff/sync', async (c) => {
    if (actor(c).role === 'officer') return c.html(views.notFoundPage(page(c)), 404);
    return c.html(views.syncPage(page(c), await syncStatus(db)));
  });
  app.get('/staff/export.csv', async (c) => csv(c));
  app.post('/staff/logout', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await endSession(db, cookie);
    await audit(db, actor(c), 'auth.logout', `staff:${actor(c).id}`);
    deleteCookie(c, SESSION_COOKIE, { path: '/staff' });
    return c.redirect('/staff/login', 303);
  });
  return app;
}

export interface TicketContext {
  conversation: { role: string; text: string; text_sealed?: string | null; created_at: Date }[];
  sources: { ref: string; url: string | null; score: number | null; excerpt: string }[];
  /** The assistant had not searched (the citizen asked for an officer): these were searched for the officer. */
  searched: boolean;
  draft: string;
}

/** The conversation, the units the assistant saw (best first) and a draft built from the best one. */
async function ticketContext(db: Db, tk: { conversation_id: string; answer_id?: string | null; question: string }, searcher?: Pick<Searcher, 'search'>): Promise<TicketContext> {
  const conversation = await db.query<{ role: string; text: string; text_sealed?: string | null; created_at: Date }>(
    'SELECT role, text, text_sealed, created_at FROM turns WHERE conversation_id = $1 ORDER BY id',
    [tk.conversation_id],
  );
  const [a] = tk.answer_id ? await db.query<{ units: { unitId: number; score?: number }[] }>('SELECT units FROM answers WHERE id = $1', [tk.answer_id]) : [];
  const units = (a?.units ?? []).slice(0, 5);
  const rows = units.length
    ? await db.query<{ id: number; label: string; name: string; number: string | null; url: string | null; text: string }>(
        `SELECT u.id, u.label, d.name, d.number, coalesce(u.url, d.url) AS url, u.text FROM units u JOIN documents d ON d.id = u.document_id WHERE u.id = ANY($1::int[])`,
        [units.map((u) => u.unitId)],
      )
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const sources = units.flatMap((u) => {
    const r = byId.get(u.unitId);
    if (!r) return [];
    const ref = r.label.startsWith('Thủ tục') ? r.label : `${r.label}, ${r.name}${r.number ? ` (${r.number})` : ''}`;
    return [{ ref, url: r.url, score: u.score ?? null, excerpt: r.text.slice(0, 600) }];
  });
  let searched = false;
  if (!sources.length && searcher) {
    // Escalated before any search ("gặp cán bộ"): search now, so the officer starts from the sources.
    const r = await searcher.search(tk.question, { k: 5 }).catch(() => null);
    for (const h of r?.hits ?? []) sources.push({ ref: h.ref, url: h.url, score: h.score, excerpt: h.text.slice(0, 600) });
    searched = sources.length > 0;
  }
  const top = sources[0];
  const draft = top ? stf('draftFrom', { ref: top.ref, quote: top.excerpt.split('\n').slice(0, 3).join(' ').slice(0, 400) }) : st('draftEmpty');
  return { conversation, sources, searched, draft };
}
