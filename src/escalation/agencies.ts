// The agency routing table (data/agencies.json): which agency answers what, and how fast.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold } from '../text/normalize.ts';

const agencySchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  level: z.string(),
  fields: z.array(z.string()),
  keywords: z.array(z.string()),
  contact: z.object({ email: z.string().nullable(), phone: z.string().nullable(), address: z.string().nullable() }).partial().optional(),
  serviceLevelDays: z.number().int().positive(),
  /** Where new tickets are announced (a signed POST, see notify.ts). */
  notifyUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type Agency = z.infer<typeof agencySchema>;

// Resolved when called, not when the module loads: a bundle without project files (Workers) never calls it.
const agenciesFile = () => fileURLToPath(new URL('../../data/agencies.json', import.meta.url));
/** Where a question goes when nothing points at a specific agency. */
export const DEFAULT_AGENCY = 'tiep-nhan-chung';

export interface AgencyDirectory {
  list: Agency[];
  get(id: string): Agency | undefined;
  /** The agency for a question, from the procedure it is about (field and level) or its words. */
  route(question: string, procedure?: { field: string | null; level: string | null } | null): Agency;
}

const LEVELS: [RegExp, string][] = [
  [/cap xa|cap huyen/, 'xa'],
  [/cap tinh/, 'tinh'],
  [/cap bo|trung uong/, 'trung-uong'],
];

export function loadAgencies(file = agenciesFile()): AgencyDirectory {
  return agenciesFrom(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** The routing table from the parsed contents of agencies.json. */
export function agenciesFrom(json: unknown, source = 'data/agencies.json'): AgencyDirectory {
  const list = z.array(agencySchema).parse(json);
  const byId = new Map(list.map((a) => [a.id, a]));
  if (!byId.has(DEFAULT_AGENCY)) throw new Error(`${source}: the default agency "${DEFAULT_AGENCY}" is missing`);
  const keywords = list
    .flatMap((a) => a.keywords.map((k) => ({ key: ` ${fold(k)} `, agency: a })))
    .sort((x, y) => y.key.length - x.key.length);
  return {
    list,
    get: (id) => byId.get(id),
    route(question, procedure) {
      if (procedure?.field) {
        const candidates = list.filter((a) => a.fields.includes(procedure.field!));
        if (candidates.length) {
          const lv = fold(procedure.level ?? '');
          // The lowest level the procedure is handled at is where a citizen usually deals with it.
          const wanted = LEVELS.filter(([re]) => re.test(lv)).map(([, l]) => l);
          return candidates.find((a) => a.level === wanted[0]) ?? candidates.find((a) => wanted.includes(a.level)) ?? candidates[0]!;
        }
      }
      const q = ` ${fold(question).replace(/[^a-z0-9]+/g, ' ')} `;
      return keywords.find((k) => q.includes(k.key))?.agency ?? byId.get(DEFAULT_AGENCY)!;
    },
  };
}
