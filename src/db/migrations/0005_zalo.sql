-- Zalo Official Account: every verified webhook event, stored before it is acknowledged (the inbox,
-- keyed by Zalo's msg_id so a redelivery is recognised), and the OA's tokens (one row).

CREATE TABLE zalo_inbox (
  event_key    text PRIMARY KEY,                 -- message.msg_id, or event:user:timestamp for events without one
  event_name   text NOT NULL,
  user_id      text,                             -- the citizen's Zalo id, a string (19 digits)
  payload      jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'working', 'done', 'ignored', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  error        text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
CREATE INDEX zalo_inbox_pending ON zalo_inbox (received_at) WHERE status IN ('new', 'working');

CREATE TABLE zalo_tokens (
  id            integer PRIMARY KEY CHECK (id = 1),
  access_token  text NOT NULL,
  refresh_token text NOT NULL,
  expires_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
