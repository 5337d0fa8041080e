-- What the last run that wrote (or proved) a branch left it at, so a later
-- run can skip proving again what nothing has changed: the fingerprint of the
-- branch's inputs (its zone and, per series, the series row and its resolved
-- settings), the series it must still read at every run, the instant of the
-- run that wrote this row and the instant of the last full proof. Written in
-- the same transaction as the branch's session writes, so it is committed
-- exactly when they are.
CREATE TABLE branch_sync_state (
  branch_id      text PRIMARY KEY,
  inputs_digest  text NOT NULL,
  -- Series whose sessions are read in full at every run (sessions kept as
  -- they are, a series skipped, a change not written, sessions of a series
  -- no longer in the branch): an incremental run plans them as a full run does.
  unsettled      text[] NOT NULL DEFAULT '{}',
  -- The run's instant (its --now) when this row was written.
  synced_now     timestamptz NOT NULL,
  -- The run's instant of the last full proof (every session of the branch compared).
  proven_at      timestamptz NOT NULL,
  -- Bumped at every write: a run writes only over the row it read (compare-and-set).
  revision       bigint NOT NULL DEFAULT 1,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
