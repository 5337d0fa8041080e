// Two runners (replicas, a CronJob and a manual run) plan from the same
// state; the later writer must not apply a plan made before the earlier
// write. Runner A observes and plans, then — driven by its afterPlan fault
// point, not by timing — the host edits the series again and runner B
// applies the newer change; then A writes. A's stale update or delete is
// refused (compare-and-set on the plan's before values) and reported as a
// conflict; B's change stands; the next run has nothing to do.
import t from 'tap';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { listRuns } from '../../controller/store/runs.js';
import { openTestDatabase } from '../helpers/backends.js';
import { requirePostgres } from '../helpers/db.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const KEPT_DATE = '2026-11-30';
const SERIES = { id: 'hq-daily', branchId: 'hq', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 30, capacity: 10, instructorId: null, roomId: null, exdates: [] as string[] };

interface TwoRunnerCase {
  name: string;
  /** The host's edit that runner A plans from. */
  seenByA: string;
  /** The host's newer edit, applied by runner B while A is between plan and write. */
  appliedByB: string;
  /** What A planned (and must not write). */
  planned: { update: number; delete: number };
}

const cases: TwoRunnerCase[] = [
  {
    name: 'an older plan does not undo a newer time change (A planned 09:00 → 10:00, B wrote 11:00)',
    seenByA: `UPDATE class_series SET start_time = '10:00'`,
    appliedByB: `UPDATE class_series SET start_time = '11:00'`,
    planned: { update: 14, delete: 0 },
  },
  {
    name: 'an older plan does not delete a session the newer plan keeps (A planned to delete an exdate, B removed the exdate and moved it to 11:00)',
    seenByA: `UPDATE class_series SET exdates = '{${KEPT_DATE}}'`,
    appliedByB: `UPDATE class_series SET exdates = '{}', start_time = '11:00'`,
    planned: { update: 0, delete: 1 },
  },
];

async function startTimes(db: Database): Promise<Array<{ key: string; t: string }>> {
  return db.query(`SELECT occurrence_key AS key, to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') AS t FROM class_sessions WHERE starts_at > $1::timestamptz ORDER BY 1`, [
    new Date(NOW).toISOString(),
  ]);
}

if (requirePostgres(t)) {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const db = await openTestDatabase(t, 'postgres');
      await loadInputs(db, { branches: [{ id: 'hq', name: 'HQ', timezone: 'UTC' }], series: [SERIES] });
      const config = baseConfig();
      const run = (faults?: Parameters<typeof reconcile>[0]['faults']) => reconcile({ db, config, logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, faults });
      t.equal((await run()).exitCode, 0, 'the sessions exist at 09:00');

      await db.query(c.seenByA);
      let b: Awaited<ReturnType<typeof run>> | undefined;
      const a = await run({
        afterPlan: async () => {
          await db.query(c.appliedByB);
          b = await run();
        },
      });

      t.match(a.summary, c.planned, 'A planned from the state it observed');
      t.equal(b?.exitCode, 0, 'B applied the newer change');
      t.ok((await startTimes(db)).every((s) => s.t === '11:00'), "every future session is at B's 11:00: A undid nothing");
      t.ok((await startTimes(db)).some((s) => s.key === KEPT_DATE), `the session of ${KEPT_DATE} exists`);
      const conflicts = c.planned.update + c.planned.delete;
      t.match(a.written, { update: 0, delete: 0, conflicts }, 'A wrote none of its stale changes and counts them as conflicts');
      t.same(a.branches[0]?.notWritten, { 'changed-since-plan': conflicts }, 'by reason');
      const journal = (await listRuns(db, 5)).find((r) => r.id === a.runId);
      t.equal(journal?.status, 'succeeded', "A's journal row is finished");
      t.match(journal?.summary, { update: 0, delete: 0, conflicts, planned: c.planned }, 'the journal says what A wrote, not what it planned');
      const next = await reconcile({ db, config, logger: silentLogger(), now: NOW, mode: 'plan' });
      t.equal(next.plan.branches.reduce((n, br) => n + br.changes.length, 0), 0, 'the next run has nothing to do');
    });
  }
}
