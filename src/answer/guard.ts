// Input and output guards: what reaches the pipeline is clean text of a sane length in a known
// language; what leaves it carries no invisible characters and no links of its own.
import type { Lang } from '../messages.ts';
import { fold } from '../text/normalize.ts';

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

export type InputVerdict = { ok: true; text: string } | { ok: false; reason: 'empty' | 'too_long'; text: string };

export function guardInput(raw: string): InputVerdict {
  const text = stripControls(stripInvisible(raw.normalize('NFC'))).trim();
  if (!text || !/[\p{L}\p{N}]/u.test(text)) return { ok: false, reason: 'empty', text };
  if ([...text].length > MAX_QUESTION_CHARS) return { ok: false, reason: 'too_long', text };
  return { ok: true, text };
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

/**
 * The last look before an answer leaves: invisible characters out, links only to the cited
 * sources' own pages (anything else is cut, with the sentence kept).
 */
export function guardOutput(text: string, allowedUrls: Set<string>): string {
  return stripInvisible(text)
    .replace(URL_RE, (u) => (allowedUrls.has(u.replace(/[.,;:]+$/, '')) ? u : ''))
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}
