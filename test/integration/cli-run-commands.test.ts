// The run commands end to end through the CLI (in-process main()), against
// real PostgreSQL: reconcile --out / apply, simulate, runs, doctor, exit codes.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassctlInProcess } from '../helpers/cli.js';
import { requirePostgres } from '../helpers/db.js';
import { dumpTables } from '../helpers/table-dump.js';
import { CONFIG_DIR, demoDatabase } from '../faults/harness.js';

if (requirePostgres(t)) {
  t.test('plan --out, apply, simulate across the March DST change, runs, doctor', async (t) => {
    const { url, db } = await demoDatabase(t);
    const cli = (...args: string[]) => runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, ...args);
    const dir = mkdtempSync(join(tmpdir(), 'classctl-cli-'));
    const planFile = join(dir, 'plan.json');

    const plan = await cli('reconcile', '--now', '2027-03-01T00:00:00Z', '--out', planFile);
    t.equal(plan.code, 0);
    t.match(plan.out, /^Plan: \d+ to create, 0 to update, 0 to delete, 0 to cancel, 1 series to archive\.$/m);
    const saved = JSON.parse(readFileSync(planFile, 'utf8'));
    t.equal((await db.query(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n, 0, 'a plan writes nothing');

    const applied = await cli('apply', planFile, '--allow-now-skew');
    t.equal(applied.code, 0, applied.err);
    t.equal((await db.query(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n, saved.summary.create);
    const again = await cli('apply', planFile, '--allow-now-skew');
    t.equal(again.code, 3, 'applying the same plan twice is refused');
    const firstRun = (await db.query<{ id: string }>(`SELECT id::text AS id FROM reconcile_runs WHERE mode = 'apply-plan' ORDER BY id`))[0]!.id;
    t.match(again.err, `classctl: PLAN_ALREADY_APPLIED: this plan was already applied by run ${firstRun} (finished `, 'naming the run that applied it, not "stale"');
    t.equal((await db.query(`SELECT count(*)::int AS n FROM reconcile_runs WHERE mode = 'apply-plan'`))[0]!.n, 1, 'the refusal starts no run');

    const sim = await cli('simulate', '--apply', '--from', '2027-03-01T00:00:00Z', '--to', '2027-03-21T00:00:00Z', '--every', 'P1D');
    t.equal(sim.code, 0, sim.err);
    const lines = sim.out.trim().split('\n');
    t.equal(lines.length, 21, 'one line per tick');
    t.match(lines[0], /^2027-03-01T00:00:00.000Z  \+0 ~0 -0 !0 x0  succeeded \(run \d+\)$/, 'the first tick finds the applied plan converged');
    const boot = await db.query<{ k: string; s: string }>(
      `SELECT occurrence_key AS k, to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') AS s FROM class_sessions
        WHERE series_id = 'downtown-bootcamp-sat' AND occurrence_key IN ('2027-03-13', '2027-03-20') ORDER BY 1`,
    );
    t.same(boot, [{ k: '2027-03-13', s: '14:00' }, { k: '2027-03-20', s: '13:00' }], 'same wall clock before and after the change: 09:00 EST, then 09:00 EDT');

    const runs = await cli('runs', '--limit', '3', '--output', 'json');
    const journal = JSON.parse(runs.out) as Array<{ id: string; status: string; mode: string; now: string; startedAt: string; finishedAt: string }>;
    t.equal(journal.length, 3);
    t.match(journal[0], { now: '2027-03-21T00:00:00.000Z', startedAt: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, finishedAt: /Z$/ }, 'times are ISO strings, as GET /api/runs gives them');
    t.ok(Number(journal[0]!.id) > Number(journal[1]!.id), 'newest first, by number');

    const ok = await cli('doctor', '--now', '2027-03-21T00:00:00Z');
    t.equal(ok.code, 0);
    await db.query(`INSERT INTO class_sessions (id, series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, status, created_at, updated_at)
                    VALUES (gen_random_uuid(), 'ghost', 'downtown', '2027-04-01', 'Ghost', '2027-04-01T12:00Z', '2027-04-01T13:00Z', 'America/New_York', 'scheduled', now(), now())`);
    const bad = await cli('doctor', '--now', '2027-03-21T00:00:00Z');
    t.equal(bad.code, 1, 'an orphan session fails doctor');
    t.match(bad.out, /orphan-session/);
    t.match(bad.out, /"series_id":"ghost"/);

    await cli('env', 'set', 'production');
    const refused = await cli('simulate', '--apply', '--from', '2027-03-21T00:00:00Z', '--to', '2027-03-22T00:00:00Z');
    t.equal(refused.code, 3, 'simulate --apply refuses production');
    const before = await dumpTables(db);
    const scratch = await cli('simulate', '--from', '2027-03-21T00:00:00Z', '--to', '2027-03-22T00:00:00Z');
    t.equal(scratch.code, 0, `simulate on a scratch copy is allowed on production (${scratch.err})`);
    t.same(await dumpTables(db), before, 'and leaves the database byte-identical');
  });
}
