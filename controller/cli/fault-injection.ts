// Fault injection for the crash tests (test/faults/): with
// CLASSCTL_FAULT_PAUSE=POINT[:BRANCH] a run stops at that point, prints
// `classctl-fault-pause POINT BRANCH` on stderr and waits until it receives
// SIGUSR2 (or is killed). Points: after-snapshot, after-plan,
// before-branch-commit, before-finish, before-delivery. Unset in production; nothing else reads it.
import type { RunFaults } from '../runtime/run-faults.js';

export function faultInjectionHooks(spec: string | undefined, stderr: NodeJS.WritableStream): RunFaults {
  if (!spec) return {};
  const [point, branch] = spec.split(':');
  const pause = (where: string) =>
    new Promise<void>((resolve) => {
      stderr.write(`classctl-fault-pause ${where}\n`);
      process.once('SIGUSR2', () => resolve());
    });
  switch (point) {
    case 'after-snapshot':
      return { afterSnapshot: () => pause('after-snapshot') };
    case 'after-plan':
      return { afterPlan: () => pause('after-plan') };
    case 'before-finish':
      return { beforeFinish: () => pause('before-finish') };
    case 'before-delivery':
      return { beforeDelivery: () => pause('before-delivery') };
    case 'before-branch-commit':
      return {
        beforeBranchCommit: async (branchId) => {
          if (branch === undefined || branch === branchId) await pause(`before-branch-commit ${branchId}`);
        },
      };
    default:
      throw new Error(`CLASSCTL_FAULT_PAUSE: unknown point "${point}"`);
  }
}
