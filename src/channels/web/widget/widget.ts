// The citizen's chat widget, embedded on a portal with one tag:
//   <script src="https://…/widget.js" data-portal="ten-cong" async></script>
// It draws a launcher button and a chat panel inside a shadow root (the portal's styles and ours
// stay apart), talks to the server over the WebSocket protocol in ../protocol.ts (types only: no zod
// in the bundle) or plain HTTP when sockets are blocked, and keeps only the conversation id and the
// last officer message id, per portal, in localStorage.
//
// Optional attributes: data-lang="en" (starting language), data-transport="http" (never use the
// WebSocket; `?hoidap-transport=http` on the page's address does the same, for support staff).
import type { Citation, ServerFrame } from '../protocol.ts';
import { css } from './styles.ts';
import { fmt, strings, type Lang, type Strings } from './strings.ts';
import { createTransport, localStore, type ConnState, type UserFrame } from './transport.ts';
import { canRecognize, canSpeak, createRecognizer, speak, type Alternative, type Recognizer } from './voice.ts';

type Done = Extract<ServerFrame, { type: 'answer_done' }>;
type Kid = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | undefined | ((e: Event) => void)>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: Kid[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v as string;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
  return el;
}

const ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
const ICON_MIC = 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2z';
// Material Design's thumb (Apache 2.0); emoji would need an emoji font, which many phones and kiosks lack.
const ICON_THUMB = 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
function icon(path: string, flip = false): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(NS, 'path');
  p.setAttribute('d', path);
  if (flip) p.setAttribute('transform', 'rotate(180 12 12)');
  svg.append(p);
  return svg;
}

const TOKEN = /\[(\d{1,2})\]|https?:\/\/[^\s<>"'“”]+/g;

/** Answer text with its [n] markers as buttons that open footnote n, and its addresses as links. */
function richText(text: string, sources: { has(n: number): boolean; open(n: number): void } | null, L: Strings): DocumentFragment {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const m of text.matchAll(TOKEN)) {
    const i = m.index ?? 0;
    if (i > at) out.append(text.slice(at, i));
    if (m[1] !== undefined) {
      const n = Number(m[1]);
      out.append(sources?.has(n) ? h('button', { type: 'button', class: 'cite', 'aria-label': fmt(L.openSourceN, { n }), onclick: () => sources.open(n) }, String(n)) : m[0]);
      at = i + m[0].length;
      continue;
    }
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    out.append(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url));
    at = i + url.length;
  }
  if (at < text.length) out.append(text.slice(at));
  return out;
}

/** What a speaker should say: no footnote markers, no addresses. */
const spoken = (text: string) => text.replace(/\[\d{1,2}\]/g, '').replace(/https?:\/\/\S+/g, '').replace(/\s+/g, ' ').trim();

function formatDue(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
}

function mount(base: string, portal: string, opts: { lang?: string | undefined; forceHttp: boolean }) {
  const store = localStore(portal);
  // The answer language is the citizen's choice once they make one (the switch, or the portal's
  // data-lang); until then the server answers in the language of the question.
  let chosen: Lang | undefined = store.get().lang ?? (opts.lang === 'en' || opts.lang === 'vi' ? opts.lang : undefined);
  let lang: Lang = chosen ?? 'vi';
  const L = () => strings[lang];
  let seq = 0;
  const newId = () => `w${Date.now().toString(36)}${(seq++).toString(36)}`;

  const host = h('div', { id: 'hoidap-widget', 'data-portal': portal });
  const shadow = host.attachShadow({ mode: 'open' });

  // Static texts, re-drawn when the language changes; messages keep the language they came in.
  const bound: [Element, keyof Strings, string | null][] = [];
  function bind<E extends Element>(el: E, key: keyof Strings, attr: string | null = null): E {
    bound.push([el, key, attr]);
    return el;
  }
  function redraw() {
    root.setAttribute('lang', lang);
    for (const [el, key, attr] of bound) {
      if (attr) el.setAttribute(attr, L()[key]);
      else el.textContent = L()[key];
    }
    langBtn.setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
    launcher.setAttribute('aria-label', unread ? L().launcherUnread : L().launcherLabel);
    mic.setAttribute('aria-label', listening ? L().micStop : L().micStart);
  }

  // ---- the frame ----
  const launcher = h('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'hoidap-panel', onclick: () => (panel.hidden ? open() : close()) }, icon(ICON_CHAT), bind(h('span'), 'launcher'), h('span', { class: 'badge', 'aria-hidden': 'true' }));
  const langBtn = h('button', { type: 'button', class: 'lang', onclick: () => switchLang() });
  bind(langBtn, 'switchLang');
  bind(langBtn, 'switchLangLabel', 'aria-label');
  const closeBtn = bind(h('button', { type: 'button', class: 'close', onclick: () => close() }, '×'), 'close', 'aria-label');
  const live = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-live': '' });
  const status = h('div', { class: 'status', role: 'status' });
  const log = bind(h('div', { class: 'log', role: 'region', tabindex: '0' }), 'conversation', 'aria-label');
  const input = bind(h('textarea', { id: 'hoidap-q', rows: '1', maxlength: '2000', autocomplete: 'off' }), 'placeholder', 'placeholder');
  const mic = h('button', { type: 'button', class: 'mic', 'aria-pressed': 'false', hidden: !canRecognize(), onclick: () => toggleMic() }, icon(ICON_MIC));
  const sendBtn = bind(h('button', { type: 'submit', class: 'send' }), 'send');
  const form = h(
    'form',
    { class: 'composer', onsubmit: (e) => (e.preventDefault(), submit()) },
    bind(h('label', { for: 'hoidap-q', class: 'sr-only' }), 'questionLabel'),
    input,
    mic,
    sendBtn,
  );
  const officerBtn = bind(h('button', { type: 'button', class: 'officer-btn', onclick: () => escalate() }), 'officer');
  bind(officerBtn, 'officerHint', 'title');
  const panel = h(
    'section',
    { id: 'hoidap-panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'hoidap-title', hidden: true },
    h('header', {}, bind(h('h2', { id: 'hoidap-title' }), 'title'), langBtn, closeBtn),
    bind(h('p', { class: 'notice' }), 'aiNotice'),
    status,
    log,
    live,
    form,
    officerBtn,
  );
  const root = h('div', { class: 'root' }, launcher, panel);
  shadow.append(h('style', {}, css), root);

  // ---- state ----
  let unread = false;
  let listening = false;
  let recognizer: Recognizer | null = null;
  let voice: Alternative[] | null = null;
  const answers = new Map<string, { el: HTMLElement; text: HTMLElement; raw: string }>();
  const byAnswerId = new Map<string, HTMLElement>();
  const sent = new Map<string, UserFrame>();
  const seenDeliveries = new Set<number>();
  let welcomed = false;

  const transport = createTransport({
    base,
    store,
    lang: () => lang,
    officerRequest: (l) => strings[l].officerRequest,
    forceHttp: opts.forceHttp,
    onFrame,
    onState,
  });

  function onState(s: ConnState) {
    host.setAttribute('data-state', s);
    status.textContent = s === 'reconnecting' ? L().reconnecting : '';
  }

  let lastAnnounced = '';
  function announce(text: string) {
    // The same words twice in a row would not be read again; a trailing space makes them new.
    lastAnnounced = text === lastAnnounced ? `${text}\u00a0` : text;
    live.textContent = lastAnnounced;
  }

  /** Follows the conversation down, but never past the start of a message taller than the view. */
  function scroll(el: HTMLElement | null = null) {
    const target = el ?? (log.lastElementChild as HTMLElement | null);
    log.scrollTop = target && target.offsetHeight > log.clientHeight ? target.offsetTop - 8 : log.scrollHeight;
  }

  function add(el: HTMLElement): HTMLElement {
    log.append(el);
    scroll(el);
    return el;
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    setUnread(false);
    if (!welcomed) {
      welcomed = true;
      // First in the log, even when an officer's message came in before the panel was opened.
      log.prepend(h('div', { class: 'msg bot', lang }, h('span', { class: 'who' }, L().assistant), h('div', { class: 'text' }, L().welcome)));
    }
    transport.start();
    input.focus();
  }

  function close() {
    if (panel.hidden) return;
    if (listening) recognizer?.stop();
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  function setUnread(v: boolean) {
    unread = v;
    launcher.classList.toggle('unread', v);
    launcher.setAttribute('aria-label', v ? L().launcherUnread : L().launcherLabel);
  }

  function switchLang() {
    lang = chosen = lang === 'vi' ? 'en' : 'vi';
    store.set({ lang });
    if (listening) recognizer?.stop();
    redraw();
    langBtn.focus();
  }

  // ---- sending ----
  function send(f: UserFrame) {
    if (f.type !== 'feedback') sent.set(f.id, f);
    transport.send(f);
  }

  function submit() {
    const question = input.value.trim();
    if (!question) return input.focus();
    if (listening) recognizer?.stop();
    const id = newId();
    add(h('div', { class: 'msg user', lang }, h('span', { class: 'who sr-only' }, `${L().you}:`), h('div', { class: 'text' }, question)));
    send({ type: 'ask', id, question, ...(chosen ? { lang: chosen } : {}), ...(voice ? { channel: 'voice' as const, alternatives: voice } : {}) });
    voice = null;
    input.value = '';
    input.focus();
  }

  function escalate() {
    const id = newId();
    add(h('div', { class: 'msg user', lang }, h('span', { class: 'who sr-only' }, `${L().you}:`), h('div', { class: 'text' }, L().officerRequest)));
    send({ type: 'escalate', id, ...(chosen ? { lang: chosen } : {}) });
  }

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    if (!input.value.trim()) voice = null; // cleared: no longer a spoken question
  });

  // ---- voice ----
  function toggleMic() {
    if (listening) return recognizer?.stop();
    recognizer = createRecognizer(lang, {
      onText: (text) => (input.value = text),
      onFinal: (alts) => (voice = alts),
      onEnd: (error) => {
        listening = false;
        mic.setAttribute('aria-pressed', 'false');
        mic.setAttribute('aria-label', L().micStart);
        status.textContent = error && error !== 'aborted' ? L().micError : '';
        input.focus();
      },
    });
    if (!recognizer) return;
    listening = true;
    voice = null;
    mic.setAttribute('aria-pressed', 'true');
    mic.setAttribute('aria-label', L().micStop);
    status.textContent = L().listening;
    try {
      recognizer.start();
    } catch {
      listening = false;
      mic.setAttribute('aria-pressed', 'false');
      status.textContent = L().micError;
    }
  }

  // ---- receiving ----
  function answerView(id: string) {
    let v = answers.get(id);
    if (!v) {
      const text = h('div', { class: 'text typing' });
      const el = add(h('div', { class: 'msg bot', lang, 'aria-busy': 'true', 'data-request': id }, h('span', { class: 'who' }, L().assistant), h('span', { class: 'sr-only' }, L().answering), text));
      v = { el, text, raw: '' };
      answers.set(id, v);
    }
    return v;
  }

  function onFrame(f: ServerFrame) {
    switch (f.type) {
      case 'ready':
        return;
      case 'answer_start':
        answerView(f.id);
        return;
      case 'answer_delta': {
        const v = answerView(f.id);
        v.text.classList.remove('typing');
        v.raw += f.text;
        v.text.textContent = v.raw;
        scroll(v.el);
        return;
      }
      case 'answer_done':
        return finish(f);
      case 'ticket_update': {
        if (seenDeliveries.has(f.deliveryId)) return;
        seenDeliveries.add(f.deliveryId);
        const who = f.ticketCode ? fmt(L().officerReply, { code: f.ticketCode }) : L().officerReplyNoCode;
        add(h('div', { class: 'msg officer', lang, 'data-delivery': String(f.deliveryId) }, h('span', { class: 'who' }, who), h('div', { class: 'text' }, richText(f.text, null, L()))));
        announce(fmt(L().announceOfficer, { text: f.text }));
        if (panel.hidden) setUnread(true);
        return;
      }
      case 'feedback_ok': {
        const el = byAnswerId.get(f.answerId);
        el?.append(h('p', { class: 'note', role: 'status' }, f.offerOfficer ? L().feedbackOffer : L().feedbackThanks));
        return;
      }
      case 'error':
        return failed(f);
      case 'pong':
        return;
    }
  }

  function failed(f: Extract<ServerFrame, { type: 'error' }>) {
    const frame = f.id ? sent.get(f.id) : undefined;
    const lost = f.code === 'connection_lost';
    const message = lost ? L().lostAnswer : f.message || L().errorGeneric;
    const target = f.id ? answerView(f.id) : null;
    const note = h('p', { class: 'note error', role: 'alert' }, message);
    if (target) {
      answers.delete(f.id!);
      target.el.removeAttribute('aria-busy');
      target.text.classList.remove('typing');
      target.el.append(note);
      if (lost && frame) {
        const retry = h('button', { type: 'button', class: 'retry', onclick: () => (retry.remove(), note.remove(), target.el.remove(), send({ ...frame, id: newId() } as UserFrame)) }, L().retry);
        target.el.append(retry);
      }
    } else {
      add(h('div', { class: 'msg bot' }, note));
    }
  }

  function finish(f: Done) {
    const v = answerView(f.id);
    answers.delete(f.id);
    const al: Lang = f.lang === 'en' ? 'en' : 'vi';
    const A = strings[al];
    const el = v.el;
    el.setAttribute('lang', al);
    el.setAttribute('data-answer', f.answerId);
    el.setAttribute('data-status', f.status);
    el.removeAttribute('aria-busy');
    el.replaceChildren(h('span', { class: 'who' }, A.assistant));
    byAnswerId.set(f.answerId, el);

    const notes = new Map<number, HTMLDetailsElement>();
    const sources = {
      has: (n: number) => f.citations.some((c) => c.n === n),
      open(n: number) {
        const d = notes.get(n);
        if (!d) return;
        d.open = true;
        d.querySelector('summary')?.focus();
      },
    };
    el.append(h('div', { class: 'text' }, richText(f.answer, sources, A)));

    if (f.citations.length) {
      const list = h('ol', { class: 'sources', 'aria-label': A.sources });
      for (const c of f.citations) {
        const d = footnote(c, A);
        notes.set(c.n, d);
        list.append(h('li', {}, d));
      }
      el.append(list);
    }
    if (f.ticket) {
      const t = f.ticket;
      el.append(
        h(
          'div',
          { class: 'ticket', 'data-ticket': t.code },
          h(
            'dl',
            {},
            h('dt', {}, A.ticketCode),
            h('dd', { class: 'code' }, t.code),
            h('dt', {}, A.ticketAgency),
            h('dd', {}, t.agencyName ?? t.agency),
            h('dt', {}, A.ticketDue),
            h('dd', {}, formatDue(t.dueAt, al)),
          ),
          h('a', { href: `${base}/tickets/${encodeURIComponent(t.code)}`, target: '_blank', rel: 'noopener' }, `${A.ticketTrack} ${A.newTab}`),
        ),
      );
    }
    el.append(actions(f, A, al));
    scroll(el);
    announce(f.ticket ? `${fmt(A.announceAnswer, { text: spoken(f.answer) })} ${fmt(A.announceTicket, { code: f.ticket.code })}` : fmt(A.announceAnswer, { text: spoken(f.answer) }));
  }

  function footnote(c: Citation, A: Strings): HTMLDetailsElement {
    return h(
      'details',
      { 'data-source': String(c.n) },
      h('summary', {}, h('span', { class: 'sr-only' }, `${fmt(A.sourceN, { n: c.n })}: `), h('span', { 'aria-hidden': 'true' }, `[${c.n}] `), c.ref || c.title),
      h('blockquote', {}, c.quote),
      c.url ? h('p', {}, h('a', { href: c.url, target: '_blank', rel: 'noopener noreferrer' }, `${A.officialLink} ${A.newTab}`)) : null,
    );
  }

  function actions(f: Done, A: Strings, al: Lang): HTMLElement {
    const row = h('div', { class: 'actions' });
    if (canSpeak() && f.answer) {
      let stop: (() => void) | null = null;
      const read = h('button', { type: 'button', class: 'read', 'aria-pressed': 'false' }, A.readAloud);
      const reset = () => {
        stop = null;
        read.textContent = A.readAloud;
        read.setAttribute('aria-pressed', 'false');
      };
      read.addEventListener('click', () => {
        if (stop) return stop();
        read.textContent = A.stopReading;
        read.setAttribute('aria-pressed', 'true');
        stop = speak(spoken(f.answer), al, reset);
      });
      row.append(read);
    }
    if (f.status === 'answered') {
      const up = h('button', { type: 'button', 'aria-pressed': 'false', 'aria-label': A.helpful }, icon(ICON_THUMB));
      const down = h('button', { type: 'button', 'aria-pressed': 'false', 'aria-label': A.notHelpful, 'aria-expanded': 'false' }, icon(ICON_THUMB, true));
      // Given once. aria-disabled rather than disabled, so the focused button keeps the focus.
      let given = false;
      const done = (b: HTMLButtonElement) => {
        given = true;
        b.setAttribute('aria-pressed', 'true');
        for (const x of [up, down]) x.setAttribute('aria-disabled', 'true');
      };
      up.addEventListener('click', () => {
        if (given) return;
        done(up);
        send({ type: 'feedback', answerId: f.answerId, helpful: true });
      });
      down.addEventListener('click', () => {
        if (given || row.parentElement?.querySelector('.fb')) return;
        down.setAttribute('aria-expanded', 'true');
        const rid = `hoidap-r-${f.answerId}`;
        const reason = h('textarea', { id: rid, maxlength: '1000', rows: '2' });
        const fb = h(
          'form',
          {
            class: 'fb',
            onsubmit: (e) => {
              e.preventDefault();
              done(down);
              down.removeAttribute('aria-expanded');
              const text = reason.value.trim();
              // The form goes away; focus goes to what the reply will suggest next.
              officerBtn.focus();
              fb.remove();
              send({ type: 'feedback', answerId: f.answerId, helpful: false, ...(text ? { reason: text } : {}) });
            },
          },
          h('label', { for: rid }, A.reasonLabel),
          reason,
          h('button', { type: 'submit' }, A.reasonSend),
        );
        row.after(fb);
        reason.focus();
      });
      row.append(up, down);
    }
    return row;
  }

  // Escape closes the panel from anywhere in the widget, and focus goes back to the launcher.
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) {
      e.stopPropagation();
      close();
    }
  });

  redraw();
  onState(transport.state());
  document.body.append(host);
  // A returning citizen with a conversation hears from officers even before opening the panel.
  if (store.get().conversationId) transport.start();
}

(function boot() {
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
  if (!script || document.getElementById('hoidap-widget')) return;
  // The server is wherever the script came from, path prefix included (https://…/hoidap/widget.js).
  const src = new URL(script.src, location.href);
  const base = src.origin + src.pathname.replace(/\/[^/]*$/, '');
  const portal = (script.dataset.portal ?? '').trim() || location.hostname || 'default';
  const forceHttp = script.dataset.transport === 'http' || new URLSearchParams(location.search).get('hoidap-transport') === 'http';
  const start = () => mount(base, portal, { lang: script.dataset.lang, forceHttp });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
