-- Agency staff, their sessions and API tokens; the ticket lifecycle (claims, transfers, notes,
-- answers), deliveries back to the citizen's channel, and answers proposed for the Q&A history.

CREATE TABLE staff (
  id            serial PRIMARY KEY,
  email         text NOT NULL UNIQUE,              -- lower case; the login name
  name          text NOT NULL,
  agency        text NOT NULL,                     -- an id from data/agencies.json
  role          text NOT NULL CHECK (role IN ('officer', 'supervisor', 'admin')),
  password_hash text NOT NULL,                     -- scrypt$N$r$p$salt$hash
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_sessions (
  token_hash text PRIMARY KEY,                     -- sha256 of the cookie value; the value is never stored
  staff_id   integer NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  csrf       text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

CREATE TABLE staff_tokens (
  id           serial PRIMARY KEY,
  token_hash   text NOT NULL UNIQUE,               -- sha256 of the bearer token
  staff_id     integer NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  name         text NOT NULL,
  expires_at   timestamptz,
  last_used_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tickets
  ADD COLUMN priority    text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  ADD COLUMN claimed_by  integer REFERENCES staff (id) ON DELETE SET NULL,
  ADD COLUMN claimed_at  timestamptz,
  ADD COLUMN answered_at timestamptz,
  ADD COLUMN closed_at   timestamptz,
  ADD COLUMN answer      text,                     -- the officer's answer as delivered
  ADD COLUMN group_id    integer;                  -- the first ticket of a group of similar open questions
CREATE INDEX tickets_group ON tickets (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX tickets_open ON tickets (agency, priority, due_at) WHERE status IN ('new', 'claimed', 'waiting_citizen');

-- Everything that happens to a ticket, in order: the audit trail and the conversation view.
CREATE TABLE ticket_events (
  id         serial PRIMARY KEY,
  ticket_id  integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('created', 'claimed', 'released', 'transferred', 'note', 'asked_citizen',
                                           'citizen_info', 'answered', 'closed', 'reopened', 'priority')),
  actor      integer REFERENCES staff (id) ON DELETE SET NULL,
  body       text,
  data       jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE canned_responses (
  id         serial PRIMARY KEY,
  agency     text NOT NULL,
  title      text NOT NULL,
  body       text NOT NULL,
  created_by integer REFERENCES staff (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canned_responses_agency ON canned_responses (agency);

-- Messages to citizens on their channel. Web ones wait here for the widget's next visit; Zalo ones
-- are sent by the channel (issue [zalo]) and keep its outcome.
CREATE TABLE deliveries (
  id              serial PRIMARY KEY,
  ticket_id       integer REFERENCES tickets (id) ON DELETE CASCADE,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  channel         text NOT NULL,
  recipient       text,                            -- channel identity (Zalo user id), a string always
  text            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'seen', 'failed', 'undeliverable')),
  detail          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX deliveries_conversation ON deliveries (conversation_id, id);
CREATE INDEX deliveries_pending ON deliveries (channel, status) WHERE status = 'pending';

-- Officers' answers proposed for the Q&A history; a supervisor's approval turns one into a Q&A unit.
CREATE TABLE qa_proposals (
  id          serial PRIMARY KEY,
  ticket_id   integer REFERENCES tickets (id) ON DELETE SET NULL,
  agency      text NOT NULL,
  question    text NOT NULL,
  answer      text NOT NULL,
  sources     jsonb NOT NULL DEFAULT '[]',         -- [{ref, url?}] the answer rests on
  status      text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
  proposed_by integer REFERENCES staff (id) ON DELETE SET NULL,
  decided_by  integer REFERENCES staff (id) ON DELETE SET NULL,
  decided_at  timestamptz,
  document_id integer,                             -- the Q&A document made from it
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX qa_proposals_agency ON qa_proposals (agency, status);
