// English questions meet a Vietnamese corpus: a bilingual glossary (data/lexicon/english.json)
// turns their administrative and legal words into the Vietnamese the sources use, longest phrase
// first. Numbers, codes and Vietnamese words in the question are kept as they are.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// Resolved when called, not when the module loads: a bundle without project files (Workers) never calls it.
const glossaryFile = () => fileURLToPath(new URL('../../data/lexicon/english.json', import.meta.url));
const schema = z.array(z.object({ en: z.array(z.string().min(1)).min(1), vi: z.string().min(1) }));

export interface Glossary {
  /** Lowercased English phrase → Vietnamese phrase. */
  phrases: Map<string, string>;
  longest: number;
}

export function loadGlossary(file = glossaryFile()): Glossary {
  if (!existsSync(file)) return { phrases: new Map(), longest: 0 };
  return glossaryFrom(JSON.parse(readFileSync(file, 'utf8')));
}

/** The glossary from the parsed contents of english.json. */
export function glossaryFrom(json: unknown): Glossary {
  const phrases = new Map<string, string>();
  for (const e of schema.parse(json)) {
    for (const en of e.en) {
      const key = englishWords(en).join(' ');
      if (key && !phrases.has(key)) phrases.set(key, e.vi);
    }
  }
  return { phrases, longest: Math.max(0, ...[...phrases.keys()].map((k) => k.split(' ').length)) };
}

function englishWords(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}./'-]*/gu)?.map((w) => w.replace(/[.'-]+$/, '')) ?? [];
}

const STOP = new Set(
  'a an the is are was were be been do does did i my me we our you your it its this that these those of for to in on at by with from and or if what which who whom whose how when where why can could should would will shall may might must need needs want please there here about into than then so as get got have has had some any any'.split(' '),
);

/** Vietnamese search words for an English question (the question itself when nothing matches). */
export function translateQuery(text: string, g: Glossary): string {
  const words = englishWords(text);
  const out: string[] = [];
  let matched = false;
  for (let i = 0; i < words.length; ) {
    let hit: string | undefined;
    let len = 0;
    for (let n = Math.min(g.longest, words.length - i); n >= 1; n--) {
      hit = g.phrases.get(words.slice(i, i + n).join(' '));
      if (hit) {
        len = n;
        break;
      }
    }
    if (hit) {
      out.push(hit);
      matched = true;
      i += len;
      continue;
    }
    const w = words[i]!;
    // Numbers, codes ("1.002755", "68/2020/qh14") and non-English words carry over.
    if (!STOP.has(w) && (/\d/.test(w) || /[^\x00-\x7F]/.test(w))) out.push(w);
    i++;
  }
  return matched || out.length ? out.join(' ') : text;
}
