-- Lexical index for BM25 ranking computed in SQL (works on PGlite and PostgreSQL alike).
-- One row per (term, unit): terms are diacritic-folded syllables and syllable bigrams.
-- Postings carry no foreign key (millions of rows; the checks would double the load time):
-- they are deleted together with their units by the ingestion code, in the same transaction.

CREATE TABLE bm25_docs (
  unit_id integer PRIMARY KEY REFERENCES units (id) ON DELETE CASCADE,
  len     integer NOT NULL
);

-- Document frequency per term, kept in step with the postings by the ingestion code.
CREATE TABLE bm25_terms (
  term text PRIMARY KEY,
  df   integer NOT NULL
);

CREATE TABLE bm25_postings (
  term    text NOT NULL,
  unit_id integer NOT NULL,
  tf      smallint NOT NULL
);
CREATE INDEX bm25_postings_term ON bm25_postings (term) INCLUDE (unit_id, tf);
CREATE INDEX bm25_postings_unit ON bm25_postings (unit_id);
