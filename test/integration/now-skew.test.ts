// `--apply` at a `--now` far from the database clock is refused unless
// --allow-now-skew, and always on a production database. Real PostgreSQL: the
// reference is the database's own clock, so every instant here is that clock
// plus a fixed offset (the only time that cannot be fixed in advance).
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { databaseClock } from '../../controller/runtime/guards.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { CONFIG_DIR } from '../faults/harness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Row {
  name: string;
  /** Offset of the run's --now from the database clock. */
  offsetMs: number;
  args?: string[];
  stamp?: string;
  env?: NodeJS.ProcessEnv;
  /** Apply a plan saved at that --now instead of `reconcile --apply`. */
  savedPlan?: boolean;
  exit: number;
  message?: RegExp;
}

const rows: Row[] = [
  { name: 'a --now four years ahead (mistyped year) is refused', offsetMs: 4 * 365 * DAY, exit: 3, message: /after the database clock.*--allow-now-skew/ },
  { name: 'a --now a month in the past is refused', offsetMs: -30 * DAY, exit: 3, message: /before the database clock.*--allow-now-skew/ },
  { name: 'a --now ten minutes ahead is refused (tolerance is 5 minutes)', offsetMs: 10 * MINUTE, exit: 3, message: /10 minutes after/ },
  { name: 'a --now two minutes ahead is within the tolerance', offsetMs: 2 * MINUTE, exit: 0 },
  { name: 'a --now two minutes behind is within the tolerance', offsetMs: -2 * MINUTE, exit: 0 },
  { name: '--allow-now-skew lets a far --now through on an unstamped database', offsetMs: 30 * DAY, args: ['--allow-now-skew'], exit: 0 },
  { name: '--allow-now-skew is not honoured on a production database, even with CLASSCTL_ALLOW_APPLY', offsetMs: 30 * DAY, args: ['--allow-now-skew'], stamp: 'production', env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 3, message: /stamped "production" is only written at its own time/ },
  { name: 'production with CLASSCTL_ALLOW_APPLY at the database clock is allowed', offsetMs: 0, stamp: 'production', env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 0 },
  { name: 'a saved plan made an hour ago is still applicable', offsetMs: -60 * MINUTE, savedPlan: true, exit: 0 },
  { name: 'a saved plan made at a --now a month ahead is refused', offsetMs: 30 * DAY, savedPlan: true, exit: 3, message: /after the database clock/ },
  { name: 'a saved plan made two days ago is refused (older than a day)', offsetMs: -2 * DAY, savedPlan: true, exit: 3, message: /2 days before the database clock/ },
  { name: 'a saved plan at a far --now is applied with --allow-now-skew', offsetMs: 30 * DAY, savedPlan: true, args: ['--allow-now-skew'], exit: 0 },
];

if (requirePostgres(t)) {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-skew-'));
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const url = await migratedPostgresDatabase(t);
      const db = await openDatabase({ url });
      t.teardown(() => db.close());
      const dbNow = await databaseClock(db);
      const now = new Date(dbNow + row.offsetMs).toISOString();
      // One UTC series starting three days after the run's --now: no session has started by the time it is applied.
      const start = new Date(dbNow + row.offsetMs + 3 * DAY).toISOString().slice(0, 10);
      const loaded = await loadInputs(db, {
        branches: [{ id: 'utc', name: 'UTC', timezone: 'UTC' }],
        series: [{ id: 'utc-daily', branchId: 'utc', title: 'Daily', rrule: 'FREQ=DAILY', startDate: start, startTime: '12:00' }],
      });
      t.same(loaded.problems, []);
      if (row.stamp) await setSetting(db, 'environment', row.stamp);
      const cli = (...args: string[]) => runClassctlInProcess({ ...row.env }, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, ...args);
      let r;
      if (row.savedPlan) {
        const file = join(dir, `${t.name.replace(/\W+/g, '-')}.json`);
        const planned = await cli('reconcile', '--now', now, '--out', file);
        t.equal(planned.code, 0, 'planning is allowed at any --now');
        r = await cli('apply', file, ...(row.args ?? []));
      } else {
        r = await cli('reconcile', '--apply', '--now', now, ...(row.args ?? []));
      }
      t.equal(r.code, row.exit, r.err);
      const sessions = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n;
      if (row.exit === 3) {
        t.match(r.err, row.message!);
        t.equal(sessions, 0, 'nothing written');
        t.same(await db.query(`SELECT count(*)::int AS n FROM reconcile_runs`), [{ n: 0 }], 'no run journaled');
      } else {
        t.ok(sessions > 0, 'the run wrote its sessions');
      }
    });
  }
}
