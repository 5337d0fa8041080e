// The reconcile_runs journal and controller_settings.
import t from 'tap';
import { finishRun, listRunningRuns, listRuns, renewRunLease, startRun } from '../../controller/store/runs.js';
import { ENVIRONMENT_SETTING, getSetting, setSetting } from '../../controller/store/settings.js';
import { NOW, forEachBackend } from './helpers.js';

t.test('reconcile_runs', async (t) => {
  forEachBackend(t, [{ name: 'start, heartbeat, finish, list' }], async (t, db) => {
    const first = await startRun(db, { mode: 'apply', nowMs: NOW, configDigest: 'sha256:abc', startedAtMs: NOW + 5, pid: 4242, host: 'node-a' });
    const second = await startRun(db, { mode: 'apply', nowMs: NOW + 60_000, configDigest: 'sha256:abc', resumedAfter: first, startedAtMs: NOW + 60_005 });
    t.match(first, /^\d+$/, 'ids are decimal strings');
    t.ok(BigInt(second) > BigInt(first));

    t.strictSame((await listRunningRuns(db)).map((r) => r.id), [first, second], 'both are running, oldest first');
    t.equal(await renewRunLease(db, first, 30_000), true, 'a running run renews its lease');
    await finishRun(db, first, { status: 'interrupted', summary: null, error: 'the process died', finishedAtMs: NOW + 61_000 });
    const summary = { create: 3, update: 0, delete: 1, cancel: 0, seriesDeleted: 0, skipped: 0, errors: 0, branches: ['downtown'] };
    await finishRun(db, second, { status: 'succeeded', summary, finishedAtMs: NOW + 62_000 });
    t.equal(await renewRunLease(db, second, 30_000), false, 'a finished run has no lease to renew');

    const runs = await listRuns(db, 10);
    t.strictSame(runs.map((r) => r.id), [second, first], 'newest first');
    t.strictSame(runs[0], {
      id: second, status: 'succeeded', mode: 'apply', nowMs: NOW + 60_000, startedAtMs: NOW + 60_005, finishedAtMs: NOW + 62_000,
      heartbeatAtMs: NOW + 62_000, leaseExpiresAtMs: null, leaseExpired: false, configDigest: 'sha256:abc', summary, error: null, resumedAfter: first, pid: process.pid, host: runs[0]!.host,
    }, 'a renewal after the finish does not move it');
    t.match(runs[1], { status: 'interrupted', error: 'the process died', summary: null, pid: 4242, host: 'node-a', resumedAfter: null });
    t.strictSame(await listRunningRuns(db), []);
    t.equal((await listRuns(db, 1)).length, 1, 'limit');
  });
});

t.test('controller_settings', async (t) => {
  forEachBackend(t, [{ name: 'get, set, overwrite' }], async (t, db) => {
    t.equal(await getSetting(db, ENVIRONMENT_SETTING), null, 'unset is null');
    await setSetting(db, ENVIRONMENT_SETTING, 'staging');
    await setSetting(db, ENVIRONMENT_SETTING, 'production');
    t.equal(await getSetting(db, ENVIRONMENT_SETTING), 'production');
    t.equal(await getSetting(db, 'other'), null);
  });
});
