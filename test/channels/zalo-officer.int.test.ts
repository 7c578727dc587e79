// An officer's answer to a citizen who asked on Zalo, through the real OA client against a mocked
// Zalo: a free reply inside 48 hours, a customer-service message until 7 days, nothing after that
// (the ticket says why and the citizen reads the answer by ticket code), and a failed send retried.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createZaloClient } from '../../src/channels/zalo/client.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

const API = 'https://zalo-api.test';
const USER = '8123456789012345678';
const H = 3_600_000;

const config = loadConfig({
  ZALO_APP_ID: '4143927346023457012',
  ZALO_APP_SECRET: 'app-secret',
  ZALO_OA_SECRET_KEY: 'oa-secret',
  ZALO_ACCESS_TOKEN: 'AT-0',
  ZALO_REFRESH_TOKEN: 'RT-0',
  ZALO_API_BASE_URL: API,
  ZALO_OAUTH_BASE_URL: 'https://zalo-oauth.test',
});

const sent: { recipient: Record<string, string>; text: string }[] = [];
let script: (() => Response)[] = [];
const server = setupServer(
  http.post(`${API}/v3.0/oa/message/cs`, async ({ request }) => {
    const body = (await request.json()) as { recipient: Record<string, string>; message: { text: string } };
    const scripted = script.shift();
    if (scripted) return scripted();
    sent.push({ recipient: body.recipient, text: body.message.text });
    return HttpResponse.json({ error: 0, message: 'Success', data: { message_id: `oa-${sent.length}` } });
  }),
);

describe('officers’ answers to Zalo citizens', () => {
  let app: StaffApp;
  beforeAll(async () => {
    // The app itself is on loopback; anything else that is not the fake Zalo is an error.
    server.listen({
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname !== '127.0.0.1') print.error();
      },
    });
    app = await startStaffApp('pglite', { channels: (db, now) => [createZaloClient({ db, config, now, log: () => {} }).channel()] });
  }, 180_000);
  afterAll(async () => {
    server.close();
    await app?.close();
  });
  beforeEach(async () => {
    sent.length = 0;
    script = [];
    app.clock.now = new Date();
    await app.fx.db.exec('DELETE FROM zalo_inbox; DELETE FROM zalo_sent;');
  });

  /** A Zalo citizen whose question was escalated; their last message to the OA was `ago` ms before now. */
  async function zaloTicket(ago: number) {
    const r = await app.ask({ question: 'Tôi muốn gặp cán bộ công an xã về đăng ký tạm trú', channel: 'zalo' });
    expect(r.status).toBe('escalated');
    await app.fx.db.query('UPDATE conversations SET citizen_ref = $2 WHERE id = $1', [r.conversationId, USER]);
    await app.fx.db.query(
      `INSERT INTO zalo_inbox (event_key, event_name, user_id, payload, status, received_at) VALUES ($1, 'user_send_text', $2, $3, 'done', $4)`,
      [`msg-${r.ticket!.code}`, USER, JSON.stringify({ message: { msg_id: `msg-${r.ticket!.code}`, text: 'gặp cán bộ' } }), new Date(app.clock.now.getTime() - ago)],
    );
    return r.ticket!.code;
  }

  async function answer(code: string, text = 'Bạn nộp hồ sơ tại Công an xã nơi cư trú.') {
    const officer = await app.login('officerA');
    await officer.fetch(`/staff/api/tickets/${code}/claim`, { method: 'POST', json: {} });
    const res = await officer.fetch(`/staff/api/tickets/${code}/answer`, { method: 'POST', json: { text } });
    expect(res.status).toBe(200);
    const view = (await (await officer.fetch(`/staff/api/tickets/${code}`)).json()) as { events: { kind: string; body: string | null }[] };
    return view.events.filter((e) => e.kind === 'delivery').map((e) => e.body ?? '');
  }

  const delivery = async (code: string) =>
    (await app.fx.db.query<{ id: number; status: string; detail: string | null; attempts: number; next_attempt_at: Date | null }>(
      'SELECT d.id, d.status, d.detail, d.attempts, d.next_attempt_at FROM deliveries d JOIN tickets t ON t.id = d.ticket_id WHERE t.code = $1 ORDER BY d.id DESC LIMIT 1',
      [code],
    ))[0]!;

  it('replies for free to the citizen’s message within 48 hours and notes it on the ticket', async () => {
    const code = await zaloTicket(5 * H);
    const notes = await answer(code);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.recipient).toEqual({ message_id: `msg-${code}` });
    expect(sent[0]!.text).toContain('Bạn nộp hồ sơ tại Công an xã nơi cư trú.');
    expect(await delivery(code)).toMatchObject({ status: 'sent', detail: 'reply', attempts: 1 });
    expect(notes).toEqual(['Đã gửi tới công dân qua Zalo (trả lời miễn phí).']);
  });

  it('sends a customer-service message by user id between 48 hours and 7 days, and says why', async () => {
    const code = await zaloTicket(3 * 24 * H);
    const notes = await answer(code);
    expect(sent.map((s) => s.recipient)).toEqual([{ user_id: USER }]);
    expect(await delivery(code)).toMatchObject({ status: 'sent', detail: 'cs: free_window_over' });
    expect(notes[0]).toMatch(/tin tư vấn.*quá 48 giờ/);
  });

  it('sends nothing after 7 days; the ticket says why and the citizen reads the answer by ticket code', async () => {
    const code = await zaloTicket(8 * 24 * H);
    const notes = await answer(code, 'Hồ sơ của bạn đã được tiếp nhận.');
    expect(sent).toHaveLength(0);
    expect(await delivery(code)).toMatchObject({ status: 'undeliverable', detail: 'no_interaction_7_days', next_attempt_at: null });
    expect(notes[0]).toContain('không tương tác với tài khoản Zalo OA đã quá 7 ngày');
    expect(notes[0]).toContain(code);
    const pub = (await (await fetch(`${app.base}/v1/tickets/${code}`)).json()) as { ticket: { answer: string | null } };
    expect(pub.ticket.answer).toContain('Hồ sơ của bạn đã được tiếp nhận.');
  });

  it('retries a send Zalo rate-limited, later, until it goes out', async () => {
    const code = await zaloTicket(H);
    script = [() => HttpResponse.json({ error: -32, message: 'Your OA reached limit call api' })];
    const notes = await answer(code);
    const failed = await delivery(code);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.next_attempt_at).not.toBeNull();
    expect(notes[0]).toContain('hệ thống sẽ tự gửi lại');
    // Not due yet: nothing is tried.
    expect(await app.escalation.deliveries.retryDue()).toBe(0);
    await app.fx.db.query(`UPDATE deliveries SET next_attempt_at = now() - interval '1 second' WHERE id = $1`, [failed.id]);
    expect(await app.escalation.deliveries.retryDue()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(await delivery(code)).toMatchObject({ status: 'sent', attempts: 2, next_attempt_at: null });
    expect(await app.escalation.deliveries.retryDue()).toBe(0);
  });
});
