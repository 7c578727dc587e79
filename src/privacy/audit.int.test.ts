// The audit log and the citizen API through the staff HTTP API: every action an officer takes is
// recorded once, with no personal data, and only the right roles reach the log and a citizen's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRow as StoredAuditRow } from './audit.ts';
import { STAFF, startStaffApp, type StaffApp } from '../../test/support/staff.ts';
import { TEST_KEY } from '../../test/privacy/fixtures.ts';
import { maskPersonal } from '../text/personal.ts';
import { createSealer } from './seal.ts';

const PHONE = '0987654321';
const QUESTION = `Đăng ký thường trú cho con ở xã thì cần giấy tờ gì? Gọi tôi số ${PHONE}`;
const ANSWER = 'Bạn mang giấy khai sinh của cháu và giấy tờ chỗ ở hợp pháp đến Công an xã.';

type AuditRow = Omit<StoredAuditRow, 'id' | 'at'>;

// One app for the file (starting one costs many seconds); the citizen API's tests run last.
let app: StaffApp;
beforeAll(async () => {
  app = await startStaffApp('pglite', { env: { DATA_ENCRYPTION_KEY: TEST_KEY } });
}, 180_000);
afterAll(async () => app?.close());

describe('audit log of staff actions', () => {
  let code: string;
  let conversationId: string;
  beforeAll(async () => {
    ({ code, conversationId } = await app.escalate(QUESTION));
    // Stored as the service stores it with a key: masked text, the raw words sealed beside it (done
    // here when the test harness's answer service was built without the sealer).
    const raw = `Tôi muốn gặp cán bộ: ${QUESTION}`;
    const sealed = await createSealer(TEST_KEY).seal(raw);
    await app.fx.db.query('UPDATE tickets SET question = $2, question_sealed = $3 WHERE code = $1 AND question_sealed IS NULL', [code, maskPersonal(raw), sealed]);
    await app.fx.db.query(`UPDATE turns SET text = $2, text_sealed = $3 WHERE conversation_id = $1 AND role = 'citizen' AND text_sealed IS NULL`, [conversationId, maskPersonal(raw), sealed]);
    expect((await app.fx.db.query<{ question: string }>('SELECT question FROM tickets WHERE code = $1', [code]))[0]!.question).not.toContain(PHONE);
  });

  const rows = () => app.fx.db.query<AuditRow>('SELECT actor, actor_name, agency, action, target, detail FROM audit_log ORDER BY id');

  it('records login, claim, view, answer, CSV export and citizen export once each, with no personal data', async () => {
    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${code}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    expect((await officer.fetch(`/staff/api/tickets/${code}`)).status).toBe(200);
    expect((await officer.fetch(`/staff/tickets/${code}`)).status).toBe(200);
    expect((await officer.fetch(`/staff/api/tickets/${code}/note`, { method: 'POST', json: { text: `Đã gọi ${PHONE}, chưa nghe máy` } })).status).toBe(200);
    expect((await officer.fetch(`/staff/api/tickets/${code}/answer`, { method: 'POST', json: { text: ANSWER } })).status).toBe(200);
    expect((await officer.fetch('/staff/api/export.csv')).status).toBe(200);
    // The admin is not of the owning agency: the ticket and the export show the masked words.
    const admin = await app.login('admin');
    expect((await admin.fetch(`/staff/api/tickets/${code}`)).status).toBe(200);
    const exported = await admin.fetch('/staff/api/citizens/export', { method: 'POST', json: { conversationId } });
    expect(exported.status).toBe(200);
    const body = (await exported.json()) as { rawAvailable: boolean; conversations: { tickets: { question: { text: string; masked: boolean } }[] }[] };
    expect(body.rawAvailable).toBe(false);
    expect(body.conversations[0]!.tickets[0]!.question.masked).toBe(true);
    expect(JSON.stringify(body)).not.toContain(PHONE);
    // The owning agency's supervisor gets the citizen's own words.
    const owner = await (await app.login('supervisorA')).fetch('/staff/api/citizens/export', { method: 'POST', json: { conversationId } });
    expect(((await owner.json()) as { conversations: { tickets: { question: { text: string } }[] }[] }).conversations[0]!.tickets[0]!.question.text).toContain(PHONE);

    const all = await rows();
    const mine = all.filter((r) => r.actor === app.ids.officerA);
    // The officer is of the owning agency and a key is set: both views opened the sealed words.
    expect(mine.map((r) => r.action)).toEqual(['auth.login', 'ticket.claim', 'ticket.view_raw', 'ticket.view_raw', 'ticket.note', 'ticket.answer', 'tickets.export_csv']);
    expect(all.filter((r) => r.actor === app.ids.admin).map((r) => r.action)).toEqual(['auth.login', 'ticket.view', 'citizen.export']);
    expect(mine.every((r) => r.actor_name === STAFF.officerA.name && r.agency === 'cong-an-xa')).toBe(true);
    expect(mine.find((r) => r.action === 'ticket.answer')).toMatchObject({ target: `ticket:${code}`, detail: { tickets: 1 } });
    expect(all.filter((r) => r.action === 'citizen.export')).toMatchObject([
      { actor: app.ids.admin, target: `conversation:${conversationId}`, detail: { conversations: 1, tickets: 1, raw: false } },
      { actor: app.ids.supervisorA, target: `conversation:${conversationId}`, detail: { conversations: 1, tickets: 1, raw: true } },
    ]);
    // Nothing anyone wrote reaches the log: not the citizen's phone number, not the officer's note or answer.
    const text = JSON.stringify(all);
    for (const personal of [PHONE, '0987 654 321', 'chưa nghe máy', 'giấy khai sinh']) expect(text).not.toContain(personal);
  });

  it('records a failed login without the email typed, against the account when it exists', async () => {
    const bad = async (email: string) =>
      (await fetch(`${app.base}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'sai mật khẩu rồi' }) })).status;
    expect(await bad(STAFF.officerB.email)).toBe(401);
    expect(await bad(STAFF.officerB.email)).toBe(401);
    expect(await bad('nguoi.dan.0987654321@gmail.test')).toBe(401);
    const failed = (await rows()).filter((r) => r.action === 'auth.login_failed');
    expect(failed).toEqual([
      { actor: app.ids.officerB, actor_name: STAFF.officerB.name, agency: 'tu-phap-xa', action: 'auth.login_failed', target: `staff:${app.ids.officerB}`, detail: { known: true, attemptsLastHour: 1 } },
      { actor: app.ids.officerB, actor_name: STAFF.officerB.name, agency: 'tu-phap-xa', action: 'auth.login_failed', target: `staff:${app.ids.officerB}`, detail: { known: true, attemptsLastHour: 2 } },
      { actor: null, actor_name: 'system', agency: null, action: 'auth.login_failed', target: null, detail: { known: false, attemptsLastHour: 1 } },
    ]);
    expect(JSON.stringify(failed)).not.toContain('gmail');
  });

  it('shows the log to supervisors for their agency and to admins for all, not to officers', async () => {
    const officer = await app.login('officerA');
    expect((await officer.fetch('/staff/api/audit')).status).toBe(403);
    expect((await officer.fetch('/staff/audit')).status).toBe(404);
    expect((await officer.fetch('/staff/logout', { method: 'POST' })).status).toBe(303);
    expect((await rows()).at(-1)).toMatchObject({ actor: app.ids.officerA, action: 'auth.logout', target: `staff:${app.ids.officerA}` });

    const supervisorB = await app.login('supervisorB');
    const b = (await (await supervisorB.fetch('/staff/api/audit?limit=1000')).json()) as { audit: AuditRow[] };
    expect(b.audit.length).toBeGreaterThan(0);
    expect(new Set(b.audit.map((r) => r.agency))).toEqual(new Set(['tu-phap-xa']));

    const admin = await app.login('admin');
    const claims = (await (await admin.fetch(`/staff/api/audit?action=ticket&actor=${app.ids.officerA}`)).json()) as { audit: AuditRow[] };
    expect(claims.audit.map((r) => r.action)).toEqual(['ticket.answer', 'ticket.note', 'ticket.view_raw', 'ticket.view_raw', 'ticket.claim']);
    const future = (await (await admin.fetch(`/staff/api/audit?from=${new Date(Date.now() + 86_400_000).toISOString()}`)).json()) as { audit: AuditRow[] };
    expect(future.audit).toEqual([]);
    expect((await admin.fetch('/staff/api/audit?from=not-a-date')).status).toBe(400);
    const page = await admin.fetch('/staff/audit?action=ticket.claim');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`ticket:${code}`);
  });
});

describe('citizen data API', () => {
  it('lets admins export and delete, supervisors export their agency’s conversations only, officers nothing', async () => {
    const { conversationId } = await app.escalate('Thủ tục đăng ký tạm trú cho người thuê trọ gồm những gì?');
    const [{ agency }] = (await app.fx.db.query<{ agency: string }>('SELECT agency FROM tickets WHERE conversation_id = $1', [conversationId])) as [{ agency: string }];
    const owner = agency === 'cong-an-xa' ? 'supervisorA' : 'supervisorB';
    const stranger = agency === 'cong-an-xa' ? 'supervisorB' : 'supervisorA';

    const officer = await app.login('officerA');
    for (const path of ['/staff/api/citizens/export', '/staff/api/citizens/delete']) {
      const r = await officer.fetch(path, { method: 'POST', json: { conversationId } });
      expect(r.status, path).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const sOwner = await app.login(owner);
    expect((await sOwner.fetch('/staff/api/citizens/export', { method: 'POST', json: { conversationId } })).status).toBe(200);
    expect((await sOwner.fetch('/staff/api/citizens/export', { method: 'POST', json: { zaloUserId: '1234567890123456789' } })).status).toBe(403);
    expect((await sOwner.fetch('/staff/api/citizens/delete', { method: 'POST', json: { conversationId } })).status).toBe(403);
    expect((await (await app.login(stranger)).fetch('/staff/api/citizens/export', { method: 'POST', json: { conversationId } })).status).toBe(403);

    const admin = await app.login('admin');
    for (const body of [{}, { conversationId, zaloUserId: '123' }, { zaloUserId: 'abc' }]) {
      const r = await admin.fetch('/staff/api/citizens/delete', { method: 'POST', json: body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const noCsrf = await fetch(`${app.base}/staff/api/citizens/delete`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ conversationId }) });
    expect(noCsrf.status).toBe(403);
    const del = await admin.fetch('/staff/api/citizens/delete', { method: 'POST', json: { conversationId } });
    expect(del.status).toBe(200);
    expect(((await del.json()) as { deleted: { conversations: number; tickets: number } }).deleted).toMatchObject({ conversations: 1, tickets: 1 });
    expect(await app.fx.db.query('SELECT 1 FROM conversations WHERE id = $1', [conversationId])).toEqual([]);
    const again = await admin.fetch('/staff/api/citizens/export', { method: 'POST', json: { conversationId } });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('citizen_not_found');
  });
});
