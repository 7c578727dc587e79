// A search hit for reranker and composer unit tests: just enough of a unit to reason about.
import type { SearchHit } from '../../src/retrieval/search.ts';

export function makeHit(unitId: number, kind: SearchHit['kind'], title: string, opts: { text?: string; reference?: 'unit' } = {}): SearchHit {
  return {
    unitId,
    unitKey: kind === 'procedure' ? 'procedure' : `article:${unitId}`,
    documentId: unitId,
    docKey: `d${unitId}`,
    kind,
    docKind: kind === 'procedure' ? 'procedure' : 'law',
    label: `#${unitId}`,
    title,
    ref: title,
    documentName: title,
    documentNumber: null,
    status: 'in_force',
    url: null,
    text: opts.text ?? title,
    score: 1 / unitId,
    match: opts.reference ? { reference: opts.reference } : {},
  };
}
