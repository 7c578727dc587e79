// Spoken-style eval: each question set is run twice over the same store, as written and as a
// recogniser would return it said aloud (src/voice/speak.ts: lowercase, no punctuation, numbers in
// words, fillers, some syllables without diacritics), and the spoken MRR@10 must stay within 0.05
// of the written one. Spoken questions go through the product's own path (channel "voice": the
// transcript normaliser, and the answer pipeline's transcript where the answer block runs).
// A set with answer expectations runs as `hoidap eval` runs it (configured searcher and answer
// service); any other as eval:retrieval does (hybrid search alone), so the written figures match
// those reports. Uses the store at DATA_DIR; writes nothing to disk.
//   DATA_DIR=.data npm run eval:spoken [-- <set>… ] [-- --json]
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createConfiguredAnswerService } from '../src/answer/index.ts';
import type { AnswerService } from '../src/answer/pipeline.ts';
import { loadConfig } from '../src/config/index.ts';
import { openDb } from '../src/db/index.ts';
import { createEmbedder } from '../src/embed/index.ts';
import { hasAnswerExpectations, runEval, type EvalReport } from '../src/eval/runner.ts';
import { EvalSetError, loadQuestionSet, type EvalQuestion } from '../src/eval/sets.ts';
import { createConfiguredSearcher, createSearcher, type Searcher } from '../src/retrieval/search.ts';
import { loadLexicon } from '../src/text/lexicon.ts';
import { normalizeTranscript } from '../src/voice/normalize.ts';
import { hashSeed, toSpokenStyle } from '../src/voice/speak.ts';

const MAX_MRR_DELTA = 0.05;
const SAMPLES = 5;
const LOST_SHOWN = 10;
const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_SETS = ['../shared/eval/alqac-2022-questions.json', 'eval/sets/answers-dev.jsonl'].map((p) => resolve(root, p));

let args;
try {
  args = parseArgs({ options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
} catch (e) {
  process.stderr.write(`eval:spoken: ${(e as Error).message}\nusage: npm run eval:spoken [-- <set>…] [-- --json]\n`);
  process.exit(2);
}
if (args.values.help) {
  process.stdout.write('usage: npm run eval:spoken [-- <set>…] [-- --json]\n');
  process.exit(0);
}
const sets = args.positionals.length ? args.positionals.map((p) => resolve(p)) : DEFAULT_SETS;

/** The same questions (ids, gold, expectations) as a recogniser would return them spoken. */
function spokenVariant(questions: EvalQuestion[]): EvalQuestion[] {
  const say = (text: string, seedKey: string, lang: EvalQuestion['lang']) => toSpokenStyle(text, { seed: hashSeed(seedKey), lang });
  return questions.map((q) => ({
    ...q,
    text: say(q.text, q.id, q.lang),
    history: q.history.map((h, i) => say(h, `${q.id}#${i}`, q.lang)),
    channel: 'voice',
  }));
}

interface SetResult {
  set: string;
  written: EvalReport;
  spoken: EvalReport;
  delta: number;
  pass: boolean;
  samples: { id: string; written: string; spoken: string; normalised: string }[];
  /** Found within k as written, not as spoken. */
  lost: { id: string; spoken: string; normalised: string }[];
}

const loaded: { path: string; questions: EvalQuestion[] }[] = [];
try {
  for (const path of sets) loaded.push({ path, questions: (await loadQuestionSet(path)).questions });
} catch (e) {
  if (!(e instanceof EvalSetError)) throw e;
  process.stderr.write(`eval:spoken: ${e.message}\n`);
  process.exit(2);
}

const config = loadConfig();
const embedder = await createEmbedder(config);
const db = await openDb(config, embedder.dim);
const lexicon = loadLexicon();
const results: SetResult[] = [];
try {
  const retrieval = createSearcher({ db, embedder, lexicon });
  let answering: { searcher: Searcher; answers: AnswerService } | null = null;
  for (const { path, questions } of loaded) {
    let deps: { db: typeof db; embedder: typeof embedder; searcher: Searcher; answers?: AnswerService } = { db, embedder, searcher: retrieval };
    if (hasAnswerExpectations(questions)) {
      if (!answering) {
        const searcher = await createConfiguredSearcher(config, db, embedder, lexicon);
        answering = { searcher, answers: await createConfiguredAnswerService(config, { db, searcher, lexicon, log: () => {}, now: () => new Date() }) };
      }
      deps = { db, embedder, ...answering };
    }
    const name = path.split('/').pop()!;
    const spokenQuestions = spokenVariant(questions);
    const opts = { k: 10, maxMisses: questions.length };
    const written = await runEval(deps, name, questions, opts);
    const spoken = await runEval(deps, name, spokenQuestions, opts);
    const delta = round(spoken.mrr_at_10 - written.mrr_at_10);
    const writtenMisses = new Set(written.misses.map((m) => m.id));
    const byId = new Map(spokenQuestions.map((q) => [q.id, q]));
    const withGold = spokenQuestions.filter((q) => q.gold.length);
    results.push({
      set: name,
      written,
      spoken,
      delta,
      pass: Math.abs(delta) <= MAX_MRR_DELTA,
      samples: Array.from({ length: Math.min(SAMPLES, withGold.length) }, (_, i) => {
        const q = withGold[Math.floor((i * withGold.length) / SAMPLES)]!;
        return { id: q.id, written: questions.find((w) => w.id === q.id)!.text, spoken: q.text, normalised: normalizeTranscript(q.text).text };
      }),
      lost: spoken.misses
        .filter((m) => !writtenMisses.has(m.id))
        .map((m) => ({ id: m.id, spoken: byId.get(m.id)!.text, normalised: m.text })),
    });
  }
} finally {
  await db.close();
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

const pass = results.every((r) => r.pass);
if (args.values.json) {
  const metrics = (r: EvalReport) => ({ n: r.n, recall_at_1: r.recall_at_1, recall_at_10: r.recall_at_10, mrr_at_10: r.mrr_at_10, ...(r.answer ? { answer: r.answer } : {}) });
  const summary = {
    max_mrr_delta: MAX_MRR_DELTA,
    pass,
    sets: results.map((r) => ({ set: r.set, written: metrics(r.written), spoken: metrics(r.spoken), mrr_delta: r.delta, pass: r.pass, lost: r.lost.map((l) => l.id) })),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  const rows = [['set', 'variant', 'questions', 'R@1', 'R@10', 'MRR@10', 'Δ MRR', '']];
  for (const r of results) {
    for (const [variant, e] of [['written', r.written], ['spoken', r.spoken]] as const) {
      const last = variant === 'spoken';
      rows.push([r.set, variant, String(e.n), e.recall_at_1.toFixed(3), e.recall_at_10.toFixed(3), e.mrr_at_10.toFixed(3), last ? `${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(3)}` : '', last ? (r.pass ? 'PASS' : 'FAIL') : '']);
    }
  }
  const out = [table(rows), `(PASS: spoken MRR@10 within ${MAX_MRR_DELTA} of written)`];
  for (const r of results) {
    out.push('', `── ${r.set}`);
    for (const [variant, e] of [['written', r.written], ['spoken', r.spoken]] as const) {
      const a = e.answer;
      if (a) out.push(`answers, ${variant}: facts ${a.facts_rate.toFixed(3)}, escalate precision ${a.escalate_precision.toFixed(3)} recall ${a.escalate_recall.toFixed(3)}, citations valid ${a.citation_validity.toFixed(3)}; ${Object.entries(a.status).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    out.push('samples (spoken → searched as):');
    for (const s of r.samples) out.push(`  ${s.id}  ${s.written}`, `    said:     ${s.spoken}`, `    searched: ${s.normalised}`);
    out.push(`found in the top 10 as written but not as spoken: ${r.lost.length}`);
    for (const l of r.lost.slice(0, LOST_SHOWN)) out.push(`  ${l.id}  said: ${l.spoken}`, `        searched: ${l.normalised}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
process.exitCode = pass ? 0 : 1;
