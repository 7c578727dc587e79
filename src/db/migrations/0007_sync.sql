-- Portal sync: the sources an operator configured (also loadable from data/sources.json), what each
-- page looked like when last fetched (so the next pass asks only for what changed), and a record of
-- every pass for operators.

CREATE TABLE sync_sources (
  id            text PRIMARY KEY,
  type          text NOT NULL CHECK (type IN ('sitemap', 'feed', 'listing', 'page')),
  url           text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('law', 'gazette', 'procedure', 'qa', 'news', 'text')),
  agency        text,
  patterns      jsonb NOT NULL DEFAULT '[]',        -- for listing pages: link patterns (regular expressions)
  every_minutes integer NOT NULL DEFAULT 360 CHECK (every_minutes >= 5),
  enabled       boolean NOT NULL DEFAULT true,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_items (
  source_id     text NOT NULL,
  url           text NOT NULL,
  updated_hint  text,                               -- sitemap lastmod or feed updated, as published
  etag          text,
  last_modified text,
  content_hash  text,                               -- of the extracted document, to skip unchanged bodies
  doc_key       text,
  status        text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed', 'skipped')),
  error         text,
  fetched_at    timestamptz,
  PRIMARY KEY (source_id, url)
);

CREATE TABLE sync_runs (
  id          serial PRIMARY KEY,
  source_id   text NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  fetched     integer NOT NULL DEFAULT 0,
  created     integer NOT NULL DEFAULT 0,
  changed     integer NOT NULL DEFAULT 0,
  unchanged   integer NOT NULL DEFAULT 0,
  failed      integer NOT NULL DEFAULT 0,
  errors      jsonb NOT NULL DEFAULT '[]',          -- [{url, code, message}]
  duration_ms integer
);
CREATE INDEX sync_runs_source ON sync_runs (source_id, started_at DESC);
