// A small knowledge base (residence procedures, Luật Cư trú and part of Luật Hôn nhân và gia đình from ../shared, with the project's
// gazette metadata) with the answer service over it, for answer-path tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlmComposer } from '../../src/answer/llm.ts';
import { createAnswerService, type AnswerDeps, type AnswerParams, type AnswerService, type Masker } from '../../src/answer/pipeline.ts';
import type { Db } from '../../src/db/index.ts';
import { createLexicalEmbedder } from '../../src/embed/lexical.ts';
import type { Embedder } from '../../src/embed/index.ts';
import { loadAgencies } from '../../src/escalation/agencies.ts';
import { ingestPaths } from '../../src/ingest/pipeline.ts';
import { loadProjectRegistry } from '../../src/ingest/registry.ts';
import { createSearcher, type Searcher } from '../../src/retrieval/search.ts';
import { createTitleReranker } from '../../src/retrieval/title-rerank.ts';
import { loadGlossary } from '../../src/text/english.ts';
import { loadLexicon } from '../../src/text/lexicon.ts';
import { openTestDb, type Driver } from './db.ts';
import { lawSlice, SHARED_DATA, tempDir, write } from './fixtures.ts';

/** Residence procedures (temporary and permanent registration, extension, removal) and others around them. */
export const RESIDENCE_CODES = ['1.002755', '1.004194', '1.004222', '1.010028'];

export function proceduresByCode(codes: string[], plusFirst = 40): string[] {
  const lines = readFileSync(join(SHARED_DATA, 'procedures', 'dvc-procedures.jsonl'), 'utf8').split('\n').filter(Boolean);
  const wanted = lines.filter((l) => codes.includes((JSON.parse(l) as { ma_thu_tuc: string }).ma_thu_tuc));
  return [...new Set([...wanted, ...lines.slice(0, plusFirst)])];
}

export interface AnswerFixture {
  db: Db;
  embedder: Embedder;
  searcher: Searcher;
  /** A fresh answer service over the same store (another LLM, masker or clock). */
  service(o?: { llm?: LlmComposer | null; masker?: Masker; now?: () => Date; params?: Partial<AnswerParams>; onTicket?: AnswerDeps['onTicket']; onAnswer?: AnswerDeps['onAnswer'] }): AnswerService;
  close(): Promise<void>;
}

/** The fixture's knowledge as files in a fresh folder, for ingesting anywhere. */
export function writeAnswerCorpus(): string {
  const dir = tempDir();
  write(dir, 'procedures.jsonl', `${proceduresByCode(RESIDENCE_CODES).join('\n')}\n`);
  write(dir, 'cu-tru.json', JSON.stringify(lawSlice('alqac-2023-laws.json', 'Luật Cư trú', 45)));
  write(dir, 'hon-nhan.json', JSON.stringify(lawSlice('alqac-2023-laws.json', 'Luật Hôn nhân và gia đình', 20)));
  return dir;
}

export async function answerFixture(driver: Driver = 'pglite'): Promise<AnswerFixture> {
  const t = await openTestDb(driver);
  const dir = writeAnswerCorpus();
  const embedder = createLexicalEmbedder();
  const summary = await ingestPaths({ db: t.db, embedder, registry: loadProjectRegistry() }, [dir]);
  if (summary.errors.length) throw new Error(`fixture ingest failed: ${JSON.stringify(summary.errors.slice(0, 3))}`);
  const lexicon = loadLexicon();
  // As in production (createConfiguredSearcher), without the in-memory copy: tests ingest and search at once.
  const searcher = createSearcher({ db: t.db, embedder, lexicon, reranker: createTitleReranker(lexicon) });
  const glossary = loadGlossary();
  const agencies = loadAgencies();
  return {
    db: t.db,
    embedder,
    searcher,
    service: (o = {}) =>
      createAnswerService({
        db: t.db,
        searcher,
        lexicon,
        glossary,
        agencies,
        now: o.now ?? (() => new Date('2026-11-23T03:00:00Z')),
        log: () => {},
        llm: o.llm ?? null,
        ...(o.masker ? { masker: o.masker } : {}),
        ...(o.params ? { params: o.params } : {}),
        ...(o.onTicket ? { onTicket: o.onTicket } : {}),
        ...(o.onAnswer ? { onAnswer: o.onAnswer } : {}),
      }),
    close: t.close,
  };
}
