// The reconcile loop with hand-fired timers: when runs happen, that there is
// one at a time, that triggers during a run coalesce, and how it stops.
import t from 'tap';
import { createControllerLoop, jitteredDelay, type TriggerReason } from '../../controller/runtime/controller-loop.js';
import { silentLogger } from '../helpers/fixtures.js';
import { FakeTimers, settle } from './helpers.js';

const INTERVAL = 300_000;

/** A run the test finishes by hand, recording the reasons of each run and the most ever in flight. */
function controllableRuns() {
  const calls: TriggerReason[][] = [];
  const finishers: Array<(err?: Error) => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run = (reasons: TriggerReason[]) => {
    calls.push(reasons);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<void>((resolve, reject) => {
      finishers.push((err) => {
        inFlight--;
        if (err) reject(err);
        else resolve();
      });
    });
  };
  return {
    run,
    calls,
    maxInFlight: () => maxInFlight,
    /** Finishes the oldest unfinished run and lets the loop react. */
    async finish(err?: Error) {
      const f = finishers.shift();
      if (!f) throw new Error('no run in progress');
      f(err);
      await settle();
    },
  };
}

function setup(random = () => 0.5) {
  const timers = new FakeTimers();
  const runs = controllableRuns();
  let clock = 1_000_000;
  const loop = createControllerLoop({ run: runs.run, intervalMs: INTERVAL, random, timers, clock: () => clock, logger: silentLogger() });
  return { loop, runs, timers, advance: (ms: number) => (clock += ms) };
}

t.test('jitteredDelay stays within ±10% of the interval', async (t) => {
  const rows = [
    { name: 'random 0: the shortest, 90%', random: 0, expect: 270_000 },
    { name: 'random 0.5: exactly the interval', random: 0.5, expect: 300_000 },
    { name: 'random 0.75: 105%', random: 0.75, expect: 315_000 },
    { name: 'random just under 1: at most 110%', random: 0.999999, expect: 330_000 },
  ];
  for (const row of rows) t.test(row.name, async (t) => t.equal(jitteredDelay(INTERVAL, 0.1, () => row.random), row.expect));
});

t.test('start runs at once, then the interval timer runs again', async (t) => {
  const { loop, runs, timers } = setup(() => 0);
  loop.start();
  t.same(runs.calls, [['start']], 'the first run starts immediately');
  t.equal(timers.pending().length, 0, 'no timer while a run is in progress');
  await runs.finish();
  const [next] = timers.pending();
  t.equal(next?.ms, 270_000, 'the next run is one jittered interval after the end of this one');
  timers.fire(next!);
  t.same(runs.calls, [['start'], ['interval']]);
  await runs.finish();
  t.equal(timers.pending().length, 1, 'and the one after that is scheduled');
});

t.test('triggers during a run coalesce into one follow-up run', async (t) => {
  const { loop, runs, timers } = setup();
  loop.start();
  t.ok(loop.trigger('notify'));
  t.ok(loop.trigger('config'));
  t.ok(loop.trigger('notify'));
  t.ok(loop.trigger('api'));
  t.same(loop.status().pending, ['notify', 'config', 'api'], 'queued, each reason once');
  t.equal(runs.calls.length, 1, 'nothing starts while a run is in progress');
  await runs.finish();
  t.same(runs.calls, [['start'], ['notify', 'config', 'api']], 'exactly one follow-up run, with every reason');
  t.equal(timers.pending().length, 0, 'no interval timer during the follow-up');
  await runs.finish();
  t.equal(runs.calls.length, 2, 'no further run once the queue is empty');
  t.equal(timers.pending().length, 1, 'back on the interval');
  t.equal(runs.maxInFlight(), 1, 'never two runs at once');
});

t.test('a trigger while idle runs at once and replaces the pending interval timer', async (t) => {
  const { loop, runs, timers } = setup();
  loop.start();
  await runs.finish();
  const timer = timers.pending()[0]!;
  loop.trigger('notify');
  t.ok(timer.cleared, 'the interval timer is cancelled');
  t.same(runs.calls.at(-1), ['notify']);
  await runs.finish();
  t.equal(timers.pending().length, 1, 'a fresh interval starts after the triggered run');
  t.not(timers.pending()[0], timer);
});

t.test('a run that throws does not stop the loop', async (t) => {
  const { loop, runs, timers } = setup();
  loop.start();
  await runs.finish(new Error('database down'));
  t.equal(timers.pending().length, 1, 'the interval is scheduled again');
  loop.trigger('api');
  t.same(runs.calls.at(-1), ['api'], 'and a trigger still runs');
  await runs.finish();
});

t.test('status reports the run in progress and its start time', async (t) => {
  const { loop, runs, advance } = setup();
  t.same(loop.status(), { stopping: false, running: false, runStartedAtMs: null, pending: [], nextRunAtMs: null, completedRuns: 0 });
  loop.start();
  t.match(loop.status(), { running: true, runStartedAtMs: 1_000_000 });
  advance(5_000);
  await runs.finish();
  t.match(loop.status(), { running: false, runStartedAtMs: null, completedRuns: 1, nextRunAtMs: 1_005_000 + INTERVAL });
});

t.test('stop', async (t) => {
  t.test('while a run is in progress: no more triggers, waits for the run, schedules nothing', async (t) => {
    const { loop, runs, timers } = setup();
    loop.start();
    loop.trigger('notify');
    let outcome: string | undefined;
    const stopped = loop.stop(30_000).then((o) => (outcome = o));
    t.notOk(loop.trigger('api'), 'a trigger after stop is refused');
    await settle();
    t.equal(outcome, undefined, 'stop waits for the run in progress');
    t.same(loop.status().pending, [], 'the queued follow-up is dropped');
    await runs.finish();
    await stopped;
    t.equal(outcome, 'finished');
    t.equal(runs.calls.length, 1, 'no follow-up run after stop');
    t.equal(timers.pending().length, 0, 'no timer left behind');
  });

  t.test('a run that outlives the deadline: stop returns "deadline"', async (t) => {
    const { loop, timers } = setup();
    loop.start();
    const stopped = loop.stop(30_000);
    const deadline = timers.pending().find((x) => x.ms === 30_000);
    t.ok(deadline, 'a deadline timer of 30 s');
    timers.fire(deadline!);
    t.equal(await stopped, 'deadline');
  });

  t.test('while idle: returns "idle" at once and cancels the interval timer', async (t) => {
    const { loop, runs, timers } = setup();
    loop.start();
    await runs.finish();
    const timer = timers.pending()[0]!;
    t.equal(await loop.stop(30_000), 'idle');
    t.ok(timer.cleared);
    t.notOk(loop.trigger('notify'));
    t.equal(runs.calls.length, 1);
  });
});

t.test('whenIdle resolves after the follow-up run, not after the first', async (t) => {
  const { loop, runs } = setup();
  loop.start();
  loop.trigger('notify');
  let idle = false;
  void loop.whenIdle().then(() => (idle = true));
  await runs.finish();
  t.notOk(idle, 'the follow-up is still to run');
  await runs.finish();
  t.ok(idle);
});
