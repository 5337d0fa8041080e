-- A run's journal row carries a lease: the run renews it while it works
-- (heartbeat_at, lease_expires_at, from the database clock), and a 'running'
-- row whose lease has expired is interrupted whatever process still holds
-- connections — a run that threw inside a long-lived `serve` included.
ALTER TABLE reconcile_runs ADD COLUMN lease_expires_at timestamptz;

-- Chosen by the process before it inserts the row, so that an insert retried
-- after a lost acknowledgement finds its row instead of adding a second one.
ALTER TABLE reconcile_runs ADD COLUMN token uuid;
CREATE UNIQUE INDEX reconcile_runs_token_key ON reconcile_runs (token);

-- What each branch transaction of a run wrote, inserted in that transaction:
-- a retry after a COMMIT whose acknowledgement was lost finds it and reports
-- the branch as written instead of writing it again. Removed when the run's
-- journal row is finished (the summary keeps the counts).
CREATE TABLE reconcile_branch_writes (
  run_id      bigint NOT NULL,
  branch_id   text NOT NULL,
  counts      jsonb NOT NULL,
  written_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, branch_id)
);
