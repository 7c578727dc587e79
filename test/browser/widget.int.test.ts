// Acceptance for the citizen's chat widget, in a real browser (Debian's Chromium driven by
// playwright-core) on the demo portal page at /: a question gets a streamed answer whose footnotes
// open to the quoted text and the official link; the server drops the socket and the widget
// reconnects into the same conversation; "Gặp cán bộ" makes a ticket that an officer answers and
// the answer appears live; axe finds nothing serious in Vietnamese or English; on a 360 px phone
// with WebSockets blocked the widget still answers over plain HTTP. Screenshots go to
// test/artifacts/browser/widget-*.png.
import { CHROMIUM, launchChromium, MISSING } from '../support/browser.ts';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, WebSocket as PwSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachChatSockets, type ChatSockets } from '../../src/channels/web/ws.ts';
import { startStaffApp, type StaffApp } from '../support/staff.ts';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'browser');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const STORE_KEY = 'hoidap:demo-tinh';

const QUESTION = 'Gia hạn tạm trú cần giấy tờ gì?';
const FOLLOW_UP = 'thế còn lệ phí?';
const OFFICER_TEXT = 'Bạn nộp tờ khai CT01 tại công an xã nơi đang tạm trú; lệ phí do công an xã thông báo khi tiếp nhận.';

interface Frame {
  type: string;
  [k: string]: unknown;
}

/**
 * Chromium's speech services need Google's servers: in the page, a stand-in SpeechRecognition that
 * the test drives (window.__hear), and a speechSynthesis that records what it was asked to say.
 */
function fakeSpeech() {
  type Result = { transcript: string; confidence: number }[] & { isFinal?: boolean };
  const w = window as unknown as Record<string, unknown>;
  w.__spoken = [];
  let current: { lang: string; onresult: ((e: unknown) => void) | null; onend: (() => void) | null } | null = null;
  w.SpeechRecognition = w.webkitSpeechRecognition = class {
    lang = '';
    interimResults = false;
    continuous = false;
    maxAlternatives = 1;
    onresult: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onend: (() => void) | null = null;
    start() {
      current = this;
      w.__recognizing = this.lang;
    }
    stop() {
      this.onend?.();
    }
  };
  w.__hear = (alternatives: [string, number][], isFinal: boolean) => {
    const result: Result = alternatives.map(([transcript, confidence]) => ({ transcript, confidence }));
    result.isFinal = isFinal;
    current?.onresult?.({ resultIndex: 0, results: [result] });
    if (isFinal) current?.onend?.();
  };
  speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void (w.__spoken as unknown[]).push({ text: u.text, lang: u.lang });
}

/** Every frame of every WebSocket a page opens, in order, parsed. */
function recordFrames(page: Page) {
  const sockets: PwSocket[] = [];
  const sent: Frame[][] = [];
  const received: Frame[] = [];
  page.on('websocket', (ws) => {
    const mine: Frame[] = [];
    sockets.push(ws);
    sent.push(mine);
    ws.on('framesent', (f) => mine.push(JSON.parse(String(f.payload)) as Frame));
    ws.on('framereceived', (f) => received.push(JSON.parse(String(f.payload)) as Frame));
  });
  return { sockets, sent, received };
}

describe('chat widget in a real browser', () => {
  let app: StaffApp | undefined;
  let browser: Browser | undefined;
  let chat: ChatSockets | undefined;
  /** The server's end of every upgraded connection, to drop them as a network failure would. */
  const serverSockets = new Set<Duplex>();
  const contexts: BrowserContext[] = [];
  // Shared between the steps of the scenario, in order.
  let page: Page;
  let frames: ReturnType<typeof recordFrames>;
  let conversationId = '';
  let code = '';

  function need(): { app: StaffApp; browser: Browser; chat: ChatSockets } {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING);
    if (!app || !browser || !chat) throw new Error('the app or the browser did not start (see beforeAll)');
    return { app, browser, chat };
  }
  async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
    const ctx = await need().browser.newContext({ locale: 'vi-VN', viewport: { width: 1200, height: 900 }, ...options });
    contexts.push(ctx);
    const p = await ctx.newPage();
    p.setDefaultTimeout(10_000);
    return p;
  }
  const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, name) });
  const saved = (p: Page) => p.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '{}') as { conversationId?: string; lastDeliveryId?: number; lang?: string }, STORE_KEY);
  const state = (p: Page) => p.locator('#hoidap-widget').getAttribute('data-state');
  /** The element focused inside the widget's shadow root. */
  const focused = (p: Page) =>
    p.evaluate(() => {
      const a = document.getElementById('hoidap-widget')?.shadowRoot?.activeElement;
      return a ? `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}.${a.className}` : null;
    });
  /** Texts put into the widget's aria-live region, recorded by the page from now on. */
  const watchLive = (p: Page) =>
    p.evaluate(() => {
      const w = window as unknown as { __live: string[] };
      w.__live = [];
      const live = document.getElementById('hoidap-widget')!.shadowRoot!.querySelector('[data-live]')!;
      new MutationObserver(() => w.__live.push(live.textContent ?? '')).observe(live, { childList: true, characterData: true, subtree: true });
    });
  const announced = (p: Page) => p.evaluate(() => (window as unknown as { __live: string[] }).__live.filter((t) => t.trim()));
  const answers = (p: Page) => p.locator('.msg.bot[data-answer]');

  async function axe(p: Page) {
    // The demo page's CSP allows no inline <script> (addScriptTag's way): axe runs as DevTools code instead.
    if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(readFileSync(AXE, 'utf8'));
    return p.evaluate(async () => {
      const r = await (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[]; passes: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe.run(document, {
        resultTypes: ['violations', 'passes'],
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      });
      return {
        serious: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) })),
        // Targets inside a shadow root are arrays of selectors, one per root: proof axe looked inside.
        shadowChecked: r.passes.filter((v) => v.nodes.some((n) => Array.isArray(n.target[0]))).map((v) => v.id),
      };
    });
  }

  beforeAll(async () => {
    // Without Chromium, start nothing: every test below then fails with MISSING (no silent skip).
    if (!existsSync(CHROMIUM)) return;
    mkdirSync(SHOTS, { recursive: true });
    [app, browser] = await Promise.all([
      startStaffApp(),
      launchChromium(),
    ]);
    if (!app.server || !app.answers) throw new Error('startStaffApp must expose its http server and answer service');
    chat = attachChatSockets(app.server, { db: app.fx.db, answers: app.answers, deliveries: app.escalation.deliveries, log: () => {} });
    app.server.on('upgrade', (_req, socket: Duplex) => {
      serverSockets.add(socket);
      socket.once('close', () => serverSockets.delete(socket));
    });
  }, 180_000);

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await chat?.close();
    await app?.close();
  }, 60_000);

  it(`has Chromium at ${CHROMIUM}`, () => {
    expect(existsSync(CHROMIUM), MISSING).toBe(true);
  });

  it('answers a question with a streamed answer whose footnotes open to the quote and the official link', async () => {
    const { app, chat } = need();
    page = await newPage();
    await page.addInitScript(fakeSpeech);
    frames = recordFrames(page);
    const res = await page.goto(`${app.base}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toContain('Cổng thông tin điện tử');
    const launcher = page.getByRole('button', { name: 'Mở trợ lý hỏi đáp thủ tục hành chính' });
    await expect.poll(() => launcher.count()).toBe(1);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await state(page), 'no socket before the citizen opens the widget').toBe('idle');

    // Keyboard only: focus the launcher, Enter opens the panel and puts the caret in the question box.
    await launcher.focus();
    await page.keyboard.press('Enter');
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    const dialog = page.getByRole('dialog', { name: 'Trợ lý hỏi đáp thủ tục hành chính' });
    expect(await dialog.isVisible()).toBe(true);
    const animation = () => page.locator('#hoidap-panel').evaluate((el) => getComputedStyle(el).animationName);
    expect(await animation()).toBe('rise');
    await expect.poll(() => focused(page)).toBe('textarea#hoidap-q.');
    await expect.poll(() => state(page)).toBe('online');
    expect(chat.count()).toBe(1);
    expect(await page.getByText('AI có thể sai — hãy kiểm tra nguồn').isVisible()).toBe(true);
    expect(await page.locator('#hoidap-widget').evaluate((el) => el.shadowRoot?.querySelector('.root')?.getAttribute('lang'))).toBe('vi');

    await watchLive(page);
    await page.keyboard.type(QUESTION);
    await page.keyboard.press('Enter');
    await expect.poll(() => answers(page).count()).toBe(1);
    const answer = answers(page).first();
    const text = await answer.locator('.text').innerText();
    expect(text).toContain('Thủ tục “Gia hạn tạm trú” (mã 1.002755)');
    expect(text).toContain('Hồ sơ cần chuẩn bị');
    expect(text).toContain('Tờ khai thay đổi thông tin cư trú');
    expect(await page.locator('.msg.user').last().innerText()).toContain(QUESTION);

    // It came in pieces over the socket, and the pieces make the answer.
    const done = frames.received.find((f) => f.type === 'answer_done')!;
    const deltas = frames.received.filter((f) => f.type === 'answer_delta' && f.id === done.id);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.text).join('')).toBe(done.answer);
    // No language chosen yet: the server answers in the question's.
    expect(frames.sent[0]!.filter((f) => f.type === 'ask')).toEqual([{ type: 'ask', id: done.id, question: QUESTION }]);

    // Announced once, finished — not once per piece.
    await expect.poll(() => announced(page)).toHaveLength(1);
    const [said] = await announced(page);
    expect(said).toMatch(/^Trợ lý trả lời: Thủ tục “Gia hạn tạm trú”/);
    expect(said).not.toContain('[1]');

    // Footnote 1: closed at first; the [1] in the text opens it, showing the quote and the official link.
    const note = answer.locator('details[data-source="1"]');
    expect(await note.getAttribute('open')).toBeNull();
    expect(await note.locator('blockquote').isVisible()).toBe(false);
    await answer.getByRole('button', { name: 'Xem nguồn 1' }).first().click();
    expect(await note.getAttribute('open')).toBe('');
    await expect.poll(() => focused(page)).toBe('summary.');
    expect(await note.locator('summary').innerText()).toContain('Thủ tục 1.002755 – Gia hạn tạm trú');
    const quote = note.locator('blockquote');
    expect(await quote.isVisible()).toBe(true);
    expect(await quote.innerText()).toContain('Tờ khai thay đổi thông tin cư trú');
    const link = note.getByRole('link', { name: /Xem văn bản chính thức/ });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/dichvucong\.gov\.vn\/thu-tuc-hanh-chinh\//);
    expect(await link.getAttribute('rel')).toContain('noopener');

    // Read aloud: the answer without footnote marks or addresses, in Vietnamese.
    const read = answer.locator('button.read');
    expect(await read.innerText()).toBe('Đọc to');
    await read.click();
    expect(await read.getAttribute('aria-pressed')).toBe('true');
    expect(await read.innerText()).toBe('Dừng đọc');
    const [spoken] = await page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);
    expect(spoken!.lang).toBe('vi-VN');
    expect(spoken!.text).toMatch(/^Thủ tục “Gia hạn tạm trú” \(mã 1\.002755\) :/);
    expect(spoken!.text).not.toMatch(/\[1\]|https:/);
    await read.click();
    expect(await read.innerText()).toBe('Đọc to');

    conversationId = String(done.conversationId);
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await saved(page)).conversationId).toBe(conversationId);
    expect(await page.context().cookies(), 'no cookies').toEqual([]);
    await shot(page, 'widget-01-answer.png');
  });

  it('reconnects after the server drops the socket and answers a follow-up in the same conversation', async () => {
    const { chat } = need();
    expect(conversationId, 'needs the conversation from the previous step').not.toBe('');
    expect(serverSockets.size).toBe(1);
    for (const s of serverSockets) s.destroy();
    // A new socket, which says hello with the stored conversation, and the server resumes it.
    await expect.poll(() => frames.sockets.length).toBe(2);
    await expect.poll(() => state(page)).toBe('online');
    expect(chat.count()).toBe(1);
    expect(frames.sent[1]![0]).toEqual({ type: 'hello', lang: 'vi', conversationId });
    expect(frames.received).toContainEqual({ type: 'ready', conversationId, resumed: true });
    expect(await page.locator('#hoidap-widget').evaluate((el) => el.shadowRoot!.querySelector('.status')!.textContent)).toBe('');

    // The follow-up is spoken: the words appear in the box as they are heard, the citizen corrects
    // them, and only their press of Gửi sends it, marked as voice with the recogniser's alternatives.
    const box = page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
    const mic = page.getByRole('button', { name: 'Nói câu hỏi' });
    await mic.click();
    expect(await page.evaluate(() => (window as unknown as { __recognizing: string }).__recognizing)).toBe('vi-VN');
    expect(await page.getByRole('button', { name: 'Dừng ghi âm' }).getAttribute('aria-pressed')).toBe('true');
    await page.evaluate(() => (window as unknown as { __hear: (a: [string, number][], f: boolean) => void }).__hear([['thế còn', 0]], false));
    expect(await box.inputValue()).toBe('thế còn');
    await page.evaluate(() => (window as unknown as { __hear: (a: [string, number][], f: boolean) => void }).__hear([['thế còn lễ phí', 0.62], ['thế còn lệ phí', 0.31]], true));
    expect(await box.inputValue()).toBe('thế còn lễ phí');
    expect(await mic.getAttribute('aria-pressed')).toBe('false');
    expect(await answers(page).count()).toBe(1);
    await box.fill(FOLLOW_UP);
    await page.getByRole('button', { name: 'Gửi', exact: true }).click();
    await expect.poll(() => frames.sent[1]!.filter((f) => f.type === 'ask')).toEqual([
      expect.objectContaining({ question: FOLLOW_UP, channel: 'voice', alternatives: [{ text: 'thế còn lễ phí', confidence: 0.62 }, { text: 'thế còn lệ phí', confidence: 0.31 }] }),
    ]);
    await expect.poll(() => answers(page).count()).toBe(2);
    // "What about the fee?" means nothing alone: the answer about the extension's fee shows the context held.
    const text = await answers(page).nth(1).locator('.text').innerText();
    expect(text).toContain('Gia hạn tạm trú');
    expect(text).toContain('Phí, lệ phí');
    const done = frames.received.filter((f) => f.type === 'answer_done');
    expect(done).toHaveLength(2);
    expect(done[1]!.conversationId).toBe(conversationId);
    expect(done[1]!.rewrittenQuestion).toContain('Gia hạn tạm trú');
    expect((await saved(page)).conversationId).toBe(conversationId);
    await shot(page, 'widget-02-reconnected-follow-up.png');
  });

  it('escalates with "Gặp cán bộ", shows the ticket code, and shows the officer\'s answer live', async () => {
    const { app } = need();
    expect(conversationId, 'needs the conversation from the previous steps').not.toBe('');
    await page.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
    await page.getByRole('button', { name: 'Gặp cán bộ' }).click();
    const escalated = page.locator('.msg.bot[data-status="escalated"]');
    await expect.poll(() => escalated.count()).toBe(1);
    code = (await escalated.locator('.ticket .code').innerText()).trim();
    expect(code).toMatch(/^HD-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(await escalated.locator('.ticket').innerText()).toContain('Công an cấp xã');
    expect(await escalated.getByRole('link', { name: /Theo dõi phiếu/ }).getAttribute('href')).toBe(`${app.base}/tickets/${code}`);
    await expect.poll(async () => (await announced(page)).some((t) => t.includes(`Mã phiếu: ${code}`))).toBe(true);
    const [ticket] = await app.fx.db.query<{ agency: string; conversation_id: string }>('SELECT agency, conversation_id FROM tickets WHERE code = $1', [code]);
    expect(ticket).toEqual({ agency: 'cong-an-xa', conversation_id: conversationId });

    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${code}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    const sent = await officer.fetch(`/staff/api/tickets/${code}/answer`, { method: 'POST', json: { text: OFFICER_TEXT } });
    expect(sent.status, await sent.clone().text()).toBe(200);

    const reply = page.locator('.msg.officer');
    await expect.poll(() => reply.count(), { timeout: 5_000 }).toBe(1);
    expect(await reply.locator('.who').innerText()).toBe(`Cán bộ trả lời (mã ${code})`);
    expect(await reply.locator('.text').innerText()).toContain(OFFICER_TEXT);
    await expect.poll(async () => (await announced(page)).at(-1)).toContain(OFFICER_TEXT);
    expect(await page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept), 'no reload').toBe(true);
    expect((await saved(page)).lastDeliveryId).toBeGreaterThan(0);
    await shot(page, 'widget-03-officer-answer.png');
  });

  it('has no serious accessibility violations, in Vietnamese and in English, and works from the keyboard', async () => {
    expect(conversationId, 'needs the page from the previous steps').not.toBe('');
    // The reason form of a thumbs-down, open, is part of what is checked.
    const first = answers(page).first();
    await first.getByRole('button', { name: 'Câu trả lời chưa hữu ích' }).click();
    const reason = first.getByRole('textbox', { name: /Vì sao câu trả lời chưa giúp được bạn/ });
    expect(await reason.isVisible()).toBe(true);
    await expect.poll(() => focused(page)).toMatch(/^textarea#hoidap-r-/);

    const vi = await axe(page);
    expect(vi.serious).toEqual([]);
    expect(vi.shadowChecked).toEqual(expect.arrayContaining(['button-name', 'label', 'color-contrast']));

    await reason.fill('Tôi cần biết nộp ở đâu');
    await first.getByRole('button', { name: 'Gửi góp ý' }).click();
    // Focus goes to the officer button the reply suggests.
    await expect.poll(() => focused(page)).toMatch(/^button\.officer-btn/);
    await expect.poll(() => first.locator('.note').innerText()).toContain('Gặp cán bộ');
    const answerId = await first.getAttribute('data-answer');
    const fb = await need().app.fx.db.query<{ helpful: boolean; reason: string }>('SELECT f.helpful, f.reason FROM answer_feedback f JOIN answers a ON a.id = f.answer_id WHERE a.id = $1', [answerId]);
    expect(fb).toEqual([{ helpful: false, reason: 'Tôi cần biết nộp ở đâu' }]);

    // English: labels, notice and the lang attribute follow; answers keep their language.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    const root = page.locator('#hoidap-widget').locator('.root');
    expect(await root.getAttribute('lang')).toBe('en');
    expect(await page.getByText('AI can be wrong — check the sources').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Talk to an officer' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Your question' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).getAttribute('lang')).toBe('vi');
    expect(await first.getAttribute('lang')).toBe('vi');
    expect((await saved(page)).lang).toBe('en');
    const en = await axe(page);
    expect(en.serious).toEqual([]);
    await shot(page, 'widget-04-english.png');

    // Escape closes and gives focus back to the launcher; Enter opens again, into the question box.
    await page.getByRole('textbox', { name: 'Your question' }).focus();
    await page.keyboard.press('Escape');
    const launcher = page.getByRole('button', { name: 'Ask the public services assistant' });
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => focused(page)).toMatch(/^button\.launcher/);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('textarea#hoidap-q.');
    // Every control is reachable with Tab, in order from the launcher, and has a name.
    await launcher.focus();
    const names: string[] = [];
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(() => {
        const a = document.getElementById('hoidap-widget')?.shadowRoot?.activeElement as HTMLElement | null | undefined;
        if (!a) return null;
        const label = (a as HTMLTextAreaElement).labels?.[0]?.textContent;
        return (a.getAttribute('aria-label') ?? label ?? a.innerText ?? '').trim();
      });
      if (name === null) break; // out of the widget
      names.push(name);
    }
    expect(names.slice(0, 3)).toEqual(['Chuyển sang tiếng Việt', 'Close the assistant', 'Conversation']);
    expect(names).toEqual(expect.arrayContaining(['Xem nguồn 1', 'Your question', 'Send', 'Talk to an officer']));
    expect(names.at(-1)).toBe('Talk to an officer');
    expect(names.filter((n) => !n), 'a focusable control without a name').toEqual([]);
  });

  it('fits a 360 px phone and, with WebSockets blocked, answers over plain HTTP', async () => {
    const { app } = need();
    const phone = await newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    // A network that accepts the upgrade and then drops it at once, every time.
    let blocked = 0;
    await phone.routeWebSocket(/\/v1\/chat\/ws/, (ws) => {
      blocked++;
      void ws.close();
    });
    const asks: string[] = [];
    phone.on('request', (r) => {
      if (r.url().endsWith('/v1/ask')) asks.push(r.postData() ?? '');
    });
    await phone.emulateMedia({ reducedMotion: 'reduce' });
    await phone.goto(`${app.base}/`);
    const launcher = phone.getByRole('button', { name: 'Mở trợ lý hỏi đáp thủ tục hành chính' });
    await launcher.click();
    await shot(phone, 'widget-05-phone-open.png');
    expect(await phone.locator('#hoidap-panel').evaluate((el) => getComputedStyle(el).animationName), 'no motion when the phone asks for none').toBe('none');
    const box = await phone.locator('#hoidap-panel').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 360, height: 740 });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expect.poll(() => state(phone), { timeout: 15_000 }).toBe('http');
    expect(blocked).toBe(3);

    await phone.getByRole('textbox', { name: 'Câu hỏi của bạn' }).fill(QUESTION);
    await phone.getByRole('button', { name: 'Gửi', exact: true }).tap();
    await expect.poll(() => answers(phone).count()).toBe(1);
    const answer = answers(phone).first();
    expect(await answer.locator('.text').innerText()).toContain('Thủ tục “Gia hạn tạm trú” (mã 1.002755)');
    expect(await answer.locator('details[data-source="1"] blockquote').textContent()).toContain('Tờ khai thay đổi thông tin cư trú');
    expect(asks).toHaveLength(1);
    expect(JSON.parse(asks[0]!)).toEqual({ question: QUESTION, channel: 'web' });
    const phoneConversation = (await saved(phone)).conversationId;
    expect(phoneConversation).toMatch(/^[0-9a-f-]{36}$/);
    expect(phoneConversation).not.toBe(conversationId);
    // Nothing wider than the screen, the answer included.
    expect(await phone.evaluate(() => document.getElementById('hoidap-widget')!.shadowRoot!.querySelector('.log')!.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(phone, 'widget-06-phone-http-answer.png');

    // Escalation and the officer's answer, by polling.
    await phone.getByRole('button', { name: 'Gặp cán bộ' }).tap();
    const escalated = phone.locator('.msg.bot[data-status="escalated"] .ticket .code');
    await expect.poll(() => escalated.count()).toBe(1);
    const phoneCode = (await escalated.innerText()).trim();
    const officer = await app.login('officerA');
    expect((await officer.fetch(`/staff/api/tickets/${phoneCode}/claim`, { method: 'POST', json: {} })).status).toBe(200);
    expect((await officer.fetch(`/staff/api/tickets/${phoneCode}/answer`, { method: 'POST', json: { text: OFFICER_TEXT } })).status).toBe(200);
    await expect.poll(() => phone.locator('.msg.officer .text').innerText(), { timeout: 12_000 }).toContain(OFFICER_TEXT);
    expect(blocked, 'no socket attempts once on HTTP').toBe(3);
    await shot(phone, 'widget-07-phone-officer.png');
  });
});
