// hoidap's index as a LangChain retriever, so LangChain apps can use it directly.
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { Searcher, SearchOptions } from './search.ts';

export interface HoidapRetrieverInput extends BaseRetrieverInput {
  searcher: Searcher;
  k?: number;
  kinds?: SearchOptions['kinds'];
}

export class HoidapRetriever extends BaseRetriever {
  static override lc_name() {
    return 'HoidapRetriever';
  }
  lc_namespace = ['hoidap', 'retrievers'];
  private searcher: Searcher;
  private k: number;
  private kinds: SearchOptions['kinds'];

  constructor(fields: HoidapRetrieverInput) {
    super(fields);
    this.searcher = fields.searcher;
    this.k = fields.k ?? 5;
    this.kinds = fields.kinds;
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const { hits } = await this.searcher.search(query, { k: this.k, ...(this.kinds ? { kinds: this.kinds } : {}) });
    return hits.map(
      (h) =>
        new Document({
          pageContent: h.text,
          id: String(h.unitId),
          metadata: { unitId: h.unitId, kind: h.kind, ref: h.ref, title: h.title, document: h.documentName, number: h.documentNumber, url: h.url, score: h.score },
        }),
    );
  }
}
