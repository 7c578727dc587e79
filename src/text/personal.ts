// Personal numbers in free text (Nghị định 13/2023/NĐ-CP): citizen IDs (9 or 12 digits), phone
// numbers, emails, social-insurance and tax numbers. Masked wherever a text leaves the agency
// that owns it: the public ticket page, exports. (Issue [trust] widens this to logs and prompts.)

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// +84 / 0 followed by 9–10 digits, with optional spaces, dots or dashes between groups.
const PHONE = /(?<![\p{N}])(?:\+?84|0)(?:[ .-]?\d){8,10}(?![\p{N}])/gu;
// 9 to 13 digits in a row (CCCD 12, CMND 9, BHXH 10, MST 10 or 13).
const LONG_NUMBER = /(?<![\p{N}/.,])\d{9,13}(?![\p{N}/])/gu;

export function maskPersonal(text: string): string {
  const keepEnds = (m: string) => {
    const digits = m.replace(/\D/g, '');
    return `${'•'.repeat(Math.max(0, digits.length - 3))}${digits.slice(-3)}`;
  };
  return text.replace(EMAIL, '•••@•••').replace(PHONE, keepEnds).replace(LONG_NUMBER, keepEnds);
}
