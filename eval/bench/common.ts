// What the loopback benchmarks share: the full-corpus store (built once, reused) and the distinct
// questions they ask (the answer set, ALQAC 2022, the portal FAQ, in a fixed order).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDb } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import { loadQuestionSet } from '../../src/eval/sets.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { storeStats } from '../../src/ingest/stats.ts';
import { BUNDLED_KNOWLEDGE } from '../../src/main.node.ts';

/** Ingests ../shared/data and the bundled knowledge into dataDir unless it already holds them. */
export async function ensureBenchStore(dataDir: string, shared: string): Promise<void> {
  const embedder = createLexicalEmbedder();
  const db = await openDb({ dataDir, databaseUrl: undefined }, embedder.dim);
  try {
    const stats = await storeStats(db);
    if (stats.units.law_article < 1000 || stats.units.procedure < 1000) {
      console.error(`Ingesting ${shared}/data and the bundled knowledge into ${dataDir} (once; about two minutes)…`);
      await ingestPaths({ db, embedder, registry: loadProjectRegistry() }, [`${shared}/data`, ...BUNDLED_KNOWLEDGE]);
    }
  } finally {
    await db.close();
  }
}

/** Questions without history from the development sets, in a fixed order (duplicates kept). */
export async function benchQuestions(shared: string): Promise<string[]> {
  const answersDev = fileURLToPath(new URL('../sets/answers-dev.jsonl', import.meta.url));
  const questions: string[] = [];
  for (const file of [answersDev, `${shared}/eval/alqac-2022-questions.json`, `${shared}/eval/dvc-faq.jsonl`]) {
    if (!existsSync(file)) continue;
    const set = await loadQuestionSet(file).catch(() => null);
    if (set) questions.push(...set.questions.filter((q) => !q.history.length).map((q) => q.text));
  }
  if (!questions.length) questions.push(...readFileSync(answersDev, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text));
  return questions;
}

/**
 * Deletes what a run wrote (its conversations, and with them turns, answers and tickets), so that
 * repeated runs measure the same store: thirty runs left 30,000 conversations behind and p95 grew
 * by two thirds.
 */
export async function forgetBenchConversations(dataDir: string, since: Date): Promise<void> {
  const db = await openDb({ dataDir, databaseUrl: undefined }, createLexicalEmbedder().dim);
  try {
    await db.query('DELETE FROM conversations WHERE created_at >= $1', [since]);
  } finally {
    await db.close();
  }
}
