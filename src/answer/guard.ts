// Input and output guards: what reaches the pipeline is clean text of a sane length in a known
// language, with any instruction to the assistant taken out (src/answer/injection.ts); what leaves
// it carries no invisible characters, no markup and no links of its own.
import type { Lang } from '../messages.ts';
import { fold } from '../text/normalize.ts';
import { decodeTags, screenQuestion, stillAsks, type InjectionHit } from './injection.ts';

export const MAX_QUESTION_CHARS = 2000;

// Unicode tag characters (U+E0000–U+E007F) can smuggle instructions invisibly; zero-width and
// bidirectional controls hide or reorder text. None of them belongs in a question.
const INVISIBLE = /[\u{E0000}-\u{E007F}\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/gu;

export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE, '');
}

/** Control characters other than newline and tab become spaces. */
function stripControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ' ');
}

export type InputVerdict =
  | { ok: true; text: string; injection?: Injection }
  | { ok: false; reason: 'empty' | 'too_long'; text: string; injection?: undefined }
  | { ok: false; reason: 'injection'; text: string; injection: Injection };

/** What the input guard took out of a question: the attacker's words, kept to check answers against. */
export interface Injection {
  hits: InjectionHit[];
  removed: string[];
}

// Bracketed numbers are the answer's citation markers; in a question they can only be forged ones.
const FORGED_MARKER = /\[\s*\d{1,2}\s*\]/g;
const unmark = (s: string) => s.replace(FORGED_MARKER, ' ').replace(/[ \t]{2,}/g, ' ').trim();

/**
 * Clean text of a sane length. Injected instructions are taken out; what is left is answered when
 * it still asks something, else the question is refused (reason `injection`).
 */
export function guardInput(raw: string): InputVerdict {
  const nfc = raw.normalize('NFC');
  const hidden = decodeTags(nfc);
  const visible = stripControls(stripInvisible(nfc)).trim();
  const text = unmark(visible);
  if (!text || !/[\p{L}\p{N}]/u.test(text)) return { ok: false, reason: 'empty', text };
  if ([...text].length > MAX_QUESTION_CHARS) return { ok: false, reason: 'too_long', text };
  // Screened before spaces are tidied: "i g n o r e   p r e v i o u s" keeps its word gaps.
  const s = screenQuestion(visible);
  // Text hidden in tag characters was never meant for the citizen's eyes: it goes, and counts as the attacker's.
  const removed = [...s.removed, ...(hidden.trim() ? [hidden] : [])];
  if (!s.hits.length) return { ok: true, text, ...(hidden.trim() ? { injection: { hits: [], removed } } : {}) };
  const injection = { hits: s.hits, removed };
  const rest = unmark(s.text);
  if (!stillAsks(rest)) return { ok: false, reason: 'injection', text, injection };
  return { ok: true, text: rest, injection };
}

const VI_MARKS = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;
const EN_WORDS = new Set(
  'the a an is are was were do does did what which who whom whose how when where why can could should would will i my me you your we our of for to in on with from about by need needs get much many long it this that there if or and be have has please apply fee fees documents procedure law'.split(' '),
);
// Common Vietnamese words typed without diacritics that are not English words.
const VI_WORDS = new Set(
  'toi em anh chi ban la cua khong gi nao bao nhieu thi duoc can lam thu tuc ho so giay cap dang ky phi le nop o dau may ngay luat dieu khoan nguoi con vo chong nha dat xin hoi va cho voi de sao the nhu tai theo'.split(' '),
);

/** vi or en, from diacritics and the share of common words of each language. */
export function detectLang(text: string): Lang {
  if (VI_MARKS.test(text)) return 'vi';
  const words = fold(text).match(/[a-z]+/g) ?? [];
  if (!words.length) return 'vi';
  let en = 0;
  let vi = 0;
  for (const w of words) {
    if (EN_WORDS.has(w)) en++;
    if (VI_WORDS.has(w)) vi++;
  }
  return en > vi && en / words.length >= 0.2 ? 'en' : 'vi';
}

const URL_RE = /\bhttps?:\/\/[^\s)\]>"”]+/gi;
// A link without a scheme ("evil-pay.com/nop-phi", "www.x.vn"): only well-known endings, so that
// "Tp.HCM" or "v.v." are not taken for one.
const BARE_DOMAIN = /(?<![\w@/.-])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|info|io|xyz|top|site|online|click|link|app|biz|ru|cn|tk|ml|ga|cf|gq|me|co|ly|to|cc|us|vn)\b(?:\/[^\s)\]>"”]*)?/gi;

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * The last look before an answer leaves: invisible characters out, markup out (images, HTML,
 * script links), and links only to the cited sources' own pages (anything else is cut, with the
 * sentence kept).
 */
export function guardOutput(text: string, allowedUrls: Set<string>): string {
  const hosts = new Set([...allowedUrls].map(hostOf).filter((h): h is string => !!h));
  const allowed = (u: string) => allowedUrls.has(u.replace(/[.,;:]+$/, ''));
  return (
    stripInvisible(text)
      // A markdown image would be fetched by the citizen's browser: never kept.
      .replace(/!\[[^\]\n]*\]\([^)\n]*\)/g, '')
      // A markdown link keeps its words; its target is judged like any other link below.
      .replace(/\[([^\]\n]*)\]\(\s*([^)\s]*)[^)\n]*\)/g, (_m, words: string, target: string) => (/^https?:/i.test(target) && allowed(target) ? `${words} (${target})` : words))
      .replace(/<\/?[a-z][^>\n]*>/gi, '')
      .replace(/\b(?:javascript|vbscript|data)\s*:\S*/gi, '')
      .replace(URL_RE, (u) => (allowed(u) ? u : (/[.,;:]+$/.exec(u)?.[0] ?? '')))
      .replace(BARE_DOMAIN, (d, offset: number, whole: string) => {
        // Part of a kept link, or the host of a cited page: kept.
        if (/https?:\/\/[^\s]*$/i.test(whole.slice(Math.max(0, offset - 200), offset))) return d;
        const host = d.toLowerCase().split('/')[0]!;
        return hosts.has(host) || hosts.has(host.replace(/^www\./, '')) ? d : '';
      })
      .replace(/[ \t]+\n/g, '\n')
      .trim()
  );
}
