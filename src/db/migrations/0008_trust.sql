-- Trust and safety (issue [trust]).
-- Personal data: text columns hold the masked text; the citizen's own words are kept only sealed
-- (AES-256-GCM, key from DATA_ENCRYPTION_KEY) in the *_sealed columns, for the owning agency's staff.
-- Staff actions go to an append-only audit log; agencies push documents with their own API keys;
-- each channel can be switched off at runtime.

ALTER TABLE turns ADD COLUMN text_sealed text;                -- raw text when it differed from the masked one
ALTER TABLE answers ADD COLUMN question_sealed text;
ALTER TABLE tickets ADD COLUMN question_sealed text;
ALTER TABLE ticket_events ADD COLUMN body_sealed text;        -- what the citizen added (citizen_info)
ALTER TABLE zalo_inbox ADD COLUMN payload_sealed text;        -- the event as received; payload keeps it masked
ALTER TABLE qa_proposals ADD COLUMN question_sealed text;

CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      integer REFERENCES staff (id) ON DELETE SET NULL,
  actor_name text,                                 -- kept when the staff row is gone; 'cli', 'system', 'api-key:<id>'
  agency     text,                                 -- the actor's agency
  action     text NOT NULL,                        -- 'ticket.claim', 'ticket.view_raw', 'citizen.export', …
  target     text,                                 -- 'ticket:HD-…', 'conversation:<id>', 'zalo:<user id>'
  detail     jsonb NOT NULL DEFAULT '{}'           -- never personal data: ids, counts, outcomes
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_target ON audit_log (target, at);

CREATE TABLE agency_api_keys (
  id           serial PRIMARY KEY,
  agency       text NOT NULL,
  name         text NOT NULL,
  key_hash     text NOT NULL UNIQUE,               -- sha256 of the key; the key is shown once
  prefix       text NOT NULL,                      -- the first characters, to tell keys apart
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX agency_api_keys_agency ON agency_api_keys (agency);

CREATE TABLE channel_switches (
  channel    text PRIMARY KEY CHECK (channel IN ('web', 'zalo', 'voice', 'api', 'ingest')),
  enabled    boolean NOT NULL,
  reason     text,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Retention works on conversations by age of their last activity.
CREATE INDEX conversations_updated ON conversations (updated_at);
