// The config directory watch: real files, a hand-fired debounce timer.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, renameSync, watch as watchDirectory } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { watchConfigDir } from '../../controller/runtime/config-watch.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { silentLogger } from '../helpers/fixtures.js';
import { FakeTimers } from './helpers.js';

/**
 * Runs `edit`, then writes a marker file and resolves once a second watcher of
 * `dir` has seen the marker. The kernel queues a directory's events in order,
 * and Node hands each event to every watcher of that directory in the same
 * turn, so by then the watcher under test has been given every event of the
 * edit: what it did not do by now, it will not do. No sleeping.
 */
async function afterEvents(dir: string, edit: () => void): Promise<void> {
  const marker = `.events-seen-${randomUUID()}`;
  await new Promise<void>((resolve) => {
    const witness = watchDirectory(dir, (_event, name) => {
      if (name !== marker) return;
      witness.close();
      resolve();
    });
    edit();
    writeFileSync(join(dir, marker), '');
  });
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-watch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const edits = [
  { name: 'a new document file', edit: (dir: string) => writeFileSync(join(dir, 'branch.yaml'), 'kind: SchedulingConfig\n') },
  { name: 'an editor saving through a temp file and a rename', edit: (dir: string) => { writeFileSync(join(dir, '.base.yaml.swp'), 'x'); renameSync(join(dir, '.base.yaml.swp'), join(dir, 'base.yaml')); } },
  { name: 'a ConfigMap-style ..data swap (dot-files count)', edit: (dir: string) => { writeFileSync(join(dir, '..data_tmp'), 'x'); renameSync(join(dir, '..data_tmp'), join(dir, '..data')); } },
];

for (const row of edits) {
  t.test(`${row.name}: one callback after the debounce`, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'base.yaml'), 'kind: SchedulingConfig\n');
    const timers = new FakeTimers();
    let changes = 0;
    const watch = watchConfigDir({ dir, onChange: () => changes++, logger: silentLogger(), debounceMs: 250, timers });
    t.ok(watch, 'watching');
    t.teardown(() => watch?.close());
    await afterEvents(dir, () => row.edit(dir));
    t.ok(timers.all.length > 0, 'the events start the debounce timer');
    t.equal(changes, 0, 'nothing before the debounce ends');
    t.ok(timers.all.every((x) => x.ms === 250));
    t.equal(timers.pending().length, 1, 'the whole burst (edit and marker) leaves one pending timer');
    timers.fire(timers.pending()[0]!);
    t.equal(changes, 1, 'one callback for the burst');
  });
}

t.test('after close, changes call nothing', async (t) => {
  const dir = tempDir(t);
  const timers = new FakeTimers();
  let changes = 0;
  const watch = watchConfigDir({ dir, onChange: () => changes++, logger: silentLogger(), debounceMs: 250, timers })!;
  await afterEvents(dir, () => writeFileSync(join(dir, 'a.yaml'), 'x'));
  t.equal(timers.pending().length, 1, 'a change before close starts the debounce');
  watch.close();
  t.equal(timers.pending().length, 0, 'the pending debounce is cancelled');
  const timersAtClose = timers.all.length;
  await afterEvents(dir, () => writeFileSync(join(dir, 'b.yaml'), 'x'));
  t.equal(timers.all.length, timersAtClose, 'a change after close starts no timer');
  t.equal(changes, 0);
});

t.test('a directory that does not exist: a warning and no watch', async (t) => {
  let logged = '';
  const logger = createLogger({ level: 'warn', destination: { write: (s: string) => ((logged += s), true) } as unknown as NodeJS.WritableStream, env: {} });
  const watch = watchConfigDir({ dir: join(tmpdir(), 'classctl-no-such-dir-xyz'), onChange: () => {}, logger });
  t.equal(watch, null);
  t.match(JSON.parse(logged), { level: 40, code: 'ENOENT', msg: /Cannot watch the config directory/ });
});
