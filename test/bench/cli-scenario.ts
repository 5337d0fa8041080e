// The benchmark's CLI scenario (`npm run bench -- --cli`): what an operator's
// first apply costs, each command as its own process through bin/classctl.js
// against an empty scratch database: `classctl load FILE --apply` of the
// synthetic chain, then `classctl reconcile --apply` with its default text
// output, which goes to a file (its size is reported). Time and peak RSS of
// each process, start-up included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase } from './bench.js';
import { runClassctlMeasured, type ProcessReport } from './measure-process.js';
import { BENCH_NOW, syntheticInputs, type BenchSize } from './synthetic-data.js';
import { writeConfigDir, writeLoadFile } from './synthetic-files.js';

export interface CliScenarioReport {
  /** `load FILE --apply`, then `reconcile --apply`, in that order. */
  commands: ProcessReport[];
}

export async function runCliScenario(size: BenchSize, serverUrl: string, progress: (line: string) => void = () => {}): Promise<CliScenarioReport> {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-bench-cli-'));
  const scratch = await scratchDatabase(serverUrl);
  try {
    const inputs = syntheticInputs(size, BENCH_NOW);
    const loadFile = join(dir, 'chain.json');
    const configDir = join(dir, 'config');
    await writeLoadFile(loadFile, inputs.load);
    writeConfigDir(configDir, inputs.configDocuments);
    const run = (args: string[], label: string) => {
      progress(`cli: ${label}`);
      return runClassctlMeasured(['--log-level', 'warn', '--database', scratch.url, '--config', configDir, ...args], {
        stdoutFile: join(dir, 'stdout.txt'),
        stderrFile: join(dir, 'stderr.txt'),
        label,
      });
    };
    await run(['migrate'], 'migrate');
    const commands = [
      await run(['load', loadFile, '--apply'], 'load FILE --apply'),
      // The synthetic chain's fixed instant, far from the database clock: hence --allow-now-skew (a scratch database, never production).
      await run(['reconcile', '--apply', '--now', new Date(BENCH_NOW).toISOString(), '--allow-now-skew'], 'reconcile --apply (first, text to a file)'),
    ];
    return { commands };
  } finally {
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
