// The data directory of a migrated, empty PGlite database, as a tarball cached
// under node_modules/.cache/: opening a copy of it skips initdb and the
// migrations, the slow part of starting an embedded database.
//
// The cache key is the PGlite version and the migration files' contents, so a
// new migration or a PGlite upgrade builds a new image. Test files run in
// parallel: each writes its image to a temporary file and renames it into
// place (atomic), so a cached image is complete or absent, never half written.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listMigrations, migrate } from '../../controller/store/migrate.js';
import { openPglite } from '../../controller/store/pglite-backend.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PGLITE_IMAGE_CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/classctl-pglite-image');

let image: Promise<Blob> | undefined;

/** The migrated, empty data directory: read from the cache, or built and cached. Once per process. */
export function migratedPgliteImage(cacheDir: string = PGLITE_IMAGE_CACHE_DIR): Promise<Blob> {
  image ??= loadOrBuild(cacheDir);
  return image;
}

async function loadOrBuild(cacheDir: string): Promise<Blob> {
  const path = join(cacheDir, `${await imageKey()}.tar`);
  try {
    return new Blob([await readFile(path)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const built = await buildImage();
  await mkdir(cacheDir, { recursive: true });
  const staging = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(staging, new Uint8Array(await built.arrayBuffer()));
    await rename(staging, path);
  } finally {
    await rm(staging, { force: true });
  }
  return built;
}

async function buildImage(): Promise<Blob> {
  const db = await openPglite('memory://');
  try {
    await migrate(db);
    return await db.dumpDataDir();
  } finally {
    await db.close();
  }
}

async function imageKey(): Promise<string> {
  const pglite = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  const hash = createHash('sha256').update(pglite.version);
  for (const m of listMigrations()) hash.update(`\0${m.name}\0${m.sql}`);
  return `pglite-${pglite.version}-${hash.digest('hex').slice(0, 16)}`;
}
