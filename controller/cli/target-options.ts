// --branch and --series, the same for reconcile, apply and simulate: each
// may be given several times, and together they make the run's target.
import { Option } from 'commander';
import type { RunTarget } from '../core/run-target.js';
import { ClassctlError, ErrorCodes } from '../core/errors.js';

function collect(flag: string) {
  return (value: string, previous: string[] | undefined): string[] => {
    if (value.trim() === '') throw new ClassctlError(ErrorCodes.USAGE, `${flag} needs an id, got an empty one.`, { key: flag.slice(2) });
    return [...(previous ?? []), value];
  };
}

export function branchOption(): Option {
  return new Option('--branch <id>', 'only this branch, all of its series (repeatable)').argParser(collect('--branch'));
}

export function seriesOption(): Option {
  return new Option('--series <id>', "only this class series, in its branch; the branch's other series are left alone (repeatable)").argParser(collect('--series'));
}

export interface TargetOptions {
  branch?: string[];
  series?: string[];
}

/** The target the options give; undefined when neither is given (every branch). */
export function targetFromOptions(opts: TargetOptions): RunTarget | undefined {
  if (!opts.branch?.length && !opts.series?.length) return undefined;
  return { branchIds: opts.branch ?? [], seriesIds: opts.series ?? [] };
}
