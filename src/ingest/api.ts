// /v1/ingest: agencies push their own documents and Q&A with a per-agency API key
// (`Authorization: Bearer hdk_…`). Two ways to send the same files `hoidap ingest` reads:
//   POST /v1/ingest/documents  a JSON envelope {kind, format?, filename?, content}, where content is
//                              the file's text, or its records as JSON (an array, or one object);
//   POST /v1/ingest/files      the file itself as the body (?kind=&filename=&format=), for tools
//                              that upload files as they are (curl --data-binary @file).
// Both answer with the summary `hoidap ingest --json` prints. Every request passes, in order: the
// channel switch (503), the key (401, the same answer for a missing, unknown or revoked key), the
// per-key rate (429) and the body size (413, from Content-Length before anything is read).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createRateLimiter, type RateLimiter } from '../abuse/limiter.ts';
import type { Config, SwitchableChannel } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import type { AgencyDirectory } from '../escalation/agencies.ts';
import { AppError, type Logger } from '../http/errors.ts';
import { createRouter, ErrorSchema, errorResponses } from '../http/openapi.ts';
import { st, stf, t } from '../messages.ts';
import { recordAudit } from '../privacy/audit.ts';
import { verifyApiKey, type ApiKeyPrincipal } from './api-keys.ts';
import { kindFitsFile } from './detect.ts';
import type { IngestSummary } from './pipeline.ts';
import { pushFile, pushSource } from './push.ts';
import { loadProjectRegistry, type DocumentRegistry } from './registry.ts';
import { INGEST_KINDS, type IngestKind } from './types.ts';

export interface IngestRouteDeps {
  db: Db;
  embedder: Embedder;
  agencies: AgencyDirectory;
  config: Config;
  now: () => Date;
  log: Logger;
  /** The runtime channel switches; without it, CHANNELS_OFF alone decides. */
  isOn?: (channel: SwitchableChannel) => Promise<boolean>;
  /** Resolves law names to numbers; the project's gazette when absent. */
  registry?: DocumentRegistry;
  limiter?: RateLimiter;
}

/**
 * Requests per minute per key. Pushes are batches, so this is generous next to the citizens' limit;
 * RATE_LIMIT_PER_MINUTE=0 (all limits off, as in tests) turns it off too.
 */
export const INGEST_REQUESTS_PER_MINUTE = 120;

const FORMATS = ['json', 'jsonl', 'ndjson', 'txt', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];
const KNOWN_EXT = new Set(FORMATS.map((f) => `.${f}`).concat('.htm', '.markdown'));
const DEFAULT_EXT: Record<IngestKind, string | null> = { law: '.json', gazette: '.json', procedure: '.jsonl', qa: '.jsonl', text: '.txt', news: '.txt', auto: null };
const CONTENT_TYPE_EXT: [RegExp, string][] = [
  [/^application\/(?:[\w.+-]+\+)?json$/, '.json'],
  [/^application\/(?:x-ndjson|ndjson|jsonl|x-jsonlines|jsonlines)$/, '.jsonl'],
  [/^text\/plain$/, '.txt'],
  [/^text\/markdown$/, '.md'],
  [/^text\/html$/, '.html'],
];

/** A file name that is safe as a path segment and as a document name: letters (any script), digits, `.`, `_`, `-`. */
export function safeFilename(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  return base
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+/, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 120);
}

/**
 * The name a push goes by (its source, and the `file` of its error lines) and the name it is read
 * under, whose extension tells the reader how to read it: `format` first, then the name's own
 * extension, then the body's Content-Type, then the kind's usual one. Records sent as JSON are read
 * as a JSON array whatever the name says, yet keep the sender's name, so pushing the same file
 * either way updates the same source.
 */
function resolveNames(kind: IngestKind, o: { filename?: string | undefined; format?: Format | undefined; typeExt?: string | null; records?: boolean }): { name: string; readAs: string } {
  const given = o.filename ? safeFilename(o.filename) : '';
  if (!given && (kind === 'text' || kind === 'news')) throw new AppError(400, 'filename_required', st('ingest_filename_required'));
  const ownExt = extname(given).toLowerCase();
  const stem = (KNOWN_EXT.has(ownExt) ? given.slice(0, -ownExt.length) : given) || (kind === 'auto' ? 'push' : kind);
  const ext = o.format ? `.${o.format}` : KNOWN_EXT.has(ownExt) ? ownExt : (o.typeExt ?? DEFAULT_EXT[kind]);
  if (!ext) throw new AppError(400, 'unknown_format', st('ingest_unknown_format'));
  const readAs = `${stem}${o.records ? '.json' : ext}`;
  if (kind !== 'auto' && !kindFitsFile(kind, readAs)) throw new AppError(400, 'bad_kind', st('ingest_bad_kind'));
  return { name: given || `${stem}${ext}`, readAs };
}

/** Records as JSON text whose line numbers are the records' positions (1-based), for error lines a sender can find. */
function recordsFile(content: unknown[] | Record<string, unknown>): string {
  const items = Array.isArray(content) ? content : [content];
  return `[${items.map((x) => JSON.stringify(x) ?? 'null').join(',\n')}]\n`;
}

const KindParam = z.enum(INGEST_KINDS).openapi({ description: `What the file holds: ${INGEST_KINDS.join(', ')} ("auto" guesses from the file name and first record, as \`hoidap ingest\` does)` });
const FormatParam = z.enum(FORMATS).openapi({ description: 'How to read the content when the file name does not say: json (an array), jsonl/ndjson (one record a line), txt, md, html' });

const PushRequest = z
  .object({
    kind: KindParam,
    format: FormatParam.optional(),
    filename: z.string().max(300).optional().openapi({
      description: 'The file the records come from. Names the source (pushing the same file again updates it) and, for text and news, the document itself (required then).',
      example: 'hoi-dap-2026.jsonl',
    }),
    content: z
      .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
      .openapi({ description: 'The file: its text as a string, or its records as JSON (an array, or one record). For JSON records, an error line\'s "line" is the record\'s position in the array.' }),
  })
  .strict()
  .openapi('IngestPushRequest');

const PushQuery = z.object({
  kind: KindParam,
  filename: z.string().max(300).optional().openapi({ description: 'As in the JSON envelope', example: 'luat.json' }),
  format: FormatParam.optional(),
});

const IngestSummarySchema = z
  .object({
    created: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.number().int(),
    errors: z.array(z.object({ file: z.string(), line: z.number().int(), message: z.string() })),
  })
  .openapi('IngestSummary');

const DocumentList = z
  .object({
    documents: z.array(z.object({ id: z.number().int(), key: z.string(), title: z.string(), kind: z.string(), updated: z.string() })),
  })
  .openapi('IngestDocumentList');

const unauthorized = { 401: { description: 'No key, or a key that is unknown or revoked', content: { 'application/json': { schema: ErrorSchema } } } };
const security = [{ agencyKey: [] }];
/** What both push routes answer: the ingest summary, or one of the same errors. */
const pushResponses = (description: string) => ({
  200: { description, content: { 'application/json': { schema: IngestSummarySchema } } },
  ...unauthorized,
  ...errorResponses(400, 413, 415, 429, 503),
});

export function ingestRoutes(deps: IngestRouteDeps) {
  const { db, config } = deps;
  const isOn = deps.isOn ?? (async (ch: SwitchableChannel) => !config.channelsOff.includes(ch));
  const limiter = deps.limiter ?? createRateLimiter({ limit: config.abuse.ratePerMinute > 0 ? INGEST_REQUESTS_PER_MINUTE : 0 });
  let registry = deps.registry;

  type Env = { Variables: { key: ApiKeyPrincipal } };
  const guard: MiddlewareHandler<Env> = async (c, next) => {
    if (!(await isOn('ingest'))) throw new AppError(503, 'channel_off', st('ingest_channel_off'));
    const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const key = presented ? await verifyApiKey(db, presented, deps.now()) : null;
    // An agency taken out of the directory loses its keys with it.
    if (!key || !deps.agencies.get(key.agency)) throw new AppError(401, 'unauthorized', st('apikey_unauthorized'));
    const d = limiter.take([`apikey:${key.id}`]);
    if (!d.allowed) {
      c.header('Retry-After', String(d.retryAfterSeconds));
      throw new AppError(429, 'rate_limited', stf('ingest_rate_limited', { seconds: d.retryAfterSeconds }));
    }
    c.set('key', key);
    await next();
  };
  const limit = bodyLimit({
    maxSize: config.abuse.ingestMaxBytes,
    onError: () => {
      throw new AppError(413, 'payload_too_large', t('bodyTooLarge'));
    },
  });

  // The router is shared plumbing without this Env; the guard set the key before any handler runs.
  const keyOf = (c: Context) => (c as unknown as Context<Env>).get('key');

  async function push(key: ApiKeyPrincipal, kind: IngestKind, names: { name: string; readAs: string }, body: string | Uint8Array): Promise<IngestSummary> {
    const filename = names.name;
    // The readers read files (as `hoidap ingest` does); the push is one, briefly, in its own folder.
    const dir = await mkdtemp(join(tmpdir(), 'hoidap-push-'));
    try {
      const path = join(dir, names.readAs);
      await writeFile(path, body);
      registry ??= loadProjectRegistry();
      const summary = await pushFile({ db, embedder: deps.embedder, registry }, { agency: key.agency, kind, filename, path, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length });
      await recordAudit(db, {
        actor: null,
        actorName: `api-key:${key.id}`,
        agency: key.agency,
        action: 'ingest.push',
        target: pushSource(key.agency, filename),
        detail: { kind, created: summary.created, changed: summary.changed, unchanged: summary.unchanged, skipped: summary.skipped },
      });
      deps.log('info', 'ingest push', { agency: key.agency, key: key.id, kind, created: summary.created, changed: summary.changed, unchanged: summary.unchanged, skipped: summary.skipped });
      return summary;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const documentsRoute = createRoute({
    method: 'post',
    path: '/v1/ingest/documents',
    summary: "Push an agency's documents or Q&A as a JSON envelope; stamped with the key's agency",
    security,
    middleware: [guard, limit] as const,
    request: { body: { content: { 'application/json': { schema: PushRequest } }, required: true } },
    responses: pushResponses('What was created, changed, left unchanged or skipped (with a line per skipped record)'),
  });

  const filesRoute = createRoute({
    method: 'post',
    path: '/v1/ingest/files',
    summary: 'Push one file as it is (the body), read as `hoidap ingest` reads files',
    security,
    middleware: [guard, limit] as const,
    request: {
      query: PushQuery,
      body: {
        required: true,
        description: 'The file. Its format comes from `format`, else the extension of `filename`, else the Content-Type.',
        content: Object.fromEntries(
          ['application/json', 'application/x-ndjson', 'text/plain', 'text/markdown', 'text/html'].map((m) => [m, { schema: { type: 'string' as const, format: 'binary' } }]),
        ),
      },
    },
    responses: pushResponses('As for /v1/ingest/documents'),
  });

  const listRoute = createRoute({
    method: 'get',
    path: '/v1/ingest/documents',
    summary: "The key's agency's documents, most recently updated first",
    security,
    middleware: [guard] as const,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
    responses: {
      200: { description: 'Documents', content: { 'application/json': { schema: DocumentList } } },
      ...unauthorized,
      ...errorResponses(400, 429, 503),
    },
  });

  const app = createRouter();
  app.openAPIRegistry.registerComponent('securitySchemes', 'agencyKey', { type: 'http', scheme: 'bearer', description: 'An agency API key (hdk_…), from `hoidap apikey create` or /staff/api/apikeys' });
  return app
    .openapi(documentsRoute, async (c) => {
      const b = c.req.valid('json');
      if (typeof b.content !== 'string' && (b.kind === 'text' || b.kind === 'news')) throw new AppError(400, 'bad_kind', st('ingest_bad_kind'));
      const records = typeof b.content !== 'string';
      const names = resolveNames(b.kind, { filename: b.filename, format: b.format, typeExt: records ? '.json' : null, records });
      const body = typeof b.content === 'string' ? b.content : recordsFile(b.content);
      return c.json(await push(keyOf(c), b.kind, names, body), 200);
    })
    .openapi(filesRoute, async (c) => {
      const q = c.req.valid('query');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const typeExt = CONTENT_TYPE_EXT.find(([re]) => re.test(type))?.[1];
      if (!typeExt) throw new AppError(415, 'unsupported_media_type', st('ingest_bad_content_type'));
      const names = resolveNames(q.kind, { filename: q.filename, format: q.format, typeExt });
      const body = new Uint8Array(await c.req.arrayBuffer());
      return c.json(await push(keyOf(c), q.kind, names, body), 200);
    })
    .openapi(listRoute, async (c) => {
      const { limit: n } = c.req.valid('query');
      const { agency } = keyOf(c);
      const rows = await db.query<{ id: number; doc_key: string; name: string; kind: string; updated_at: Date }>(
        'SELECT id, doc_key, name, kind, updated_at FROM documents WHERE agency = $1 ORDER BY updated_at DESC, id DESC LIMIT $2',
        [agency, n],
      );
      return c.json({ documents: rows.map((r) => ({ id: r.id, key: r.doc_key, title: r.name, kind: r.kind, updated: new Date(r.updated_at).toISOString() })) }, 200);
    });
}
