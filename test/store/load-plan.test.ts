// `load` shows before it writes, and writes only with --apply past the guards.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planLoad } from '../../controller/core/load/load-plan.js';
import { openDatabase } from '../../controller/store/database.js';
import { migrate } from '../../controller/store/migrate.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { takeSnapshot } from '../../controller/store/snapshot.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { freshPostgresDatabase, requirePostgres } from '../helpers/db.js';

const branch = { id: 'ny', name: 'New York', timezone: 'America/New_York' };
const series = {
  id: 'yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2026-11-02', endDate: null,
  startTime: '07:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: ['2026-12-28'],
};

const diffRows: Array<{ name: string; file: { branches: typeof branch[]; series: typeof series[] }; current: { branches: typeof branch[]; series: typeof series[] }; expect: unknown }> = [
  { name: 'rows not in the database are added', file: { branches: [branch], series: [series] }, current: { branches: [], series: [] }, expect: { branches: { add: [branch], change: [], unchanged: 0 }, series: { add: [series], change: [], unchanged: 0 } } },
  { name: 'identical rows are counted unchanged', file: { branches: [branch], series: [series] }, current: { branches: [branch], series: [series] }, expect: { branches: { add: [], change: [], unchanged: 1 }, series: { add: [], change: [], unchanged: 1 } } },
  {
    name: 'a changed field is listed with before and after',
    file: { branches: [branch], series: [{ ...series, title: 'Yoga Flow', startTime: '18:00' }] },
    current: { branches: [branch], series: [series] },
    expect: { branches: { add: [], change: [], unchanged: 1 }, series: { add: [], change: [{ id: 'yoga', fields: [{ field: 'title', before: 'Yoga', after: 'Yoga Flow' }, { field: 'startTime', before: '07:00', after: '18:00' }] }], unchanged: 0 } },
  },
  { name: 'exdates in another order or repeated are unchanged (a set)', file: { branches: [], series: [{ ...series, exdates: ['2026-12-28', '2026-12-28'] }] }, current: { branches: [], series: [series] }, expect: { branches: { add: [], change: [], unchanged: 0 }, series: { add: [], change: [], unchanged: 1 } } },
  { name: 'a database row the file does not name is not the load\'s business', file: { branches: [], series: [] }, current: { branches: [branch], series: [series] }, expect: { branches: { add: [], change: [], unchanged: 0 }, series: { add: [], change: [], unchanged: 0 } } },
];

for (const row of diffRows) {
  t.test(row.name, async (t) => {
    t.same(planLoad(row.file, row.current), row.expect);
  });
}

interface CliRow {
  name: string;
  stamp?: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  exit: number;
  written: boolean;
  out?: RegExp;
  err?: RegExp;
}

const cliRows: CliRow[] = [
  { name: 'load without a flag shows the field diff and writes nothing', args: [], exit: 0, written: false, out: /~ series yoga: title "Yoga" → "Yoga Flow"[\s\S]*Nothing was written/ },
  { name: 'load --plan on a production database is allowed and writes nothing', stamp: 'production', args: ['--plan'], exit: 0, written: false },
  { name: 'load --apply writes', args: ['--apply'], exit: 0, written: true, out: /1 series \(1 written\)/ },
  { name: 'load --apply on a production database without CLASSCTL_ALLOW_APPLY is refused', stamp: 'production', args: ['--apply'], exit: 3, written: false, err: /Refusing to load .*stamped "production"/ },
  { name: 'load --apply with --env differing from the stamp is refused', stamp: 'production', args: ['--apply', '--env', 'staging'], env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 3, written: false, err: /expects environment "staging"/ },
  { name: 'load --apply on a production database with CLASSCTL_ALLOW_APPLY=true writes', stamp: 'production', args: ['--apply'], env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 0, written: true },
  { name: 'load --output json lists the changes', args: ['--output', 'json'], exit: 0, written: false, out: /"field": "title",\s+"before": "Yoga",\s+"after": "Yoga Flow"/ },
  { name: 'load --plan --apply is a usage error', args: ['--plan', '--apply'], exit: 2, written: false },
];

// One parent test, so that without PostgreSQL it skips (a top-level plan(0) after the diff rows would be a plan error).
t.test('classctl load against PostgreSQL', async (t) => {
  if (!requirePostgres(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'classctl-load-'));
  const file = join(dir, 'renamed.json');
  writeFileSync(file, JSON.stringify({ branches: [branch], series: [{ ...series, title: 'Yoga Flow' }] }));
  for (const row of cliRows) {
    t.test(row.name, async (t) => {
      const url = await freshPostgresDatabase(t);
      const db = await openDatabase({ url });
      t.teardown(() => db.close());
      await migrate(db);
      t.same((await loadInputs(db, { branches: [branch], series: [series] })).problems, []);
      if (row.stamp) await setSetting(db, 'environment', row.stamp);
      const before = await takeSnapshot(db);
      const r = await runClassctlInProcess({ ...row.env }, '--log-level', 'silent', '--database', url, 'load', file, ...row.args);
      t.equal(r.code, row.exit, r.err);
      if (row.out) t.match(r.out, row.out);
      if (row.err) t.match(r.err, row.err);
      const after = await takeSnapshot(db);
      if (row.written) t.equal(after.series[0]?.title, 'Yoga Flow');
      else t.same(after, before, 'nothing written');
    });
  }
});
