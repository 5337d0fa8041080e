// Holiday calendars named by an https URL: fetched, and kept in a cache on
// disk so that a run neither depends on the calendar's server being up nor
// fetches it every time. A copy younger than a day is used as it is; an older
// one is fetched again, and if that fails the old copy is used with a warning
// that says how old it is. Without any copy a failed fetch is an error of the
// document that names the calendar.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A copy this young is used without asking the server. */
export const CALENDAR_MAX_AGE_MS = 24 * 3600_000;
/** One fetch may take this long. */
export const CALENDAR_FETCH_TIMEOUT_MS = 10_000;

export interface RemoteCalendar {
  text: string;
  /** When the copy in use was fetched (epoch ms). */
  fetchedAtMs: number;
  /** Why a refresh failed, when an older copy is in use. */
  staleBecause?: string;
}

/** CLASSCTL_CACHE_DIR, else $XDG_CACHE_HOME/classctl, else ~/.cache/classctl; calendars in its holiday-calendars/. */
export function calendarCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CLASSCTL_CACHE_DIR || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'classctl') : join(homedir(), '.cache', 'classctl'));
  return join(base, 'holiday-calendars');
}

export async function readRemoteCalendar(
  url: string,
  o: { cacheDir: string; nowMs: number; maxAgeMs?: number; timeoutMs?: number },
): Promise<{ ok: true; calendar: RemoteCalendar } | { ok: false; why: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, why: 'it is not a URL' };
  }
  if (parsed.protocol !== 'https:') return { ok: false, why: `only https URLs are fetched (this one is ${parsed.protocol.replace(/:$/, '')}); use the calendar's https address, or download the file into the config directory` };
  const path = join(o.cacheDir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.ics`);
  const cached = await readCached(path);
  if (cached && o.nowMs - cached.fetchedAtMs < (o.maxAgeMs ?? CALENDAR_MAX_AGE_MS)) return { ok: true, calendar: cached };
  const fetched = await fetchText(url, o.timeoutMs ?? CALENDAR_FETCH_TIMEOUT_MS);
  if (fetched.ok) {
    await writeCached(o.cacheDir, path, fetched.text, o.nowMs);
    return { ok: true, calendar: { text: fetched.text, fetchedAtMs: o.nowMs } };
  }
  if (cached) return { ok: true, calendar: { ...cached, staleBecause: fetched.why } };
  return { ok: false, why: `${fetched.why}, and there is no earlier copy in the cache (${o.cacheDir})` };
}

async function readCached(path: string): Promise<RemoteCalendar | null> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, fetchedAtMs: info.mtimeMs };
  } catch {
    return null;
  }
}

/** Written whole or not at all (a temporary file renamed into place); its modification time is when it was fetched. */
async function writeCached(dir: string, path: string, text: string, fetchedAtMs: number): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const staging = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(staging, text);
    await utimes(staging, fetchedAtMs / 1000, fetchedAtMs / 1000);
    await rename(staging, path).catch(async (err: unknown) => {
      await rm(staging, { force: true });
      throw err;
    });
  } catch {
    // A cache that cannot be written only means the next run fetches again.
  }
}

async function fetchText(url: string, timeoutMs: number): Promise<{ ok: true; text: string } | { ok: false; why: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/calendar' } });
    if (!res.ok) return { ok: false, why: `the server answered HTTP ${res.status}` };
    return { ok: true, text: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    return { ok: false, why: `fetching it failed (${(err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : detail})` };
  }
}
