// The learning loop end to end over HTTP: an officer answers an escalated question and proposes
// the answer for the Q&A history, a supervisor approves it, and the next citizen who asks the same
// thing is answered from that Q&A unit, with a citation, without an officer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

const QUESTION = 'Công an xã có mở cửa nhận hồ sơ đăng ký tạm trú vào sáng thứ bảy không?';
const ANSWER = 'Có. Bộ phận một cửa của Công an xã tiếp nhận hồ sơ đăng ký tạm trú vào sáng thứ bảy, từ 7 giờ 30 đến 11 giờ 30.';

describe('learning loop: an approved officer answer becomes a retrievable Q&A unit', () => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp();
  }, 180_000);
  afterAll(async () => app?.close());

  it('answers the same question from the approved unit, with agency, date and sources', async () => {
    const before = await app.ask({ question: QUESTION });
    expect(before.citations.some((c) => c.kind === 'qa')).toBe(false);

    const { code } = await app.escalate(QUESTION);
    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${code}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    const answered = await officer.fetch(`/staff/api/tickets/${code}/answer`, {
      method: 'POST',
      json: { text: ANSWER, propose: true, question: QUESTION, sources: [{ kind: 'procedure', code: '1.004194' }] },
    });
    expect(answered.status).toBe(200);
    const { proposal } = (await answered.json()) as { proposal: { id: number; status: string } };
    expect(proposal.status).toBe('proposed');

    // An officer cannot approve; nothing is learned until a supervisor does.
    expect((await officer.fetch(`/staff/api/proposals/${proposal.id}/approve`, { method: 'POST', json: {} })).status).toBe(403);
    expect((await app.ask({ question: QUESTION })).citations.some((c) => c.kind === 'qa')).toBe(false);

    const supervisor = await app.login('supervisorA');
    const listed = (await (await supervisor.fetch('/staff/api/proposals')).json()) as { proposals: { id: number }[] };
    expect(listed.proposals.map((p) => p.id)).toContain(proposal.id);
    const approved = await supervisor.fetch(`/staff/api/proposals/${proposal.id}/approve`, { method: 'POST', json: {} });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { proposal: { status: string; document_id: number } }).proposal).toMatchObject({ status: 'approved', document_id: expect.any(Number) });

    const after = await app.ask({ question: QUESTION });
    expect(after.status).toBe('answered');
    const qa = after.citations.find((c) => c.kind === 'qa');
    expect(qa, JSON.stringify(after)).toBeDefined();
    expect(after.citations[0]!.kind).toBe('qa');
    expect(qa!.sourceId).toMatch(/^qa:cong-an-xa:staff-\d+#qa$/);
    expect(after.answer).toContain('sáng thứ bảy');
    expect(after.answer).toContain(`[${qa!.n}]`);

    const [unit] = await app.fx.db.query<{ structure: { agency: string; date: string; sources: unknown[] } }>(
      `SELECT u.structure FROM units u JOIN documents d ON d.id = u.document_id WHERE d.doc_key = $1`,
      [qa!.sourceId.split('#')[0]],
    );
    expect(unit!.structure.agency).toBe('cong-an-xa');
    expect(unit!.structure.date).toBe(app.clock.now.toISOString().slice(0, 10));
    expect(unit!.structure.sources).toEqual([{ kind: 'procedure', code: '1.004194' }]);

    // Approving twice is refused.
    expect((await supervisor.fetch(`/staff/api/proposals/${proposal.id}/approve`, { method: 'POST', json: {} })).status).toBe(409);
  }, 60_000);
});
