// Legal document numbers and names: one canonical spelling for lookups.
import { looseKey, normalizeText } from './normalize.ts';

/** "68/2020/qh14 " → "68/2020/QH14"; "42/2022/nđ-cp" → "42/2022/NĐ-CP". Not a number → null. */
export function normalizeDocNumber(s: string): string | null {
  const t = normalizeText(s).trim().replace(/\s*\/\s*/g, '/').replace(/\s*-\s*/g, '-');
  if (!/^\d{1,4}\/(\d{4}\/)?[\p{L}\d]+(-[\p{L}\d]+)*$/u.test(t)) return null;
  return t.toUpperCase();
}

/** Key for matching a document number regardless of case and diacritics (NĐ = ND). */
export function docNumberKey(s: string): string {
  return looseKey(s).replace(/\s+/g, '');
}
