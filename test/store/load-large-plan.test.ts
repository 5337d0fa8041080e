// A load plan of many rows is printed without being held: the text lists the
// first rows and counts the rest (--detail full lists all), --output json is streamed
// with exactly the text JSON.stringify gives for the whole plan, and only the
// added and changed rows are written.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOAD_TEXT_ROWS } from '../../controller/cli/commands/load.js';
import { LoadJsonTable, loadJsonHead, loadJsonTail } from '../../controller/core/load/load-plan-json.js';
import { countsOf, type LoadPlan } from '../../controller/core/load/load-plan.js';
import { openDatabase } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';

const branch = { id: 'ny', name: 'New York', timezone: 'America/New_York' };
const seriesRow = (i: number, title = `Class ${i}`) => ({
  id: `s-${String(i).padStart(4, '0')}`, branchId: 'ny', title, rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2026-11-02', endDate: null,
  startTime: '07:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] as string[],
});

/** The streamed JSON pieces of a plan held whole, as the CLI writes them. */
function streamed(plan: LoadPlan, written: { branches: number; series: number }): string {
  let text = loadJsonHead({ file: 'f.json', database: 'db', applied: true });
  const counts = countsOf(plan);
  for (const name of ['branches', 'series'] as const) {
    const table = new LoadJsonTable(name);
    text += table.open() + table.startList('add');
    for (const row of plan[name].add) text += table.item(row);
    text += table.endList() + table.startList('change');
    for (const c of plan[name].change) text += table.item(c);
    text += table.endList() + table.close(counts[name]);
  }
  return text + loadJsonTail(written);
}

t.test('the streamed JSON is the text of JSON.stringify of the whole plan', async (t) => {
  const change = { id: 's-0001', fields: [{ field: 'title', before: 'A', after: 'B' }, { field: 'exdates', before: [], after: ['2026-12-28'] }] };
  const rows: Array<{ name: string; plan: LoadPlan }> = [
    { name: 'an empty plan', plan: { branches: { add: [], change: [], unchanged: 0 }, series: { add: [], change: [], unchanged: 3 } } },
    { name: 'adds only', plan: { branches: { add: [branch], change: [], unchanged: 0 }, series: { add: [seriesRow(1), seriesRow(2)], change: [], unchanged: 0 } } },
    { name: 'changes only', plan: { branches: { add: [], change: [], unchanged: 1 }, series: { add: [], change: [change, { ...change, id: 's-0002' }], unchanged: 5 } } },
    { name: 'adds and changes in both tables', plan: { branches: { add: [branch], change: [{ id: 'x', fields: [{ field: 'name', before: 'X', after: 'Y' }] }], unchanged: 0 }, series: { add: [seriesRow(3)], change: [change], unchanged: 0 } } },
  ];
  for (const row of rows) {
    const written = { branches: 1, series: 2 };
    const whole = JSON.stringify({ file: 'f.json', database: 'db', applied: true, ...row.plan, written }, null, 2) + '\n';
    t.equal(streamed(row.plan, written), whole, row.name);
  }
});

t.test('classctl load of many rows against PostgreSQL', async (t) => {
  if (!requirePostgres(t)) return;
  const total = LOAD_TEXT_ROWS + 50;
  const dir = mkdtempSync(join(tmpdir(), 'classctl-load-large-'));
  const file = join(dir, 'chain.json');
  // The database holds the first 20 series; the file renames 10 of them and adds the rest.
  const existing = Array.from({ length: 20 }, (_, i) => seriesRow(i));
  const wanted = Array.from({ length: total }, (_, i) => (i < 10 ? seriesRow(i, `Renamed ${i}`) : seriesRow(i)));
  writeFileSync(file, JSON.stringify({ branches: [branch], series: wanted }));
  const added = total - 20;
  const fresh = async () => {
    const url = await migratedPostgresDatabase(t);
    const db = await openDatabase({ url });
    t.teardown(() => db.close());
    t.same((await loadInputs(db, { branches: [branch], series: existing })).problems, []);
    return { url, db };
  };

  t.test('the text lists the first rows, then one line counting the rest', async (t) => {
    const { url } = await fresh();
    const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, 'load', file);
    t.equal(r.code, 0, r.err);
    t.equal(r.out.split('\n').filter((l) => /^ {2}[+~] /.test(l)).length, LOAD_TEXT_ROWS, `${LOAD_TEXT_ROWS} rows are listed`);
    t.match(r.out, new RegExp(`… and ${added + 10 - LOAD_TEXT_ROWS} more rows to add or change, counted below; run with --detail full to list every one\\.`));
    t.match(r.out, new RegExp(`Series: ${added} to add, 10 to change, 10 unchanged\\.`));
    t.notMatch(r.out, /^  ~ /m, 'the first rows in the full plan\'s order: its adds come first and fill the limit');
  });

  t.test('--detail full lists every added and changed row, adds first', async (t) => {
    const { url } = await fresh();
    const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, 'load', file, '--detail', 'full');
    t.equal(r.code, 0, r.err);
    const listed = r.out.split('\n').filter((l) => /^ {2}[+~] /.test(l));
    t.equal(listed.length, added + 10);
    t.ok(listed.slice(0, added).every((l) => l.startsWith('  + ')) && listed.slice(added).every((l) => l.startsWith('  ~ ')), 'adds, then changes');
    t.notMatch(r.out, /more rows/);
  });

  t.test('--output json --apply lists every row, then writes only the added and changed ones', async (t) => {
    const { url, db } = await fresh();
    const before = await db.query<{ id: string; version: number }>(`SELECT id, version FROM class_series ORDER BY id`);
    const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, 'load', file, '--output', 'json', '--apply');
    t.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { applied: boolean; series: { add: unknown[]; change: Array<{ id: string }>; unchanged: number }; written: { series: number } };
    t.equal(out.applied, true);
    t.equal(out.series.add.length, added);
    t.same(out.series.change.map((c) => c.id), wanted.slice(0, 10).map((s) => s.id));
    t.equal(out.series.unchanged, 10);
    t.same(out.written, { branches: 0, series: added + 10 });
    const after = new Map((await db.query<{ id: string; version: number }>(`SELECT id, version FROM class_series`)).map((x) => [x.id, x.version]));
    t.equal(after.size, total);
    t.same(before.slice(10).map((b) => after.get(b.id)), before.slice(10).map((b) => b.version), 'unchanged rows keep their version');
  });
});
