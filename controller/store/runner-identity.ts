// Who is running: host and pid. Every PostgreSQL connection of this process
// carries it as application_name, so another run can tell a 'running' journal
// row whose process died (no connection left) from one that is alive.
import { hostname } from 'node:os';

export function runnerIdentity(): { host: string; pid: number } {
  return { host: hostname(), pid: process.pid };
}

/** `classctl/HOST/PID`, within PostgreSQL's 63-byte limit. */
export function runnerApplicationName(host = hostname(), pid = process.pid): string {
  const suffix = `/${pid}`;
  return `classctl/${host}`.slice(0, 63 - suffix.length) + suffix;
}
