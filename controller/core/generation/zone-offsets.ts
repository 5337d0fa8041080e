// A per-zone table of UTC-offset transitions, built lazily from Temporal and
// then read with plain number arithmetic.
//
// Why: a run converts ~250k local date-times to instants. Temporal (the
// polyfill) costs ~17 µs per offset lookup and ~65 µs per ZonedDateTime; the
// table answers offsetAt() with a Map lookup and a scan of at most a few
// transitions. Every offset in the table comes from Temporal itself, and a
// property test checks offsetAt() and the conversion built on it against
// Temporal on random zones and instants.
//
// Why not Temporal's getTimeZoneTransition('next'): the polyfill stops looking
// 3 years past the *process clock* (Date.now()), so its answer for a far
// future window would depend on when the program runs. We find transitions
// ourselves by sampling offsets and bisecting.
import { Temporal } from '@js-temporal/polyfill';

const DAY_MS = 86_400_000;
/** The table is built in chunks of 52 weeks of instants, each on first use. */
const CHUNK_MS = 364 * DAY_MS;
/**
 * Offsets are sampled every 7 days inside a chunk and each change is bisected
 * to the millisecond. An offset that changes and changes back within 7 days
 * would be missed; tzdata has none (Morocco's Ramadan suspensions, the
 * shortest periods, last about a month) and the property test would see one.
 */
const SAMPLE_MS = 7 * DAY_MS;

interface OffsetChunk {
  /** Offset (ms) in effect at the chunk's first instant. */
  startOffsetMs: number;
  /** Instants where the offset changes, ascending, inside [chunk start, chunk end]. */
  transitionsMs: number[];
  /** offsetsAfterMs[i] is in effect from transitionsMs[i] on. */
  offsetsAfterMs: number[];
}

export interface OffsetTransition {
  atMs: number;
  offsetBeforeMs: number;
  offsetAfterMs: number;
}

/** Offset of `zone` at an instant, straight from Temporal (the reference the table reproduces). */
export function temporalOffsetMs(zone: string, instantMs: number): number {
  return Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(zone).offsetNanoseconds / 1e6;
}

export class ZoneOffsetTable {
  readonly zone: string;
  private readonly chunks = new Map<number, OffsetChunk>();

  constructor(zone: string) {
    temporalOffsetMs(zone, 0); // throws a RangeError now for an unknown zone, not later mid-run
    this.zone = zone;
  }

  /** The UTC offset in milliseconds (local = instant + offset) at `instantMs`. */
  offsetAt(instantMs: number): number {
    const index = Math.floor(instantMs / CHUNK_MS);
    let chunk = this.chunks.get(index);
    if (chunk === undefined) {
      chunk = this.buildChunk(index);
      this.chunks.set(index, chunk);
    }
    let offset = chunk.startOffsetMs;
    const times = chunk.transitionsMs;
    for (let i = 0; i < times.length && times[i] <= instantMs; i++) offset = chunk.offsetsAfterMs[i];
    return offset;
  }

  /** Transitions with fromMs <= atMs < toMs, ascending (for documentation and tests). */
  transitionsBetween(fromMs: number, toMs: number): OffsetTransition[] {
    const out: OffsetTransition[] = [];
    for (let index = Math.floor(fromMs / CHUNK_MS); index * CHUNK_MS < toMs; index++) {
      this.offsetAt(index * CHUNK_MS); // builds the chunk
      const chunk = this.chunks.get(index)!;
      let before = chunk.startOffsetMs;
      chunk.transitionsMs.forEach((atMs, i) => {
        const after = chunk.offsetsAfterMs[i];
        if (atMs >= fromMs && atMs < toMs && !out.some((t) => t.atMs === atMs)) {
          out.push({ atMs, offsetBeforeMs: before, offsetAfterMs: after });
        }
        before = after;
      });
    }
    return out;
  }

  private buildChunk(index: number): OffsetChunk {
    const start = index * CHUNK_MS;
    const startOffsetMs = temporalOffsetMs(this.zone, start);
    const transitionsMs: number[] = [];
    const offsetsAfterMs: number[] = [];
    let leftMs = start;
    let leftOffset = startOffsetMs;
    for (let sample = start + SAMPLE_MS; sample <= start + CHUNK_MS; sample += SAMPLE_MS) {
      const sampleOffset = temporalOffsetMs(this.zone, sample);
      // Several changes inside one sample interval (A → B → C) are found one by one.
      while (sampleOffset !== leftOffset) {
        const at = this.firstChange(leftMs, leftOffset, sample);
        const after = temporalOffsetMs(this.zone, at);
        transitionsMs.push(at);
        offsetsAfterMs.push(after);
        leftMs = at;
        leftOffset = after;
      }
      leftMs = sample;
    }
    return { startOffsetMs, transitionsMs, offsetsAfterMs };
  }

  /** Smallest instant in (lowMs, highMs] whose offset differs from `lowOffset` (which holds at lowMs). */
  private firstChange(lowMs: number, lowOffset: number, highMs: number): number {
    let low = lowMs;
    let high = highMs;
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      if (temporalOffsetMs(this.zone, mid) === lowOffset) low = mid;
      else high = mid;
    }
    return high;
  }
}

const tables = new Map<string, ZoneOffsetTable>();

/**
 * The shared table of a zone. A cache of a pure function of tzdata: it holds
 * no clock and no input data, so sharing it across runs is safe.
 */
export function zoneOffsetTable(zone: string): ZoneOffsetTable {
  let table = tables.get(zone);
  if (table === undefined) {
    table = new ZoneOffsetTable(zone);
    tables.set(zone, table);
  }
  return table;
}

const validity = new Map<string, boolean>();

/**
 * True for an IANA time zone name that both Temporal and Intl accept
 * (`Europe/London`, `UTC`, aliases such as `US/Eastern`). Offset strings such
 * as `+01:00` are rejected: a branch has DST rules, not a fixed offset.
 */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 100) return false;
  const known = validity.get(tz);
  if (known !== undefined) return known;
  let ok = !/^[+\-\u2212]/.test(tz);
  if (ok) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      temporalOffsetMs(tz, 0);
    } catch {
      ok = false;
    }
  }
  validity.set(tz, ok);
  return ok;
}
