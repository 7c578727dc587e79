// The staff console's pages: plain server-rendered HTML with forms, readable on any browser the
// agency has, no build step. Every value is escaped; every label comes from staffMessages.
import type { Agency } from '../escalation/agencies.ts';
import type { Dashboard } from '../escalation/dashboard.ts';
import type { Proposal } from '../escalation/learning.ts';
import type { Actor, Canned, Ticket, TicketEvent } from '../escalation/queue.ts';
import { formatDue } from '../escalation/tickets.ts';
import { st, t, type MessageKey } from '../messages.ts';
import type { TicketContext } from './routes.ts';

export const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export interface PageCtx {
  actor: Actor;
  csrf: string;
  agencies: Agency[];
  ok?: string | undefined;
  error?: string | undefined;
}

const STYLE = `
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9}
header{background:#8a1c1c;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header nav{display:flex;gap:1rem;flex:1}main{padding:1rem;max-width:1100px;margin:auto}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #ddd;padding:.4rem .5rem;text-align:left;vertical-align:top}
.overdue{color:#a40000;font-weight:600}.msg{padding:.6rem;border-radius:4px;margin:.5rem 0}.ok{background:#e3f4e1}.err{background:#fde2e1}
section{background:#fff;padding:1rem;margin:1rem 0;border-radius:6px}textarea{width:100%;min-height:8rem;font:inherit}
button{font:inherit;padding:.35rem .8rem;cursor:pointer}label{display:block;margin:.3rem 0}
.turn{padding:.4rem .6rem;margin:.3rem 0;border-radius:4px}.citizen{background:#eef3ff}.assistant{background:#f2f2f2}.officer{background:#e3f4e1}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:.8rem}
.card{background:#fff;padding:.8rem;border-radius:6px}.card b{display:block;font-size:1.6rem}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}`;

function layout(title: string, body: string, ctx?: PageCtx): string {
  const nav = ctx
    ? `<header><strong>hoidap</strong><nav aria-label="Điều hướng"><a href="/staff">${esc(st('queue'))}</a><a href="/staff/approvals">${esc(st('approvals'))}</a><a href="/staff/dashboard">${esc(st('dashboard'))}</a>${ctx.actor.role !== 'officer' ? `<a href="/staff/sync">${esc(st('syncTitle'))}</a><a href="/staff/audit">${esc(st('auditTitle'))}</a>` : ''}<a href="/staff/export.csv">${esc(st('exportCsv'))}</a></nav>
       <span>${esc(ctx.actor.name)} · ${esc(ctx.agencies.find((a) => a.id === ctx.actor.agency)?.name ?? ctx.actor.agency)}</span>
       <form method="post" action="/staff/logout"><input type="hidden" name="_csrf" value="${esc(ctx.csrf)}"><button>${esc(st('logout'))}</button></form></header>`
    : '';
  const flash = ctx?.ok ? `<p class="msg ok" role="status">${esc(st(ctx.ok))}</p>` : ctx?.error ? `<p class="msg err" role="alert">${esc(st(ctx.error))}</p>` : '';
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${nav}<main>${flash}${body}</main></body></html>`;
}

const csrfField = (ctx: PageCtx) => `<input type="hidden" name="_csrf" value="${esc(ctx.csrf)}">`;
const statusText = (s: string) => t(`ticket_${s}` as MessageKey);
const when = (d: Date | string | null) => (d ? formatDue(new Date(d), 'vi') : '');

/** The "use canned reply" button's handler; the console's CSP allows exactly this inline script by its hash. */
export const APPEND_CANNED = "var a=document.getElementById('answer-text');a.value=(a.value?a.value+'\\n\\n':'')+document.getElementById('canned').value;a.focus()";

export function loginPage(o: { expired: boolean; failed: boolean }): string {
  const note = o.expired ? `<p class="msg err" role="alert">${esc(st('expired'))}</p>` : o.failed ? `<p class="msg err" role="alert">${esc(st('bad_login'))}</p>` : '';
  return layout(
    st('title'),
    `<h1>${esc(st('title'))}</h1>${note}<form method="post" action="/staff/login">
      <label>${esc(st('email'))} <input name="email" type="email" autocomplete="username" required autofocus></label>
      <label>${esc(st('password'))} <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">${esc(st('login'))}</button></form>`,
  );
}

export function notFoundPage(ctx: PageCtx): string {
  return layout(st('title'), `<p class="msg err" role="alert">${esc(st('ticket_not_found'))}</p><p><a href="/staff">${esc(st('queue'))}</a></p>`, ctx);
}

export function queuePage(ctx: PageCtx, f: { status?: string | undefined; priority?: string | undefined; overdue?: boolean }, tickets: Ticket[]): string {
  const opt = (v: string, label: string, cur?: string) => `<option value="${esc(v)}"${cur === v ? ' selected' : ''}>${esc(label)}</option>`;
  const filters = `<form method="get" action="/staff" aria-label="${esc(st('filter'))}">
    <label>${esc(st('filterStatus'))} <select name="status">${opt('open', st('open'), f.status ?? 'open')}${['new', 'claimed', 'waiting_citizen', 'answered', 'closed'].map((s) => opt(s, statusText(s), f.status)).join('')}</select></label>
    <label>${esc(st('filterPriority'))} <select name="priority">${opt('', st('all'), f.priority ?? '')}${['urgent', 'high', 'normal', 'low'].map((p) => opt(p, st(`priority_${p}`), f.priority)).join('')}</select></label>
    <label><input type="checkbox" name="overdue" value="1"${f.overdue ? ' checked' : ''}> ${esc(st('filterOverdue'))}</label>
    <button>${esc(st('filter'))}</button></form>
    <form method="post" action="/staff/claim-next">${csrfField(ctx)}<button>${esc(st('claimNext'))}</button></form>`;
  const rows = tickets
    .map(
      (tk) => `<tr><td><a href="/staff/tickets/${esc(tk.code)}">${esc(tk.code)}</a></td><td>${esc(tk.question.slice(0, 160))}${tk.group_size > 1 ? ` <small>(${esc(st('group'))}: ${tk.group_size})</small>` : ''}</td>
      <td>${esc(statusText(tk.status))}</td><td>${esc(st(`priority_${tk.priority}`))}</td>
      <td${tk.overdue ? ' class="overdue"' : ''}>${esc(when(tk.due_at))}${tk.overdue ? ` — ${esc(st('overdue'))}` : ''}</td><td>${esc(tk.claimed_by_name ?? '')}</td></tr>`,
    )
    .join('');
  const table = tickets.length
    ? `<table><caption class="sr">${esc(st('queue'))}</caption><thead><tr><th scope="col">${esc(st('code'))}</th><th scope="col">${esc(st('question'))}</th><th scope="col">${esc(st('status'))}</th><th scope="col">${esc(st('priority'))}</th><th scope="col">${esc(st('due'))}</th><th scope="col">${esc(st('officer'))}</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p>${esc(st('empty'))}</p>`;
  return layout(st('queue'), `<h1>${esc(st('queue'))}</h1><section>${filters}</section>${table}`, ctx);
}

export function ticketPage(ctx: PageCtx, tk: Ticket, events: TicketEvent[], group: Ticket[], context: TicketContext, canned: Canned[]): string {
  const base = `/staff/tickets/${esc(tk.code)}`;
  const form = (action: string, inner: string, label: string) => `<form method="post" action="${base}/${action}">${csrfField(ctx)}${inner}<button>${esc(label)}</button></form>`;
  const open = ['new', 'claimed', 'waiting_citizen'].includes(tk.status);
  const mine = tk.claimed_by === ctx.actor.id;
  const conversation = context.conversation.map((turn) => `<div class="turn ${esc(turn.role)}"><small>${esc(st(`role_${turn.role}`))} · ${esc(when(turn.created_at))}</small><div>${esc(turn.text).replace(/\n/g, '<br>')}</div></div>`).join('');
  const sources = context.sources.length
    ? `${context.searched ? `<p><small>${esc(st('sourcesSearched'))}</small></p>` : ''}<ol>${context.sources.map((s) => `<li><strong>${esc(s.ref)}</strong>${s.url ? ` — <a href="${esc(s.url)}" rel="noopener noreferrer" target="_blank">${esc(s.url)}</a>` : ''}<details><summary>${esc(s.excerpt.slice(0, 90))}…</summary><p>${esc(s.excerpt)}</p></details></li>`).join('')}</ol>`
    : '<p>—</p>';
  const cannedOptions = canned.length
    ? `<label>${esc(st('canned'))} <select id="canned">${canned.map((c) => `<option value="${esc(c.body)}">${esc(c.title)}</option>`).join('')}</select></label>
       <button type="button" onclick="${APPEND_CANNED}">${esc(st('useCanned'))}</button>`
    : '';
  const answerForm = open
    ? `<section aria-labelledby="h-answer"><h2 id="h-answer">${esc(st('draft'))}</h2><p><small>${esc(st('draftHint'))}</small></p>
        <form method="post" action="${base}/answer">${csrfField(ctx)}${cannedOptions}
        <label for="answer-text" class="sr">${esc(st('draft'))}</label><textarea id="answer-text" name="text" required>${esc(context.draft)}</textarea>
        ${tk.group_size > 1 ? `<label><input type="checkbox" name="group" value="on" checked> ${esc(st('answerGroup'))} (${tk.group_size})</label>` : ''}
        <label><input type="checkbox" name="propose" value="on"> ${esc(st('proposeQa'))}</label>
        <button id="send-answer">${esc(st('send'))}</button></form></section>`
    : tk.answer
      ? `<section><h2>${esc(st('publicAnswer'))}</h2><p>${esc(tk.answer).replace(/\n/g, '<br>')}</p>${form('propose', `<input type="hidden" name="question" value="${esc(tk.question)}"><input type="hidden" name="answer" value="${esc(tk.answer)}">`, st('proposeQa'))}</section>`
      : '';
  const actions = [
    tk.status === 'new' || (tk.status === 'waiting_citizen' && !tk.claimed_by) ? form('claim', '', st('claim')) : '',
    tk.status === 'claimed' && (mine || ctx.actor.role !== 'officer') ? form('release', '', st('release')) : '',
    open ? form('ask', `<label>${esc(st('askCitizen'))} <textarea name="text" required></textarea></label>`, st('askCitizen')) : '',
    form('note', `<label>${esc(st('note'))} <textarea name="text" required></textarea></label>`, st('addNote')),
    form('priority', `<label>${esc(st('priority'))} <select name="priority">${['urgent', 'high', 'normal', 'low'].map((p) => `<option value="${p}"${tk.priority === p ? ' selected' : ''}>${esc(st(`priority_${p}`))}</option>`).join('')}</select></label>`, st('setPriority')),
    open && ctx.actor.role !== 'officer'
      ? form('transfer', `<label>${esc(st('transfer'))} <select name="agency">${ctx.agencies.filter((a) => a.id !== tk.agency).map((a) => `<option value="${esc(a.id)}">${esc(a.name)}</option>`).join('')}</select></label><label>${esc(st('transferReason'))} <input name="reason" required></label>`, st('transfer'))
      : '',
    tk.status !== 'closed' ? form('close', `<label>${esc(st('closeReason'))} <input name="reason"></label>`, st('close')) : '',
  ].join('');
  const history = events.map((e) => `<li>${esc(when(e.created_at))} · ${esc(st(`event_${e.kind}`))}${e.actor_name ? ` · ${esc(e.actor_name)}` : ''}${e.body ? `: ${esc(e.body)}` : ''}</li>`).join('');
  const groupList = group.length ? `<section><h2>${esc(st('group'))}</h2><ul>${group.map((g) => `<li><a href="/staff/tickets/${esc(g.code)}">${esc(g.code)}</a> — ${esc(g.question.slice(0, 140))} (${esc(statusText(g.status))})</li>`).join('')}</ul></section>` : '';
  return layout(
    `${tk.code} – ${st('title')}`,
    `<h1>${esc(tk.code)}</h1>
     <p><strong>${esc(st('status'))}:</strong> <span id="ticket-status">${esc(statusText(tk.status))}</span> · <strong>${esc(st('priority'))}:</strong> ${esc(st(`priority_${tk.priority}`))} ·
        <strong>${esc(st('due'))}:</strong> <span${tk.overdue ? ' class="overdue"' : ''}>${esc(when(tk.due_at))}${tk.overdue ? ` — ${esc(st('overdue'))}` : ''}</span>${tk.claimed_by_name ? ` · <strong>${esc(st('officer'))}:</strong> ${esc(tk.claimed_by_name)}` : ''}</p>
     <section aria-labelledby="h-conv"><h2 id="h-conv">${esc(st('conversation'))}</h2>${conversation}</section>
     <section aria-labelledby="h-src"><h2 id="h-src">${esc(st('sources'))}</h2>${sources}</section>
     ${answerForm}${groupList}<section>${actions}</section>
     <section><h2>${esc(st('history'))}</h2><ol>${history}</ol></section>`,
    ctx,
  );
}

export function approvalsPage(ctx: PageCtx, proposals: Proposal[]): string {
  const canDecide = ctx.actor.role !== 'officer';
  const items = proposals
    .map(
      (p) => `<section><h2>${esc(p.question)}</h2><p>${esc(p.answer).replace(/\n/g, '<br>')}</p><p><small>${esc(p.proposed_by_name ?? '')} · ${p.ticket_code ? esc(p.ticket_code) : ''}</small></p>
      ${canDecide ? `<form method="post" action="/staff/proposals/${p.id}/approve" style="display:inline">${csrfField(ctx)}<button>${esc(st('approve'))}</button></form>
      <form method="post" action="/staff/proposals/${p.id}/reject" style="display:inline">${csrfField(ctx)}<button>${esc(st('reject'))}</button></form>` : ''}</section>`,
    )
    .join('');
  return layout(st('approvals'), `<h1>${esc(st('approvals'))}</h1>${items || `<p>${esc(st('noProposals'))}</p>`}`, ctx);
}

export function dashboardPage(ctx: PageCtx, d: Dashboard): string {
  const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
  const card = (label: string, value: string) => `<div class="card">${esc(label)}<b>${esc(value)}</b></div>`;
  return layout(
    st('dashboard'),
    `<h1>${esc(st('dashboard'))} <small>(${esc(st('days30'))})</small></h1><div class="grid">
      ${card(st('volume'), String(d.volume))}${card(st('answeredShare'), pct(d.answeredShare))}${card(st('escalatedShare'), pct(d.answeredShare === null ? null : 1 - d.answeredShare))}
      ${card(st('medianAnswer'), d.medianHoursToAnswer === null ? '—' : `${d.medianHoursToAnswer.toFixed(1)} ${st('hours')}`)}${card(st('overdueCount'), String(d.tickets.overdue))}${card(st('satisfaction'), pct(d.satisfaction.share))}
     </div><section><h2>${esc(st('topics'))}</h2>${d.topics.length ? `<ol>${d.topics.map((x) => `<li>${esc(x.topic)} (${x.count})</li>`).join('')}</ol>` : '<p>—</p>'}</section>`,
    ctx,
  );
}

type SyncView = Awaited<ReturnType<typeof import('../sync/status.ts').syncStatus>>;

/** Portal sync for supervisors and admins: each source, its last passes, and the pages failing now. */
export function syncPage(ctx: PageCtx, v: SyncView): string {
  const n = (x: number) => String(x);
  const sources = v.sources
    .map((s) => {
      const runs = s.runs
        .map((r) => `<tr><td>${esc(when(r.started_at))}</td><td>${n(r.fetched)}</td><td>${n(r.created)}</td><td>${n(r.changed)}</td><td>${n(r.unchanged)}</td><td${r.failed ? ' class="overdue"' : ''}>${n(r.failed)}</td><td>${r.duration_ms === null ? '' : `${(r.duration_ms / 1000).toFixed(1)} s`}</td></tr>`)
        .join('');
      const failing = s.failing.map((f) => `<li><a href="${esc(f.url)}" rel="noreferrer">${esc(f.url)}</a>: ${esc(f.error ?? '')}</li>`).join('');
      return `<section><h2>${esc(s.id)} ${s.enabled ? '' : `<small>(${esc(st('syncDisabled'))})</small>`}</h2>
        <p>${esc(s.type)} · ${esc(s.kind)} · ${esc(st('syncEvery'))} ${s.every_minutes} ${esc(st('syncMinutes'))} · <a href="${esc(s.url)}" rel="noreferrer">${esc(s.url)}</a></p>
        ${runs ? `<table><caption class="sr">${esc(st('syncRuns'))}</caption><thead><tr><th>${esc(st('syncStarted'))}</th><th>${esc(st('syncFetched'))}</th><th>${esc(st('syncCreated'))}</th><th>${esc(st('syncChanged'))}</th><th>${esc(st('syncUnchanged'))}</th><th>${esc(st('syncFailed'))}</th><th>${esc(st('syncDuration'))}</th></tr></thead><tbody>${runs}</tbody></table>` : `<p>${esc(st('syncNoRuns'))}</p>`}
        ${failing ? `<h3>${esc(st('syncFailing'))}</h3><ul>${failing}</ul>` : ''}</section>`;
    })
    .join('');
  return layout(st('syncTitle'), `<h1>${esc(st('syncTitle'))}</h1>${sources || `<p>${esc(st('syncNoSources'))}</p>`}`, ctx);
}

/** The audit log for supervisors (their agency) and admins (all): a filter form and the newest rows. */
export function auditPage(ctx: PageCtx, q: Record<string, string>, rows: import('../privacy/audit.ts').AuditRow[]): string {
  const field = (name: string, label: string, type = 'text') => `<label>${esc(label)} <input name="${name}" type="${type}" value="${esc(q[name] ?? '')}"></label>`;
  const body = rows
    .map((r) => `<tr><td>${esc(when(r.at))}</td><td>${esc(r.actor_name ?? '')}${r.agency ? ` <small>(${esc(r.agency)})</small>` : ''}</td><td><code>${esc(r.action)}</code></td><td>${esc(r.target ?? '')}</td><td><code>${esc(Object.keys(r.detail).length ? JSON.stringify(r.detail) : '')}</code></td></tr>`)
    .join('');
  const last = rows.at(-1);
  const older = last && rows.length >= Number(q.limit ?? 100) ? `<p><a href="/staff/audit?${esc(new URLSearchParams({ ...q, before: String(last.id) }).toString())}">${esc(st('auditOlder'))} →</a></p>` : '';
  return layout(
    st('auditTitle'),
    `<h1>${esc(st('auditTitle'))}</h1><form method="get" action="/staff/audit" class="grid">${field('action', st('auditAction'))}${field('target', st('auditTarget'))}${field('from', st('auditFrom'), 'date')}${field('to', st('auditTo'), 'date')}<button>${esc(st('filter'))}</button></form>
     ${rows.length ? `<table><thead><tr><th>${esc(st('auditAt'))}</th><th>${esc(st('auditActor'))}</th><th>${esc(st('auditAction'))}</th><th>${esc(st('auditTarget'))}</th><th>${esc(st('auditDetail'))}</th></tr></thead><tbody>${body}</tbody></table>${older}` : `<p>${esc(st('auditEmpty'))}</p>`}`,
    ctx,
  );
}
