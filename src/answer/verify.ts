// The citation verifier: an answer may say only what its cited sources say. Every [n] must point
// at a retrieved unit, every quoted span must occur verbatim in a source it cites, and every number,
// amount, duration or document number must occur in a cited source. Lines that fail are removed;
// an answer left with nothing cited fails as a whole.
import type { SearchHit } from '../retrieval/search.ts';
import { sourceIdOf } from './store.ts';
import type { Citation, Draft } from './types.ts';

export interface Verified {
  text: string;
  citations: Citation[];
  removed: { line: string; why: string }[];
}

const MARKER = /\[(\d{1,2})\]/g;
const QUOTED = /[“"]([^”"]{8,})[”"]/g;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const DOC_NUMBER = /\b\d{1,4}\/\d{4}\/[\p{Lu}Đ][\p{Lu}Đ\d]*(?:-[\p{Lu}Đ\d]+)*/gu;
const URL = /\bhttps?:\/\/[^\s)\]>"”]+/gi;

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const digits = (s: string) => s.replace(/[.,]/g, '').replace(/^0+(?=\d)/, '');

function sourceText(h: SearchHit, ref: string, support = ''): string {
  return `${ref}\n${h.ref}\n${h.label}\n${h.title ?? ''}\n${h.documentName}\n${h.documentNumber ?? ''}\n${h.text}\n${support}`;
}

function numbersOf(text: string): Set<string> {
  return new Set((text.replace(URL, ' ').match(NUMBER) ?? []).map(digits));
}

export function verifyDraft(draft: Draft, retrieved: SearchHit[]): Verified {
  const retrievedIds = new Set(retrieved.map((h) => h.unitId));
  const byN = new Map(draft.sources.filter((s) => retrievedIds.has(s.hit.unitId)).map((s) => [s.n, s]));
  const removed: Verified['removed'] = [];
  const kept: string[] = [];
  let inherited: number[] = [];
  const used: number[] = [];

  for (const rawLine of draft.text.split('\n')) {
    const sentences = splitSentences(rawLine);
    const parsed = sentences.map((raw) => {
      const all = [...raw.matchAll(MARKER)].map((m) => Number(m[1]));
      const valid = all.filter((n) => byN.has(n));
      return { raw, all, valid };
    });
    const out: string[] = [];
    parsed.forEach((p, i) => {
      if (p.all.length && !p.valid.length) {
        removed.push({ line: p.raw, why: 'citation to a source that was not retrieved' });
        return;
      }
      // A sentence without a marker leans on the next cited sentence of its line, else on the
      // block opened by the last cited line (the checklist under a procedure's heading).
      const cited = p.valid.length ? p.valid : (parsed.slice(i + 1).find((x) => x.valid.length)?.valid ?? inherited);
      const body = p.raw.replace(MARKER, '');
      const needsSupport = /\d/.test(body.replace(URL, '')) || new RegExp(QUOTED.source).test(body);
      if (!cited.length) {
        if (needsSupport) removed.push({ line: p.raw, why: 'a claim without a citation' });
        else out.push(p.raw.replace(MARKER, ''));
        return;
      }
      const support = cited.map((n) => byN.get(n)!).map((x) => sourceText(x.hit, x.ref, x.support));
      const why = problem(body, support, support.map(squash));
      if (why) {
        removed.push({ line: p.raw, why });
        return;
      }
      for (const n of cited) if (!used.includes(n)) used.push(n);
      out.push(p.raw.replace(MARKER, (m, n: string) => (byN.has(Number(n)) ? m : '')));
    });
    const last = parsed.filter((p) => p.valid.length).at(-1);
    if (last) inherited = last.valid;
    if (out.length || !rawLine.trim()) kept.push(out.join(' '));
  }

  // Renumber in order of first use: [1], [2]… with no gaps.
  const renumber = new Map(used.map((n, i) => [n, i + 1]));
  const text = kept
    .join('\n')
    .replace(MARKER, (_m, n: string) => `[${renumber.get(Number(n))}]`)
    .replace(/[ \t]+([.,:;])/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const citations: Citation[] = used.map((n) => {
    const s = byN.get(n)!;
    const c: Citation = {
      n: renumber.get(n)!,
      sourceId: sourceIdOf(s.hit),
      kind: s.hit.kind,
      title: s.hit.title ?? s.hit.documentName,
      ref: s.ref,
      quote: s.quote,
    };
    if (s.hit.url) c.url = s.hit.url;
    return c;
  });
  // A citation's quote must itself be verbatim in its unit.
  for (const c of citations) {
    const s = byN.get([...renumber].find(([, v]) => v === c.n)![0])!;
    if (!squash(s.hit.text).includes(squash(c.quote))) c.quote = s.hit.text.split('\n')[0]!.slice(0, 300);
  }
  return { text: citations.length ? text : '', citations, removed };
}

/** Sentences of a line, each keeping the markers that follow it ("… 15.000 đồng [1]."). */
function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?](?:\s*\[\d{1,2}\])*)\s+(?=[\p{Lu}\d“"(-])/u).filter((x) => x.length > 0);
}

function problem(body: string, support: string[], supportSquashed: string[]): string | null {
  for (const m of body.matchAll(QUOTED)) {
    const q = squash(m[1]!).replace(/^…|…$/g, '').trim();
    if (!supportSquashed.some((s) => s.includes(q))) return 'a quotation that is not in the cited source';
  }
  const have = new Set<string>();
  for (const s of support) for (const n of numbersOf(s)) have.add(n);
  for (const n of numbersOf(body)) if (!have.has(n)) return `the number ${n} is not in the cited source`;
  const upper = support.map((s) => s.toUpperCase());
  for (const m of body.matchAll(DOC_NUMBER)) if (!upper.some((s) => s.includes(m[0].toUpperCase()))) return `the document number ${m[0]} is not in the cited source`;
  return null;
}
