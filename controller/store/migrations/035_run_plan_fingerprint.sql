-- The saved plan a run applied (`classctl apply FILE`): the sha256 of the plan
-- file, so that applying the same file again is refused as already applied,
-- naming the run that applied it, instead of as a stale plan. NULL: the run
-- planned for itself (reconcile, serve, simulate) or was journaled before this column.
ALTER TABLE reconcile_runs ADD COLUMN plan_fingerprint text;
CREATE INDEX reconcile_runs_plan_fingerprint ON reconcile_runs (plan_fingerprint) WHERE plan_fingerprint IS NOT NULL;
