import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { t } from '../messages.ts';
import type { Searcher } from './search.ts';

const KINDS = ['law_article', 'procedure', 'qa', 'news', 'gazette', 'text'] as const;
const query = z.object({
  q: z.string().trim().min(1, 'q is required').max(2000, 'q is longer than 2,000 characters'),
  k: z.coerce.number().int().min(1).max(50).default(10),
  kind: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(KINDS)).optional()),
});

export function searchRoutes(deps: { searcher: Searcher }) {
  return new Hono().get('/v1/search', async (c) => {
    const parsed = query.safeParse(c.req.query());
    if (!parsed.success) {
      throw new AppError(400, 'invalid_query', `${t('badInput')} ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`);
    }
    const { q, k, kind } = parsed.data;
    const started = performance.now();
    const r = await deps.searcher.search(q, { k, ...(kind ? { kinds: kind } : {}) });
    return c.json({
      query: q,
      restoredQuery: r.restored,
      k,
      tookMs: Math.round(performance.now() - started),
      results: r.hits.map((h, i) => ({
        rank: i + 1,
        unitId: h.unitId,
        kind: h.kind,
        ref: h.ref,
        title: h.title,
        document: { name: h.documentName, number: h.documentNumber, status: h.status },
        url: h.url,
        score: Number(h.score.toFixed(6)),
        snippet: h.text.replace(/\s+/g, ' ').slice(0, 300),
      })),
    });
  });
}
