// Abbreviations and synonyms from data/lexicon, for query expansion.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold, normalizeText } from './normalize.ts';
import { foldedSyllables } from './terms.ts';

// Resolved when called, not when the module loads: a bundle without project files (Workers) never calls it.
const lexiconDir = () => fileURLToPath(new URL('../../data/lexicon/', import.meta.url));

const abbreviations = z.array(z.object({ abbr: z.string().min(1), expansions: z.array(z.string().min(1)).min(1) }));
const synonyms = z.array(z.object({ terms: z.array(z.string().min(1)).min(2), note: z.string().optional() }));

export interface Lexicon {
  /** Folded abbreviation ("cccd", "ndcp") → its expansions. */
  abbreviations: Map<string, string[]>;
  /** Groups of phrases (folded, space-separated syllables) that name the same thing. */
  synonyms: string[][];
}

/** Abbreviation key: folded, letters and digits only ("NĐ-CP" → "ndcp"). */
export function abbrKey(s: string): string {
  return fold(normalizeText(s)).replace(/[^a-z0-9]/g, '');
}

export function loadLexicon(dir = lexiconDir()): Lexicon {
  return lexiconFrom(JSON.parse(readFileSync(`${dir}abbreviations.json`, 'utf8')), JSON.parse(readFileSync(`${dir}synonyms.json`, 'utf8')));
}

/** The lexicon from the parsed contents of abbreviations.json and synonyms.json (a runtime without files imports them). */
export function lexiconFrom(abbreviationsJson: unknown, synonymsJson: unknown): Lexicon {
  const abbr = abbreviations.parse(abbreviationsJson);
  const syn = synonyms.parse(synonymsJson);
  const map = new Map<string, string[]>();
  for (const a of abbr) {
    const k = abbrKey(a.abbr);
    if (k.length < 2) continue;
    map.set(k, [...(map.get(k) ?? []), ...a.expansions]);
  }
  return { abbreviations: map, synonyms: syn.map((g) => g.terms.map((t) => foldedSyllables(t).join(' ')).filter(Boolean)) };
}
