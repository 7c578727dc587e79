-- Conversations, their turns, one record per answer, feedback on answers, and tickets:
-- what the assistant could not answer, waiting in an agency's queue.

CREATE TABLE conversations (
  id          text PRIMARY KEY,            -- random UUID, handed to the client
  channel     text NOT NULL CHECK (channel IN ('web', 'zalo', 'voice', 'api', 'cli')),
  lang        text NOT NULL DEFAULT 'vi',
  citizen_ref text,                        -- channel identity (Zalo user id…), a string always
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_citizen ON conversations (channel, citizen_ref) WHERE citizen_ref IS NOT NULL;

CREATE TABLE turns (
  id              serial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('citizen', 'assistant', 'officer')),
  text            text NOT NULL,
  rewritten       text,                    -- a follow-up made self-contained
  answer_id       text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX turns_conversation ON turns (conversation_id, id);

CREATE TABLE answers (
  id              text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  question        text NOT NULL,
  rewritten       text,
  lang            text NOT NULL,
  channel         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('answered', 'escalated', 'refused')),
  reason          text NOT NULL,           -- why the pipeline stopped where it did
  route           text NOT NULL,
  answer          text NOT NULL,
  citations       jsonb NOT NULL DEFAULT '[]',
  units           jsonb NOT NULL DEFAULT '[]',   -- retrieved units with their scores
  confidence      real,
  composer        text NOT NULL,
  prompt_version  text,
  timings         jsonb NOT NULL DEFAULT '{}',
  agency          text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answers_conversation ON answers (conversation_id, created_at);
CREATE INDEX answers_status ON answers (status, created_at);

CREATE TABLE answer_feedback (
  id         serial PRIMARY KEY,
  answer_id  text NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
  helpful    boolean NOT NULL,
  reason     text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answer_feedback_answer ON answer_feedback (answer_id);

CREATE TABLE tickets (
  id              serial PRIMARY KEY,
  code            text NOT NULL UNIQUE,    -- what the citizen sees; random, not guessable
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  answer_id       text REFERENCES answers (id) ON DELETE SET NULL,
  agency          text NOT NULL,
  status          text NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'claimed', 'waiting_citizen', 'answered', 'closed')),
  reason          text NOT NULL,
  question        text NOT NULL,
  channel         text NOT NULL,
  lang            text NOT NULL DEFAULT 'vi',
  due_at          timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_queue ON tickets (agency, status, due_at);
CREATE INDEX tickets_conversation ON tickets (conversation_id);
