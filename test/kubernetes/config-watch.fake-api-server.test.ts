// watchConfigResources() against a fake Kubernetes API server (a local
// node:http server speaking list and watch; no real API server can run here).
// Delays are recorded, not slept (as client-node's cache.ts tests do), and the
// resync timer is a fake.
import t, { type Test } from 'tap';
import { watchConfigResources, type WatchTimers } from '../../controller/sources/kubernetes.js';
import { baseDoc, branchDoc } from '../config/fixtures/config-fixtures.js';
import { eventually, startFakeApiServer, type FakeApiServer } from './fake-api-server.js';

/** The spec of the base document with some settings changed: an admin's edit. */
function baseSpecWith(settings: Record<string, unknown>): Record<string, unknown> {
  const spec = structuredClone(baseDoc().spec) as { scope: unknown; settings: Record<string, unknown> };
  return { ...spec, settings: { ...spec.settings, ...settings } };
}

interface Harness {
  server: FakeApiServer;
  changes: number;
  errors: Array<{ message: string; retryInMs: number }>;
  delays: number[];
  /** Restarts wait here until the test releases them (or at once when `gate` is off). */
  release(): void;
  fireResync(): void;
  resyncCleared: boolean;
  watchRequests(): number;
  stop(): void;
}

async function harness(t: Test, opts: { gate?: boolean; backoff?: { initialMs: number; maxMs: number }; before?: (s: FakeApiServer) => void } = {}): Promise<Harness> {
  const server = await startFakeApiServer();
  opts.before?.(server);
  let pending: Array<() => void> = [];
  let resyncFn: (() => void) | null = null;
  const h: Harness = {
    server,
    changes: 0,
    errors: [],
    delays: [],
    release() {
      const p = pending;
      pending = [];
      for (const r of p) r();
    },
    fireResync: () => resyncFn?.(),
    resyncCleared: false,
    watchRequests: () => server.requests.filter((r) => r.query.get('watch') === 'true').length,
    stop: () => {},
  };
  const timers: WatchTimers = {
    setInterval(fn, ms) {
      t.equal(ms, 600_000, 'the resync period');
      resyncFn = fn;
      return 'resync-handle';
    },
    clearInterval(handle) {
      if (handle === 'resync-handle') h.resyncCleared = true;
    },
  };
  const watcher = watchConfigResources({
    kubeConfig: server.kubeConfig(),
    onChange: () => void h.changes++,
    onError: (err, retryInMs) => void h.errors.push({ message: err instanceof Error ? err.message : String(err), retryInMs }),
    backoff: opts.backoff,
    resyncMs: 600_000,
    timers,
    delay: (ms) => {
      h.delays.push(ms);
      return opts.gate ? new Promise<void>((resolve) => pending.push(resolve)) : Promise.resolve();
    },
  });
  h.stop = () => watcher.stop();
  t.teardown(async () => {
    watcher.stop();
    h.release();
    await server.close();
  });
  return h;
}

t.test('a watch the API server answers with 500 is restarted with backoff [1000, 2000, 4000], and a later edit still triggers a run (fake Kubernetes API server)', async (t) => {
  const h = await harness(t, {
    before: (s) => {
      s.put('ns1', baseDoc());
      s.fail({ kind: 'watch', status: 500, times: 3, message: 'etcdserver: leader changed' });
    },
  });
  await eventually(() => h.server.openWatches() === 1, 'the fourth watch is open');
  t.same(h.delays, [1000, 2000, 4000], 'recorded backoff delays');
  t.equal(h.errors.length, 3);
  t.match(h.errors[0].message, /Cannot watch SchedulingConfig resources in namespace "ns1" \(HTTP 500/);
  t.same(h.errors.map((e) => e.retryInMs), [1000, 2000, 4000], 'each error says when the retry comes');
  t.equal(h.changes, 0, 'failed watches are no change: nothing was edited');

  h.server.editSpec('ns1', 'base', baseSpecWith({ safety: { maxRemovalsPerRun: 100 } }));
  await eventually(() => h.changes === 1, 'the edit triggers onChange');
  const watch = h.server.requests.filter((r) => r.query.get('watch') === 'true').at(-1);
  t.equal(watch?.path, '/apis/scheduling.classctl.dev/v1/namespaces/ns1/schedulingconfigs', 'the watch path');
  t.ok(Number(watch?.query.get('resourceVersion')) > 0, 'the watch starts from the resourceVersion of its list');
});

t.test('a watch the server closes is restarted; an edit made while it was down still triggers a run (fake Kubernetes API server)', async (t) => {
  const h = await harness(t, { gate: true, before: (s) => s.put('ns1', baseDoc()) });
  await eventually(() => h.server.openWatches() === 1, 'watching');
  h.server.closeWatches();
  await eventually(() => h.delays.length === 1, 'a restart is scheduled');
  t.same(h.delays, [1000]);
  h.server.editSpec('ns1', 'base', baseSpecWith({ safety: { maxRemovalsPerRun: 100 } }));
  t.equal(h.changes, 0, 'nobody is watching yet');
  h.release();
  await eventually(() => h.changes === 1, 'the relist notices the missed edit');
  await eventually(() => h.server.openWatches() === 1, 'watching again');
  t.equal(h.watchRequests(), 2);
});

t.test('which events trigger a run (fake Kubernetes API server)', async (t) => {
  const h = await harness(t, { before: (s) => s.put('ns1', baseDoc()) });
  await eventually(() => h.server.openWatches() === 1, 'watching');
  const base = h.server.get('ns1', 'base') as Record<string, any>;
  const rows: Array<{ name: string; act: () => void; changes: number }> = [
    { name: 'a status write (same generation): no run, or every run would trigger the next', act: () => h.server.send('ns1', { type: 'MODIFIED', object: { ...base, status: { conditions: [] } } }), changes: 0 },
    { name: 'a bookmark: no run', act: () => h.server.send('ns1', { type: 'BOOKMARK', object: { metadata: { resourceVersion: '999' } } }), changes: 0 },
    { name: 'a spec edit (generation + 1): a run', act: () => h.server.editSpec('ns1', 'base', base.spec), changes: 1 },
    { name: 'a new document: a run', act: () => h.server.put('ns1', branchDoc('downtown', {})), changes: 1 },
    { name: 'a deleted document: a run', act: () => h.server.remove('ns1', 'branch-downtown'), changes: 1 },
  ];
  // Events arrive in order on one stream: once a probe edit after the row's event
  // has been counted, the row's event has been handled too.
  const probe = async (expected: number) => {
    h.server.editSpec('ns1', 'base', base.spec);
    await eventually(() => h.changes >= expected, 'the probe edit is seen');
    await new Promise((r) => setTimeout(r, 20));
  };
  for (const row of rows) {
    const before = h.changes;
    row.act();
    await probe(before + row.changes + 1);
    t.equal(h.changes - before - 1, row.changes, row.name);
  }
  const before = h.changes;
  h.server.put('other', branchDoc('uptown', {}));
  await probe(before + 1);
  t.equal(h.changes - before - 1, 0, 'a document in another namespace is not watched');
  t.equal(h.watchRequests(), 1, 'one watch served all of it');
});

t.test('backoff is capped, and resets once a watch delivers events again (fake Kubernetes API server)', async (t) => {
  const h = await harness(t, {
    backoff: { initialMs: 1000, maxMs: 5000 },
    before: (s) => {
      s.put('ns1', baseDoc());
      s.fail({ kind: 'watch', status: 500, times: 5 });
    },
  });
  await eventually(() => h.server.openWatches() === 1, 'watching after five failures');
  t.same(h.delays, [1000, 2000, 4000, 5000, 5000], 'doubling, capped at maxMs');
  h.server.put('ns1', branchDoc('downtown', {}));
  await eventually(() => h.changes === 1, 'an event arrives');
  h.server.fail({ kind: 'list', status: 503, times: 1 });
  h.server.closeWatches();
  await eventually(() => h.server.openWatches() === 1, 'watching again');
  t.same(h.delays.slice(5), [1000, 2000], 'from the start again: the close, then the failed relist');
  t.match(h.errors.at(-1)?.message, /Cannot list SchedulingConfig resources to watch them in namespace "ns1" \(HTTP 503/);
});

t.test('the periodic resync triggers a run; stop() ends the watch and the resync (fake Kubernetes API server)', async (t) => {
  const h = await harness(t, { before: (s) => s.put('ns1', baseDoc()) });
  await eventually(() => h.server.openWatches() === 1, 'watching');
  h.fireResync();
  t.equal(h.changes, 1, 'a resync is a change');
  h.stop();
  t.equal(h.resyncCleared, true, 'the resync timer is cleared');
  await eventually(() => h.server.openWatches() === 0, 'the watch connection is closed');
  h.server.editSpec('ns1', 'base', baseSpecWith({}));
  h.fireResync();
  await new Promise((r) => setTimeout(r, 50));
  t.equal(h.changes, 1, 'nothing after stop');
  t.same(h.delays, [], 'a stop is not restarted');
});
