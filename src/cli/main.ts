// `hoidap` command line: serve | ingest | stats | search | ask | eval | staff | apikey | retention | citizen.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/index.ts';
import { DbOpenError, openDb } from '../db/index.ts';
import { createEmbedder, EmbedderLoadError } from '../embed/index.ts';
import { ingestPaths } from '../ingest/pipeline.ts';
import { loadProjectRegistry } from '../ingest/registry.ts';
import { storeStats } from '../ingest/stats.ts';
import { INGEST_KINDS, type DocumentKind, type IngestKind } from '../ingest/types.ts';
import type { SyncSource } from '../sync/connector.ts';
import { progressReporter } from './progress.ts';
import { loadLexicon } from '../text/lexicon.ts';
import { createConfiguredSearcher } from '../retrieval/search.ts';
import { EvalSetError, loadQuestionSet } from '../eval/sets.ts';
import { runEval, type EvalReport } from '../eval/runner.ts';
import { formatReport, writeHtmlReport } from '../eval/report.ts';
import { createConfiguredAnswerService } from '../answer/index.ts';
import { conversationExists } from '../answer/store.ts';
import { createLogger } from '../log.ts';

/** Exit codes: 0 done, 1 failed, 2 bad usage, 3 done but some input was skipped. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

const USAGE = `Cách dùng / usage:
  hoidap serve                                   start the HTTP service (PORT, default 8787)
  hoidap worker                                  the Zalo inbox worker alone (needs DATABASE_URL)
  hoidap sync [--source ID | --url URL --kind K [--agency A]] [--json]
                                                 one pass over the portal sources (data/sources.json), or one URL
  hoidap ingest <path…> [--kind K] [--json]      ingest files or folders (K: ${INGEST_KINDS.join('|')})
  hoidap stats [--json]                          what the store holds
  hoidap search "<query>" [--k 10] [--kind K,…] [--json]
  hoidap ask "<question>" [--lang vi|en] [--conversation ID] [--json]
                                                 answer once (--json prints the /v1/ask response)
  hoidap eval --set <file> [--k 10] [--json] [--peer] [--strip-diacritics] [--mode hybrid|bm25|vector] [--report out.html]
  hoidap staff add --email E --name N --agency A --role officer|supervisor|admin
                                                 create or update a staff account; the password is read
                                                 from HOIDAP_STAFF_PASSWORD or from standard input
  hoidap staff token --email E [--name N] [--days 90]
                                                 a new API token for the console API (printed once)
  hoidap staff list [--json]                     staff accounts
  hoidap channel list [--json]                   the channels (web, zalo, voice, api, ingest): on or off, and why
  hoidap channel on|off <channel> [--reason R]   switch a channel at runtime (running servers see it within 5 s;
                                                 one switched off by CHANNELS_OFF stays off)
  hoidap apikey create --agency A --name N       a new API key for an agency's pushes to /v1/ingest (printed once)
  hoidap apikey list [--agency A] [--json]       API keys (never the keys themselves)
  hoidap apikey revoke --id N                    revoke a key at once
  hoidap retention [--months N] [--dry-run] [--json]
                                                 delete conversations inactive N months (default RETENTION_MONTHS)
                                                 unless a ticket is open, old Zalo records, expired sessions
  hoidap citizen export (--conversation ID | --zalo-user ID) [--out file.json]
                                                 everything held about one citizen, as JSON
  hoidap citizen delete (--conversation ID | --zalo-user ID) --yes
                                                 delete everything held about one citizen (open tickets too)

Exit codes: 0 done, 1 failed, 2 bad usage, 3 done but some input was skipped.`;

class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean; short?: string }>;
interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function parse(args: string[], options: OptionSpec, positionals = false): Parsed {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function withStore<T>(config: Config, fn: (s: { db: Awaited<ReturnType<typeof openDb>>; embedder: Awaited<ReturnType<typeof createEmbedder>> }) => Promise<T>): Promise<T> {
  const embedder = await createEmbedder(config);
  const db = await openDb(config, embedder.dim);
  const stop = () => {
    void db.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await fn({ db, embedder });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await db.close();
  }
}

async function cmdIngest(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(args, { kind: { type: 'string', default: 'auto' }, json: { type: 'boolean', default: false } }, true);
  if (values.help) return usage();
  if (!positionals.length) throw new UsageError('ingest needs at least one file or folder');
  const kind = values.kind as string;
  if (!(INGEST_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${INGEST_KINDS.join(', ')}; got "${kind}"`);
  const summary = await withStore(config, async ({ db, embedder }) => {
    const bar = values.json && !process.stderr.isTTY ? null : progressReporter(process.stderr);
    const s = await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, positionals, { kind: kind as IngestKind, onProgress: (p) => bar?.update(p) });
    bar?.done();
    return s;
  });
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(`Tạo mới ${summary.created} · thay đổi ${summary.changed} · không đổi ${summary.unchanged} · bỏ qua ${summary.skipped}\n`);
    for (const e of summary.errors.slice(0, 50)) process.stdout.write(`  ${e.file}:${e.line}: ${e.message}\n`);
    if (summary.errors.length > 50) process.stdout.write(`  … và ${summary.errors.length - 50} lỗi khác (dùng --json để xem tất cả)\n`);
  }
  return summary.skipped > 0 ? EXIT.partial : EXIT.ok;
}

async function cmdStats(args: string[], config: Config): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean', default: false } });
  if (values.help) return usage();
  const stats = await withStore(config, ({ db }) => storeStats(db));
  if (values.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
  else {
    process.stdout.write(`Văn bản: ${stats.documents}\nĐoạn tìm kiếm: ${stats.chunks}\n`);
    for (const [k, n] of Object.entries(stats.units)) process.stdout.write(`  ${k.padEnd(12)} ${n}\n`);
  }
  return EXIT.ok;
}

/** The kind of an ad-hoc URL, from its first bytes: a sitemap, a feed, or one page. */
function detectSourceType(body: string): 'sitemap' | 'feed' | 'page' {
  const head = body.slice(0, 2000);
  if (/<(urlset|sitemapindex)[\s>]/i.test(head)) return 'sitemap';
  if (/<(rss|feed|rdf:RDF)[\s>]/i.test(head)) return 'feed';
  return 'page';
}

async function cmdSync(args: string[], config: Config): Promise<number> {
  const { values } = parse(args, { source: { type: 'string' }, url: { type: 'string' }, kind: { type: 'string' }, agency: { type: 'string' }, json: { type: 'boolean', default: false } });
  if (values.help) return usage();
  const kinds = INGEST_KINDS.filter((k) => k !== 'auto');
  if (values.source && values.url) throw new UsageError('give --source or --url, not both');
  if (values.url) {
    if (!values.kind || !kinds.includes(values.kind as never)) throw new UsageError(`--url needs --kind ${kinds.join('|')}`);
    if (!/^https?:\/\//i.test(String(values.url)) || !URL.canParse(String(values.url))) throw new UsageError(`--url must be an http(s) URL; got "${values.url}"`);
  } else if (values.kind || values.agency) throw new UsageError('--kind and --agency go with --url');
  const { installSources, createSyncDeps } = await import('../sync/node.ts');
  const { loadSources, runSources } = await import('../sync/index.ts');
  const totals = await withStore(config, async ({ db, embedder }) => {
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    await installSources(db, config);
    const deps = createSyncDeps(config, { db, embedder, log, now: () => new Date() });
    let sources: SyncSource[];
    if (values.url) {
      const url = String(values.url);
      // An ad-hoc URL keeps a stable id, so running it again is incremental too.
      const id = `adhoc-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
      const first = await deps.fetcher.get(url);
      const type = first.status === 'ok' ? detectSourceType(first.body) : 'page';
      sources = [{ id, type, url, kind: values.kind as DocumentKind, agency: (values.agency as string | undefined) ?? null, patterns: [], everyMinutes: 360, enabled: true }];
    } else {
      const all = await loadSources(db);
      if (values.source) {
        const one = all.find((s) => s.id === values.source);
        if (!one) throw new UsageError(`no source "${values.source}" (configured: ${all.map((s) => s.id).join(', ') || 'none'})`);
        sources = [one];
      } else sources = all.filter((s) => s.enabled);
      if (!sources.length) throw new UsageError('no sources configured: add them to data/sources.json (or SYNC_SOURCES_FILE), or give --url URL --kind KIND');
    }
    return runSources(sources, deps);
  });
  const { fetched, created, changed, unchanged, failed } = totals;
  if (values.json) process.stdout.write(`${JSON.stringify({ fetched, created, changed, unchanged, failed, sources: totals.sources })}\n`);
  else {
    for (const s of totals.sources) {
      process.stdout.write(`${s.source}: tải ${s.fetched}, mới ${s.created}, thay đổi ${s.changed}, không đổi ${s.unchanged}, lỗi ${s.failed} (${(s.durationMs / 1000).toFixed(1)} s)\n`);
      for (const e of s.errors.slice(0, 20)) process.stdout.write(`  ✗ ${e.url}: ${e.code} — ${e.message}\n`);
    }
  }
  return failed ? EXIT.partial : EXIT.ok;
}

const UNIT_KINDS = ['law_article', 'procedure', 'qa', 'news', 'gazette', 'text'] as const;

function parseK(v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const k = Number(v);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError(`--k must be a whole number from 1 to 100; got "${v}"`);
  return k;
}

async function cmdSearch(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(args, { k: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean', default: false } }, true);
  if (values.help) return usage();
  const q = positionals.join(' ').trim();
  if (!q) throw new UsageError('search needs a query');
  const k = parseK(values.k, 10);
  const kinds = typeof values.kind === 'string' ? values.kind.split(',').map((x) => x.trim()) : undefined;
  for (const kind of kinds ?? []) if (!(UNIT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must list unit kinds (${UNIT_KINDS.join(', ')}); got "${kind}"`);
  const result = await withStore(config, async ({ db, embedder }) =>
    (await createConfiguredSearcher(config, db, embedder, loadLexicon())).search(q, { k, kinds: kinds as (typeof UNIT_KINDS)[number][] | undefined }),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ query: q, restoredQuery: result.restored, hits: result.hits.map(({ text, ...h }) => ({ ...h, snippet: text.slice(0, 240) })) })}\n`);
  } else {
    if (result.restored) process.stdout.write(`(hiểu là: ${result.restored})\n`);
    result.hits.forEach((h, i) => process.stdout.write(`${String(i + 1).padStart(2)}. [${h.score.toFixed(4)}] ${h.ref}\n    ${h.text.replace(/\s+/g, ' ').slice(0, 160)}\n`));
    if (!result.hits.length) process.stdout.write('Không tìm thấy kết quả phù hợp.\n');
  }
  return EXIT.ok;
}

async function answering(config: Config, db: Awaited<ReturnType<typeof openDb>>, embedder: Awaited<ReturnType<typeof createEmbedder>>) {
  const lexicon = loadLexicon();
  const searcher = await createConfiguredSearcher(config, db, embedder, lexicon);
  // Logs of the answer path go to stderr only when asked for (LOG_LEVEL=debug); stdout stays the answer.
  const log = config.logLevel === 'debug' ? createLogger('debug') : () => {};
  const answers = await createConfiguredAnswerService(config, { db, searcher, lexicon, log, now: () => new Date() });
  return { searcher, answers };
}

async function cmdAsk(args: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(args, { lang: { type: 'string' }, conversation: { type: 'string' }, json: { type: 'boolean', default: false } }, true);
  if (values.help) return usage();
  const question = positionals.join(' ');
  if (!question.trim()) throw new UsageError('ask needs a question');
  const lang = values.lang;
  if (lang !== undefined && lang !== 'vi' && lang !== 'en') throw new UsageError(`--lang must be vi or en; got "${String(lang)}"`);
  const conversationId = typeof values.conversation === 'string' ? values.conversation : undefined;
  const r = await withStore(config, async ({ db, embedder }) => {
    if (conversationId && !(await conversationExists(db, conversationId))) throw new UsageError(`--conversation ${conversationId}: no such conversation`);
    const { answers } = await answering(config, db, embedder);
    return answers.ask({ question, conversationId, lang, channel: 'cli' });
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`${r.answer}\n`);
  if (r.citations.length) {
    process.stdout.write('\n');
    for (const c of r.citations) {
      const quote = c.quote.replace(/\s+/g, ' ');
      process.stdout.write(`[${c.n}] ${c.ref}${c.url ? ` — ${c.url}` : ''}\n    “${quote.length > 240 ? `${quote.slice(0, 240).replace(/\s+\S*$/, '')} …` : quote}”\n`);
    }
  }
  process.stdout.write(`\n(${r.status}; conversation ${r.conversationId})\n`);
  return EXIT.ok;
}

async function cmdEval(args: string[], config: Config): Promise<number> {
  const { values } = parse(args, {
    set: { type: 'string' },
    k: { type: 'string' },
    json: { type: 'boolean', default: false },
    peer: { type: 'boolean', default: false },
    'strip-diacritics': { type: 'boolean', default: false },
    mode: { type: 'string', default: 'hybrid' },
    report: { type: 'string' },
  });
  if (values.help) return usage();
  if (typeof values.set !== 'string') throw new UsageError('eval needs --set <file>');
  const k = parseK(values.k, 10);
  const mode = values.mode as string;
  if (!['hybrid', 'bm25', 'vector'].includes(mode)) throw new UsageError(`--mode must be hybrid, bm25 or vector; got "${mode}"`);
  let loaded;
  try {
    loaded = await loadQuestionSet(values.set);
  } catch (e) {
    if (e instanceof EvalSetError) throw new UsageError(e.message);
    throw e;
  }
  const report: EvalReport = await withStore(config, async ({ db, embedder }) => {
    const { searcher, answers } = await answering(config, db, embedder);
    return runEval({ db, embedder, searcher, answers }, values.set as string, loaded.questions, {
      k,
      peer: Boolean(values.peer),
      stripDiacritics: Boolean(values['strip-diacritics']),
      mode: mode as 'hybrid' | 'bm25' | 'vector',
    });
  });
  if (typeof values.report === 'string') await writeHtmlReport(values.report, [report]);
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatReport(report)}\n`);
  for (const p of loaded.problems.slice(0, 5)) process.stderr.write(`hoidap eval: skipped ${p}\n`);
  return EXIT.ok;
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.HOIDAP_STAFF_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) throw new UsageError('set HOIDAP_STAFF_PASSWORD or pipe the password on standard input');
  let data = '';
  for await (const chunk of process.stdin) data += String(chunk);
  return data.replace(/\r?\n$/, '');
}

async function cmdStaff(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { addStaff, createApiToken } = await import('../staff/auth.ts');
  const { loadAgencies } = await import('../escalation/agencies.ts');
  if (sub === 'add') {
    const { values } = parse(rest, { email: { type: 'string' }, name: { type: 'string' }, agency: { type: 'string' }, role: { type: 'string' } });
    if (values.help) return usage();
    const email = String(values.email ?? '').trim();
    const name = String(values.name ?? '').trim();
    const agency = String(values.agency ?? '').trim();
    const role = String(values.role ?? '');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError('--email must be an email address');
    if (!name) throw new UsageError('--name is required');
    const agencies = loadAgencies();
    if (!agencies.get(agency)) throw new UsageError(`--agency must be one of: ${agencies.list.map((a) => a.id).join(', ')}`);
    if (role !== 'officer' && role !== 'supervisor' && role !== 'admin') throw new UsageError('--role must be officer, supervisor or admin');
    const password = await readPassword();
    if (password.length < 10) throw new UsageError('the password must be at least 10 characters');
    return withStore(config, async ({ db }) => {
      const s = await addStaff(db, { email, name, agency, role, password });
      const { audit } = await import('../privacy/audit.ts');
      await audit(db, { name: 'cli' }, 'staff.save', `staff:${s.id}`, { role, agency });
      process.stdout.write(`staff ${s.email} (${s.role}, ${s.agency}) saved\n`);
      return EXIT.ok;
    });
  }
  if (sub === 'token') {
    const { values } = parse(rest, { email: { type: 'string' }, name: { type: 'string', default: 'api' }, days: { type: 'string', default: '90' } });
    if (values.help) return usage();
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--days must be a whole number from 1 to 3650');
    return withStore(config, async ({ db }) => {
      const [s] = await db.query<{ id: number }>('SELECT id FROM staff WHERE email = $1', [String(values.email ?? '').trim().toLowerCase()]);
      if (!s) {
        process.stderr.write(`hoidap: no staff account with email ${String(values.email ?? '')}\n`);
        return EXIT.failed;
      }
      const token = await createApiToken(db, s.id, String(values.name), new Date(Date.now() + days * 86_400_000));
      const { audit } = await import('../privacy/audit.ts');
      await audit(db, { name: 'cli' }, 'auth.token_create', `staff:${s.id}`, { days });
      process.stdout.write(`${token}\n`);
      return EXIT.ok;
    });
  }
  if (sub === 'list') {
    const { values } = parse(rest, { json: { type: 'boolean' } });
    if (values.help) return usage();
    return withStore(config, async ({ db }) => {
      const rows = await db.query<{ email: string; name: string; agency: string; role: string; disabled: boolean }>('SELECT email, name, agency, role, disabled FROM staff ORDER BY agency, email');
      if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else for (const r of rows) process.stdout.write(`${r.email}\t${r.role}\t${r.agency}\t${r.name}${r.disabled ? '\t(disabled)' : ''}\n`);
      return EXIT.ok;
    });
  }
  throw new UsageError(`staff: expected add, token or list${sub ? `, got "${sub}"` : ''}`);
}

async function cmdRetention(args: string[], config: Config): Promise<number> {
  const { values } = parse(args, { months: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } });
  if (values.help) return usage();
  const months = values.months === undefined ? config.retentionMonths : Number(values.months);
  if (!Number.isInteger(months) || months < 0 || months > 1200) throw new UsageError(`--months must be a whole number from 0 (keep everything) to 1200; got "${String(values.months)}"`);
  const { runRetention } = await import('../privacy/retention.ts');
  const r = await withStore(config, ({ db }) => runRetention(db, { now: new Date(), months, dryRun: Boolean(values['dry-run']), actorName: 'cli' }));
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    process.stdout.write(r.dryRun ? 'Chạy thử (không xoá gì) — sẽ xoá:\n' : 'Đã xoá:\n');
    if (r.cutoff) process.stdout.write(`  cuộc trò chuyện không hoạt động từ trước ${r.cutoff.slice(0, 10)}: ${r.conversations} (lượt ${r.turns}, câu trả lời ${r.answers}, phiếu ${r.tickets}, tin gửi ${r.deliveries})\n  sự kiện Zalo: ${r.zaloInbox}, bản ghi tin đã gửi Zalo: ${r.zaloSent}, nhật ký thao tác quá hạn: ${r.auditRows}\n`);
    else process.stdout.write('  (RETENTION_MONTHS=0: giữ mọi cuộc trò chuyện)\n');
    process.stdout.write(`  phiên đăng nhập hết hạn: ${r.staffSessions}\n`);
  }
  return EXIT.ok;
}

async function cmdCitizen(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export' && sub !== 'delete') throw new UsageError(`citizen: expected export or delete${sub ? `, got "${sub}"` : ''}`);
  const { values } = parse(rest, { conversation: { type: 'string' }, 'zalo-user': { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean', default: false } });
  if (values.help) return usage();
  const conversation = typeof values.conversation === 'string' ? values.conversation.trim() : '';
  const zalo = typeof values['zalo-user'] === 'string' ? values['zalo-user'].trim() : '';
  if (Boolean(conversation) === Boolean(zalo)) throw new UsageError(`citizen ${sub} needs exactly one of --conversation ID or --zalo-user ID`);
  if (zalo && !/^\d{1,32}$/.test(zalo)) throw new UsageError(`--zalo-user must be a Zalo user id (digits); got "${zalo}"`);
  if (sub === 'delete' && values.out !== undefined) throw new UsageError('--out goes with citizen export');
  if (sub === 'export' && values.yes) throw new UsageError('--yes goes with citizen delete');
  if (sub === 'delete' && !values.yes) throw new UsageError('citizen delete removes everything held about the citizen, open tickets included, and cannot be undone: add --yes');
  const target = conversation ? { conversationId: conversation } : { zaloUserId: zalo };
  const { exportCitizen, deleteCitizen, targetRef } = await import('../privacy/citizen.ts');
  return withStore(config, async ({ db }) => {
    if (sub === 'export') {
      const { createSealer } = await import('../privacy/seal.ts');
      const out = await exportCitizen(db, createSealer(config.dataEncryptionKey), target, { name: 'cli' });
      if (!out) {
        process.stderr.write(`hoidap: nothing is held about ${targetRef(target)}\n`);
        return EXIT.failed;
      }
      const json = `${JSON.stringify(out, null, 2)}\n`;
      if (typeof values.out === 'string') {
        const { writeFile } = await import('node:fs/promises');
        // The file holds the citizen's own words: readable by its owner only.
        await writeFile(values.out, json, { mode: 0o600 });
        process.stderr.write(`${targetRef(target)}: ${out.conversations.length} cuộc trò chuyện → ${values.out}${out.rawAvailable ? '' : ' (không có DATA_ENCRYPTION_KEY: chỉ có văn bản đã che thông tin cá nhân)'}\n`);
      } else process.stdout.write(json);
      return EXIT.ok;
    }
    const r = await deleteCitizen(db, target, { name: 'cli' });
    if (!r) {
      process.stderr.write(`hoidap: nothing is held about ${targetRef(target)}\n`);
      return EXIT.failed;
    }
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return EXIT.ok;
  });
}

async function cmdApiKey(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { createApiKey, listApiKeys, revokeApiKey, apiKeyIdSchema } = await import('../ingest/api-keys.ts');
  const { audit } = await import('../privacy/audit.ts');
  if (sub === 'create') {
    const { values } = parse(rest, { agency: { type: 'string' }, name: { type: 'string' } });
    if (values.help) return usage();
    const { loadAgencies } = await import('../escalation/agencies.ts');
    const agencies = loadAgencies();
    const agency = String(values.agency ?? '').trim();
    const name = String(values.name ?? '').trim();
    if (!agencies.get(agency)) throw new UsageError(`--agency must be one of: ${agencies.list.map((a) => a.id).join(', ')}`);
    if (!name || name.length > 200) throw new UsageError('--name is required (at most 200 characters)');
    return withStore(config, async ({ db }) => {
      const { key, row } = await createApiKey(db, agencies, { agency, name, createdBy: 'cli' });
      await audit(db, { name: 'cli' }, 'apikey.create', `apikey:${row.id}`, { agency });
      process.stdout.write(`${key}\n`);
      process.stderr.write(`Khoá API #${row.id} (${row.agency}, "${row.name}") chỉ hiện một lần: hãy lưu vào nơi an toàn ngay. / Key #${row.id} is shown only once: store it safely now.\n`);
      return EXIT.ok;
    });
  }
  if (sub === 'list') {
    const { values } = parse(rest, { agency: { type: 'string' }, json: { type: 'boolean', default: false } });
    if (values.help) return usage();
    return withStore(config, async ({ db }) => {
      const rows = await listApiKeys(db, typeof values.agency === 'string' ? values.agency.trim() : undefined);
      if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else for (const r of rows) {
        const state = r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : r.lastUsedAt ? `last used ${r.lastUsedAt.toISOString()}` : 'never used';
        process.stdout.write(`${r.id}\t${r.agency}\t${r.prefix}…\t${r.name}\t${state}\n`);
      }
      return EXIT.ok;
    });
  }
  if (sub === 'revoke') {
    const { values } = parse(rest, { id: { type: 'string' } });
    if (values.help) return usage();
    const id = apiKeyIdSchema.safeParse(values.id);
    if (!id.success) throw new UsageError('--id must be a key number (see hoidap apikey list)');
    return withStore(config, async ({ db }) => {
      const row = await revokeApiKey(db, id.data, new Date());
      if (!row) {
        process.stderr.write(`hoidap: no API key #${id.data}\n`);
        return EXIT.failed;
      }
      await audit(db, { name: 'cli' }, 'apikey.revoke', `apikey:${row.id}`, { agency: row.agency });
      process.stdout.write(`API key #${row.id} (${row.agency}, "${row.name}") revoked\n`);
      return EXIT.ok;
    });
  }
  throw new UsageError(`apikey: expected create, list or revoke${sub ? `, got "${sub}"` : ''}`);
}

async function cmdChannel(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { createChannelSwitches, ChannelSwitchError, isChannel } = await import('../abuse/switches.ts');
  const { CHANNELS } = await import('../config/index.ts');
  if (sub === 'list') {
    const { values } = parse(rest, { json: { type: 'boolean', default: false } });
    if (values.help) return usage();
    const list = await withStore(config, ({ db }) => createChannelSwitches({ db, channelsOff: config.channelsOff }).list());
    if (values.json) process.stdout.write(`${JSON.stringify(list)}\n`);
    else
      for (const c of list)
        process.stdout.write(`${c.channel.padEnd(7)} ${c.enabled ? 'on ' : 'off'}${c.envOff ? '  (CHANNELS_OFF)' : ''}${c.reason ? `  ${c.reason}` : ''}${c.updatedBy ? `  — ${c.updatedBy}, ${c.updatedAt}` : ''}\n`);
    return EXIT.ok;
  }
  if (sub === 'on' || sub === 'off') {
    const { values, positionals } = parse(rest, { reason: { type: 'string' } }, true);
    if (values.help) return usage();
    const channel = positionals[0] ?? '';
    if (positionals.length !== 1 || !isChannel(channel)) throw new UsageError(`channel ${sub} needs one channel: ${CHANNELS.join(', ')}${channel ? `; got "${positionals.join(' ')}"` : ''}`);
    const reason = typeof values.reason === 'string' ? values.reason.trim().slice(0, 500) : null;
    try {
      const state = await withStore(config, ({ db }) => createChannelSwitches({ db, channelsOff: config.channelsOff }).set(channel, sub === 'on', { reason, by: { name: 'cli' } }));
      process.stdout.write(`${state.channel}: ${state.enabled ? 'on' : 'off'}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof ChannelSwitchError) {
        process.stderr.write(`hoidap: ${e.message}\n`);
        return EXIT.failed;
      }
      throw e;
    }
  }
  throw new UsageError(`channel: expected list, on or off${sub ? `, got "${sub}"` : ''}`);
}

async function cmdServe(args: string[], config: Config): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) return usage();
  const { startServer } = await import('../main.node.ts');
  return runUntilSignal(await startServer(config));
}

async function cmdWorker(args: string[], config: Config): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) return usage();
  const { startZaloWorker } = await import('../main.node.ts');
  return runUntilSignal(await startZaloWorker(config));
}

/** Keeps a long-running command up until SIGINT or SIGTERM, then closes it cleanly. */
async function runUntilSignal(running: { close(): Promise<void> }): Promise<number> {
  await new Promise<void>((resolve) => {
    const stop = () => {
      void running.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return EXIT.ok;
}

function usage(code: number = EXIT.ok): number {
  (code === EXIT.ok ? process.stdout : process.stderr).write(`${USAGE}\n`);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') return usage(cmd ? EXIT.ok : EXIT.usage);
    const commands: Record<string, (a: string[], c: Config) => Promise<number>> = { serve: cmdServe, worker: cmdWorker, sync: cmdSync, ingest: cmdIngest, stats: cmdStats, search: cmdSearch, ask: cmdAsk, eval: cmdEval, staff: cmdStaff, apikey: cmdApiKey, retention: cmdRetention, citizen: cmdCitizen, channel: cmdChannel };
    const run = commands[cmd];
    if (!run) throw new UsageError(`unknown command "${cmd}"`);
    return await run(rest, loadConfig());
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`hoidap: ${e.message}\n\n`);
      return usage(EXIT.usage);
    }
    if (e instanceof Error && (e instanceof ConfigError || e instanceof DbOpenError || e instanceof EmbedderLoadError || e.name === 'RerankerLoadError' || e.name === 'StartupError')) {
      process.stderr.write(`hoidap: ${e.message}\n`);
      return EXIT.failed;
    }
    process.stderr.write(`hoidap: unexpected error: ${(e as Error).stack ?? e}\n`);
    return EXIT.failed;
  }
}
