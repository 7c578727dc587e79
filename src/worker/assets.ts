// What the Node service reads from data/ and prompts/ at start, bundled into the Worker instead
// (Workers have no project files): the lexicons, the English glossary, the agencies' routing table,
// the learned reranker's weights, the LLM prompts, and the widget built by `wrangler`'s build step.
import abbreviations from '../../data/lexicon/abbreviations.json' with { type: 'json' };
import english from '../../data/lexicon/english.json' with { type: 'json' };
import synonyms from '../../data/lexicon/synonyms.json' with { type: 'json' };
import agencies from '../../data/agencies.json' with { type: 'json' };
import reranker from '../../data/reranker.json' with { type: 'json' };
import gazetteLaws from '../../data/gazette/laws.json' with { type: 'json' };
import answerEn from '../../prompts/answer.en.v2.md';
import answerVi from '../../prompts/answer.vi.v2.md';
import rewrite from '../../prompts/rewrite.v2.md';
import widget from '../../dist/widget.txt';
import { promptFrom, type Prompts } from '../answer/llm.ts';
import { agenciesFrom, type AgencyDirectory } from '../escalation/agencies.ts';
import { rerankerWeightsFrom } from '../retrieval/learned-rerank.ts';
import { addGazetteJson, DocumentRegistry } from '../ingest/registry.ts';
import { glossaryFrom, type Glossary } from '../text/english.ts';
import { lexiconFrom, type Lexicon } from '../text/lexicon.ts';

export interface Assets {
  lexicon: Lexicon;
  glossary: Glossary;
  agencies: AgencyDirectory;
  rerankerWeights: number[];
  prompts: Prompts;
  widget: string;
  /** Known documents from data/gazette, for portal sync. */
  registry: DocumentRegistry;
}

let cached: Assets | null = null;

/** Parsed once per isolate. */
export function assets(): Assets {
  cached ??= {
    lexicon: lexiconFrom(abbreviations, synonyms),
    glossary: glossaryFrom(english),
    agencies: agenciesFrom(agencies),
    rerankerWeights: rerankerWeightsFrom(reranker),
    prompts: { vi: promptFrom('answer.vi.v2', answerVi), en: promptFrom('answer.en.v2', answerEn), rewrite: promptFrom('rewrite.v2', rewrite) },
    widget,
    registry: addGazetteJson(new DocumentRegistry(), gazetteLaws),
  };
  return cached;
}
