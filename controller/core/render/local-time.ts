// Formats instants as wall-clock time in a branch's zone, for people reading a
// plan. The zone's offset comes from the same offset table generation uses
// (zone-offsets.ts, held equal to Temporal by property tests): Intl's
// formatToParts cost ~9 µs a line, so a first apply's plan of 245,000 creates
// took over 2 s to render.
import { wallClockAt } from '../generation/zoned-time.js';

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** `2026-03-08 03:30 (UTC-04:00)` */
export function formatLocal(iso: string, timezone: string): string {
  const ms = Date.parse(iso);
  const wall = new Date(wallClockAt(ms, timezone)); // its UTC fields are the wall clock
  const offsetMin = Math.round((wall.getTime() - ms) / 60_000);
  const abs = Math.abs(offsetMin);
  const local = `${wall.getUTCFullYear()}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())} ${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}`;
  return `${local} (UTC${offsetMin < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)})`;
}
