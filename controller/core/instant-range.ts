// The instants a run may be asked about. Temporal and the zone tables handle
// years 1–9999 at best, and a run "at" 0001-01-01 or 275760 is a typo, never
// an intent; a clear refusal beats a RangeError from deep inside generation.

export const EARLIEST_INSTANT_MS = Date.parse('1900-01-01T00:00:00Z');
export const LATEST_INSTANT_MS = Date.parse('9999-12-31T23:59:59Z');

/** An ISO 8601 instant with an explicit zone: `Z` or an offset such as `+01:00`. */
const WITH_ZONE = /(Z|[+-]\d\d:?\d\d)$/i;

/**
 * The epoch milliseconds of `text`, or the reason it is not a usable instant:
 * not ISO with a zone, not a real date-time, or outside 1900–9999.
 */
export function readInstant(text: unknown): { ok: true; ms: number } | { ok: false; why: string } {
  if (typeof text !== 'string' || !WITH_ZONE.test(text)) {
    return { ok: false, why: 'is not an ISO instant with a zone, e.g. 2026-11-25T09:00:00Z' };
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return { ok: false, why: 'is not a date-time; write an instant such as 2026-11-25T09:00:00Z' };
  if (ms < EARLIEST_INSTANT_MS || ms > LATEST_INSTANT_MS) {
    return { ok: false, why: 'is outside the years 1900 to 9999 that classctl plans for; give an instant near the present, e.g. 2026-11-25T09:00:00Z' };
  }
  return { ok: true, ms };
}
