// The config directory watch: real files, a hand-fired debounce timer.
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { watchConfigDir } from '../../controller/runtime/config-watch.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { silentLogger } from '../helpers/fixtures.js';
import { FakeTimers } from './helpers.js';

/** Waits (polling, at most `ms`) until `cond` holds: file events arrive asynchronously. */
async function eventually(cond: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
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
    row.edit(dir);
    t.ok(await eventually(() => timers.pending().length > 0), 'the events start the debounce timer');
    t.equal(changes, 0, 'nothing before the debounce ends');
    t.ok(timers.all.every((x) => x.ms === 250));
    t.equal(timers.pending().length, 1, 'a burst of events leaves one pending timer');
    timers.fire(timers.pending()[0]!);
    t.equal(changes, 1, 'one callback for the burst');
  });
}

t.test('after close, changes call nothing', async (t) => {
  const dir = tempDir(t);
  const timers = new FakeTimers();
  let changes = 0;
  const watch = watchConfigDir({ dir, onChange: () => changes++, logger: silentLogger(), debounceMs: 250, timers })!;
  writeFileSync(join(dir, 'a.yaml'), 'x');
  t.ok(await eventually(() => timers.pending().length > 0));
  watch.close();
  t.equal(timers.pending().length, 0, 'the pending debounce is cancelled');
  writeFileSync(join(dir, 'b.yaml'), 'x');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(timers.pending().length, 0);
  t.equal(changes, 0);
});

t.test('a directory that does not exist: a warning and no watch', async (t) => {
  let logged = '';
  const logger = createLogger({ level: 'warn', destination: { write: (s: string) => ((logged += s), true) } as unknown as NodeJS.WritableStream, env: {} });
  const watch = watchConfigDir({ dir: join(tmpdir(), 'classctl-no-such-dir-xyz'), onChange: () => {}, logger });
  t.equal(watch, null);
  t.match(JSON.parse(logged), { level: 40, code: 'ENOENT', msg: /Cannot watch the config directory/ });
});
