-- Notifications leave through an outbox: a run writes its events in the same
-- transactions as the changes they report (a branch that rolls back leaves no
-- event behind), and deliverers send them later, at least once.
--
-- notification_outbox: one row per event. Its id is derived from what the
-- event is about, so a branch transaction written again inserts nothing new;
-- it is the `webhook-id` of every delivery attempt, on which receivers
-- deduplicate. routed_at: when the event was matched against the destinations
-- configured then (one delivery row per destination that wants it).
CREATE TABLE notification_outbox (
  id          text PRIMARY KEY,
  type        text NOT NULL,
  severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
  occurred_at timestamptz NOT NULL,
  run_id      bigint,
  branch_id   text,
  series_id   text,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  routed_at   timestamptz
);

CREATE INDEX notification_outbox_unrouted ON notification_outbox (created_at) WHERE routed_at IS NULL;

-- One row per (event, destination). Deliverers claim due pending rows with
-- FOR UPDATE SKIP LOCKED, so replicas share the work and never send one row
-- at the same time. dead: the attempts ran out; kept until retried by hand.
CREATE TABLE notification_deliveries (
  event_id        text NOT NULL REFERENCES notification_outbox (id) ON DELETE CASCADE,
  destination     text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  PRIMARY KEY (event_id, destination)
);

CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_dead ON notification_deliveries (destination) WHERE status = 'dead';

-- A destination whose receiver answered 410 Gone: nothing more is sent to it
-- while its target (URL or credential reference) stays the same. Editing the
-- document to a new target enables it again.
CREATE TABLE notification_destinations_disabled (
  destination   text PRIMARY KEY,
  target_digest text NOT NULL,
  disabled_at   timestamptz NOT NULL DEFAULT now(),
  reason        text NOT NULL
);
