// `npm run bench`: the reconcile benchmark (docs/performance.md).
//
//   npm run bench                         # 100 branches, 10,000 series, 56-day horizon, on DATABASE_URL
//   npm run bench -- --small              # the CI smoke variant (3 branches, 60 series)
//   npm run bench -- --output json        # { machine, series, sessions, scenarios: [...] }
//   npm run bench -- --embedded           # PGlite in memory instead of PostgreSQL
//   npm run bench -- --branches 50 --series 5000 --horizon 28
//   npm run bench -- --database URL       # use this existing, empty database (not dropped)
//   npm run bench -- --fresh-memo         # each run without the expansion memo, as a CronJob's new process
//   npm run bench -- --cli                # also `classctl load --apply` and `classctl reconcile --apply` as processes
//
// Without --database, a fresh database is created on the server of DATABASE_URL
// and dropped afterwards, so a run never touches real data and always starts
// from empty class_sessions. Not a tap test: test/bench/bench-smoke.test.ts runs
// the small variant in CI.
import { limitHeapGrowth } from '../../controller/runtime/heap-growth.js';
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { buildConfigSet, type ConfigSet } from '../../controller/core/config/config-set.js';
import { parseConfigDocument } from '../../controller/core/config/parse-document.js';
import type { Problem } from '../../controller/core/errors.js';
import type { ConfigDocument } from '../../controller/core/types.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { migrate } from '../../controller/store/migrate.js';
import { embeddedBaselineCopy, postgresBaselineCopy } from './baseline-copy.js';
import { runCliScenario, type CliScenarioReport } from './cli-scenario.js';
import { runScenarios, type ScenarioHooks, type ScenarioReport } from './scenarios.js';
import { BENCH_NOW, FULL_SIZE, SMALL_SIZE, syntheticInputs, type BenchSize } from './synthetic-data.js';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  os: string;
  node: string;
  database: string;
}

/** The JSON report: exactly these fields (`cli` only with --cli). */
export interface BenchReport {
  machine: MachineInfo;
  series: number;
  sessions: number;
  scenarios: ScenarioReport[];
  cli?: CliScenarioReport;
}

export interface BenchOptions {
  size: BenchSize;
  /** A PostgreSQL URL of an existing, empty database; absent: PGlite in memory. */
  url?: string;
  logLevel?: string;
  hooks?: ScenarioHooks;
  progress?: (line: string) => void;
  /** See ScenarioInput.freshMemo. */
  freshMemo?: boolean;
}

/** The ConfigSet of raw SchedulingConfig documents; throws if any is invalid. */
export function configSetOf(raw: unknown[]): ConfigSet {
  const documents: ConfigDocument[] = [];
  const problems: Problem[] = [];
  raw.forEach((r, i) => {
    const parsed = parseConfigDocument(r, `bench-config-${i}.yaml`);
    if (parsed.document) documents.push(parsed.document);
    problems.push(...parsed.problems);
  });
  const config = buildConfigSet(documents, problems);
  if (config.problems.length > 0) throw new Error(`benchmark config is invalid: ${JSON.stringify(config.problems)}`);
  return config;
}

async function machineInfo(db: Database): Promise<MachineInfo> {
  const [row] = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(totalmem() / 2 ** 20),
    os: `${type()} ${release()}`,
    node: process.version,
    database: `${db.kind === 'pglite' ? 'PGlite (embedded) ' : 'PostgreSQL '}${row!.v}`,
  };
}

/** Loads the synthetic chain through `classctl load`'s code path and returns what the scenarios need of it. */
async function loadSyntheticChain(db: Database, size: BenchSize): Promise<{ config: ConfigSet; editedSeriesIds: string[]; series: number }> {
  const inputs = syntheticInputs(size, BENCH_NOW);
  const loaded = await loadInputs(db, inputs.load);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`synthetic data does not load: ${JSON.stringify(errors.slice(0, 5))}`);
  return { config: configSetOf(inputs.configDocuments), editedSeriesIds: inputs.editedSeriesIds, series: inputs.load.series.length };
}

/** Loads the synthetic chain through `classctl load`'s code path and runs the scenarios. */
export async function runBenchmark(opts: BenchOptions): Promise<BenchReport> {
  const db = await openDatabase(opts.url ? { url: opts.url } : { dataDir: 'memory://' });
  const baseline = opts.url ? postgresBaselineCopy(db, opts.url) : embeddedBaselineCopy(db);
  try {
    await migrate(db);
    // Only what the scenarios need outlives the load: the synthetic rows
    // (~100 MB at 100,000 series) would otherwise count in every run's peak RSS.
    const { config, editedSeriesIds, series } = await loadSyntheticChain(db, opts.size);
    const scenarios = await runScenarios({
      db,
      config,
      logger: createLogger({ level: opts.logLevel ?? 'warn' }),
      now: BENCH_NOW,
      editedSeriesIds,
      baseline,
      hooks: opts.hooks,
      progress: opts.progress,
      freshMemo: opts.freshMemo,
    });
    return {
      machine: await machineInfo(db),
      series,
      sessions: scenarios.find((s) => s.name === 'initial')!.rows,
      scenarios,
    };
  } finally {
    await baseline.close();
    await db.close();
  }
}

/** Creates an empty database next to DATABASE_URL's; `drop` removes it (and cuts its connections). */
export async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(serverUrl);
  const name = `classctl_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(base.toString(), { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}"`);
      } finally {
        await a.end();
      }
    },
  };
}

/** The goals the benchmark is meant to meet at full size (100,000 series); the CLI ones only with --cli. */
const TARGETS: Array<{ label: string; check(r: Record<string, ScenarioReport>, cli: CliScenarioReport | undefined): [number, boolean] | null; unit: string }> = [
  { label: 'initial ≤ 1.3 × baseline', check: (r) => [r.initial!.ratioToBaseline, r.initial!.ratioToBaseline <= 1.3], unit: '×' },
  { label: 'noop ≤ 10% of initial', check: (r) => pct(r.noop!, r.initial!, 10), unit: '%' },
  { label: 'dayRoll ≤ 10% of initial', check: (r) => pct(r.dayRoll!, r.initial!, 10), unit: '%' },
  {
    // The baseline's figure is the harness's COPY buffer, not a run.
    label: 'peak RSS of the runs ≤ 400 MB',
    check: (r) => {
      const m = Math.max(...Object.values(r).filter((s) => s.name !== 'baseline').map((s) => s.peakRssMb));
      return [m, m <= 400];
    },
    unit: ' MB',
  },
  { label: 'classctl load: ≤ 10 s', check: (_r, cli) => (cli ? [cli.commands[0]!.ms / 1000, cli.commands[0]!.ms <= 10_000] : null), unit: ' s' },
  { label: 'classctl load: peak RSS ≤ 400 MB', check: (_r, cli) => rssWithin(cli?.commands[0]), unit: ' MB' },
  { label: 'classctl reconcile --apply: peak RSS ≤ 400 MB', check: (_r, cli) => rssWithin(cli?.commands[1]), unit: ' MB' },
];

function rssWithin(c: CliScenarioReport['commands'][number] | undefined): [number, boolean] | null {
  if (!c || c.peakRssMb === null) return null;
  return [c.peakRssMb, c.peakRssMb <= 400];
}

function pct(a: ScenarioReport, b: ScenarioReport, limit: number): [number, boolean] {
  const p = Math.round((a.ms / b.ms) * 1000) / 10;
  return [p, p <= limit];
}

export function renderText(report: BenchReport, size: BenchSize): string {
  const m = report.machine;
  const lines = [
    `reconcile benchmark: ${size.branches} branches, ${report.series.toLocaleString('en-US')} series, ${size.horizonDays}-day horizon, ${report.sessions.toLocaleString('en-US')} sessions`,
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${(m.memoryMb / 1024).toFixed(1)} GB RAM, ${m.os}, Node ${m.node}, ${m.database}`,
    '',
    `${'scenario'.padEnd(10)}${'ms'.padStart(9)}${'rows'.padStart(10)}${'rows/s'.padStart(11)}${'× baseline'.padStart(12)}${'peak RSS MB'.padStart(13)}`,
  ];
  for (const s of report.scenarios) {
    lines.push(
      `${s.name.padEnd(10)}${String(s.ms).padStart(9)}${String(s.rows).padStart(10)}${String(s.rowsPerSecond).padStart(11)}${s.ratioToBaseline.toFixed(2).padStart(12)}${String(s.peakRssMb).padStart(13)}`,
    );
  }
  if (report.cli) {
    lines.push('', `CLI scenario (separate processes, start-up included):`, `${'command'.padEnd(52)}${'ms'.padStart(9)}${'peak RSS MB'.padStart(13)}${'stdout MB'.padStart(11)}`);
    for (const c of report.cli.commands) {
      lines.push(`${c.command.padEnd(52)}${String(c.ms).padStart(9)}${String(c.peakRssMb ?? '?').padStart(13)}${(c.stdoutBytes / 2 ** 20).toFixed(1).padStart(11)}`);
    }
  }
  const byName = Object.fromEntries(report.scenarios.map((s) => [s.name, s]));
  lines.push('', 'targets (meant for the full size):');
  for (const t of TARGETS) {
    const checked = t.check(byName, report.cli);
    if (!checked) continue;
    const [value, ok] = checked;
    lines.push(`  ${ok ? 'met    ' : 'MISSED '} ${t.label}: ${value}${t.unit}`);
  }
  return lines.join('\n') + '\n';
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number, got "${raw}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  // The heap growth the CLI sets for itself, so the runs measured here use memory as `classctl reconcile` does.
  limitHeapGrowth();
  const { values } = parseArgs({
    args: argv,
    options: {
      branches: { type: 'string' },
      series: { type: 'string' },
      horizon: { type: 'string' },
      small: { type: 'boolean', default: false },
      output: { type: 'string', default: 'text' },
      embedded: { type: 'boolean', default: false },
      database: { type: 'string' },
      'log-level': { type: 'string' },
      'fresh-memo': { type: 'boolean', default: false },
      cli: { type: 'boolean', default: false },
    },
  });
  if (values.output !== 'text' && values.output !== 'json') throw new Error(`--output is text or json, got "${values.output}"`);
  const preset = values.small ? SMALL_SIZE : FULL_SIZE;
  const size: BenchSize = {
    branches: positive('branches', values.branches, preset.branches),
    series: positive('series', values.series, preset.series),
    horizonDays: positive('horizon', values.horizon, preset.horizonDays),
  };

  if (values.cli && values.embedded) throw new Error('--cli runs classctl against PostgreSQL; it cannot be combined with --embedded.');
  let url: string | undefined;
  let drop = async () => {};
  if (values.embedded) {
    url = undefined;
  } else if (values.database) {
    url = values.database;
  } else {
    const server = process.env.DATABASE_URL;
    if (!server) throw new Error('DATABASE_URL is not set: point it at a PostgreSQL server (a scratch database is created there and dropped), or pass --embedded for PGlite.');
    const scratch = await scratchDatabase(server);
    url = scratch.url;
    drop = scratch.drop;
  }
  try {
    const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
    const report: BenchReport = await runBenchmark({ size, url, logLevel: values['log-level'], progress, freshMemo: values['fresh-memo'] });
    // Its own scratch database on the same server, so its load and first apply start from empty tables.
    if (values.cli) report.cli = await runCliScenario(size, url!, progress);
    process.stdout.write(values.output === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderText(report, size));
  } finally {
    await drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
