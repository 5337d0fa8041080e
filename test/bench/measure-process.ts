// Runs one `classctl` command as its own process and measures it the way an
// operator would see it: wall time, and the kernel's peak RSS of the process
// (`/usr/bin/time -v`, "Maximum resident set size"), with stdout sent to a file
// so a large plan is measured as written, not as held by the harness.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleSource } from '../../bin/dist-freshness.js';

export const CLASSCTL = fileURLToPath(new URL('../../bin/classctl.js', import.meta.url));
const TIME = '/usr/bin/time';

export interface ProcessReport {
  /** What ran, for the report: `classctl load FILE --apply`. */
  command: string;
  exitCode: number;
  ms: number;
  /** Kernel high-water mark of the process's resident memory; null when /usr/bin/time is missing. */
  peakRssMb: number | null;
  /** Bytes the command wrote to stdout (to `stdoutFile`). */
  stdoutBytes: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Where stdout goes (a file, or /dev/null). */
  stdoutFile: string;
  /** Where stderr goes; its last lines are quoted when the command fails. */
  stderrFile: string;
  /** Exit codes that count as success (default 0). */
  okCodes?: number[];
  /** The label of the command in the report (default: the arguments). */
  label?: string;
}

/** `node bin/classctl.js ...args` under `/usr/bin/time -v`; throws when it exits with a code not in okCodes. */
export async function runClassctlMeasured(args: string[], opts: RunOptions): Promise<ProcessReport> {
  warnWhenNotCompiled();
  const timed = existsSync(TIME);
  const rssFile = `${opts.stderrFile}.time`;
  const argv = timed ? ['-v', '-o', rssFile, process.execPath, CLASSCTL, ...args] : [CLASSCTL, ...args];
  const out = openSync(opts.stdoutFile, 'w');
  const err = openSync(opts.stderrFile, 'w');
  const started = performance.now();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(timed ? TIME : process.execPath, argv, { stdio: ['ignore', out, err], env: { ...process.env, ...opts.env } });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
  const ms = Math.round(performance.now() - started);
  closeSync(out);
  closeSync(err);
  const command = `classctl ${opts.label ?? args.join(' ')}`;
  if (!(opts.okCodes ?? [0]).includes(exitCode)) {
    const tail = readFileSync(opts.stderrFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${command} exited ${exitCode}:\n${tail}`);
  }
  return { command, exitCode, ms, peakRssMb: timed ? peakRss(readFileSync(rssFile, 'utf8')) : null, stdoutBytes: statSync(opts.stdoutFile).size };
}

function peakRss(timeOutput: string): number | null {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeOutput);
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

let warned = false;
/** The figures are meant for the compiled dist/: say so once when bin/classctl.js will run the sources through tsx instead. */
function warnWhenNotCompiled(): void {
  if (warned) return;
  warned = true;
  // The checkout bin/classctl.js runs from (.test-build/bin links to it), not this file's tree.
  const stale = staleSource(dirname(dirname(realpathSync(CLASSCTL))));
  if (stale === null) return;
  process.stderr.write(`bench: dist/ is older than ${stale}, so classctl runs the sources through tsx and its times include that; run \`npm run build\` first.\n`);
}
