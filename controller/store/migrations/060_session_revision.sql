-- revision counts the changes of a session that a calendar shows (its title,
-- times, room, instructor and status): calendar feeds publish it as the
-- event's SEQUENCE, which subscribers compare to replace their copy. A
-- trigger bumps it, so an edit by the host application counts as well as one
-- by a run; an UPDATE that changes none of those columns (booked_count,
-- capacity, detached) leaves it as it was.
ALTER TABLE class_sessions ADD COLUMN revision integer NOT NULL DEFAULT 0;

CREATE FUNCTION class_sessions_bump_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF ROW(NEW.title, NEW.starts_at, NEW.ends_at, NEW.room_id, NEW.instructor_id, NEW.status)
     IS DISTINCT FROM
     ROW(OLD.title, OLD.starts_at, OLD.ends_at, OLD.room_id, OLD.instructor_id, OLD.status)
  THEN
    NEW.revision := OLD.revision + 1;
  ELSE
    NEW.revision := OLD.revision;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER class_sessions_bump_revision
  BEFORE UPDATE ON class_sessions
  FOR EACH ROW EXECUTE FUNCTION class_sessions_bump_revision();

-- An instructor's feed spans branches.
CREATE INDEX class_sessions_instructor_starts_at_idx ON class_sessions (instructor_id, starts_at) WHERE instructor_id IS NOT NULL;
