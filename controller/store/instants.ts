// Instants cross the driver boundary as ISO UTC strings ('2026-11-25T15:00:00.000Z')
// — the same text on both backends, read by PostgreSQL regardless of its
// TimeZone — or, in bulk arrays, as epoch milliseconds turned into timestamptz
// by to_timestamp(ms / 1000) in the statement.

export function isoFromMs(ms: number): string {
  if (!Number.isFinite(ms)) throw new TypeError(`instant ${ms} is not a finite epoch-millisecond value`);
  return new Date(ms).toISOString();
}

/** An instant as epoch ms, checked: bulk statements send instants as numbers. */
export function epochMs(ms: number): number {
  if (!Number.isFinite(ms)) throw new TypeError(`instant ${ms} is not a finite epoch-millisecond value`);
  return ms;
}

/** A timestamptz as the drivers return it (a Date) or as text, to epoch ms. */
export function msFromTimestamp(value: Date | string | number | null): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  return value instanceof Date ? value.getTime() : Date.parse(value);
}
