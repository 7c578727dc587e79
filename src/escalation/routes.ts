// What a citizen can do with a ticket code and nothing else: see the status and the officer's
// answer (GET /v1/tickets/:code, and a simple page at /tickets/:code), add information while the
// ticket waits, and — for the web widget — fetch messages sent to their conversation. The code
// (50 random bits) is the only key; nothing personal is shown: no question text, numbers masked.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { fmt, st, t, type MessageKey } from '../messages.ts';
import { maskPersonal } from '../text/personal.ts';
import type { AgencyDirectory } from './agencies.ts';
import type { DeliveryService } from './delivery.ts';
import { citizenInfo, QueueError } from './queue.ts';
import { formatDue } from './tickets.ts';
import { esc } from '../staff/views.ts';
import type { Sealer } from '../privacy/seal.ts';

const CODE = /^HD-[0-9A-Z]{5}-[0-9A-Z]{5}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PublicTicket {
  code: string;
  status: string;
  statusText: string;
  agency: { id: string; name: string };
  dueAt: string;
  overdue: boolean;
  createdAt: string;
  answer: string | null;
  answeredAt: string | null;
  /** What the officer asked the citizen to add, while the ticket waits for them. */
  request: string | null;
}

export function publicTicketRoutes(deps: { db: Db; agencies: AgencyDirectory; deliveries: DeliveryService; now: () => Date; sealer?: Sealer }) {
  const app = new Hono();
  const { db } = deps;

  async function load(codeRaw: string, lang: 'vi' | 'en'): Promise<PublicTicket> {
    if (!CODE.test(codeRaw)) throw new AppError(400, 'bad_code', st('bad_code'));
    const code = codeRaw.toUpperCase();
    const [tk] = await db.query<{ id: number; code: string; status: string; agency: string; due_at: Date; created_at: Date; answer: string | null; answered_at: Date | null; request: string | null }>(
      `SELECT t.id, t.code, t.status, t.agency, t.due_at, t.created_at, t.answer, t.answered_at,
              (SELECT e.body FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'asked_citizen' ORDER BY e.id DESC LIMIT 1) AS request
       FROM tickets t WHERE t.code = $1`,
      [code],
    );
    if (!tk) throw new AppError(404, 'ticket_not_found', fmt('ticketNotFound', lang, { code }));
    const open = ['new', 'claimed', 'waiting_citizen'].includes(tk.status);
    return {
      code: tk.code,
      status: tk.status,
      statusText: t(`ticket_${tk.status}` as MessageKey, lang),
      agency: { id: tk.agency, name: deps.agencies.get(tk.agency)?.name ?? tk.agency },
      dueAt: new Date(tk.due_at).toISOString(),
      overdue: open && new Date(tk.due_at) < deps.now(),
      createdAt: new Date(tk.created_at).toISOString(),
      answer: tk.answer ? maskPersonal(tk.answer) : null,
      answeredAt: tk.answered_at ? new Date(tk.answered_at).toISOString() : null,
      request: tk.status === 'waiting_citizen' && tk.request ? maskPersonal(tk.request) : null,
    };
  }
  const langOf = (v: string | undefined) => (v === 'en' ? 'en' : 'vi');

  app.get('/v1/tickets/:code', async (c) => c.json({ ticket: await load(c.req.param('code'), langOf(c.req.query('lang'))) }));

  app.post('/v1/tickets/:code/messages', bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new AppError(413, 'payload_too_large', t('bodyTooLarge')); } }), async (c) => {
    const code = c.req.param('code');
    if (!CODE.test(code)) throw new AppError(400, 'bad_code', st('bad_code'));
    const type = c.req.header('content-type') ?? '';
    let body: unknown;
    if (type.includes('application/json')) {
      try {
        body = await c.req.json();
      } catch {
        throw new AppError(400, 'invalid_json', t('badJson'));
      }
    } else if (type.includes('form')) {
      try {
        body = await c.req.parseBody();
      } catch {
        throw new AppError(400, 'invalid_request', t('badInput'));
      }
    } else {
      throw new AppError(415, 'unsupported_media_type', t('badContentType'));
    }
    const parsed = z.object({ text: z.string().trim().min(1).max(2000) }).safeParse(body);
    if (!parsed.success) throw new AppError(400, 'invalid_request', t('badInput'));
    try {
      const masked = maskPersonal(parsed.data.text);
      const tk = await citizenInfo(db, code, masked, (await deps.sealer?.seal(parsed.data.text, masked)) ?? null);
      if (!tk) throw new AppError(404, 'ticket_not_found', fmt('ticketNotFound', 'vi', { code: code.toUpperCase() }));
    } catch (e) {
      if (e instanceof QueueError) throw new AppError(e.status, e.code, st(e.code));
      throw e;
    }
    if (type.includes('form')) return c.redirect(`/tickets/${code.toUpperCase()}?added=1`, 303);
    return c.json({ ticket: await load(code, 'vi') }, 202);
  });

  // Messages to a web conversation (officers' answers), for the widget's next visit.
  app.get('/v1/conversations/:id/messages', async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw new AppError(400, 'invalid_request', t('badInput'));
    const after = z.coerce.number().int().min(0).max(2 ** 31 - 1).catch(0).parse(c.req.query('after') ?? 0);
    const rows = await deps.deliveries.pending(id, after);
    await deps.deliveries.markSeen(id, rows.filter((r) => r.status === 'pending').map((r) => r.id));
    return c.json({ messages: rows.map((r) => ({ id: r.id, ticketCode: r.ticket_code, text: r.text, createdAt: new Date(r.created_at).toISOString() })) });
  });

  app.get('/tickets/:code', async (c) => {
    let tk: PublicTicket;
    try {
      tk = await load(c.req.param('code'), 'vi');
    } catch (e) {
      if (e instanceof AppError) return c.html(publicPage(null, e.message), e.status === 404 ? 404 : 400);
      throw e;
    }
    return c.html(publicPage(tk, c.req.query('added') ? st('publicAdded') : null));
  });
  return app;
}

function publicPage(tk: PublicTicket | null, note: string | null): string {
  const body = !tk
    ? `<p role="alert">${esc(note ?? '')}</p>`
    : `<p><strong>${esc(tk.code)}</strong> · ${esc(st('publicAgency'))}: ${esc(tk.agency.name)}</p>
       <p>${esc(st('status'))}: <span id="status">${esc(tk.statusText)}</span> · ${esc(st('due'))}: ${esc(formatDue(new Date(tk.dueAt), 'vi'))}</p>
       ${note ? `<p role="status">${esc(note)}</p>` : ''}
       <section aria-live="polite"><h2>${esc(st('publicAnswer'))}</h2><div id="answer">${tk.answer ? esc(tk.answer).replace(/\n/g, '<br>') : `<p>${esc(st('publicNoAnswer'))}</p>`}</div></section>
       ${tk.request ? `<p><strong>${esc(st('askCitizen'))}:</strong> ${esc(tk.request)}</p>` : ''}
       ${['new', 'claimed', 'waiting_citizen'].includes(tk.status) ? `<form id="add-info" method="post" action="/v1/tickets/${esc(tk.code)}/messages"><label>${esc(st('publicAdd'))}<br><textarea name="text" required maxlength="2000" rows="4" style="width:100%"></textarea></label><button>${esc(st('publicAddSend'))}</button></form>
       <script>(function(){var code=${JSON.stringify(tk.code)};function poll(){fetch('/v1/tickets/'+code).then(function(r){return r.json()}).then(function(j){var t=j.ticket;if(!t)return;document.getElementById('status').textContent=t.statusText;if(t.answer){var d=document.getElementById('answer');d.textContent=t.answer;d.innerHTML=d.innerHTML.replace(/\\n/g,'<br>');var f=document.getElementById('add-info');if(f)f.remove();}else setTimeout(poll,3000);}).catch(function(){setTimeout(poll,6000)})}setTimeout(poll,3000)})();</script>` : ''}`;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(st('publicTitle'))}</title>
  <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}section{background:#f3f6f3;padding:.8rem;border-radius:6px}:focus-visible{outline:3px solid #1d4ed8}</style></head>
  <body><main><h1>${esc(st('publicTitle'))}</h1>${body}</main></body></html>`;
}
