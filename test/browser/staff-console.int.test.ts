// Acceptance, in a real browser (Debian's Chromium driven by playwright-core): a citizen asks to
// speak to an officer and keeps the public ticket page open; an officer logs in through the console's
// form, finds the ticket in the queue, claims it and sends an answer; the citizen's page, never
// reloaded, shows the answer by its own polling. Also: no session, or an expired one, sends the
// browser back to the login page. Screenshots of the key steps go to test/artifacts/browser/.
import { CHROMIUM, launchChromium, MISSING } from '../support/browser.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPEND_CANNED } from '../../src/staff/views.ts';
import { PASSWORD, STAFF, startStaffApp, type StaffApp } from '../support/staff.ts';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'browser');

const QUESTION = 'công an xã cho hỏi đăng ký tạm trú cho sinh viên thuê phòng trọ cần giấy tờ gì';
const ANSWER = 'Chào bạn,\n\nSinh viên thuê trọ đăng ký tạm trú tại công an xã nơi ở, mang theo hợp đồng thuê nhà và căn cước. Cán bộ Nguyễn Văn An trả lời.';
const NO_ANSWER = 'Chưa có câu trả lời';
const CLAIMED = 'cán bộ đang xử lý';
const ANSWERED = 'đã có câu trả lời';

describe('staff console in a real browser', () => {
  let app: StaffApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  // Shared between the steps of the scenario, in order.
  let code = '';
  let citizen: Page;
  let officer: Page;
  // Chromium reports every blocked script, style or connection on the console: the pages' CSP must allow what they use.
  const cspViolations: string[] = [];

  function need(): { app: StaffApp; browser: Browser } {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
    if (!app || !browser) throw new Error('the app or the browser did not start (see beforeAll)');
    return { app, browser };
  }
  async function newPage(): Promise<Page> {
    const ctx = await need().browser.newContext({ locale: 'vi-VN', viewport: { width: 1200, height: 900 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
    });
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true });

  beforeAll(async () => {
    // Without Chromium, start nothing: every test below then fails with MISSING (no silent skip).
    if (!existsSync(CHROMIUM)) return;
    mkdirSync(SHOTS, { recursive: true });
    [app, browser] = await Promise.all([
      startStaffApp(),
      launchChromium(),
    ]);
  }, 180_000);

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await app?.close();
  }, 60_000);

  it(`has Chromium at ${CHROMIUM}`, () => {
    expect(existsSync(CHROMIUM), MISSING).toBe(true);
  });

  it('shows the citizen their escalated ticket, not answered yet', async () => {
    const { app } = need();
    ({ code } = await app.escalate(QUESTION));
    expect(code).toMatch(/^HD-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect((await app.fx.db.query<{ agency: string }>('SELECT agency FROM tickets WHERE code = $1', [code]))[0]?.agency).toBe('cong-an-xa');

    citizen = await newPage();
    const res = await citizen.goto(`${app.base}/tickets/${code}`);
    expect(res?.status()).toBe(200);
    await expect.poll(() => citizen.locator('main').innerText()).toContain(code);
    expect(await citizen.locator('#status').innerText()).toBe('đang chờ cán bộ tiếp nhận');
    expect(await citizen.locator('#answer').innerText()).toContain(NO_ANSWER);
    // Nothing about the question itself on the public page.
    expect(await citizen.content()).not.toContain('sinh viên thuê phòng trọ');
  });

  it('lets the officer log in through the form, find the ticket in the queue, claim it and answer', async () => {
    const { app } = need();
    expect(code, 'needs the ticket from the previous step').not.toBe('');
    officer = await newPage();
    await officer.goto(`${app.base}/staff/login`);
    // The e-mail field has focus on arrival; type as a person would, Tab to the password.
    await expect.poll(() => officer.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    await officer.keyboard.type(STAFF.officerA.email);
    await officer.keyboard.press('Tab');
    expect(await officer.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
    await officer.locator('input[name=password]').fill(PASSWORD);
    await Promise.all([officer.waitForURL(`${app.base}/staff`), officer.getByRole('button', { name: 'Đăng nhập' }).click()]);

    // The queue: the officer's name and agency in the header, the ticket as a link.
    const header = await officer.locator('header').innerText();
    expect(header).toContain(STAFF.officerA.name);
    const link = officer.getByRole('link', { name: code });
    await expect.poll(() => link.count()).toBe(1);
    const row = officer.locator('tr', { has: link });
    expect(await row.innerText()).toContain('đăng ký tạm trú cho sinh viên');
    expect(await row.innerText()).toContain('đang chờ cán bộ tiếp nhận');
    await shot(officer, '01-queue.png');

    await Promise.all([officer.waitForURL(`${app.base}/staff/tickets/${code}`), link.click()]);
    expect(await officer.getByRole('heading', { level: 1 }).innerText()).toBe(code);
    expect(await officer.locator('#ticket-status').innerText()).toBe('đang chờ cán bộ tiếp nhận');
    // The conversation shows the citizen's question.
    expect(await officer.locator('main').innerText()).toContain(QUESTION);

    await Promise.all([officer.waitForURL(`${app.base}/staff/tickets/${code}?ok=ok_claim`), officer.getByRole('button', { name: 'Nhận xử lý' }).click()]);
    expect(await officer.locator('#ticket-status').innerText()).toBe(CLAIMED);
    expect(await officer.getByRole('status').innerText()).toBe('Đã nhận phiếu.');
    expect(await officer.locator('main').innerText()).toContain(STAFF.officerA.name);
    expect(await officer.getByRole('button', { name: 'Nhận xử lý' }).count()).toBe(0);
    await shot(officer, '02-ticket-claimed.png');
    // The citizen's open page follows: the claim shows there by its own polling.
    await citizen.waitForFunction((want) => document.getElementById('status')?.textContent === want, CLAIMED, { timeout: 10_000 });
    expect(await citizen.locator('#answer').innerText()).toContain(NO_ANSWER);

    const text = officer.locator('#answer-text');
    expect((await text.inputValue()).startsWith('Chào bạn,'), 'the textarea holds a draft').toBe(true);
    await text.focus();
    await text.press('ControlOrMeta+A');
    await text.press('Delete');
    expect(await text.inputValue()).toBe('');
    await text.fill(ANSWER);
    expect(await text.inputValue()).toBe(ANSWER);
    const send = officer.getByRole('button', { name: 'Gửi câu trả lời' });
    expect(await send.getAttribute('id')).toBe('send-answer');
    await Promise.all([officer.waitForURL(`${app.base}/staff/tickets/${code}?ok=ok_answer`), send.click()]);

    expect(await officer.getByRole('status').innerText()).toBe('Đã gửi câu trả lời tới công dân.');
    expect(await officer.locator('#ticket-status').innerText()).toBe(ANSWERED);
    expect(await officer.locator('#answer-text').count(), 'no answer form once answered').toBe(0);
    const main = await officer.locator('main').innerText();
    expect(main).toContain('Sinh viên thuê trọ đăng ký tạm trú tại công an xã nơi ở');
    expect(main).toContain('Cán bộ Nguyễn Văn An trả lời.');
    await shot(officer, '03-answer-sent.png');

    const [row2] = await app.fx.db.query<{ status: string; answer: string; claimed_by: number }>('SELECT status, answer, claimed_by FROM tickets WHERE code = $1', [code]);
    expect(row2).toMatchObject({ status: 'answered', claimed_by: app.ids.officerA });
    // A browser submits a textarea's line breaks as CRLF (HTML form encoding); the text is the officer's.
    expect(row2!.answer.replace(/\r\n/g, '\n')).toBe(ANSWER);
  });

  it("updates the citizen's open page with the answer, without a reload", async () => {
    const { app } = need();
    expect(citizen, 'needs the citizen page from the first step').toBeDefined();
    // Mark the document: a reload or a navigation would lose the mark.
    await citizen.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
    await citizen.waitForFunction((want) => document.getElementById('answer')?.textContent?.includes(want), 'Sinh viên thuê trọ đăng ký tạm trú', { timeout: 10_000 });
    await expect.poll(() => citizen.locator('#status').innerText(), { timeout: 5_000 }).toBe(ANSWERED);
    const answer = await citizen.locator('#answer').innerText();
    expect(answer).toContain('Sinh viên thuê trọ đăng ký tạm trú tại công an xã nơi ở, mang theo hợp đồng thuê nhà và căn cước.');
    expect(answer).toContain('Cán bộ Nguyễn Văn An trả lời.');
    expect(answer).not.toContain(NO_ANSWER);
    // The line breaks the officer typed show as line breaks.
    expect(await citizen.locator('#answer br').count()).toBeGreaterThanOrEqual(1);
    expect(await citizen.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
    expect(citizen.url()).toBe(`${app.base}/tickets/${code}`);
    await shot(citizen, '04-citizen-answered.png');
  });

  it('sends a browser without a session, or with an expired one, to the login page', async () => {
    const { app } = need();
    const stranger = await newPage();
    const res = await stranger.goto(`${app.base}/staff`);
    expect(new URL(stranger.url()).pathname).toBe('/staff/login');
    expect(res?.status()).toBe(200);
    expect(await stranger.getByRole('button', { name: 'Đăng nhập' }).count()).toBe(1);
    expect(await stranger.locator('main').innerText()).not.toContain(code);
    // A ticket page too, straight from a link.
    await stranger.goto(`${app.base}/staff/tickets/${code}`);
    expect(new URL(stranger.url()).pathname).toBe('/staff/login');

    // Log in (another officer), then let the session expire on the server.
    await stranger.locator('input[name=email]').fill(STAFF.officerA2.email);
    await stranger.locator('input[name=password]').fill(PASSWORD);
    await Promise.all([stranger.waitForURL(`${app.base}/staff`), stranger.getByRole('button', { name: 'Đăng nhập' }).click()]);
    expect(await stranger.locator('header').innerText()).toContain(STAFF.officerA2.name);
    await app.fx.db.query('UPDATE staff_sessions SET expires_at = $1 WHERE staff_id = $2', [new Date(app.clock.now.getTime() - 60_000), app.ids.officerA2]);
    await stranger.goto(`${app.base}/staff`);
    expect(stranger.url()).toBe(`${app.base}/staff/login?expired=1`);
    expect(await stranger.getByRole('alert').innerText()).toContain('Phiên làm việc đã hết hạn');
    expect((await stranger.context().cookies()).filter((c) => c.name === 'hoidap_staff'), 'the stale cookie is gone').toEqual([]);
  });

  it("runs the canned-reply button's inline handler under the console's CSP (allowed by its hash), and breaks no CSP on any page it visited", async () => {
    const { app } = need();
    await officer.goto(`${app.base}/staff`);
    // The ticket page's "use canned reply" button, as views.ts renders it (with the same handler).
    const worked = await officer.evaluate((handler) => {
      document.body.insertAdjacentHTML('beforeend', `<textarea id="answer-text"></textarea><select id="canned"><option value="Mẫu trả lời">m</option></select><button id="use-canned" type="button"></button>`);
      document.getElementById('use-canned')!.setAttribute('onclick', handler);
      document.getElementById('use-canned')!.click();
      return (document.getElementById('answer-text') as HTMLTextAreaElement).value;
    }, APPEND_CANNED);
    expect(worked).toBe('Mẫu trả lời');
    expect(cspViolations).toEqual([]);
  });
});
