// PGlite is one PostgreSQL backend in this process with no lock of its own on
// its files: two processes opening the same data directory (a `serve` and a
// manual `reconcile`) would corrupt it. A lock file next to the directory,
// holding the owner's pid, turns that into a clear error; a lock left by a
// process that died is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { ClassctlError, ErrorCodes } from '../core/errors.js';

/** Lock files this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Takes the lock or throws; returns the function that releases it. */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  const inUse = (pid: number) =>
    new ClassctlError(
      ErrorCodes.DB_ERROR,
      `The embedded database ${dataDir} is in use by process ${pid}. Stop that process, or use PostgreSQL (--database URL) to run several classctl processes at once.`,
      { key: dataDir },
    );
  if (heldHere.has(lockPath)) throw inUse(process.pid);
  if (!tryCreate(lockPath)) {
    let owner = NaN;
    try {
      owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    } catch {
      // Unreadable or just removed: treated as stale below.
    }
    // Our own pid in a lock we do not hold: left by an earlier process that had
    // the same pid (a restarted container), so stale like a dead owner's.
    if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) throw inUse(owner);
    try {
      unlinkSync(lockPath);
    } catch {
      // Someone else took it over first; tryCreate decides.
    }
    if (!tryCreate(lockPath)) throw inUse(owner);
  }
  heldHere.add(lockPath);
  return () => {
    heldHere.delete(lockPath);
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone: nothing to release.
    }
  };
}
