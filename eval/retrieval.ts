// Retrieval benchmark over the development sets in ../shared/eval: hoidap hybrid search and the
// BM25 peer side by side, accented and with every diacritic stripped from the questions.
// Uses the store at DATA_DIR (ingest ../shared/data into it first), e.g.
//   DATA_DIR=.bench npx hoidap ingest ../shared/data && DATA_DIR=.bench npm run eval:retrieval
// Writes eval/reports/retrieval.html and prints a table.
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.ts';
import { openDb } from '../src/db/index.ts';
import { createEmbedder } from '../src/embed/index.ts';
import { formatReport, writeHtmlReport } from '../src/eval/report.ts';
import { runEval, type EvalReport } from '../src/eval/runner.ts';
import { loadQuestionSet } from '../src/eval/sets.ts';
import { createSearcher } from '../src/retrieval/search.ts';
import { loadLexicon } from '../src/text/lexicon.ts';

const shared = fileURLToPath(new URL('../../shared/eval/', import.meta.url));
const sets = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['alqac-2025-questions.json', 'alqac-2022-questions.json', 'dvc-faq-with-codes.jsonl'].map((f) => shared + f);

const config = loadConfig();
const embedder = await createEmbedder(config);
const db = await openDb(config, embedder.dim);
const searcher = createSearcher({ db, embedder, lexicon: loadLexicon() });
const reports: EvalReport[] = [];
try {
  for (const set of sets) {
    const { questions } = await loadQuestionSet(set);
    for (const strip of [false, true]) {
      const r = await runEval({ db, embedder, searcher }, set.split('/').pop()!, questions, { k: 10, peer: true, stripDiacritics: strip });
      reports.push(r);
      console.log(`${formatReport({ ...r, misses: [] })}\n`);
    }
  }
} finally {
  await db.close();
}
const summary = reports.map((r) => ({
  set: r.set,
  variant: r.variant,
  r10: r.recall_at_10,
  r5: r.recall_at_5,
  mrr: r.mrr_at_10,
  peer_mrr: r.peer?.mrr_at_10,
  vs_peer: r.peer ? `${(((r.mrr_at_10 - r.peer.mrr_at_10) / r.peer.mrr_at_10) * 100).toFixed(1)}%` : '',
  p95_ms: r.latency_ms.p95,
  knn_floor_p95_ms: r.latency_ms.knn_floor_p95,
}));
console.table(summary);
const out = fileURLToPath(new URL('./reports/retrieval.html', import.meta.url));
await writeHtmlReport(out, reports);
console.log(`report: ${out}`);
