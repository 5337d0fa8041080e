// The CI smoke variant of the reconcile benchmark: `--small` against
// real PostgreSQL. No timing is asserted — machines differ — only what the
// benchmark reports and that its scenarios do what their names say.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { generateBranch } from '../../controller/core/plan-branch.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { planRun, snapshotInputs } from '../../controller/runtime/plan-run.js';
import type { Database } from '../../controller/store/database.js';
import { matchesDigest } from '../../controller/store/series-digests.js';
import { seriesDigestsOf } from '../helpers/digests.js';
import { freshPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { configSetOf, runBenchmark, type BenchReport } from './bench.js';
import type { ScenarioContext } from './scenarios.js';
import { BENCH_NOW, SMALL_SIZE, syntheticInputs } from './synthetic-data.js';
import { openDatabase } from '../../controller/store/database.js';
import { migrate } from '../../controller/store/migrate.js';
import { loadInputs } from '../../controller/store/load.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { createLogger } from '../../controller/runtime/logger.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCH = fileURLToPath(new URL('./bench.ts', import.meta.url));

function runBenchCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './bin/register.js', BENCH, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every byte of class_sessions that a write would change, updated_at included. */
async function sessionsFingerprint(db: Database): Promise<{ rows: number; md5: string | null }> {
  const [r] = await db.query<{ rows: number; md5: string | null }>(
    `SELECT count(*)::int AS rows, md5(string_agg(s::text, E'\\n' ORDER BY s.id)) AS md5 FROM class_sessions AS s`,
  );
  return r!;
}

if (requirePostgres(t)) {
  t.test('npm run bench -- --small --output json prints exactly the reported shape', async (t) => {
    const url = await freshPostgresDatabase(t);
    const run = await runBenchCli(['--small', '--output', 'json', '--database', url]);
    t.equal(run.code, 0, 'the benchmark exits 0') || t.comment(run.stderr);
    const report = JSON.parse(run.stdout) as BenchReport;
    t.same(Object.keys(report), ['machine', 'series', 'sessions', 'scenarios'], 'top-level fields, nothing else');
    t.same(report.scenarios.map((s) => s.name), ['initial', 'noop', 'dayRoll', 'edit10', 'baseline'], 'the five scenarios, in order');
    for (const s of report.scenarios) {
      t.same(Object.keys(s), ['name', 'ms', 'rows', 'rowsPerSecond', 'ratioToBaseline', 'peakRssMb'], `${s.name}: its fields`);
      for (const k of ['ms', 'rows', 'rowsPerSecond', 'ratioToBaseline', 'peakRssMb'] as const) {
        t.ok(Number.isFinite(s[k]) && s[k] >= 0, `${s.name}.${k} is a non-negative number`);
      }
      t.ok(s.peakRssMb > 0, `${s.name}: a peak RSS is measured`);
    }
    const by = Object.fromEntries(report.scenarios.map((s) => [s.name, s]));
    t.equal(report.series, SMALL_SIZE.series, 'series counts the loaded series');
    t.ok(report.sessions > 10 * SMALL_SIZE.series, 'sessions: one to five a week per series over eight weeks');
    t.equal(by.initial!.rows, report.sessions, 'sessions is what the initial apply created');
    t.equal(by.baseline!.rows, by.initial!.rows, 'the baseline copies the same rows');
    t.equal(by.baseline!.ratioToBaseline, 1);
    t.equal(by.noop!.rows, 0, 'the no-op run writes nothing');
    t.ok(by.dayRoll!.rows > 0, 'a day roll creates the day that enters the horizon');
    t.ok(by.edit10!.rows > 0, 'moving a series start time updates its sessions');
    t.match(report.machine, { cpus: Number, memoryMb: Number, node: String, database: /^PostgreSQL / });
  });

  t.test('--cli adds the load and first apply as processes: each with its exit code, time, peak RSS and output size', async (t) => {
    const url = await freshPostgresDatabase(t);
    const run = await runBenchCli(['--small', '--cli', '--output', 'json', '--database', url]);
    t.equal(run.code, 0, 'the benchmark exits 0') || t.comment(run.stderr);
    const report = JSON.parse(run.stdout) as BenchReport;
    t.same(Object.keys(report), ['machine', 'series', 'sessions', 'scenarios', 'cli'], 'the cli section comes last');
    t.same(report.cli?.commands.map((c) => c.command), ['classctl load FILE --apply', 'classctl reconcile --apply (first, text to a file)'], 'load, then the first apply');
    for (const c of report.cli?.commands ?? []) {
      t.same(Object.keys(c), ['command', 'exitCode', 'ms', 'peakRssMb', 'stdoutBytes'], `${c.command}: its fields`);
      t.equal(c.exitCode, 0, `${c.command}: exits 0`);
      t.ok(c.ms > 0 && (c.peakRssMb === null || c.peakRssMb > 0), `${c.command}: time and peak RSS are measured`);
      t.ok(c.stdoutBytes > 0, `${c.command}: it printed what it did`);
    }
  });

  t.test('scenarios: noop changes no byte, every series is proven by its digest, digest and full reads plan alike', async (t) => {
    const url = await freshPostgresDatabase(t);
    let before: Awaited<ReturnType<typeof sessionsFingerprint>> | null = null;
    const seen: string[] = [];
    const hooks = {
      async before(ctx: ScenarioContext) {
        if (ctx.now === null) return;
        seen.push(ctx.name);
        // The digest read must plan exactly what reading every session plans.
        const snapshot = await snapshotInputs(ctx.db);
        const input = { db: ctx.db, config: ctx.config, now: ctx.now, mode: 'plan' as const, snapshot };
        const digest = planToJson(await planRun(input));
        const full = planToJson(await planRun({ ...input, observedRead: 'full' }));
        t.same(digest, full, `${ctx.name}: the digest read plans what the full read plans`);
        if (ctx.name === 'noop') {
          before = await sessionsFingerprint(ctx.db);
          t.equal(digest.changes.length, 0, 'noop: the plan is empty');
          // After the initial apply, every series is settled by its digest alone.
          for (const branch of snapshot.branches) {
            const series = snapshot.series.filter((s) => s.branchId === branch.id);
            const generation = generateBranch({ branch, series, config: ctx.config, now: ctx.now });
            const digests = await seriesDigestsOf(ctx.db, branch.id, ctx.now);
            t.equal(digests.length, series.length, `${branch.id}: one digest per series`);
            const mismatched = digests.filter((d) => {
              const o = generation.outcomes.find((x) => x.series.id === d.seriesId);
              return o?.kind !== 'generated' || !matchesDigest(o.generated.sessions, d);
            });
            t.same(mismatched.map((d) => d.seriesId), [], `${branch.id}: every digest equals the desired sessions' digest`);
          }
        }
      },
      async after(ctx: ScenarioContext) {
        if (ctx.name === 'noop') t.same(await sessionsFingerprint(ctx.db), before, 'noop: class_sessions byte-identical, updated_at included');
      },
    };
    const report = await runBenchmark({ size: SMALL_SIZE, url, logLevel: 'silent', hooks });
    t.same(seen, ['initial', 'noop', 'dayRoll', 'edit10'], 'every reconcile scenario ran');
    t.equal(report.scenarios.find((s) => s.name === 'noop')!.rows, 0);
  });

  // Each row changes the database as a person or the host application might,
  // on top of the rows before it; after each, the digest read must plan what
  // reading every session plans. `now` is six hours into the day, so some of
  // today's sessions have started.
  const NOW = BENCH_NOW + 6 * 3_600_000;
  const ONE_FUTURE = (series: string) => `(SELECT id FROM class_sessions WHERE series_id = '${series}' AND starts_at > now() + interval '2 days' ORDER BY occurrence_key LIMIT 1)`;
  const ODD_TITLE = 'Yoga "Flow" \\ \u{1F9D8}';
  const mutations: Array<{ name: string; sql: string[]; params?: unknown[] }> = [
    { name: 'nothing changed since the apply', sql: [] },
    { name: 'a detached session with its time changed by hand', sql: [`UPDATE class_sessions SET detached = true, starts_at = starts_at + interval '1 hour' WHERE id = ${ONE_FUTURE('series-01')}`] },
    { name: 'a cancelled session that is desired again', sql: [`UPDATE class_sessions SET status = 'cancelled' WHERE id = ${ONE_FUTURE('series-02')}`] },
    { name: 'a title edited in the sessions table', sql: [`UPDATE class_sessions SET title = 'Renamed' WHERE id = ${ONE_FUTURE('series-03')}`] },
    { name: 'a start stored with a microsecond more', sql: [`UPDATE class_sessions SET starts_at = starts_at + interval '1 microsecond' WHERE id = ${ONE_FUTURE('series-04')}`] },
    { name: 'a future session keyed yesterday (a moved class)', sql: [`UPDATE class_sessions SET occurrence_key = '2026-03-01' WHERE id = ${ONE_FUTURE('series-05')}`] },
    { name: 'a series and its sessions titled with quotes, a backslash and an emoji', sql: [`UPDATE class_series SET title = $1 WHERE id = 'series-06'`, `UPDATE class_sessions SET title = $1 WHERE series_id = 'series-06'`], params: [ODD_TITLE] },
    { name: 'a booked session whose weekday left the rule', sql: [`UPDATE class_sessions SET booked_count = 3 WHERE id = ${ONE_FUTURE('series-07')}`, `UPDATE class_series SET rrule = 'FREQ=WEEKLY;BYDAY=SU' WHERE id = 'series-07'`] },
    { name: 'a series deleted by the host, one of its sessions booked', sql: [`UPDATE class_sessions SET booked_count = 1 WHERE id = ${ONE_FUTURE('series-08')}`, `DELETE FROM class_series WHERE id = 'series-08'`] },
    { name: 'a series moved to another branch', sql: [`UPDATE class_series SET branch_id = 'branch-2' WHERE id = 'series-09'`] },
    { name: 'a series capacity changed by the host (every future session updated)', sql: [`UPDATE class_series SET capacity = 7 WHERE id = 'series-10'`] },
  ];

  t.test('the digest read plans what the full read plans, on a database edited by hand', async (t) => {
    const url = await freshPostgresDatabase(t);
    const db = await openDatabase({ url });
    t.teardown(() => db.close());
    await migrate(db);
    const inputs = syntheticInputs(SMALL_SIZE);
    await loadInputs(db, inputs.load);
    const config = configSetOf(inputs.configDocuments);
    const applied = await reconcile({ db, config, logger: createLogger({ level: 'silent' }), now: BENCH_NOW, mode: 'apply', clock: () => BENCH_NOW });
    t.equal(applied.exitCode, 0);
    let last: ReturnType<typeof planToJson> | null = null;
    for (const m of mutations) {
      for (const statement of m.sql) await db.query(statement.replaceAll('now()', `'${new Date(NOW).toISOString()}'::timestamptz`), m.params ?? []);
      const snapshot = await snapshotInputs(db);
      const input = { db, config, now: NOW, mode: 'plan' as const, snapshot };
      const digest = planToJson(await planRun(input));
      const full = planToJson(await planRun({ ...input, observedRead: 'full' }));
      t.same(digest, full, m.name);
      last = digest;
    }
    // The rows above did change the database: the last plan has every kind of session change.
    const actions = new Set(last!.changes.map((c) => c.action));
    t.same([...actions].sort(), ['cancel', 'create', 'delete', 'update'], 'the edits show in the plan');
    // The escaped title still settles by digest: JSON encodings agree.
    const snapshot = await snapshotInputs(db);
    const series = snapshot.series.filter((s) => s.id === 'series-06');
    const branch = snapshot.branches.find((b) => b.id === series[0]!.branchId)!;
    const generated = generateBranch({ branch, series, config, now: NOW }).outcomes[0]!;
    const stored = (await seriesDigestsOf(db, branch.id, NOW)).find((d) => d.seriesId === 'series-06')!;
    t.equal(generated.kind, 'generated');
    if (generated.kind === 'generated') t.ok(matchesDigest(generated.generated.sessions, stored), 'quotes, backslash and emoji digest alike in SQL and JS');
  });
}
