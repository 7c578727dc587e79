// A ticket's life over HTTP: created (announced to the agency, grouped with similar open questions),
// claimed, the citizen asked for more and answering on the public page, transferred, answered on
// the citizen's channel, closed; overdue marking, priorities, canned responses; expired sessions,
// and bad input to the staff and public endpoints.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgencies } from '../../src/escalation/agencies.ts';
import type { OutboundChannel, OutboundMessage } from '../../src/escalation/delivery.ts';
import { signature } from '../../src/escalation/notify.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Notified {
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe('ticket lifecycle', () => {
  let app: StaffApp;
  const notified: Notified[] = [];
  const zaloSent: OutboundMessage[] = [];
  beforeAll(async () => {
    // The routing table with a notification address for the commune police.
    const dir = mkdtempSync(join(tmpdir(), 'hoidap-agencies-'));
    const table = JSON.parse(readFileSync(join(ROOT, 'data/agencies.json'), 'utf8')) as { id: string; notifyUrl?: string }[];
    table.find((a) => a.id === 'cong-an-xa')!.notifyUrl = 'https://agency.example.test/hoidap-hook';
    writeFileSync(join(dir, 'agencies.json'), JSON.stringify(table));
    const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
      notified.push({ url: String(url), headers, body: String(init?.body) });
      return new Response('ok', { status: 200 });
    }) as typeof fetch;
    const zalo: OutboundChannel = { name: 'zalo', send: async (m) => (zaloSent.push(m), { status: 'sent' }) };
    app = await startStaffApp('pglite', { fetch: fakeFetch, agencies: loadAgencies(join(dir, 'agencies.json')), channels: [zalo] });
  }, 180_000);
  afterAll(async () => app?.close());

  const ticketRow = async (code: string) =>
    (await app.fx.db.query<{ id: number; status: string; agency: string; claimed_by: number | null; group_id: number | null; answer: string | null; due_at: Date; priority: string }>(
      'SELECT * FROM tickets WHERE code = $1',
      [code],
    ))[0]!;

  it('announces a new ticket to its agency with a signed webhook, and groups similar open questions', async () => {
    const first = await app.escalate('đăng ký tạm trú cho người thuê trọ cần mang theo hợp đồng thuê nhà bản gốc không');
    const second = await app.escalate('đăng ký tạm trú cho người thuê trọ có cần hợp đồng thuê nhà bản gốc không ạ');
    const other = await app.escalate('bị mất căn cước công dân thì báo mất ở đâu');
    const [a, b, c] = [await ticketRow(first.code), await ticketRow(second.code), await ticketRow(other.code)];
    expect(a.agency).toBe('cong-an-xa');
    expect(a.group_id).not.toBeNull();
    expect(b.group_id).toBe(a.group_id);
    expect(c.group_id === null || c.group_id !== a.group_id).toBe(true);

    const hook = notified.find((n) => n.body.includes(first.code))!;
    expect(hook.url).toBe('https://agency.example.test/hoidap-hook');
    expect(hook.headers['x-hoidap-event']).toBe('ticket.created');
    expect(hook.headers['x-hoidap-signature']).toBe(signature('test-secret-0123456789', hook.headers['x-hoidap-timestamp']!, hook.body));
    expect(signature('another secret!!', hook.headers['x-hoidap-timestamp']!, hook.body)).not.toBe(hook.headers['x-hoidap-signature']);
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'ticket.created', ticket: { code: first.code, agency: 'cong-an-xa' } });

    // One answer for the whole group reaches both citizens, each in their conversation.
    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${first.code}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    const detail = (await (await officer.fetch(`/staff/api/tickets/${first.code}`)).json()) as { group: { code: string }[]; sources: { ref: string }[]; searched: boolean; draft: string; conversation: unknown[] };
    expect(detail.group.map((g) => g.code)).toEqual([second.code]);
    expect(detail.conversation.length).toBeGreaterThanOrEqual(2);
    // The citizen asked for an officer, so the assistant never searched: the console searches for the officer.
    expect(detail.searched).toBe(true);
    expect(detail.sources.map((x) => x.ref).join('\n')).toMatch(/tạm trú/i);
    expect(detail.draft).toContain(`theo ${detail.sources[0]!.ref}`);
    const page = await (await officer.fetch(`/staff/tickets/${first.code}`)).text();
    expect(page).toContain('Công dân ·');
    expect(page).toContain('Nhận xử lý');
    expect(page).not.toMatch(/· claimed/);
    const res = await officer.fetch(`/staff/api/tickets/${first.code}/answer`, { method: 'POST', json: { text: 'Bạn chỉ cần bản sao hợp đồng thuê nhà; không bắt buộc bản gốc.', group: true } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { tickets: { code: string }[] }).tickets.map((t) => t.code).sort()).toEqual([first.code, second.code].sort());
    for (const t of [first, second]) {
      expect((await ticketRow(t.code)).status).toBe('answered');
      const msgs = (await (await fetch(`${app.base}/v1/conversations/${t.conversationId}/messages`)).json()) as { messages: { text: string; ticketCode: string }[] };
      expect(msgs.messages.map((m) => m.ticketCode)).toEqual([t.code]);
      expect(msgs.messages[0]!.text).toContain('không bắt buộc bản gốc');
    }
    expect((await ticketRow(other.code)).status).toBe('new');
    // Asking the assistant about the ticket by its code gives the officer's answer itself.
    const status = await app.ask({ question: `Câu hỏi mã ${second.code} của tôi đã có trả lời chưa?` });
    expect(status).toMatchObject({ status: 'answered', reason: 'ticket_status' });
    expect(status.answer).toContain('không bắt buộc bản gốc');
  });

  it('asks the citizen for more; the citizen adds it on the public side; the ticket goes back to its officer', async () => {
    const t = await app.escalate('tôi đăng ký thường trú cho con nhưng bị trả hồ sơ, cần công an xã kiểm tra giúp');
    const officer = await app.login('officerA');
    await officer.fetch(`/staff/api/tickets/${t.code}/claim`, { method: 'POST', json: {} });
    const asked = await officer.fetch(`/staff/api/tickets/${t.code}/ask`, { method: 'POST', json: { text: 'Bạn cho biết ngày nộp hồ sơ và số biên nhận.' } });
    expect(asked.status).toBe(200);
    expect((await ticketRow(t.code)).status).toBe('waiting_citizen');
    const pub = (await (await fetch(`${app.base}/v1/tickets/${t.code}`)).json()) as { ticket: { status: string; request: string } };
    expect(pub.ticket).toMatchObject({ status: 'waiting_citizen', request: 'Bạn cho biết ngày nộp hồ sơ và số biên nhận.' });

    const added = await fetch(`${app.base}/v1/tickets/${t.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Em nộp ngày 10/11, biên nhận số 123.' }) });
    expect(added.status).toBe(202);
    const row = await ticketRow(t.code);
    expect(row.status).toBe('claimed');
    expect(row.claimed_by).toBe(app.ids.officerA);
    const detail = (await (await officer.fetch(`/staff/api/tickets/${t.code}`)).json()) as { events: { kind: string; body: string }[]; conversation: { role: string; text: string }[] };
    expect(detail.events.map((e) => e.kind)).toEqual(['created', 'claimed', 'asked_citizen', 'citizen_info']);
    expect(detail.conversation.at(-1)).toMatchObject({ role: 'citizen', text: 'Em nộp ngày 10/11, biên nhận số 123.' });

    // A closed ticket takes no more information.
    await officer.fetch(`/staff/api/tickets/${t.code}/close`, { method: 'POST', json: { reason: 'Đã hướng dẫn qua điện thoại' } });
    const late = await fetch(`${app.base}/v1/tickets/${t.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'còn nữa' }) });
    expect(late.status).toBe(409);
  });

  it('transfers between agencies with a reason and a new due date; only supervisors may', async () => {
    const t = await app.escalate('công an xã cho hỏi về tạm trú khi đến ở nhờ nhà người thân');
    expect((await ticketRow(t.code)).agency).toBe('cong-an-xa');
    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${t.code}/transfer`, { method: 'POST', json: { agency: 'tu-phap-xa', reason: 'Thuộc lĩnh vực hộ tịch' } })).status).toBe(403);
    const sup = await app.login('supervisorA');
    expect((await sup.fetch(`/staff/api/tickets/${t.code}/transfer`, { method: 'POST', json: { agency: 'khong-co', reason: 'x' } })).status).toBe(400);
    app.clock.now = new Date(app.clock.now.getTime() + 3600_000);
    const r = await sup.fetch(`/staff/api/tickets/${t.code}/transfer`, { method: 'POST', json: { agency: 'tu-phap-xa', reason: 'Thuộc lĩnh vực hộ tịch' } });
    expect(r.status).toBe(200);
    const row = await ticketRow(t.code);
    expect(row).toMatchObject({ agency: 'tu-phap-xa', status: 'new', claimed_by: null });
    expect(new Date(row.due_at).getTime()).toBeGreaterThan(app.clock.now.getTime());
    expect((await officer.fetch(`/staff/api/tickets/${t.code}`)).status).toBe(404);
    const b = await app.login('officerB');
    const seen = (await (await b.fetch(`/staff/api/tickets/${t.code}`)).json()) as { events: { kind: string; body: string; data: { from: string; to: string } }[] };
    expect(seen.events.find((e) => e.kind === 'transferred')).toMatchObject({ body: 'Thuộc lĩnh vực hộ tịch', data: { from: 'cong-an-xa', to: 'tu-phap-xa' } });
  });

  it('marks overdue tickets, filters the queue by priority and overdue, and orders urgent ones first', async () => {
    const t1 = await app.escalate('hỏi về xác nhận cư trú cho con đi học, công an xã trả lời giúp');
    const t2 = await app.escalate('công an xã cho hỏi khai báo tạm vắng khi đi làm xa');
    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${t2.code}/priority`, { method: 'POST', json: { priority: 'urgent' } })).status).toBe(200);
    expect((await officer.fetch(`/staff/api/tickets/${t2.code}/priority`, { method: 'POST', json: { priority: 'gấp' } })).status).toBe(400);
    const list = (await (await officer.fetch('/staff/api/tickets?status=new')).json()) as { tickets: { code: string; overdue: boolean }[] };
    expect(list.tickets[0]!.code).toBe(t2.code);
    const urgent = (await (await officer.fetch('/staff/api/tickets?priority=urgent')).json()) as { tickets: { code: string }[] };
    expect(urgent.tickets.map((t) => t.code)).toEqual([t2.code]);
    expect(((await (await officer.fetch('/staff/api/tickets?overdue=1')).json()) as { tickets: unknown[] }).tickets).toEqual([]);

    // Past its due date (the service level is counted in working days; make it due now).
    await app.fx.db.query(`UPDATE tickets SET due_at = now() - interval '1 hour' WHERE code = $1`, [t1.code]);
    const overdue = (await (await officer.fetch('/staff/api/tickets?overdue=1')).json()) as { tickets: { code: string; overdue: boolean }[] };
    expect(overdue.tickets.map((t) => t.code)).toEqual([t1.code]);
    expect(overdue.tickets[0]!.overdue).toBe(true);
    const pub = (await (await fetch(`${app.base}/v1/tickets/${t1.code}`)).json()) as { ticket: { overdue: boolean } };
    expect(pub.ticket.overdue).toBe(true);
    const page = await (await officer.fetch('/staff?overdue=1')).text();
    expect(page).toContain(t1.code);
    expect(page).toContain('Quá hạn');
    const dash = (await (await officer.fetch('/staff/api/dashboard')).json()) as { tickets: { overdue: number } };
    expect(dash.tickets.overdue).toBeGreaterThanOrEqual(1);
  });

  it('keeps canned responses per agency', async () => {
    const officer = await app.login('officerA');
    const created = await officer.fetch('/staff/api/canned', { method: 'POST', json: { title: 'Giờ làm việc', body: 'Bộ phận một cửa làm việc từ thứ Hai đến sáng thứ Bảy.' } });
    expect(created.status).toBe(201);
    const mine = (await (await officer.fetch('/staff/api/canned')).json()) as { canned: { title: string }[] };
    expect(mine.canned.map((c) => c.title)).toContain('Giờ làm việc');
    const b = await app.login('officerB');
    expect(((await (await b.fetch('/staff/api/canned')).json()) as { canned: unknown[] }).canned).toEqual([]);
  });

  it('sends an answer to a Zalo citizen through the channel, keeping the 19-digit user id as a string', async () => {
    const userId = '8123456789012345678';
    const r = await app.ask({ question: 'Tôi muốn gặp cán bộ công an xã về đăng ký tạm trú', channel: 'zalo' });
    expect(r.status).toBe('escalated');
    await app.fx.db.query('UPDATE conversations SET citizen_ref = $2 WHERE id = $1', [r.conversationId, userId]);
    const officer = await app.login('officerA');
    await officer.fetch(`/staff/api/tickets/${r.ticket!.code}/claim`, { method: 'POST', json: {} });
    await officer.fetch(`/staff/api/tickets/${r.ticket!.code}/answer`, { method: 'POST', json: { text: 'Bạn nộp tại Công an xã nơi cư trú.' } });
    const sent = zaloSent.find((m) => m.ticketCode === r.ticket!.code)!;
    expect(sent.recipient).toBe(userId);
    expect(sent.text).toContain('Bạn nộp tại Công an xã nơi cư trú.');
    const [d] = await app.fx.db.query<{ status: string; recipient: string }>('SELECT status, recipient FROM deliveries WHERE id = $1', [sent.deliveryId]);
    expect(d).toEqual({ status: 'sent', recipient: userId });
  });

  it('pushes an officer answer to an open web widget of that conversation', async () => {
    const t = await app.escalate('công an xã cho hỏi gia hạn tạm trú online được không');
    const got: string[] = [];
    const stop = app.escalation.deliveries.subscribe(t.conversationId, (m) => got.push(m.text));
    const officer = await app.login('officerA');
    await officer.fetch(`/staff/api/tickets/${t.code}/claim`, { method: 'POST', json: {} });
    // As a browser's textarea sends it: CRLF line breaks, stored and delivered as LF.
    await officer.fetch(`/staff/api/tickets/${t.code}/answer`, { method: 'POST', json: { text: 'Được.\r\nBạn nộp trên Cổng dịch vụ công.' } });
    stop();
    expect(got).toHaveLength(1);
    expect(got[0]).toContain('Được.\nBạn nộp trên Cổng dịch vụ công.');
    expect(got[0]).not.toContain('\r');
  });

  it('shows no personal data on the public page and masks numbers in the answer', async () => {
    const t = await app.escalate('công an xã ơi CCCD của tôi 001203004567, số điện thoại 0912345678, đăng ký tạm trú bị sai tên');
    const officer = await app.login('officerA');
    await officer.fetch(`/staff/api/tickets/${t.code}/claim`, { method: 'POST', json: {} });
    await officer.fetch(`/staff/api/tickets/${t.code}/answer`, { method: 'POST', json: { text: 'Chúng tôi đã gọi lại số 0912345678 và hẹn bạn đến điều chỉnh.' } });
    const json = await (await fetch(`${app.base}/v1/tickets/${t.code}`)).text();
    const page = await (await fetch(`${app.base}/tickets/${t.code}`)).text();
    for (const text of [json, page]) {
      expect(text).not.toContain('001203004567');
      expect(text).not.toContain('0912345678');
      expect(text).not.toContain('sai tên');
    }
    expect(page).toContain('hẹn bạn đến điều chỉnh');
    expect(page).toContain('•••••••678');
  });
});

describe('sessions and bad input', () => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp();
  }, 180_000);
  afterAll(async () => app?.close());

  it('sends an expired session back to the login page, and answers the API with 401', async () => {
    const s = await app.login('officerA');
    expect((await s.fetch('/staff')).status).toBe(200);
    await app.fx.db.query(`UPDATE staff_sessions SET expires_at = now() - interval '1 minute'`);
    const page = await s.fetch('/staff');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/staff/login?expired=1');
    const login = await (await fetch(`${app.base}${page.headers.get('location')}`)).text();
    expect(login).toContain('Phiên làm việc đã hết hạn');
    const api = await s.fetch('/staff/api/tickets');
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('session_expired');
  });

  it('refuses a wrong password, without saying which part was wrong', async () => {
    const res = await fetch(`${app.base}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'can.bo.a@cong-an-xa.test', password: 'sai mật khẩu' }) });
    expect(res.status).toBe(401);
    const unknown = await fetch(`${app.base}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ai.do@khong.co', password: 'sai mật khẩu' }) });
    expect(unknown.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(((await unknown.json()) as { error: { message: string } }).error.message);
    const form = await fetch(`${app.base}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=can.bo.a%40cong-an-xa.test&password=sai', redirect: 'manual' });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/staff/login?failed=1');
  });

  it('answers bad input to every staff and public endpoint with a 4xx JSON error', async () => {
    const { code } = await app.escalate('công an xã cho hỏi về tạm trú');
    const s = await app.login('supervisorA');
    const cases: [string, string, RequestInit & { json?: unknown }, number][] = [
      ['GET', '/staff/api/tickets/not-a-code', {}, 400],
      ['GET', '/staff/api/tickets/HD-00000-00000', {}, 404],
      ['POST', `/staff/api/tickets/${code}/claim`, { body: '{not json', headers: { 'content-type': 'application/json' } }, 400],
      ['POST', `/staff/api/tickets/${code}/note`, { json: { text: 42 } }, 400],
      ['POST', `/staff/api/tickets/${code}/note`, { json: { text: '' } }, 400],
      ['POST', `/staff/api/tickets/${code}/note`, { json: [1, 2] }, 400],
      ['POST', `/staff/api/tickets/${code}/note`, { body: 'text', headers: { 'content-type': 'text/plain' } }, 415],
      ['POST', `/staff/api/tickets/${code}/note`, { body: 'garbage', headers: { 'content-type': 'multipart/form-data' } }, 400],
      ['POST', `/staff/api/tickets/${code}/note`, { json: { text: 'x'.repeat(70_000) } }, 413],
      ['POST', `/staff/api/tickets/${code}/answer`, { json: {} }, 400],
      ['POST', `/staff/api/tickets/${code}/answer`, { json: { text: 'ok', group: 'maybe' } }, 400],
      ['POST', `/staff/api/tickets/${code}/priority`, { json: { priority: 3 } }, 400],
      ['POST', `/staff/api/tickets/${code}/transfer`, { json: { agency: 'tu-phap-xa' } }, 400],
      ['POST', `/staff/api/tickets/${code}/ask`, { json: { text: null } }, 400],
      ['POST', `/staff/api/tickets/${code}/propose`, { json: { question: 'q', answer: 'a', sources: [{ kind: 'law' }] } }, 400],
      ['POST', `/staff/api/tickets/${code}/explode`, { json: {} }, 404],
      ['POST', '/staff/api/proposals/abc/approve', { json: {} }, 400],
      ['POST', '/staff/api/proposals/99999/approve', { json: {} }, 404],
      ['POST', '/staff/api/proposals/1/maybe', { json: {} }, 404],
      ['POST', '/staff/api/canned', { json: { title: '' } }, 400],
      ['GET', '/staff/api/dashboard?days=-4', {}, 400],
      ['GET', '/staff/api/export.csv?days=abc', {}, 400],
    ];
    for (const [method, path, init, status] of cases) {
      const res = await s.fetch(path, { method, ...init });
      expect(res.status, `${method} ${path}`).toBe(status);
      const body = (await res.json()) as { error?: { code: string; message: string } };
      expect(body.error?.message, `${method} ${path}`).toBeTruthy();
    }
    // Nothing changed by all that.
    expect((await app.fx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_events WHERE kind <> 'created'`))[0]!.n).toBe(0);

    const publicCases: [string, string, RequestInit, number][] = [
      ['GET', '/v1/tickets/12345', {}, 400],
      ['GET', '/v1/tickets/HD-00000-00000', {}, 404],
      ['POST', `/v1/tickets/${code}/messages`, { body: '{', headers: { 'content-type': 'application/json' } }, 400],
      ['POST', `/v1/tickets/${code}/messages`, { body: JSON.stringify({ text: '' }), headers: { 'content-type': 'application/json' } }, 400],
      ['POST', `/v1/tickets/${code}/messages`, { body: 'hi', headers: { 'content-type': 'text/plain' } }, 415],
      ['POST', `/v1/tickets/${code}/messages`, { body: 'garbage', headers: { 'content-type': 'multipart/form-data' } }, 400],
      ['POST', `/v1/tickets/${code}/messages`, { body: JSON.stringify({ text: 'x'.repeat(20_000) }), headers: { 'content-type': 'application/json' } }, 413],
      ['GET', '/v1/conversations/nope/messages', {}, 400],
    ];
    for (const [method, path, init, status] of publicCases) {
      const res = await fetch(`${app.base}${path}`, { method, ...init });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(((await res.json()) as { error?: { message: string } }).error?.message).toBeTruthy();
    }
  });

  it('requires the CSRF token on state changes made with a session cookie', async () => {
    const { code } = await app.escalate('công an xã cho hỏi về tạm vắng');
    const s = await app.login('officerA');
    const res = await fetch(`${app.base}/staff/api/tickets/${code}/claim`, { method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf');
    const form = await fetch(`${app.base}/staff/tickets/${code}/claim`, { method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=wrong', redirect: 'manual' });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toContain('error=csrf');
    expect((await app.fx.db.query<{ status: string }>('SELECT status FROM tickets WHERE code = $1', [code]))[0]!.status).toBe('new');
    const ok = await fetch(`${app.base}/staff/tickets/${code}/claim`, { method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(s.csrf)}`, redirect: 'manual' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/staff/tickets/${code}?ok=ok_claim`);
  });
});
