// `npm run bench:inputs`: how long classctl takes to read its inputs, each
// command as its own process (start-up included, as an operator sees it), with
// its peak RSS (docs/performance.md, "Inputs").
//
//   npm run bench:inputs                           # 100,000 closure keys; 100,000 series in 1,000 branches
//   npm run bench:inputs -- --closures 20000 --series 10000 --branches 100
//   npm run -s bench:inputs -- --output json
//
// It writes a base document with N closure keys (as .json and as .yaml) and
// the synthetic chain as a JSON load file into a temporary directory, then
// times `validate` of each config, and `load` (plan, first apply, an apply
// that changes nothing) into a scratch database created next to DATABASE_URL's
// and dropped afterwards. Not a test: nothing here asserts a timing.
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { scratchDatabase } from './bench.js';
import { runClassctlMeasured, type ProcessReport } from './measure-process.js';
import { BENCH_NOW, syntheticInputs } from './synthetic-data.js';
import { baseWithClosures, writeConfigDir, writeLoadFile } from './synthetic-files.js';

export interface InputsReport {
  closures: number;
  series: number;
  branches: number;
  files: { configJsonBytes: number; configYamlBytes: number; loadJsonBytes: number };
  commands: ProcessReport[];
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number, got "${raw}"`);
  return n;
}

export async function runInputsBench(opts: { closures: number; series: number; branches: number; url: string; dir: string; progress?: (line: string) => void }): Promise<InputsReport> {
  const progress = opts.progress ?? (() => {});
  const jsonDir = join(opts.dir, 'config-json');
  const yamlDir = join(opts.dir, 'config-yaml');
  const loadFile = join(opts.dir, 'load.json');
  const base = baseWithClosures(opts.closures);
  writeConfigDir(jsonDir, [base]);
  mkdirSync(yamlDir, { recursive: true });
  writeFileSync(join(yamlDir, 'base.yaml'), stringify(base));
  const inputs = syntheticInputs({ branches: opts.branches, series: opts.series, horizonDays: 56 }, BENCH_NOW);
  await writeLoadFile(loadFile, inputs.load);

  const env = { DATABASE_URL: opts.url, CLASSCTL_LOG_LEVEL: 'warn' };
  const run = (args: string[], label: string, okCodes?: number[]) => {
    progress(label);
    return runClassctlMeasured(['--log-level', 'warn', ...args], { env, stdoutFile: join(opts.dir, 'stdout.txt'), stderrFile: join(opts.dir, 'stderr.txt'), label, okCodes });
  };
  const commands: ProcessReport[] = [];
  commands.push(await run(['validate', '--config', jsonDir], `validate (${opts.closures} closure keys, .json)`));
  commands.push(await run(['validate', '--config', yamlDir], `validate (${opts.closures} closure keys, .yaml)`));
  await run(['--database', opts.url, 'migrate'], 'migrate');
  commands.push(await run(['--database', opts.url, 'load', loadFile], `load FILE (plan, ${opts.series} new series)`));
  commands.push(await run(['--database', opts.url, 'load', loadFile, '--apply'], `load FILE --apply (first)`));
  commands.push(await run(['--database', opts.url, 'load', loadFile, '--apply'], `load FILE --apply (no changes)`));
  return {
    closures: opts.closures,
    series: opts.series,
    branches: opts.branches,
    files: { configJsonBytes: statSync(join(jsonDir, 'base.json')).size, configYamlBytes: statSync(join(yamlDir, 'base.yaml')).size, loadJsonBytes: statSync(loadFile).size },
    commands,
  };
}

export function renderInputsText(r: InputsReport): string {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const lines = [
    `inputs benchmark: ${r.closures.toLocaleString('en-US')} closure keys (${mb(r.files.configJsonBytes)} .json, ${mb(r.files.configYamlBytes)} .yaml); ` +
      `${r.series.toLocaleString('en-US')} series in ${r.branches.toLocaleString('en-US')} branches (${mb(r.files.loadJsonBytes)} .json)`,
    '',
    `${'command'.padEnd(52)}${'ms'.padStart(9)}${'peak RSS MB'.padStart(13)}`,
  ];
  for (const c of r.commands) lines.push(`${c.command.padEnd(52)}${String(c.ms).padStart(9)}${String(c.peakRssMb ?? '?').padStart(13)}`);
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      closures: { type: 'string' },
      series: { type: 'string' },
      branches: { type: 'string' },
      output: { type: 'string', default: 'text' },
      'keep-files': { type: 'boolean', default: false },
    },
  });
  if (values.output !== 'text' && values.output !== 'json') throw new Error(`--output is text or json, got "${values.output}"`);
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set: point it at a PostgreSQL server (a scratch database is created there and dropped).');
  const dir = mkdtempSync(join(tmpdir(), 'classctl-inputs-'));
  const scratch = await scratchDatabase(server);
  try {
    const report = await runInputsBench({
      closures: positive('closures', values.closures, 100_000),
      series: positive('series', values.series, 100_000),
      branches: positive('branches', values.branches, 1_000),
      url: scratch.url,
      dir,
      progress: (line) => process.stderr.write(`bench:inputs: ${line}\n`),
    });
    process.stdout.write(values.output === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderInputsText(report));
  } finally {
    await scratch.drop();
    if (values['keep-files']) process.stderr.write(`bench:inputs: files kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench:inputs: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
