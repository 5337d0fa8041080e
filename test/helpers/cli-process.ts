// Runs `classctl ARGS` as a separate process (bin/classctl.js: dist/ when it
// is fresh, else the sources through tsx) with exactly the environment given,
// plus PATH: no HOME, DATABASE_URL or CLASSCTL_* leaks in from the test runner.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/classctl.js', import.meta.url));

export interface ProcessResult {
  code: number;
  out: string;
  err: string;
}

export function runClassctlProcess(env: Record<string, string>, ...args: string[]): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { PATH: process.env.PATH ?? '', CLASSCTL_LOG_LEVEL: 'warn', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: String(stdout), err: String(stderr) }),
    );
  });
}
