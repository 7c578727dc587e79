// What readers produce: documents with their citable units and search chunks, ready to store.

export const INGEST_KINDS = ['auto', 'law', 'gazette', 'procedure', 'qa', 'news', 'text'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];
export type DocumentKind = Exclude<IngestKind, 'auto'>;
export type UnitKind = 'law_article' | 'procedure' | 'qa' | 'news' | 'gazette' | 'text';
export type ValidityStatus = 'in_force' | 'partly_repealed' | 'repealed' | 'unknown';

export interface ChunkInput {
  locator: string | null;
  heading: string;
  text: string;
}

export interface UnitInput {
  unitKey: string;
  kind: UnitKind;
  ordinal: number;
  label: string;
  title: string | null;
  path: string[];
  text: string;
  structure: Record<string, unknown>;
  url: string | null;
}

export interface DocumentMeta {
  number: string | null;
  name: string;
  aliases: string[];
  docType: string | null;
  issuer: string | null;
  signer: string | null;
  issueDate: string | null;
  effectiveDate: string | null;
  status: ValidityStatus;
  amends: string[];
  replaces: string[];
  replacedBy: string | null;
  agency: string | null;
  url: string | null;
  extra: Record<string, unknown>;
}

/** One document as one source file states it. */
export interface DocumentInput {
  kind: DocumentKind;
  /** Identity after resolution, e.g. "law:91/2015/qh13", "procedure:1.000178". */
  docKey: string;
  /** The record's id inside its file (for duplicate detection and reports). */
  sourceId: string;
  line: number;
  meta: DocumentMeta;
  units: UnitInput[];
}

export interface GazetteEntry {
  number: string | null;
  type: string | null;
  name: string;
  aliases: string[];
  issuer: string | null;
  signer: string | null;
  signerTitle: string | null;
  issueDate: string | null;
  effectiveDate: string | null;
  status: ValidityStatus;
  summary: string | null;
  gazetteIssue: string | null;
  gazetteDate: string | null;
  url: string | null;
  replaces: string[];
  amends: string[];
  amendedBy: string[];
  replacedBy: string | null;
}

/** A record a reader could not use; reported with file and line, never fatal. */
export interface IngestIssue {
  file: string;
  line: number;
  message: string;
}

export type ReaderItem = { doc: DocumentInput } | { gazette: GazetteEntry; line: number } | { issue: Omit<IngestIssue, 'file'> };

export function emptyMeta(name: string): DocumentMeta {
  return {
    number: null,
    name,
    aliases: [],
    docType: null,
    issuer: null,
    signer: null,
    issueDate: null,
    effectiveDate: null,
    status: 'in_force',
    amends: [],
    replaces: [],
    replacedBy: null,
    agency: null,
    url: null,
    extra: {},
  };
}
