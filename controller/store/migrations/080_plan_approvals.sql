-- Plans held for a person's approval (`serve --approval removals|always`).
-- A run whose plan needs approval writes nothing: it records here what it
-- would have applied — not the changes (a plan can hold millions), but what
-- proves a later re-plan at the same `now` is the very same plan: the
-- configuration digest, every series' version and a sha256 per branch over
-- that branch's changes. Approving re-plans at `now`, compares, and applies
-- only an identical plan. In PostgreSQL, so every replica and a restarted
-- controller see the same pending approval.
CREATE TABLE plan_approvals (
  id               bigserial PRIMARY KEY,
  created_at       timestamptz NOT NULL DEFAULT now(),
  "now"            timestamptz NOT NULL,     -- the instant the plan was computed for
  reason           text NOT NULL CONSTRAINT plan_approvals_reason_check CHECK (reason IN ('removals', 'always')),
  config_digest    text NOT NULL,
  -- sha256 over now, the config digest, the series versions and the branch
  -- digests: recorded as the applying run's plan_fingerprint, so a plan is
  -- applied once.
  fingerprint      text NOT NULL,
  series_versions  jsonb NOT NULL,           -- series id → version, as the plan saw them
  branch_digests   jsonb NOT NULL,           -- branch id → sha256 of its changes (branches with changes only)
  earliest_start   jsonb,                    -- the earliest session the plan touches: {ms, seriesId, occurrenceKey}
  totals           jsonb NOT NULL,           -- counts by kind, bookingsAffected, skippedByDst, warnings
  status           text NOT NULL DEFAULT 'pending'
                   CONSTRAINT plan_approvals_status_check CHECK (status IN ('pending', 'approved', 'superseded', 'rejected')),
  held_run_id      bigint,                   -- the run that held the plan (its journal row says awaiting-approval)
  decided_at       timestamptz,              -- approved, rejected or superseded
  applied_run_id   bigint                    -- the run that applied it
);

-- At most one plan waits at a time: a newer plan supersedes the older one.
CREATE UNIQUE INDEX plan_approvals_one_pending ON plan_approvals ((true)) WHERE status = 'pending';
CREATE INDEX plan_approvals_status_idx ON plan_approvals (status, id);

-- A run that held its plan for approval ends 'awaiting-approval' (it wrote nothing).
ALTER TABLE reconcile_runs DROP CONSTRAINT reconcile_runs_status_check;
ALTER TABLE reconcile_runs ADD CONSTRAINT reconcile_runs_status_check
  CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'awaiting-approval'));
