// Agency boundaries over HTTP: staff of one agency (officer or supervisor) can neither see nor touch
// another agency's tickets and proposals through any /staff or /staff/api endpoint, and get the same
// answer for them as for a code that does not exist (their existence does not leak); admins see
// every agency; officers cannot transfer; no session means 401 or the login page; a session without
// its CSRF token changes nothing; an API token needs no CSRF token and is scoped like its owner.
// After every request, the other agency's tickets, events, deliveries and proposals are compared
// with a snapshot taken before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTicketCode } from '../../src/escalation/tickets.ts';
import { createApiToken } from '../../src/staff/auth.ts';
import { startStaffApp, type StaffApp, type StaffKey, type StaffSession } from '../support/staff.ts';

const A = 'cong-an-xa';
const B = 'tu-phap-xa';

type Action = 'claim' | 'release' | 'note' | 'priority' | 'transfer' | 'ask' | 'answer' | 'close' | 'propose';
/** A valid body for each action (as JSON; the console posts the same fields as a form). */
const BODIES: Record<Action, Record<string, string | boolean>> = {
  claim: {},
  release: {},
  note: { text: 'Ghi chú nội bộ của cơ quan khác' },
  priority: { priority: 'urgent' },
  // The attack worth trying: pull the other agency's ticket into one's own queue.
  transfer: { agency: A, reason: 'Chuyển sang công an xã' },
  ask: { text: 'Bạn bổ sung số điện thoại giúp.' },
  answer: { text: 'Trả lời thay cơ quan khác.', propose: true },
  close: { reason: 'Đóng thay cơ quan khác' },
  propose: { question: 'Câu hỏi đề xuất', answer: 'Câu trả lời đề xuất' },
};
const ACTIONS = Object.keys(BODIES) as Action[];

const form = (fields: Record<string, string | boolean>) => new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, v === true ? 'on' : String(v)]));
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('agency boundaries, sessions, CSRF and API tokens on /staff', () => {
  let app: StaffApp;
  const s = {} as Record<StaffKey, StaffSession>;
  let a1: string;
  let bNew: string;
  let bClaimed: string;
  let bAnswered: string;
  let bCodes: string[];
  let bIds: number[];
  let proposalB: number;
  let before: unknown;

  const row = async (code: string) =>
    (await app.fx.db.query<{ id: number; status: string; agency: string; claimed_by: number | null; answer: string | null; priority: string }>('SELECT * FROM tickets WHERE code = $1', [code]))[0]!;

  /** Everything of agency B that a request of another agency could change. */
  async function snapshotB() {
    const db = app.fx.db;
    return {
      tickets: await db.query('SELECT * FROM tickets WHERE agency = $1 OR id = ANY($2::int[]) ORDER BY id', [B, bIds]),
      events: await db.query('SELECT id, ticket_id, kind, actor, body FROM ticket_events WHERE ticket_id = ANY($1::int[]) ORDER BY id', [bIds]),
      deliveries: await db.query('SELECT id, ticket_id, status FROM deliveries WHERE ticket_id = ANY($1::int[]) ORDER BY id', [bIds]),
      proposals: await db.query('SELECT * FROM qa_proposals WHERE agency = $1 OR ticket_id = ANY($2::int[]) ORDER BY id', [B, bIds]),
      canned: await db.query('SELECT * FROM canned_responses WHERE agency = $1 ORDER BY id', [B]),
    };
  }
  async function expectBUnchanged(what: string) {
    expect(await snapshotB(), what).toEqual(before);
    for (const code of bCodes) expect((await row(code)).agency, what).toBe(B);
  }
  /** Sends a request, then checks B is as it was. */
  async function step(what: string, res: Promise<Response>): Promise<Response> {
    const r = await res;
    await expectBUnchanged(what);
    return r;
  }

  beforeAll(async () => {
    app = await startStaffApp();
    a1 = (await app.escalate('công an xã cho hỏi thủ tục đăng ký tạm trú cho sinh viên thuê trọ')).code;
    bNew = (await app.escalate('hai bạn trẻ cùng xã đi đăng ký kết hôn cần mang những giấy tờ gì')).code;
    bClaimed = (await app.escalate('làm lại giấy khai sinh bị mất cho con đã lớn thì nộp ở đâu')).code;
    bAnswered = (await app.escalate('chứng thực bản sao học bạ có mất phí không')).code;
    bCodes = [bNew, bClaimed, bAnswered];
    expect((await row(a1)).agency).toBe(A);
    for (const code of bCodes) expect((await row(code)).agency).toBe(B);
    bIds = await Promise.all(bCodes.map(async (c) => (await row(c)).id));

    for (const who of ['officerA', 'supervisorA', 'officerB', 'supervisorB', 'admin'] as const) s[who] = await app.login(who);

    // Agency B's own work: one ticket claimed, one answered with a proposal for the Q&A history,
    // a canned response.
    const b = s.officerB;
    expect((await b.fetch(`/staff/api/tickets/${bClaimed}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    expect((await b.fetch(`/staff/api/tickets/${bAnswered}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    expect((await b.fetch(`/staff/api/tickets/${bAnswered}/answer`, { method: 'POST', json: { text: 'Chứng thực bản sao thu phí 2.000 đồng/trang.' } })).status).toBe(200);
    const proposed = await b.fetch(`/staff/api/tickets/${bAnswered}/propose`, { method: 'POST', json: { question: 'Chứng thực bản sao học bạ có mất phí không?', answer: 'Có, 2.000 đồng/trang.' } });
    expect(proposed.status).toBe(200);
    proposalB = ((await proposed.json()) as { proposal: { id: number } }).proposal.id;
    expect((await b.fetch('/staff/api/canned', { method: 'POST', json: { title: 'Mẫu hộ tịch', body: 'Mẫu trả lời riêng của tư pháp xã' } })).status).toBe(201);

    expect(await row(bNew)).toMatchObject({ status: 'new', claimed_by: null });
    expect(await row(bClaimed)).toMatchObject({ status: 'claimed', claimed_by: app.ids.officerB });
    expect(await row(bAnswered)).toMatchObject({ status: 'answered', claimed_by: app.ids.officerB, answer: 'Chứng thực bản sao thu phí 2.000 đồng/trang.' });
    before = await snapshotB();
  }, 180_000);
  afterAll(async () => app?.close());

  for (const who of ['officerA', 'supervisorA'] as const) {
    it(`${who}: every endpoint taking a ticket code of agency B answers as for an unknown code (404, or 403 supervisor_only)`, async () => {
      const me = s[who];
      const unknown = newTicketCode();
      // What an action on someone else's ticket must answer: the ticket is not there, except that an
      // officer is refused a transfer before the ticket is even looked up.
      const expected = (action: Action) => (who === 'officerA' && action === 'transfer' ? { status: 403, code: 'supervisor_only' } : { status: 404, code: 'ticket_not_found' });

      for (const code of [...bCodes, unknown]) {
        const what = `${who} ${code === unknown ? 'unknown' : code}`;
        // JSON API
        const get = await step(`${what} GET api`, me.fetch(`/staff/api/tickets/${code}`));
        expect(get.status, what).toBe(404);
        expect(await errorCode(get)).toBe('ticket_not_found');
        for (const action of ACTIONS) {
          const res = await step(`${what} POST api ${action}`, me.fetch(`/staff/api/tickets/${code}/${action}`, { method: 'POST', json: BODIES[action] }));
          expect({ action, status: res.status, code: await errorCode(res) }).toEqual({ action, ...expected(action) });
        }
        // Console
        const page = await step(`${what} GET console`, me.fetch(`/staff/tickets/${code}`));
        expect(page.status, what).toBe(404);
        expect(page.headers.get('content-type')).toContain('text/html');
        const html = await page.text();
        expect(html).not.toContain(code);
        expect(html).not.toContain('kết hôn');
        for (const action of ACTIONS) {
          const res = await step(`${what} POST console ${action}`, me.fetch(`/staff/tickets/${code}/${action}`, { method: 'POST', body: form(BODIES[action]) }));
          expect(res.status, `${what} ${action}`).toBe(303);
          expect(res.headers.get('location'), `${what} ${action}`).toBe(`/staff/tickets/${code}?error=${expected(action).code}`);
        }
      }
      // Claiming "the next one" never reaches into B's queue (A's own ticket, or nothing).
      const next = await step(`${who} claim-next`, me.fetch('/staff/api/tickets/claim-next', { method: 'POST', json: {} }));
      expect([200, 404]).toContain(next.status);
      if (next.status === 200) {
        const t = ((await next.json()) as { ticket: { code: string; agency: string } }).ticket;
        expect(t.agency).toBe(A);
        await step(`${who} release`, me.fetch(`/staff/api/tickets/${t.code}/release`, { method: 'POST', json: {} }));
        expect((await row(t.code)).status).toBe('new');
      } else {
        expect(await errorCode(next)).toBe('nothing_to_claim');
      }
      const form404 = await step(`${who} console claim-next`, me.fetch('/staff/claim-next', { method: 'POST', body: form({}) }));
      expect(form404.status).toBe(303);
      const claimed = /^\/staff\/tickets\/(HD-[0-9A-Z-]+)\?ok=ok_claim$/.exec(form404.headers.get('location') ?? '');
      if (claimed) {
        expect((await row(claimed[1]!)).agency).toBe(A);
        await step(`${who} release`, me.fetch(`/staff/api/tickets/${claimed[1]}/release`, { method: 'POST', json: {} }));
      } else {
        expect(form404.headers.get('location')).toBe('/staff?error=nothing_to_claim');
      }
    });
  }

  it('lists, queue pages, dashboards and CSV exports of agency A show none of B; admin sees both', async () => {
    for (const who of ['officerA', 'supervisorA'] as const) {
      const me = s[who];
      // Asking for B's agency by name changes nothing for non-admins.
      for (const q of ['', '?agency=tu-phap-xa', '?status=claimed', '?status=answered&agency=tu-phap-xa']) {
        const list = await step(`${who} list ${q}`, me.fetch(`/staff/api/tickets${q}`));
        expect(list.status).toBe(200);
        const tickets = ((await list.json()) as { tickets: { code: string; agency: string }[] }).tickets;
        expect(tickets.every((t) => t.agency === A), `${who} ${q}`).toBe(true);
        for (const code of bCodes) expect(tickets.map((t) => t.code)).not.toContain(code);
        if (q === '') expect(tickets.map((t) => t.code)).toContain(a1);

        const page = await step(`${who} queue page ${q}`, me.fetch(`/staff${q}`));
        expect(page.status).toBe(200);
        const html = await page.text();
        for (const code of bCodes) expect(html).not.toContain(code);
        if (q === '') expect(html).toContain(a1);
      }

      const dash = await step(`${who} dashboard`, me.fetch('/staff/api/dashboard?agency=tu-phap-xa'));
      expect(dash.status).toBe(200);
      const d = (await dash.json()) as { agency: string; tickets: { created: number; open: number; answered: number } };
      expect(d.agency).toBe(A);
      const [own] = await app.fx.db.query<{ created: number; open: number; answered: number }>(
        `SELECT count(*)::int AS created, count(*) FILTER (WHERE status IN ('new', 'claimed', 'waiting_citizen'))::int AS open,
                count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered FROM tickets WHERE agency = $1`,
        [A],
      );
      expect(d.tickets).toMatchObject(own!);
      const dashPage = await step(`${who} dashboard page`, me.fetch('/staff/dashboard'));
      expect(dashPage.status).toBe(200);
      const dashHtml = await dashPage.text();
      for (const code of bCodes) expect(dashHtml).not.toContain(code);

      for (const path of ['/staff/api/export.csv', '/staff/export.csv', '/staff/export.csv?days=366']) {
        const res = await step(`${who} ${path}`, me.fetch(path));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/csv');
        const csv = await res.text();
        expect(csv).toContain(a1);
        for (const code of bCodes) expect(csv).not.toContain(code);
        expect(csv).not.toContain(B);
        expect(csv).not.toContain('2.000 đồng');
      }

      const canned = (await (await step(`${who} canned`, me.fetch('/staff/api/canned'))).json()) as { canned: { agency: string; title: string }[] };
      expect(canned.canned.map((c) => c.title)).not.toContain('Mẫu hộ tịch');
      expect(canned.canned.every((c) => c.agency === A)).toBe(true);
    }

    // The admin sees every agency: both tickets in the list, B's ticket itself, both in the CSV.
    const admin = s.admin;
    const all = ((await (await step('admin list', admin.fetch('/staff/api/tickets?status=open'))).json()) as { tickets: { code: string }[] }).tickets.map((t) => t.code);
    expect(all).toEqual(expect.arrayContaining([a1, bNew, bClaimed]));
    const answered = ((await (await step('admin answered', admin.fetch('/staff/api/tickets?status=answered'))).json()) as { tickets: { code: string }[] }).tickets.map((t) => t.code);
    expect(answered).toContain(bAnswered);
    const onlyB = ((await (await step('admin list B', admin.fetch(`/staff/api/tickets?agency=${B}`))).json()) as { tickets: { code: string; agency: string }[] }).tickets;
    expect(onlyB.map((t) => t.code).sort()).toEqual([bNew, bClaimed].sort());
    for (const code of [a1, ...bCodes]) {
      const res = await step(`admin GET ${code}`, admin.fetch(`/staff/api/tickets/${code}`));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { ticket: { code: string } }).ticket.code).toBe(code);
      expect((await step(`admin page ${code}`, admin.fetch(`/staff/tickets/${code}`))).status).toBe(200);
    }
    const csv = await (await step('admin csv', admin.fetch('/staff/api/export.csv'))).text();
    for (const code of [a1, ...bCodes]) expect(csv).toContain(code);
    const adminDash = (await (await step('admin dashboard B', admin.fetch(`/staff/api/dashboard?agency=${B}`))).json()) as { agency: string; tickets: { created: number } };
    expect(adminDash).toMatchObject({ agency: B, tickets: { created: 3 } });
  });

  it("B's proposals are neither listed for A nor decidable by A's supervisor; B's supervisor and the admin see them", async () => {
    for (const who of ['officerA', 'supervisorA'] as const) {
      const me = s[who];
      const listed = ((await (await step(`${who} proposals`, me.fetch('/staff/api/proposals'))).json()) as { proposals: { id: number; agency: string }[] }).proposals;
      expect(listed.map((p) => p.id)).not.toContain(proposalB);
      expect(listed.every((p) => p.agency === A)).toBe(true);
      const page = await (await step(`${who} approvals page`, me.fetch('/staff/approvals'))).text();
      expect(page).not.toContain('Chứng thực bản sao học bạ');
      expect(page).not.toContain(`/staff/proposals/${proposalB}/`);

      for (const d of ['approve', 'reject'] as const) {
        const res = await step(`${who} ${d} api`, me.fetch(`/staff/api/proposals/${proposalB}/${d}`, { method: 'POST', json: {} }));
        const want = who === 'officerA' ? { status: 403, code: 'supervisor_only' } : { status: 404, code: 'proposal_not_found' };
        expect({ status: res.status, code: await errorCode(res) }).toEqual(want);
        // The console's approvals form: back to the approvals page with the error.
        const f = await step(`${who} ${d} console`, me.fetch(`/staff/proposals/${proposalB}/${d}`, { method: 'POST', body: form({}) }));
        expect(f.status).toBe(303);
        expect(f.headers.get('location')).toBe('/staff/approvals?error=proposal_not_found');
        expect((await step(`${who} follow`, me.fetch(f.headers.get('location')!))).status).toBe(200);
      }
    }
    // The same requests for a proposal id that does not exist answer the same.
    const none = await step('no such proposal', s.supervisorA.fetch('/staff/api/proposals/999999/approve', { method: 'POST', json: {} }));
    expect({ status: none.status, code: await errorCode(none) }).toEqual({ status: 404, code: 'proposal_not_found' });

    // Not vacuous: B's supervisor and the admin do see it.
    for (const who of ['supervisorB', 'admin'] as const) {
      const listed = ((await (await step(`${who} proposals`, s[who].fetch('/staff/api/proposals'))).json()) as { proposals: { id: number }[] }).proposals;
      expect(listed.map((p) => p.id)).toContain(proposalB);
    }
    const [p] = await app.fx.db.query<{ status: string; decided_by: number | null }>('SELECT status, decided_by FROM qa_proposals WHERE id = $1', [proposalB]);
    expect(p).toEqual({ status: 'proposed', decided_by: null });
  });

  it("an officer cannot transfer, not even their own agency's ticket", async () => {
    const res = await step('officerA transfer own', s.officerA.fetch(`/staff/api/tickets/${a1}/transfer`, { method: 'POST', json: { agency: B, reason: 'Thuộc lĩnh vực hộ tịch' } }));
    expect({ status: res.status, code: await errorCode(res) }).toEqual({ status: 403, code: 'supervisor_only' });
    const f = await step('officerA transfer own console', s.officerA.fetch(`/staff/tickets/${a1}/transfer`, { method: 'POST', body: form({ agency: B, reason: 'Thuộc lĩnh vực hộ tịch' }) }));
    expect(f.status).toBe(303);
    expect(f.headers.get('location')).toBe(`/staff/tickets/${a1}?error=supervisor_only`);
    expect(await row(a1)).toMatchObject({ agency: A });
    const events = await app.fx.db.query<{ kind: string }>('SELECT kind FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1', [a1]);
    expect(events.map((e) => e.kind)).not.toContain('transferred');
  });

  it('without a session: 401 JSON on /staff/api, a 303 to the login page on console pages', async () => {
    const anon = (path: string, init: RequestInit = {}) => fetch(`${app.base}${path}`, { ...init, redirect: 'manual' });
    const bogus = { cookie: 'hoidap_staff=not-a-session' };
    for (const headers of [{}, bogus, { authorization: 'Bearer hd_not-a-token' }] as Record<string, string>[]) {
      const label = JSON.stringify(headers);
      for (const [method, path] of [
        ['GET', '/staff/api/tickets'],
        ['GET', `/staff/api/tickets/${bNew}`],
        ['GET', '/staff/api/me'],
        ['GET', '/staff/api/proposals'],
        ['GET', '/staff/api/export.csv'],
        ['POST', `/staff/api/tickets/${bNew}/claim`],
        ['POST', `/staff/api/tickets/${a1}/claim`],
        ['POST', '/staff/api/tickets/claim-next'],
        ['POST', `/staff/api/proposals/${proposalB}/approve`],
      ] as const) {
        const res = await step(`${label} ${method} ${path}`, anon(path, { method, headers: { ...headers, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) }));
        expect(res.status, `${label} ${method} ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(await errorCode(res)).toBe('login_required');
      }
      for (const [method, path] of [
        ['GET', '/staff'],
        ['GET', `/staff/tickets/${bNew}`],
        ['GET', '/staff/approvals'],
        ['GET', '/staff/dashboard'],
        ['GET', '/staff/export.csv'],
        ['POST', `/staff/tickets/${bNew}/claim`],
        ['POST', `/staff/tickets/${a1}/close`],
        ['POST', '/staff/claim-next'],
        ['POST', `/staff/proposals/${proposalB}/approve`],
      ] as const) {
        const res = await step(`${label} ${method} ${path}`, anon(path, { method, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, ...(method === 'POST' ? { body: 'reason=x' } : {}) }));
        // A bearer token that is not one is refused outright (a form post goes back with the error).
        if ('authorization' in headers) {
          if (method === 'GET') expect(res.status, `${label} ${method} ${path}`).toBe(401);
          else {
            expect(res.status, `${label} ${method} ${path}`).toBe(303);
            expect(res.headers.get('location')).toMatch(/\?error=login_required$/);
          }
        } else {
          expect(res.status, `${label} ${method} ${path}`).toBe(303);
          expect(res.headers.get('location')).toBe('/staff/login');
        }
      }
    }
    expect(await row(a1)).toMatchObject({ status: 'new', claimed_by: null });
  });

  it("a session cookie without its CSRF token (or with another session's) changes nothing: 403 csrf", async () => {
    const me = s.officerA;
    const other = await app.login('officerA2');
    const eventsOf = async (code: string) => (await app.fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1', [code]))[0]!.n;
    const n0 = await eventsOf(a1);
    const raw = (path: string, headers: Record<string, string>, body: string) => fetch(`${app.base}${path}`, { method: 'POST', headers: { cookie: me.cookie, ...headers }, body, redirect: 'manual' });
    for (const token of [null, 'wrong-token', other.csrf]) {
      const h: Record<string, string> = token ? { 'x-csrf-token': token } : {};
      for (const [action, body] of [['claim', {}], ['note', { text: 'ghi chú' }], ['close', { reason: 'x' }]] as const) {
        const api = await step(`csrf ${token} api ${action}`, raw(`/staff/api/tickets/${a1}/${action}`, { ...h, 'content-type': 'application/json' }, JSON.stringify(body)));
        expect({ action, status: api.status, code: await errorCode(api) }).toEqual({ action, status: 403, code: 'csrf' });
        // The console's form, with the token as a form field (or none).
        const fields = form({ ...body, ...(token ? { _csrf: token } : {}) });
        const f = await step(`csrf ${token} console ${action}`, raw(`/staff/tickets/${a1}/${action}`, { 'content-type': 'application/x-www-form-urlencoded' }, fields.toString()));
        expect(f.status).toBe(303);
        expect(f.headers.get('location')).toBe(`/staff/tickets/${a1}?error=csrf`);
      }
      const next = await step(`csrf ${token} claim-next`, raw('/staff/api/tickets/claim-next', { ...h, 'content-type': 'application/json' }, '{}'));
      expect({ status: next.status, code: await errorCode(next) }).toEqual({ status: 403, code: 'csrf' });
      // The queue page's "claim next" form goes back to the queue with the error.
      const nextForm = await step(`csrf ${token} console claim-next`, raw('/staff/claim-next', { 'content-type': 'application/x-www-form-urlencoded' }, token ? `_csrf=${encodeURIComponent(token)}` : ''));
      expect(nextForm.status).toBe(303);
      expect(nextForm.headers.get('location')).toBe('/staff?error=csrf');
      const canned = await step(`csrf ${token} canned`, raw('/staff/api/canned', { ...h, 'content-type': 'application/json' }, JSON.stringify({ title: 't', body: 'b' })));
      expect(canned.status).toBe(403);
    }
    expect(await row(a1)).toMatchObject({ status: 'new', claimed_by: null });
    expect(await eventsOf(a1)).toBe(n0);
    expect((await app.fx.db.query('SELECT 1 FROM canned_responses WHERE title = $1', ['t'])).length).toBe(0);

    // With the token, the same note goes through (so the refusals above were about the token).
    const ok = await step('csrf ok', me.fetch(`/staff/api/tickets/${a1}/note`, { method: 'POST', json: { text: 'ghi chú' } }));
    expect(ok.status).toBe(200);
    expect(await eventsOf(a1)).toBe(n0 + 1);
  });

  it("an API token works without a CSRF token or cookie, and is scoped to its owner's agency", async () => {
    const token = await createApiToken(app.fx.db, app.ids.officerA, 'công cụ của công an xã', null);
    const api = (path: string, init: RequestInit & { json?: unknown } = {}) =>
      fetch(`${app.base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: init.json !== undefined ? JSON.stringify(init.json) : null,
        redirect: 'manual',
      });

    const me = (await (await step('token me', api('/staff/api/me'))).json()) as { staff: { id: number; agency: string; role: string }; csrf: string | null };
    expect(me).toEqual({ staff: expect.objectContaining({ id: app.ids.officerA, agency: A, role: 'officer' }), csrf: null });
    const list = ((await (await step('token list', api(`/staff/api/tickets?agency=${B}`))).json()) as { tickets: { code: string; agency: string }[] }).tickets;
    expect(list.map((t) => t.code)).toContain(a1);
    expect(list.every((t) => t.agency === A)).toBe(true);

    for (const code of bCodes) {
      const get = await step(`token GET ${code}`, api(`/staff/api/tickets/${code}`));
      expect({ status: get.status, code: await errorCode(get) }).toEqual({ status: 404, code: 'ticket_not_found' });
      for (const action of ACTIONS) {
        const res = await step(`token ${action} ${code}`, api(`/staff/api/tickets/${code}/${action}`, { method: 'POST', json: BODIES[action] }));
        expect({ action, status: res.status }).toEqual({ action, status: action === 'transfer' ? 403 : 404 });
      }
    }
    for (const d of ['approve', 'reject']) {
      const res = await step(`token ${d}`, api(`/staff/api/proposals/${proposalB}/${d}`, { method: 'POST', json: {} }));
      expect(res.status).toBe(403);
    }
    const csv = await (await step('token csv', api('/staff/api/export.csv'))).text();
    expect(csv).toContain(a1);
    for (const code of bCodes) expect(csv).not.toContain(code);

    // State-changing requests go through with the token alone: claim A's ticket, note, release.
    const claimed = await step('token claim', api(`/staff/api/tickets/${a1}/claim`, { method: 'POST', json: {} }));
    expect(claimed.status).toBe(200);
    expect(await row(a1)).toMatchObject({ status: 'claimed', claimed_by: app.ids.officerA });
    expect((await step('token note', api(`/staff/api/tickets/${a1}/note`, { method: 'POST', json: { text: 'qua API' } }))).status).toBe(200);
    expect((await step('token release', api(`/staff/api/tickets/${a1}/release`, { method: 'POST', json: {} }))).status).toBe(200);
    expect(await row(a1)).toMatchObject({ status: 'new', claimed_by: null });
    // claim-next with the token takes from A's queue only.
    const next = await step('token claim-next', api('/staff/api/tickets/claim-next', { method: 'POST', json: {} }));
    expect(next.status).toBe(200);
    expect(((await next.json()) as { ticket: { agency: string; code: string } }).ticket).toMatchObject({ agency: A, code: a1 });
    expect(await row(bNew)).toMatchObject({ status: 'new', claimed_by: null, agency: B });
  });
});
