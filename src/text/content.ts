// The content words of a question, without the words that only shape it.
import { fold, syllables } from './normalize.ts';

// Words that shape a question but say nothing about its topic ("cần những giấy tờ gì"): they are
// rare in legal text, so their idf is high, and counting them would make every question look
// unanswerable. Accented forms are matched exactly; folded forms only where folding is unambiguous.
const FUNCTION_WORDS = new Set(
  'gì nào bao nhiêu lâu mấy không có thì là được cần những các của cho tôi em anh chị mình bạn hỏi ạ à vậy nhỉ sao làm như thế ai đâu khi nếu muốn xin ơi nhé nhá rồi chưa phải và với để về tại trong một này đó hay hoặc gồm giấy tờ thủ tục hồ sơ nên ra sẽ đang đã bị theo quy định'.split(' '),
);
const FOLDED_FUNCTION_WORDS = new Set('gi nhieu khong duoc nhung cua minh vay nhi sao nhu neu muon xin nhe roi chua phai voi trong mot hoac gom may lau ai khi'.split(' '));

function isFunctionWord(w: string): boolean {
  return FUNCTION_WORDS.has(w) || (fold(w) === w && FOLDED_FUNCTION_WORDS.has(w));
}

/** Folded content terms of a question: unigrams and bigrams without function words. */
export function contentTerms(question: string): string[] {
  const words = syllables(question);
  const keep = words.map((w) => !isFunctionWord(w));
  const folded = words.map(fold);
  const out = new Set<string>();
  folded.forEach((w, i) => {
    if (!keep[i]) return;
    out.add(w);
    if (i + 1 < folded.length && keep[i + 1]) out.add(`${w} ${folded[i + 1]}`);
  });
  return [...out];
}


/** Folded content syllables of a text (no bigrams): for comparing a title with a question. */
export function contentSyllables(text: string): string[] {
  return syllables(text)
    .filter((w) => !isFunctionWord(w))
    .map(fold);
}
