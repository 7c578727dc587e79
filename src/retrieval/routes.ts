import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errorResponses } from '../http/openapi.ts';
import type { Searcher } from './search.ts';

const KINDS = ['law_article', 'procedure', 'qa', 'news', 'gazette', 'text'] as const;
const SearchQuery = z.object({
  q: z.string().trim().min(1, 'q is required').max(2000, 'q is longer than 2,000 characters').openapi({ example: 'gia hạn tạm trú' }),
  k: z.coerce.number().int().min(1).max(50).default(10),
  kind: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(KINDS)).optional())
    .openapi({ description: `Comma-separated unit kinds: ${KINDS.join(', ')}`, type: 'string' }),
});

const SearchResponse = z
  .object({
    query: z.string(),
    restoredQuery: z.string().nullable(),
    k: z.number(),
    tookMs: z.number(),
    results: z.array(
      z.object({
        rank: z.number(),
        unitId: z.number(),
        kind: z.string(),
        ref: z.string(),
        title: z.string().nullable(),
        document: z.object({ name: z.string(), number: z.string().nullable(), status: z.string() }),
        url: z.string().nullable(),
        score: z.number(),
        snippet: z.string(),
      }),
    ),
  })
  .openapi('SearchResponse');

const searchRoute = createRoute({
  method: 'get',
  path: '/v1/search',
  summary: 'Ranked citable units (law articles, procedures, Q&A) for a query',
  request: { query: SearchQuery },
  responses: { 200: { description: 'Ranked units', content: { 'application/json': { schema: SearchResponse } } }, ...errorResponses(400) },
});

export function searchRoutes(deps: { searcher: Searcher }) {
  return createRouter().openapi(searchRoute, async (c) => {
    const { q, k, kind } = c.req.valid('query');
    const started = performance.now();
    const r = await deps.searcher.search(q, { k, ...(kind ? { kinds: kind } : {}) });
    return c.json(
      {
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
      },
      200,
    );
  });
}
