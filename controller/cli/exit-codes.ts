// The exit codes every command shares.
export const ExitCode = {
  OK: 0,
  /** The run failed (a branch could not be written, a scope was invalid and skipped). */
  RUN_FAILED: 1,
  /** Bad usage or an invalid configuration. */
  USAGE_OR_INVALID_CONFIG: 2,
  /** Refused by a guard (environment, production, mass removal, stale plan). */
  REFUSED: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
