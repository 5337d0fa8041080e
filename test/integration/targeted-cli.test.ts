// --branch / --series through the CLI (in-process main()), against real
// PostgreSQL: reconcile, a saved targeted plan applied, runs showing the
// target, unknown ids, and simulate on a scratch copy with a target.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassctlInProcess } from '../helpers/cli.js';
import { requirePostgres } from '../helpers/db.js';
import { dumpTables } from '../helpers/table-dump.js';
import { CONFIG_DIR, demoDatabase } from '../faults/harness.js';

const NOW = '2027-03-01T00:00:00Z';

if (requirePostgres(t)) {
  t.test('targeted reconcile, apply, runs and simulate', async (t) => {
    const { url, db } = await demoDatabase(t);
    const cli = (...args: string[]) => runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, ...args);
    const perSeries = async () =>
      Object.fromEntries((await db.query<{ s: string; n: number }>(`SELECT series_id AS s, count(*)::int AS n FROM class_sessions GROUP BY 1 ORDER BY 1`)).map((r) => [r.s, r.n]));

    const unknownRows = [
      { name: 'reconcile --branch with an unknown id', args: ['reconcile', '--now', NOW, '--branch', 'atlantis'], message: /no branch "atlantis"/ },
      { name: 'reconcile --series with an unknown id', args: ['reconcile', '--now', NOW, '--series', 'downtown-yoga-sun'], message: /no class series "downtown-yoga-sun"/ },
      { name: 'simulate --branch with an unknown id', args: ['simulate', '--from', NOW, '--to', NOW, '--branch', 'atlantis'], message: /no branch "atlantis"/ },
    ];
    for (const row of unknownRows) {
      const r = await cli(...row.args);
      t.equal(r.code, 2, `${row.name}: exit 2`);
      t.match(r.err, row.message, `${row.name}: names the id`);
    }

    const dir = mkdtempSync(join(tmpdir(), 'classctl-target-'));
    const planFile = join(dir, 'plan.json');
    const plan = await cli('reconcile', '--now', NOW, '--series', 'downtown-yoga-mon', '--out', planFile);
    t.equal(plan.code, 0, plan.err);
    t.match(plan.out, /^Targeted at series downtown-yoga-mon: nothing else was planned or written\.$/m, 'the plan says what it is limited to');
    const saved = JSON.parse(readFileSync(planFile, 'utf8'));
    t.same(saved.target, { branchIds: [], seriesIds: ['downtown-yoga-mon'] }, 'the plan file records its target');
    t.ok(saved.changes.length > 0 && saved.changes.every((c: { seriesId: string }) => c.seriesId === 'downtown-yoga-mon'), 'and changes of that series only');

    const wrong = await cli('apply', planFile, '--allow-now-skew', '--branch', 'downtown');
    t.equal(wrong.code, 2, 'applying it to another target is a usage error');
    const applied = await cli('apply', planFile, '--allow-now-skew');
    t.equal(applied.code, 0, applied.err);
    t.same(Object.keys(await perSeries()), ['downtown-yoga-mon'], 'only the targeted series got sessions');

    const branch = await cli('reconcile', '--now', NOW, '--branch', 'london-soho', '--apply', '--allow-now-skew');
    t.equal(branch.code, 0, branch.err);
    const written = Object.keys(await perSeries());
    t.ok(written.every((s) => s === 'downtown-yoga-mon' || s.startsWith('london-soho-')), 'only the targeted branch besides');
    t.ok(written.some((s) => s.startsWith('london-soho-')));

    const runs = await cli('runs', '--limit', '2');
    t.match(runs.out, /targeted at branch london-soho/, 'runs shows the target of the branch run');
    t.match(runs.out, /targeted at series downtown-yoga-mon/, 'and of the applied plan');

    const before = await dumpTables(db);
    const sim = await cli('simulate', '--from', NOW, '--to', '2027-03-03T00:00:00Z', '--every', 'P1D', '--series', 'sydney-cbd-swim-weekdays');
    t.equal(sim.code, 0, sim.err);
    t.equal(sim.out.trim().split('\n').length, 3, 'one line per tick');
    t.match(sim.out.split('\n')[0], /\+[1-9]\d* /, 'the first tick creates the series\' sessions on the copy');
    t.same(await dumpTables(db), before, 'the database is byte-identical');
  });
}
