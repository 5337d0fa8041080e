// The environment of a process a test starts: the test runner's, minus the
// NODE_OPTIONS tap sets for its own test processes. Those load a module hook
// that follows every process for coverage, which this suite does not collect;
// in a spawned classctl it doubles the CPU of start-up (about 0.4 s a process).
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _tapHooks, ...env } = process.env;
  return { ...env, ...extra };
}
