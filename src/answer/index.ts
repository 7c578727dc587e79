// The answer service as configured: lexicon, glossary, routing table, and the LLM if one is set.
import type { Config } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import { loadAgencies, type AgencyDirectory } from '../escalation/agencies.ts';
import type { Logger } from '../http/errors.ts';
import type { Searcher } from '../retrieval/search.ts';
import { loadGlossary, type Glossary } from '../text/english.ts';
import type { Lexicon } from '../text/lexicon.ts';
import { createSealer } from '../privacy/seal.ts';
import { createConfiguredLlm, type Prompts } from './llm.ts';
import { createAnswerService, type AnswerDeps, type AnswerService, type Masker } from './pipeline.ts';

export async function createConfiguredAnswerService(
  config: Config,
  deps: {
    db: Db;
    searcher: Searcher;
    lexicon: Lexicon;
    log: Logger;
    now: () => Date;
    masker?: Masker;
    agencies?: AgencyDirectory;
    onTicket?: AnswerDeps['onTicket'];
    onAnswer?: AnswerDeps['onAnswer'];
    /** Given by a runtime without files (Workers); read from data/ and prompts/ otherwise. */
    glossary?: Glossary;
    prompts?: Prompts;
  },
): Promise<AnswerService> {
  const { glossary, prompts, ...rest } = deps;
  return createAnswerService({
    ...rest,
    glossary: glossary ?? loadGlossary(),
    agencies: deps.agencies ?? loadAgencies(),
    llm: await createConfiguredLlm(config, prompts),
    sealer: createSealer(config.dataEncryptionKey),
    ...(config.answerMinConfidence !== undefined ? { params: { threshold: config.answerMinConfidence } } : {}),
  });
}
