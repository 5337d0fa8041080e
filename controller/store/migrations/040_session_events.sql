-- Every change a run writes (and every unarchive) appends one row here, in the
-- same statement as the change itself, so a change never exists without its
-- event nor an event without its change — also when the process is killed or
-- the connection drops mid-transaction: both commit or neither does.
--
-- kind: create · update · delete · cancel (a session) · archive · unarchive (a series).
-- before/after: for an update only the fields that changed; a create lists
-- its sessions' starts (below), a delete has only `before`; archive/unarchive
-- hold the series row.
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
  after           jsonb,
  -- A run's creates of one series are one row, not one row per session: a
  -- chain's first apply creates millions of sessions, and a row (and index
  -- entries) for each made it more than twice as slow. The sessions'
  -- occurrence keys, ids and starts are in these three arrays, in the same
  -- order (occurrence_key and session_id are then null);
  -- session_event_list lists them one event each.
  occurrence_keys text[],
  session_ids     uuid[],
  starts_ats      timestamptz[]
);

-- classctl history reads newest first, by series, by session and by run;
-- retention deletes the oldest by `at`. A series' events are spread over the
-- whole table, so every event's series entry lands on a random page: a hash
-- index, a few times smaller than a B-tree on (series_id, occurrence_key, id),
-- made a 100,000-series day roll 9.5 s instead of 12.4 s; a series' events
-- are few, sorted after the lookup.
CREATE INDEX session_events_at_idx ON session_events (at, id);
CREATE INDEX session_events_series_idx ON session_events USING hash (series_id);
CREATE INDEX session_events_run_idx ON session_events (run_id, id);

-- Every change one row each, as `classctl history` lists them: grouped
-- creates are unnested (ordinal: the session's place in its row, 0 for a
-- row that is one change).
CREATE VIEW session_event_list AS
  SELECT e.id, 0::bigint AS ordinal, e.run_id, e.at, e.branch_id, e.series_id, e.occurrence_key, e.session_id,
         e.kind, e.booked_count, e.reason, e.before, e.after
    FROM session_events AS e
   WHERE e.occurrence_keys IS NULL
  UNION ALL
  SELECT e.id, u.ordinal, e.run_id, e.at, e.branch_id, e.series_id, u.occurrence_key, u.session_id,
         e.kind, e.booked_count, e.reason, e.before,
         jsonb_build_object('startsAt', to_char(u.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM session_events AS e
   CROSS JOIN LATERAL unnest(e.occurrence_keys, e.session_ids, e.starts_ats) WITH ORDINALITY AS u(occurrence_key, session_id, starts_at, ordinal)
   WHERE e.occurrence_keys IS NOT NULL;
