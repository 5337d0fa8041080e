-- A run's creates in one branch statement are one session_events row, not
-- one row per series: a day roll of 100,000 series creates ~44,000 sessions,
-- nearly one per series, and wrote as many event rows (each with four index
-- entries), which made it twice as slow as the sessions alone. Such a row has
-- no series_id; its sessions' series are in `series_ids`, in the same order
-- as `occurrence_keys`, `session_ids` and `starts_ats`. Rows written before
-- (a series per row, `series_ids` null) are read as they were.
ALTER TABLE session_events ALTER COLUMN series_id DROP NOT NULL;
ALTER TABLE session_events ADD COLUMN series_ids text[];
ALTER TABLE session_events ADD CONSTRAINT session_events_series_present
  CHECK (series_id IS NOT NULL OR (series_ids IS NOT NULL AND cardinality(series_ids) = cardinality(occurrence_keys)));

-- `classctl history --series` finds such rows by the series in the array (a
-- GIN index holds each distinct series of a row once; new entries go to its
-- pending list and are merged in bulk).
CREATE INDEX session_events_series_ids_idx ON session_events USING gin (series_ids);

-- Session ids and starts do not compress: stored out of line as they are,
-- without a compression attempt on every write.
ALTER TABLE session_events ALTER COLUMN session_ids SET STORAGE EXTERNAL;
ALTER TABLE session_events ALTER COLUMN starts_ats SET STORAGE EXTERNAL;

-- Every change one row each, as `classctl history` lists them: grouped
-- creates are unnested (ordinal: the session's place in its row, 0 for a
-- row that is one change). controller/store/history.ts builds the same
-- listing over a pre-filtered set of rows (EVENT_LIST_SQL there).
CREATE OR REPLACE VIEW session_event_list AS
  SELECT e.id, 0::bigint AS ordinal, e.run_id, e.at, e.branch_id, e.series_id, e.occurrence_key, e.session_id,
         e.kind, e.booked_count, e.reason, e.before, e.after
    FROM session_events AS e
   WHERE e.occurrence_keys IS NULL
  UNION ALL
  SELECT e.id, u.ordinal, e.run_id, e.at, e.branch_id, coalesce(u.series_id, e.series_id) AS series_id, u.occurrence_key, u.session_id,
         e.kind, e.booked_count, e.reason, e.before,
         jsonb_build_object('startsAt', to_char(u.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM session_events AS e
   CROSS JOIN LATERAL unnest(e.occurrence_keys, e.session_ids, e.starts_ats, e.series_ids) WITH ORDINALITY AS u(occurrence_key, session_id, starts_at, series_id, ordinal)
   WHERE e.occurrence_keys IS NOT NULL;
