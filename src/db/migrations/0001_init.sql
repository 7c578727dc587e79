-- Core knowledge store: documents, their units (article, procedure, Q&A pair, news article),
-- search chunks with embeddings, gazette entries, and ingestion bookkeeping.
-- {{EMBEDDING_DIM}} is the dimension of the configured embedder, fixed when the store is created.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- One row per real-world document. `doc_key` is its identity after normalisation
-- (law number, or folded name when a law has no number; procedure code; source + id for Q&A).
CREATE TABLE documents (
  id             serial PRIMARY KEY,
  doc_key        text NOT NULL UNIQUE,
  kind           text NOT NULL CHECK (kind IN ('law', 'procedure', 'qa', 'news', 'gazette', 'text')),
  number         text,
  name           text NOT NULL,
  aliases        text[] NOT NULL DEFAULT '{}',
  doc_type       text,
  issuer         text,
  signer         text,
  issue_date     date,
  effective_date date,
  status         text NOT NULL DEFAULT 'in_force'
                 CHECK (status IN ('in_force', 'partly_repealed', 'repealed', 'unknown')),
  amends         text[] NOT NULL DEFAULT '{}',
  replaces       text[] NOT NULL DEFAULT '{}',
  replaced_by    text,
  agency         text,
  url            text,
  source         text NOT NULL,
  content_hash   text NOT NULL,
  version        integer NOT NULL DEFAULT 1,
  meta           jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_kind ON documents (kind);
CREATE INDEX documents_number ON documents (lower(number));

-- Every version a document has had, for audit: what changed, when, from which source.
CREATE TABLE document_versions (
  document_id  integer NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  version      integer NOT NULL,
  content_hash text NOT NULL,
  source       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, version)
);

-- What each source file said about a document. One statute can come from several files
-- (by number in one, by name in another); the current content is derived from all of them
-- deterministically, so the order in which files are ingested does not matter.
CREATE TABLE document_sources (
  document_id  integer NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  source       text NOT NULL,
  source_id    text NOT NULL,
  content_hash text NOT NULL,
  payload      jsonb NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, source, source_id)
);

-- A citable unit: one law article, one procedure, one Q&A pair, one news article or section.
CREATE TABLE units (
  id          serial PRIMARY KEY,
  document_id integer NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  unit_key    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('law_article', 'procedure', 'qa', 'news', 'gazette', 'text')),
  ordinal     integer NOT NULL,
  label       text NOT NULL,            -- "Điều 20", "Thủ tục 1.002755", "Hỏi đáp qa-001"
  title       text,
  path        text[] NOT NULL DEFAULT '{}',  -- Phần / Chương / Mục breadcrumb
  text        text NOT NULL,
  structure   jsonb NOT NULL DEFAULT '{}',   -- Khoản / Điểm of an article; fields of a procedure
  url         text,
  UNIQUE (document_id, unit_key)
);
CREATE INDEX units_kind ON units (kind);

-- Text prepared for search, with its embedding. `locator` names the smallest citable part
-- ("Khoản 2", "Điểm a Khoản 2", "thanh_phan_ho_so"); `heading` is the breadcrumb kept in every chunk.
CREATE TABLE chunks (
  id          serial PRIMARY KEY,
  unit_id     integer NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  document_id integer NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  kind        text NOT NULL,            -- the unit's kind, so vector search can filter without a join
  ordinal     integer NOT NULL,
  locator     text,
  heading     text NOT NULL,
  text        text NOT NULL,
  search_text text NOT NULL,
  embedding   vector({{EMBEDDING_DIM}}) NOT NULL
);
CREATE INDEX chunks_unit ON chunks (unit_id);
CREATE INDEX chunks_document ON chunks (document_id);
CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops);

-- Official publication records (công báo) of documents.
CREATE TABLE gazette_entries (
  id              serial PRIMARY KEY,
  entry_key       text NOT NULL UNIQUE,
  number          text,
  doc_type        text,
  name            text NOT NULL,
  aliases         text[] NOT NULL DEFAULT '{}',
  issuer          text,
  signer          text,
  signer_title    text,
  issue_date      date,
  gazette_issue   text,
  gazette_date    date,
  summary         text,
  effective_date  date,
  status          text NOT NULL DEFAULT 'in_force'
                  CHECK (status IN ('in_force', 'partly_repealed', 'repealed', 'unknown')),
  url             text,
  replaces        text[] NOT NULL DEFAULT '{}',
  amends          text[] NOT NULL DEFAULT '{}',
  amended_by      text[] NOT NULL DEFAULT '{}',
  replaced_by     text,
  source          text NOT NULL,
  content_hash    text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gazette_number ON gazette_entries (lower(number));

-- One row per ingestion run, for operators.
CREATE TABLE ingest_runs (
  id          serial PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  paths       text[] NOT NULL,
  summary     jsonb
);
