-- Zalo's reply rules and retries. What the OA sent to each citizen, and when: replies are free for
-- 48 hours after the citizen's last message, eight of them, and a customer-service message is
-- refused after 7 days without interaction, so the reply-window planner counts these. Officers'
-- messages that did not go out are retried with backoff; the outcome is recorded on the ticket.

CREATE TABLE zalo_sent (
  id         bigserial PRIMARY KEY,
  user_id    text NOT NULL,                      -- the citizen's Zalo id, a string
  mode       text NOT NULL CHECK (mode IN ('reply', 'cs')),
  reply_to   text,                               -- the citizen's msg_id answered, for a reply
  message_id text,                               -- Zalo's id of the message sent
  sent_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX zalo_sent_user ON zalo_sent (user_id, sent_at);

-- The citizen's latest message, for the planner.
CREATE INDEX zalo_inbox_user ON zalo_inbox (user_id, received_at) WHERE user_id IS NOT NULL;

ALTER TABLE deliveries
  ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz,        -- a failed send is tried again from then on
  ADD COLUMN parts_sent      integer NOT NULL DEFAULT 0;
CREATE INDEX deliveries_retry ON deliveries (next_attempt_at) WHERE status = 'failed' AND next_attempt_at IS NOT NULL;

ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_check;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_check
  CHECK (kind IN ('created', 'claimed', 'released', 'transferred', 'note', 'asked_citizen', 'citizen_info',
                  'answered', 'closed', 'reopened', 'priority', 'delivery'));
