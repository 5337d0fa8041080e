// A run's input snapshot (every series) must be free to collect once the run
// has let go of it. postgres.js keeps the promise of a connection's last
// transaction, and with it that transaction's result, until the connection
// runs another: returned from the transaction, a finished run's snapshot
// stayed alive through the next run (twice the series in memory).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { snapshotInputs } from '../../controller/runtime/plan-run.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

eachBackend(t, 'a snapshot the caller dropped is collected, whatever the driver keeps', async (t, db) => {
  await loadInputs(db, {
    branches: [{ id: 'hq', name: 'HQ', timezone: 'Europe/London' }],
    series: [{ id: 'yoga', branchId: 'hq', title: 'Yoga', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: null, capacity: null, instructorId: null, roomId: null, exdates: [] }],
  });
  const held = await (async () => {
    const snapshot = await snapshotInputs(db);
    t.equal(snapshot.series.length, 1, 'the snapshot holds the series');
    return new WeakRef(snapshot.series);
  })();
  // A WeakRef keeps its target until the end of the job that made or read it.
  await nextTurn();
  collectGarbage();
  await nextTurn();
  collectGarbage();
  t.equal(held.deref(), undefined, 'nothing holds the series once the caller let go of the snapshot');
});
