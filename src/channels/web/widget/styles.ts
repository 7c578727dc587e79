// The widget's styles, inside its shadow root: nothing leaks out, and `all: initial` on the host
// keeps the portal's inherited fonts and colours out. Colours meet WCAG AA contrast (4.5:1 for
// text); on a phone the panel fills the screen.
export const css = `
:host{all:initial}
*,*::before,*::after{box-sizing:border-box}
.root{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1a1a1a;-webkit-text-size-adjust:100%}
.sr-only{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
button,textarea,input{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.launcher{position:fixed;right:16px;bottom:16px;z-index:2147483646;display:flex;align-items:center;gap:8px;min-height:56px;padding:0 20px;border:0;border-radius:28px;background:#9b1c1c;color:#fff;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.3)}
.launcher:hover{background:#7f1414}
.launcher svg{width:24px;height:24px;fill:currentColor}
.badge{display:none;min-width:12px;height:12px;border-radius:6px;background:#facc15;box-shadow:0 0 0 2px #9b1c1c}
.unread .badge{display:inline-block}
.panel{position:fixed;right:16px;bottom:84px;z-index:2147483647;display:flex;flex-direction:column;width:400px;max-width:calc(100vw - 32px);height:min(680px,calc(100vh - 100px));background:#fff;border:1px solid #767676;border-radius:12px;box-shadow:0 10px 30px rgba(0,0,0,.3);overflow:hidden;animation:rise .18s ease-out}
.panel[hidden]{display:none}
@keyframes rise{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}
header{display:flex;align-items:center;gap:8px;padding:8px 8px 8px 14px;background:#9b1c1c;color:#fff}
header h2{flex:1;margin:0;font-size:1rem;line-height:1.3}
header button{min-width:44px;min-height:44px;padding:0 10px;border:1px solid rgba(255,255,255,.7);border-radius:8px;background:transparent;color:#fff}
header button:hover{background:rgba(255,255,255,.15)}
header :focus-visible{outline-color:#fff}
.notice{margin:0;padding:6px 14px;background:#fff4d6;color:#5c3b00;font-size:.875rem;border-bottom:1px solid #e5d3a1}
.status{padding:0 14px;font-size:.875rem;color:#5c3b00;background:#fff4d6}
.status:empty{display:none}
.log{position:relative;flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:12px;overscroll-behavior:contain}
.msg{max-width:92%;padding:10px 12px;border-radius:12px;overflow-wrap:anywhere}
.msg .who{display:block;font-size:.8125rem;font-weight:600;color:#4a4a4a;margin-bottom:2px}
.user{align-self:flex-end;background:#9b1c1c;color:#fff}
.user .who{color:#fff}
.bot{align-self:flex-start;background:#f3f4f6}
.officer{align-self:flex-start;background:#e8f1ec;border-left:4px solid #166534}
.text{white-space:pre-wrap}
.text a,.sources a,.ticket a{color:#1d4ed8;text-decoration:underline}
.officer .who{color:#14532d}
.typing::after{content:"…";display:inline-block;animation:blink 1s steps(2) infinite}
@keyframes blink{50%{opacity:.2}}
.cite{min-width:24px;min-height:24px;margin:0 1px;padding:0 4px;border:1px solid #1d4ed8;border-radius:4px;background:#fff;color:#1d4ed8;font-size:.8125rem;line-height:1.4;vertical-align:baseline}
.sources{margin:8px 0 0;padding:0;list-style:none;font-size:.9375rem}
.sources li{margin-top:4px}
details{border:1px solid #c4c4c4;border-radius:6px;background:#fff}
summary{padding:6px 8px;cursor:pointer;min-height:44px;display:list-item}
details blockquote{margin:0 8px 6px;padding:4px 8px;border-left:3px solid #9b1c1c;color:#333;white-space:pre-wrap}
details p{margin:0 8px 8px}
.ticket{margin-top:8px;padding:8px;border:1px dashed #166534;border-radius:6px;background:#fff}
.ticket dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 8px}
.ticket dt{font-weight:600}
.ticket dd{margin:0}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700;letter-spacing:.02em}
.actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.actions button,.fb button,.retry{min-height:44px;min-width:44px;padding:0 10px;border:1px solid #767676;border-radius:8px;background:#fff;color:#1a1a1a}
.actions svg{width:20px;height:20px;fill:currentColor;vertical-align:middle}
.actions button[aria-disabled=true]:not([aria-pressed=true]){color:#595959;border-color:#b0b0b0}
.actions button[aria-pressed=true]{background:#1d4ed8;border-color:#1d4ed8;color:#fff}
.fb{margin-top:8px;display:flex;flex-direction:column;gap:6px}
.fb textarea{width:100%;min-height:60px;padding:6px;border:1px solid #767676;border-radius:6px;resize:vertical}
.note{margin:6px 0 0;font-size:.9375rem}
.error{color:#9b1c1c}
form.composer{display:flex;align-items:flex-end;gap:6px;padding:8px 10px;border-top:1px solid #c4c4c4}
form.composer textarea{flex:1;min-height:44px;max-height:140px;padding:10px;border:1px solid #767676;border-radius:8px;resize:none}
.mic,.send{min-width:44px;min-height:44px;border-radius:8px;border:1px solid #767676;background:#fff}
.mic svg{width:22px;height:22px;fill:#1a1a1a}
.mic[aria-pressed=true]{background:#9b1c1c;border-color:#9b1c1c}
.mic[aria-pressed=true] svg{fill:#fff}
.mic[hidden]{display:none}
.send{padding:0 14px;background:#9b1c1c;border-color:#9b1c1c;color:#fff;font-weight:600}
.officer-btn{margin:0 10px 10px;min-height:44px;border:2px solid #166534;border-radius:8px;background:#fff;color:#14532d;font-weight:600}
.officer-btn:hover,.actions button:hover,.mic:hover{background:#f0f0f0}
.send:hover{background:#7f1414}
@media (max-width:480px){
  .panel{inset:0;right:0;bottom:0;width:100%;max-width:100%;height:100%;border-radius:0;border:0}
  .launcher{right:12px;bottom:12px}
  .msg{max-width:100%}
}
@media (prefers-reduced-motion:reduce){
  .panel,.typing::after{animation:none}
}
@media (forced-colors:active){
  .launcher,.send,.user{border:1px solid CanvasText}
}
`;
