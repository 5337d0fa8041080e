// Named points inside a run where a test can inject a fault or pause: the
// crash tests kill a paused process, the two-runner test lets another runner
// write between this run's plan and its writes. Production passes nothing
// (NO_FAULTS); `classctl` builds one only from CLASSCTL_FAULT_PAUSE.
export interface RunFaults {
  /** After the inputs are snapshotted and the run is journaled, before anything is planned. */
  afterSnapshot?(): Promise<void>;
  /** After every branch is observed and the run's plan is complete, before the guards and the writes. */
  afterPlan?(): Promise<void>;
  /** Inside a branch transaction, after its writes, before it commits. */
  beforeBranchCommit?(branchId: string): Promise<void>;
  /**
   * After a branch transaction committed, before the run takes note of it: a
   * throw here stands for a COMMIT whose acknowledgement was lost.
   */
  afterBranchCommit?(branchId: string, attempt: number): Promise<void>;
  /** After every branch is written, before the journal row is finished. */
  beforeFinish?(): Promise<void>;
  /**
   * After the run ended and its journal row is committed, before a one-shot
   * command delivers the outbox's notifications: a crash here leaves events
   * committed and unsent, for the next deliverer.
   */
  beforeDelivery?(): Promise<void>;
}

export const NO_FAULTS: RunFaults = Object.freeze({});
