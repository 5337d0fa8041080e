-- DESIGN §2: the tables the host application owns (shipped so the controller
-- runs standalone) and the tables the controller owns.

-- ---------------------------------------------------------------- host tables

CREATE TABLE branches (
  id        text PRIMARY KEY,
  name      text,
  timezone  text NOT NULL            -- IANA zone, e.g. 'Europe/London'
);

CREATE TABLE class_series (
  id                text PRIMARY KEY,
  branch_id         text NOT NULL REFERENCES branches (id),
  title             text NOT NULL,
  rrule             text NOT NULL,   -- RRULE body: 'FREQ=WEEKLY;BYDAY=MO,WE'
  start_date        date NOT NULL,   -- first local date, inclusive (the rule's DTSTART date)
  end_date          date,            -- last local date, inclusive; NULL = open-ended
  start_time        time NOT NULL,   -- local wall-clock start
  duration_minutes  int,             -- NULL: the resolved sessionDefaults.durationMinutes
  capacity          int,             -- NULL: the resolved sessionDefaults.capacity
  instructor_id     text,
  room_id           text,
  exdates           date[] NOT NULL DEFAULT '{}',
  version           bigint NOT NULL DEFAULT 1,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX class_series_branch_id_idx ON class_series (branch_id);

-- version is what a run's input snapshot and a saved plan compare to detect a
-- concurrent edit (DESIGN §5), so every UPDATE that changes a column bumps it,
-- whoever writes. An UPDATE that changes nothing leaves version and updated_at
-- as they were, so re-loading the same file is not an edit.
CREATE FUNCTION class_series_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF ROW(NEW.id, NEW.branch_id, NEW.title, NEW.rrule, NEW.start_date, NEW.end_date, NEW.start_time,
         NEW.duration_minutes, NEW.capacity, NEW.instructor_id, NEW.room_id, NEW.exdates)
     IS DISTINCT FROM
     ROW(OLD.id, OLD.branch_id, OLD.title, OLD.rrule, OLD.start_date, OLD.end_date, OLD.start_time,
         OLD.duration_minutes, OLD.capacity, OLD.instructor_id, OLD.room_id, OLD.exdates)
  THEN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
  ELSE
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER class_series_bump_version
  BEFORE UPDATE ON class_series
  FOR EACH ROW EXECUTE FUNCTION class_series_bump_version();

-- ---------------------------------------------------------- controller tables

-- series_id is deliberately not a foreign key: sessions outlive their series.
CREATE TABLE class_sessions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  series_id       text NOT NULL,
  branch_id       text NOT NULL,
  occurrence_key  text NOT NULL,     -- local date 'YYYY-MM-DD' of the occurrence
  title           text NOT NULL,
  starts_at       timestamptz NOT NULL,
  ends_at         timestamptz NOT NULL,
  timezone        text NOT NULL,
  instructor_id   text,
  room_id         text,
  capacity        int,
  status          text NOT NULL DEFAULT 'scheduled'
                  CONSTRAINT class_sessions_status_check CHECK (status IN ('scheduled', 'cancelled')),
  detached        boolean NOT NULL DEFAULT false,   -- edited by a person: never touched again
  booked_count    int NOT NULL DEFAULT 0,           -- maintained by the host application
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT class_sessions_series_occurrence_key UNIQUE (series_id, occurrence_key)
);

-- The observed sessions of a branch: starts_at > now OR occurrence_key >= today
-- (a BitmapOr over these two).
CREATE INDEX class_sessions_branch_starts_at_idx ON class_sessions (branch_id, starts_at);
CREATE INDEX class_sessions_branch_occurrence_key_idx ON class_sessions (branch_id, occurrence_key);

CREATE TABLE class_series_archive (
  id          text PRIMARY KEY,
  row         jsonb NOT NULL,        -- the deleted class_series row, camelCase as in a snapshot
  deleted_at  timestamptz NOT NULL,
  run_id      bigint
);

CREATE TABLE reconcile_runs (
  id             bigserial PRIMARY KEY,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz,
  status         text NOT NULL
                 CONSTRAINT reconcile_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
  mode           text NOT NULL,
  now            timestamptz NOT NULL, -- the instant the run computed for (--now)
  config_digest  text,
  summary        jsonb,
  error          text,
  resumed_after  bigint,
  -- Who runs it and when it last showed life, so the next run can tell a dead
  -- 'running' row (interrupted) from one still in progress.
  pid            int,
  host           text,
  heartbeat_at   timestamptz
);

CREATE INDEX reconcile_runs_status_idx ON reconcile_runs (status) WHERE status = 'running';

CREATE TABLE controller_settings (
  key    text PRIMARY KEY,
  value  text
);
