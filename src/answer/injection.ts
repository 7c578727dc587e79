// Prompt-injection detection. A citizen's question and a document's text are data: anything in them
// that reads as an order to the assistant (drop your rules, play another role, print your prompt,
// say this exact thing) is found here, with and without diacritics and through the usual disguises
// (spaced or leet letters, look-alike letters, base64, ROT13, reversed text, invisible tag characters).
//
// Patterns are anchored on what an attacker must say to address the assistant ("các quy tắc *trước
// đó*", "*hãy* đóng vai", "*your* instructions"), not on words citizens use every day ("hướng dẫn
// thủ tục", "bỏ qua hạn nộp", "vai trò của UBND", "hệ thống dịch vụ công").
import { fold } from '../text/normalize.ts';

export type InjectionKind = 'override' | 'roleplay' | 'extraction' | 'directive' | 'delimiter' | 'markup' | 'encoded';

export interface InjectionHit {
  kind: InjectionKind;
  /** The variant of the text the pattern matched in (plain, despaced, leet, base64, rot13, reversed, tags). */
  via: string;
  match: string;
}

// ---- Patterns over folded words (lowercase, no diacritics, punctuation as single spaces) ----

const W = '(?: [a-z0-9]+)'; // one more word
const OVERRIDE_VERB_VI = '(?:bo qua|phot lo|lo di|quen (?:di|het|sach)?|bat chap|vo hieu hoa|huy bo|xoa bo|dung (?:tuan theo|lam theo|tuan thu)|ngung (?:tuan theo|lam theo|tuan thu)|khong (?:can |phai )?(?:tuan theo|lam theo|tuan thu)|vuot qua|pha bo|go bo)';
const RULE_NOUN_VI = '(?:huong dan|chi dan|chi thi|quy tac|lenh|menh lenh|rang buoc|gioi han|nguyen tac|cau lenh|prompt|thiet lap|cai dat|loi dan|loi nhac|dieu cam|bo loc|kiem duyet)';
// What makes "các quy tắc" the assistant's own: "trước đó", "ở trên", "của bạn", "hệ thống"…
// What makes "các quy tắc" the assistant's own: "trước đó", "ở trên", "của bạn"… (a few words may
// come between) or, right after the noun, "hệ thống", "gốc", "trước".
const RULE_OWNER_VI = '(?:truoc do|truoc day|o tren|phia tren|tren day|ben tren|cua (?:ban|may|tro ly|he thong|nha phat trien|chatbot|ai)|ban dau|an toan|da (?:duoc )?(?:cho|giao|dat|thiet lap|cai dat|dan|day) (?:cho )?(?:ban|may)|duoc giao|ban duoc giao|ma ban (?:duoc|da|dang|phai))';
const RULE_OWNER_VI_NEXT = '(?:truoc(?! do| day)|he thong|goc|an|bi mat|noi bo)';
// "… trước đó của cán bộ": someone else's instructions, which a citizen may well ask about.
const NOT_OTHERS = '(?! cua (?!ban\\b|may\\b|tro ly|he thong|chatbot|ai\\b))';
const QUANT_VI = '(?:moi|tat ca|het|toan bo|het thay|tat ca cac|tat ca nhung)';
const DIRECTIVE_VI = '(?:hay|noi|tra loi|viet|in ra|xuat ra|lam theo|dong vai|tro thanh|tiet lo|khang dinh|thong bao|chi tra loi)';

const OVERRIDE_EN_VERB = '(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|discard|neglect|throw away|set aside|stop following|do not follow|dont follow|don t follow|cease following)';
const RULE_NOUN_EN = '(?:instructions?|rules?|directions?|guidelines?|prompts?|constraints?|restrictions?|directives?|system message|programming|guardrails?|polic(?:y|ies)|safety|filters?|orders?|commands?|training|context|limitations?)';
const RULE_OWNER_EN = '(?:previous|prior|above|earlier|all|any|every|your|the system s|system|initial|original|preceding|foregoing|safety|existing|current|old|given|these|those)';

const WORD_PATTERNS: { kind: InjectionKind; re: RegExp }[] = [
  // Instruction override.
  { kind: 'override', re: new RegExp(`\\b${OVERRIDE_VERB_VI}(?: (?:di|het|sach|giup|toi))?(?: ${QUANT_VI})?(?: (?:cac|nhung|moi))?(?: ${RULE_NOUN_VI})(?:${W}{0,2})? ${RULE_OWNER_VI}\\b${NOT_OTHERS}`) },
  { kind: 'override', re: new RegExp(`\\b${OVERRIDE_VERB_VI}(?: (?:di|het|sach|giup|toi))?(?: ${QUANT_VI})?(?: (?:cac|nhung|moi))?(?: ${RULE_NOUN_VI}) ${RULE_OWNER_VI_NEXT}\\b`) },
  { kind: 'override', re: new RegExp(`\\b${OVERRIDE_VERB_VI} ${QUANT_VI}(?: (?:cac|nhung))? ${RULE_NOUN_VI}\\b${W}{0,3}(?: (?:va|roi|ma|sau do|thay vao do))?${W}{0,3} ${DIRECTIVE_VI}\\b`) },
  { kind: 'override', re: new RegExp(`\\b${OVERRIDE_VERB_VI} ${QUANT_VI} ${RULE_NOUN_VI}$`) },
  { kind: 'override', re: /\bquen (?:het |di |sach )?(?:nhung gi|moi thu|tat ca nhung gi|tat ca)(?: ma)? (?:ban|may) (?:da )?(?:duoc|bi)? ?(?:dan|day|huong dan|cho biet|giao|lap trinh)/ },
  { kind: 'override', re: new RegExp(`\\b${OVERRIDE_EN_VERB}(?: (?:all|any|every|of|the|your|my|these|those|previous|prior|above|earlier))*(?: ${RULE_OWNER_EN})(?:${W}{0,2})? ${RULE_NOUN_EN}\\b(?! (?:on|in|of|for|from|about) (?:the |this |my |a |an )?(?:form|website|portal|document|application|page|paper|site|office|letter|leaflet|app))`) },
  { kind: 'override', re: /\b(?:forget|ignore|disregard) (?:everything|all|anything|what)(?: that)?(?: (?:you (?:were|have been|ve been) (?:told|given|taught|instructed)|above|before|so far|previously|earlier|said above))/ },
  { kind: 'override', re: /\b(?:new|updated|revised|real|actual|true) (?:system )?(?:instructions|rules|directives|orders) (?:are|follow|below|from now)\b/ },
  { kind: 'override', re: /\b(?:huong dan|quy tac|chi thi|lenh) moi (?:cho ban|danh cho ban|cua ban|la|nhu sau)\b.*\b(?:ban|tro ly|chatbot)\b/ },
  // Role play and "modes".
  { kind: 'roleplay', re: /\b(?:tu (?:bay gio|gio|nay|luc nay)(?: tro di)?|bay gio|ke tu (?:bay gio|gio))(?: thi)? (?:ban|may|mi|tro ly|chatbot|bot|ai) (?:(?:da |se )?(?:la|tro thanh|dong vai|hanh dong nhu|hoat dong nhu|dong vai tro)|khong con (?:bi )?(?:gioi han|rang buoc|kiem duyet|phai tuan))\b/ },
  { kind: 'roleplay', re: /\b(?:ban|may|mi) (?:bay gio|gio day|hien gio|gio) (?:la|se la|dong vai|tro thanh)\b/ },
  { kind: 'roleplay', re: /\b(?:hay|ban hay|may hay|xin hay|vui long)(?: \w+)? (?:dong vai|nhap vai|gia vo|gia lam|hoa than|tuong tuong ban la|gia su ban la|coi nhu ban la|xem nhu ban la|hanh dong nhu (?:mot|la))\b/ },
  { kind: 'roleplay', re: /\b(?:che do|mode) (?:nha phat trien|lap trinh vien|developer|dev|god|than|admin|quan tri(?: vien)?|khong gioi han|khong kiem duyet|khong bi gioi han|debug|go loi|jailbreak|be khoa|sudo|root|dan)\b/ },
  { kind: 'roleplay', re: /\b(?:bat|kich hoat|mo|chuyen sang|vao|enable|activate|enter|switch to|turn on)(?: \w+){0,2} (?:che do|mode) (?:nha phat trien|developer|khong gioi han|admin|quan tri|debug|go loi|jailbreak|be khoa|dan|god|sudo)\b/ },
  { kind: 'roleplay', re: /\b(?:developer|god|admin|debug|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|dan|sudo|maintenance) mode\b/ },
  { kind: 'roleplay', re: /\b(?:you are now|you re now|youre now|from now on(?: on)?,? you|henceforth you|you will now (?:act|behave|respond|be|pretend)|you must now (?:act|behave|be))\b/ },
  { kind: 'roleplay', re: /(?:^| )(?:please )?(?:act|behave|respond) as (?:if you (?:were|are)|an? (?:unrestricted|unfiltered|evil|different|new|jailbroken|rogue|uncensored|ai|assistant|hacker|developer|admin|system|chatbot|model|language model|linux terminal|terminal)|dan|my)\b/ },
  { kind: 'roleplay', re: /\b(?:pretend (?:to be|you are|you re|that you)|role ?play (?:as|that)|let s (?:play|roleplay) a game|simulate (?:an? |being )?(?:unrestricted|unfiltered|ai|assistant|model|terminal)|do anything now|jailbreak|jailbroken|be khoa (?:ban|tro ly|chatbot|ai)|no (?:longer )?(?:bound|restricted|limited) by|without (?:any )?(?:restrictions|filters|rules|limits|guardrails))\b/ },
  { kind: 'roleplay', re: /\b(?:khong (?:con )?(?:bi )?(?:gioi han|rang buoc|kiem duyet) (?:boi|gi) (?:quy tac|huong dan|luat le|nguyen tac))\b/ },
  // System-prompt extraction.
  { kind: 'extraction', re: /\b(?:system ?prompt|sys ?prompt|system_prompt|loi nhac he thong|prompt he thong|prompt goc|prompt ban dau|prompt an|prompt cua ban|chi dan he thong|chi thi he thong|cau lenh he thong|metaprompt|meta prompt|initial prompt|hidden prompt|original prompt|pre ?prompt)\b/ },
  { kind: 'extraction', re: /\b(?:huong dan|chi dan|chi thi|quy tac|nguyen tac) (?:ban dau|goc|bi mat|noi bo cua ban|ban duoc giao|ma ban (?:duoc|da duoc|dang|phai) (?:giao|cai dat|dat|cung cap|tuan theo|lam theo))\b/ },
  { kind: 'extraction', re: /\b(?:quy tac|chi thi|lenh|cau hinh|thiet lap|nguyen tac|rang buoc) (?:cua|danh cho) (?:ban|may|tro ly ao|chatbot|bot)\b/ },
  { kind: 'extraction', re: /\b(?:lap lai|nhac lai|chep lai|in ra|xuat ra|hien thi|doc lai|viet lai|liet ke|dich|tom tat|trich|cho (?:toi |minh |em )?(?:xem|biet))(?: \w+){0,3} (?:nguyen van |toan bo |tat ca |moi |nhung |cac |tung chu )*(?:van ban|doan van|doan|tin nhan|thong diep|nhung gi|moi thu|tat ca|chi dan|huong dan|quy tac)(?: \w+){0,3} (?:o tren|phia tren|tren day|ben tren|truoc cau hoi nay|truoc tin nhan nay|dau tien ban nhan duoc|ban nhan duoc dau tien)\b/ },
  { kind: 'extraction', re: /\b(?:repeat|print|show|reveal|display|output|echo|dump|leak|expose|recite|list|write out|spell out|copy|tell me|give me|share|what (?:is|are|were)|translate|summari[sz]e|paraphrase|rewrite|encode|describe)(?: \w+){0,4} (?:your|the assistant s|the ai s|the bot s|the model s|its) (?:own )?(?:instructions|rules|prompt|guidelines|directives|configuration|programming|system message|initial message|hidden rules|secret rules|constraints|context window|first message|training instructions)\b/ },
  { kind: 'extraction', re: /\b(?:repeat|print|output|echo|recite|copy|show|display|translate|summari[sz]e|write)(?: \w+){0,4} (?:above|preceding|before this|verbatim|word for word)\b(?!(?: \w+){0,2} (?:form|document|article|law|decree|procedure))/ },
  { kind: 'extraction', re: /\b(?:rules|instructions|guidelines|directives|prompt) (?:you were|you ve been|you have been|you are|you re) (?:given|told|trained|programmed|following|instructed)\b|\b(?:quy tac|huong dan|chi dan|chi thi) (?:ma )?(?:ban|may) (?:duoc|da duoc|dang) (?:giao|dat|cai dat|lap trinh|tuan theo)\b/ },
  { kind: 'extraction', re: /\b(?:begin|start)s? with (?:you are|ban la)\b|\b(?:first|opening) (?:line|sentence|words|paragraph) of (?:your|the) (?:prompt|instructions|system)/ },
  // Telling the assistant what to output.
  { kind: 'directive', re: /\b(?:hay|phai|chi duoc|chi|luon luon|luon|bat buoc|ban se|ban phai|may phai) (?:tra loi|noi|khang dinh|xac nhan|viet|ghi|thong bao|in ra|xuat ra|bao)(?: (?:voi|cho) (?:nguoi dung|moi nguoi|nguoi dan|ho|nguoi hoi|toi))? rang\b/ },
  { kind: 'directive', re: /\b(?:tra loi|in ra|xuat ra|viet ra)(?: (?:duy nhat|chi|nguyen van|chinh xac))+(?: (?:mot|1))? (?:cau|chu|tu|dong chu|chuoi|cum tu)\b/ },
  { kind: 'directive', re: /\b(?:moi|tat ca|cac) (?:cau tra loi|phan hoi|cau dap)(?: \w+){0,4} (?:phai|deu|luon|hay|se) (?:bat dau|ket thuc|chua|kem|co|them|gan|chen|ghi|noi|viet|neu|tra loi)\b/ },
  { kind: 'directive', re: /\b(?:them|chen|kem|gan|dan|dua)(?: \w+){0,2} (?:duong link|link|lien ket|url|dong chu|doan chu|chu ky|hinh anh|anh)(?: \w+){0,12} (?:vao|o) (?:(?:cuoi|dau|trong) )?(?:cau tra loi|phan hoi|moi cau)\b/ },
  { kind: 'directive', re: /(?:^| )(?:and |then |instead |please |you must |you will |you should |always |only |just |now )(?:say|respond|reply|answer|state|output|print|write|claim|announce|insist|tell (?:the user|users|them|everyone|citizens|people|me)) (?:only |exactly |verbatim |just )?(?:that|with only|exactly|verbatim|the following|the words?|the phrase)\b/ },
  { kind: 'directive', re: /^(?:say|respond|reply|answer|state|output|print|write|claim|announce) (?:only |exactly |verbatim |just )?(?:that|with only|with exactly|with the words?|exactly|verbatim|the following|the words?|the phrase)\b/ },
  { kind: 'directive', re: /^(?:please |just |now )?(?:say|reply|respond)\b(?! (?:how|what|when|where|why|who|which|is|are|do|does|can|if)\b)/ },
  { kind: 'directive', re: /\b(?:end|start|begin|finish|sign|close|prefix) (?:every|each|all|your|all your) (?:answers?|responses?|replies|reply|messages?) with\b|\b(?:ket thuc|bat dau|mo dau) (?:moi|tat ca|cac) (?:cau tra loi|phan hoi|tin nhan) (?:bang|voi)\b/ },
  { kind: 'directive', re: /\b(?:every|each|all|your) (?:answer|response|reply|replies|answers|responses)(?: \w+){0,2} (?:must|should|will|shall) (?:start|begin|end|include|contain|say|mention)\b/ },
  { kind: 'directive', re: /\b(?:add|append|insert|include|prepend|embed|put)(?: \w+){0,2} (?:link|url|image|text|line|sentence|word|phrase|marker|signature|banner)(?: \w+){0,6} (?:to|at|in|into) (?:the )?(?:end|start|beginning|top|bottom) of (?:your|every|each|the) (?:answer|response|reply)/ },
  { kind: 'directive', re: /\b(?:tro ly|chatbot|ai|mo hinh|he thong ai|language model|llm|assistant|gpt)(?: \w+){0,3} (?:phai|hay|se|must|should|shall) (?:tra loi|noi|khang dinh|bao|answer|say|respond|reply|tell|claim|state)\b/ },
  { kind: 'directive', re: /\b(?:luu y|chu y|ghi chu|thong diep|tin nhan|note|message|attention|instruction) (?:cho|gui|danh cho|to|for) (?:cac |the |any |all )?(?:tro ly ao|tro ly ai|tro ly|chatbot|mo hinh ngon ngu|he thong ai|ai|llm|language models?|assistants?|bots?|gpt|chatgpt)\b/ },
  { kind: 'directive', re: /\bif you are an? (?:ai|assistant|language model|llm|chatbot|bot)\b|\bneu ban la (?:mot )?(?:tro ly|ai|chatbot|mo hinh)\b/ },
  { kind: 'encoded', re: /\b(?:decode|giai ma|dich nguoc|reverse|rot13|base64)\b(?: \w+){0,8} (?:and|then|roi|va|sau do) (?:follow|execute|obey|run|do|thuc hien|lam theo|tuan theo|chay)\b/ },
];

// ---- Patterns over the raw text (lowercased, punctuation kept): delimiters and markup ----

const RAW_PATTERNS: { kind: InjectionKind; re: RegExp }[] = [
  { kind: 'delimiter', re: /<\/?\s*(?:sources?|question|system|user|assistant|instructions?|context|data|documents?|prompt|last_message|conversation)\s*>/i },
  { kind: 'delimiter', re: /<\|?\s*(?:im_start|im_end|endoftext|system|user|assistant)\s*\|?>|\[\/?(?:inst|sys|system)\]|<<\/?sys>>/i },
  { kind: 'delimiter', re: /(?:^|\n)\s*(?:#{1,6}\s*)?(?:system|assistant|developer|admin|hệ thống|quản trị viên)\s*(?:message|prompt|override|note)?\s*:\s*\S/i },
  { kind: 'delimiter', re: /\b(?:end of (?:sources|question|system prompt|instructions|context|document)|kết thúc (?:nguồn|câu hỏi|lời nhắc|hướng dẫn hệ thống)|begin (?:system|new instructions|admin))\b/i },
  { kind: 'markup', re: /!\[[^\]]*\]\s*\(|\[[^\]]*\]\(\s*(?:https?|javascript|data|vbscript):|<\s*(?:img|script|iframe|svg|object|embed|a\s+href|link|meta|style)\b|\bjavascript\s*:|\bdata:text\/html/i },
];

// ---- Disguises ----

/** Look-alike letters from other scripts that people use to slip words past filters. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', һ: 'h', ӏ: 'l', ո: 'n', ս: 'u', ν: 'v',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I',
  α: 'a', ο: 'o', ρ: 'p', ι: 'i', κ: 'k', τ: 't', υ: 'u', ε: 'e', γ: 'y', η: 'n', ω: 'w',
};
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l', '8': 'b' };

const TAGS = /[\u{E0000}-\u{E007F}]/gu;

/** The ASCII text hidden in Unicode tag characters (U+E0020–U+E007E mirror printable ASCII). */
export function decodeTags(s: string): string {
  return [...s.matchAll(TAGS)].map((m) => m[0].codePointAt(0)! - 0xe0000).filter((c) => c >= 0x20 && c < 0x7f).map((c) => String.fromCharCode(c)).join('');
}

function unconfuse(s: string): string {
  return s.normalize('NFKC').replace(/[\u0370-\u03FF\u0400-\u04FF\u0500-\u052F\u0250-\u02AF]/g, (c) => CONFUSABLES[c] ?? c);
}

/** Folded words: lowercase, no diacritics, every run of non-alphanumerics one space. */
export function foldedWords(s: string): string {
  return fold(unconfuse(s)).replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * Letters pulled apart to slip past a filter: "i.g.n.o.r.e", "b.o q.u.a" (marks inside words, a
 * space between them) and "i g n o r e  p r e v i o u s" (single spaces inside words, wider gaps
 * between them) → "ignore", "bo qua", "ignore previous".
 */
function despace(s: string): string {
  const marked = s.replace(/(?<![\p{L}\p{N}])\p{L}(?:[._\-*/\\|+]\p{L})+(?![\p{L}\p{N}])/gu, (m) => m.replace(/[._\-*/\\|+]/g, ''));
  return marked
    .split(/\s{2,}/)
    .map((part) => part.replace(/(?<![\p{L}\p{N}])\p{L}(?: \p{L}){2,}(?![\p{L}\p{N}])/gu, (m) => m.replace(/ /g, '')))
    .join(' ');
}

function rot13(s: string): string {
  return s.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97));
}

/** Base64, \xNN, %NN and \uNNNN runs, decoded when they decode to readable text. */
function decodedRuns(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)) {
    try {
      // atob and TextDecoder rather than Buffer: the same code runs on Workers.
      const bytes = Uint8Array.from(atob(m[0].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      if (text.length >= 8 && /^[\p{L}\p{N}\p{P}\p{Zs}\n]+$/u.test(text) && /\p{L}{3}/u.test(text)) out.push(text);
    } catch {
      // not base64
    }
  }
  if (/(?:\\x[0-9a-f]{2}){4,}/i.test(s)) out.push(s.replace(/\\x([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))));
  if ((s.match(/%[0-9a-f]{2}/gi) ?? []).length >= 3) {
    try {
      out.push(decodeURIComponent(s.replace(/%(?![0-9a-f]{2})/gi, '%25')));
    } catch {
      // malformed escapes: nothing hidden there that a browser would show either
    }
  }
  if (/(?:\\u[0-9a-f]{4}){3,}/i.test(s)) out.push(s.replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))));
  return out;
}

/** The forms of a text worth matching against the patterns, each named. */
function variants(raw: string): { via: string; words: string }[] {
  const plain = foldedWords(raw);
  const out = [{ via: 'plain', words: plain }];
  const spaced = foldedWords(despace(fold(unconfuse(raw))));
  if (spaced !== plain) out.push({ via: 'despaced', words: spaced });
  const leet = foldedWords(fold(unconfuse(raw)).replace(/[013457@$!|8]/g, (c) => LEET[c] ?? c));
  if (leet !== plain) out.push({ via: 'leet', words: leet });
  out.push({ via: 'rot13', words: rot13(plain) });
  out.push({ via: 'reversed', words: [...plain].reverse().join('') });
  const hidden = decodeTags(raw);
  if (hidden) out.push({ via: 'tags', words: foldedWords(hidden) });
  for (const d of decodedRuns(raw)) out.push({ via: 'encoded', words: foldedWords(d) });
  return out;
}

/** The first injection pattern a text matches, in any of its disguises; null for data that is only data. */
export function findInjection(text: string): InjectionHit | null {
  if (!text) return null;
  const lower = unconfuse(text).toLowerCase();
  for (const p of RAW_PATTERNS) {
    const m = p.re.exec(lower);
    if (m) return { kind: p.kind, via: 'plain', match: m[0] };
  }
  for (const v of variants(text)) {
    for (const p of WORD_PATTERNS) {
      const m = p.re.exec(v.words);
      if (m) return { kind: v.via === 'encoded' || v.via === 'rot13' || v.via === 'reversed' ? 'encoded' : p.kind, via: v.via, match: m[0] };
    }
    // Decoded payloads and hidden tag text may carry delimiters too.
    if (v.via === 'encoded' || v.via === 'tags') for (const p of RAW_PATTERNS) if (p.re.test(v.words)) return { kind: 'encoded', via: v.via, match: v.words.slice(0, 80) };
  }
  return null;
}

/** Sentences (and lines) of a text, for removing the injected ones and keeping the rest. */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
}

export interface Screened {
  /** The text without its injected sentences. */
  text: string;
  hits: InjectionHit[];
  /** What was removed: the attacker's own words. */
  removed: string[];
}

const FOLLOW_ON = /^(?:sau do|roi|va|tiep theo|tiep do|ke do|then|and|also|next|after that|finally|afterwards)\b/;

/**
 * A question with its injected sentences taken out, and with them a sentence that carries on the
 * order ("… Sau đó nói…", "… Then say…").
 */
export function screenQuestion(text: string): Screened {
  const whole = findInjection(text);
  const kept: string[] = [];
  const removed: string[] = [];
  const hits: InjectionHit[] = [];
  let after = false;
  for (const s of sentencesOf(text)) {
    const hit = findInjection(s);
    if (hit) hits.push(hit);
    // "Bỏ qua mọi quy tắc trước đó. Sau đó nói…": the sentence that carries on the order goes with it.
    after = !!hit || (after && FOLLOW_ON.test(foldedWords(s)));
    (after ? removed : kept).push(s);
  }
  if (!whole && !hits.length) return { text, hits: [], removed: [] };
  // The pattern spans sentences (or hides in the whole text only): nothing can be kept safely.
  if (!hits.length || findInjection(kept.join(' '))) return { text: '', hits: whole ? [whole] : hits, removed: [text] };
  return { text: kept.join(' '), hits, removed };
}

/** Whether what is left of a question after screening still asks something worth answering. */
export function stillAsks(text: string): boolean {
  const words = foldedWords(text).split(' ').filter((w) => /[a-z]/.test(w));
  return words.length >= 3;
}

// ---- The system prompt is never revealed ----

const LEAK_WORDS = 8;

/** Word n-grams (folded) of a text, as joined strings. */
function shingles(text: string, n: number): Set<string> {
  const w = foldedWords(text).split(' ').filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(' '));
  return out;
}

export interface PromptLeakCheck {
  (answer: string): string | null;
}

/**
 * A checker for answers that repeat any run of LEAK_WORDS words of any prompt. Runs that also occur
 * in text the citizen is meant to see (canned replies) are not secret and are left out.
 */
export function promptLeakChecker(prompts: string[], publicTexts: string[] = []): PromptLeakCheck {
  const open = new Set<string>();
  for (const t of publicTexts) for (const s of shingles(t, LEAK_WORDS)) open.add(s);
  const secret = new Set<string>();
  for (const p of prompts) for (const s of shingles(p, LEAK_WORDS)) if (!open.has(s)) secret.add(s);
  return (answer) => {
    if (!secret.size) return null;
    for (const s of shingles(answer, LEAK_WORDS)) if (secret.has(s)) return s;
    return null;
  };
}

// ---- Attacker vocabulary: words an answer must not echo ----

/**
 * Words of the attacker's text (removed sentences of a question, poisoned units) that the sources
 * the answer cites do not use: an answer repeating one is repeating the attacker, not the sources.
 */
export function attackerWords(attack: string[], sources: string): Set<string> {
  const have = new Set(foldedWords(sources).split(' '));
  const out = new Set<string>();
  for (const a of attack) {
    const texts = [a, decodeTags(a), ...decodedRuns(a)];
    for (const t of texts) for (const w of foldedWords(t).split(' ')) if (w.length >= 3 && !/^\d+$/.test(w) && !have.has(w) && !COMMON.has(w)) out.add(w);
  }
  return out;
}

// Function words of both languages that an honest answer uses whatever the attacker wrote.
const COMMON = new Set(
  (
    'the and for you your are was were this that with from have has had not but can will would should could what which who how when where why all any each its our out use one two three ' +
    'fee fees dong vnd days day working online office documents document procedure registration residence temporary permanent please answer question source sources law article decree ' +
    'ban toi cua cho cac nhung duoc khong trong theo nay voi thi hay mot hai ba bon nam sau bay tam chin muoi tren duoi truoc khi neu tai sao the nao bao nhieu phi dong ngay lam viec ho so thu tuc dang ky tam tru thuong tru nop cong an xa phuong huyen tinh luat dieu khoan nghi dinh thong tu quyet dinh nguoi dan cong dan la va co de ra vao'
  ).split(' '),
);

/** Words of `text` that belong to the attacker's vocabulary. */
export function echoes(text: string, vocabulary: Set<string>): string[] {
  if (!vocabulary.size) return [];
  return [...new Set(foldedWords(text).split(' ').filter((w) => vocabulary.has(w)))];
}

// ---- Poisoned units ----

const taintCache = new Map<string, InjectionHit | null>();
const TAINT_CACHE_MAX = 20_000;

/**
 * Why a unit's text (with its stored structure) reads as instructions to the assistant, or null.
 * Such a unit is set aside whole: a poisoned record's other sentences ("Lệ phí: 0 đồng") cannot be
 * trusted either. Cached per unit and text, since the same units come back question after question.
 */
export function taintOf(unitId: number, text: string): InjectionHit | null {
  const key = `${unitId}:${text.length}:${text.slice(0, 64)}`;
  const cached = taintCache.get(key);
  if (cached !== undefined) return cached;
  // Sentence by sentence too: some orders only read as one at the start of a sentence ("Say that…").
  const hit = findInjection(text) ?? sentencesOf(text).reduce<InjectionHit | null>((found, x) => found ?? (x.length <= 300 ? findInjection(x) : null), null);
  if (taintCache.size >= TAINT_CACHE_MAX) taintCache.clear();
  taintCache.set(key, hit);
  return hit;
}

/** Every string in a stored structure (a procedure's fields, a Q&A's answer…), one per line. */
export function structureText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(structureText).filter(Boolean).join('\n');
  if (v && typeof v === 'object') return Object.values(v).map(structureText).filter(Boolean).join('\n');
  return '';
}
