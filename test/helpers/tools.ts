// Tests that call a system tool (promtool) skip that check, with the reason,
// on a machine without it, so `npm test` is green on a newcomer's machine with
// Node alone. CI sets REQUIRE_TOOLS=1 and installs the tools: there a missing
// tool fails, because a skip would hide a check that never ran.
import type { Test } from 'tap';

/** Records that `check` could not run because `tool` is missing: a skip, or a failure under REQUIRE_TOOLS=1. */
export function toolMissing(t: Test, tool: string, check: string, install: string): void {
  if (process.env.REQUIRE_TOOLS === '1') {
    t.fail(`${check}: ${tool} is not installed but REQUIRE_TOOLS=1 requires it. Install it: ${install}`);
  } else {
    t.pass(check, { skip: `${tool} is not installed (${install}); REQUIRE_TOOLS=1 makes this a failure` });
  }
}
