-- Every change a run writes (and every unarchive) appends one row here, in the
-- same statement as the change itself, so a change never exists without its
-- event nor an event without its change — also when the process is killed or
-- the connection drops mid-transaction: both commit or neither does.
--
-- kind: create · update · delete · cancel (a session) · archive · unarchive (a series).
-- before/after: for an update only the fields that changed; a create has only
-- `after`, a delete only `before`; archive/unarchive hold the series row.
-- run_id is NULL for changes made outside a run (unarchive).
CREATE TABLE session_events (
  id              bigserial PRIMARY KEY,
  run_id          bigint,
  at              timestamptz NOT NULL DEFAULT now(),
  branch_id       text NOT NULL,
  series_id       text NOT NULL,
  occurrence_key  text,
  session_id      uuid,
  kind            text NOT NULL CHECK (kind IN ('create', 'update', 'delete', 'cancel', 'archive', 'unarchive')),
  booked_count    int,
  reason          text NOT NULL,
  before          jsonb,
  after           jsonb
);

-- classctl history reads newest first, by series, by session and by run;
-- retention deletes the oldest by `at`.
CREATE INDEX session_events_at_idx ON session_events (at, id);
CREATE INDEX session_events_series_idx ON session_events (series_id, occurrence_key, id);
CREATE INDEX session_events_run_idx ON session_events (run_id, id);
