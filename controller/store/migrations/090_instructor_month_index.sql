-- An instructor's feed spans branches. Its sessions are found by instructor
-- and by the month of their occurrence key (its first seven characters,
-- 'YYYY-MM'), then filtered by their start. Keyed by instructor and start,
-- each new session was an entry of its own on its instructor's last leaf
-- page: a run that adds a day to the horizon touched nearly every leaf of
-- the index, and each first touch after a checkpoint writes the whole page
-- to the WAL. Keyed by month, an instructor's sessions of one month are one
-- deduplicated entry: the index has about a seventh of the pages, and a
-- day's new sessions touch that many fewer.
DROP INDEX class_sessions_instructor_starts_at_idx;
CREATE INDEX class_sessions_instructor_month_idx ON class_sessions (instructor_id, left(occurrence_key, 7)) WHERE instructor_id IS NOT NULL;
