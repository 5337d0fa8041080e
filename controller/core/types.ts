// Shared shapes of the domain. Pure data: no I/O, no clock.

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

export interface Branch {
  id: string;
  name: string;
  /** IANA time zone, e.g. `Europe/London`. */
  timezone: string;
}

export interface ClassSeries {
  id: string;
  branchId: string;
  title: string;
  /** RFC 5545 RRULE body, e.g. `FREQ=WEEKLY;BYDAY=MO,WE` (no DTSTART, BYHOUR, BYMINUTE, BYSECOND). */
  rrule: string;
  /** First local date, inclusive; also the rule's DTSTART date. */
  startDate: LocalDate;
  /** Last local date, inclusive; null = open-ended. */
  endDate: LocalDate | null;
  /** Local wall-clock start, `HH:MM`. */
  startTime: string;
  durationMinutes: number | null;
  capacity: number | null;
  instructorId: string | null;
  roomId: string | null;
  exdates: LocalDate[];
  /** Bumped by a trigger on every update; a decimal string (bigint). */
  version: string;
}

/** The fields of a session that generation decides (and the diff compares). */
export interface SessionFields {
  title: string;
  /** Epoch milliseconds (UTC instant). */
  startsAt: number;
  endsAt: number;
  timezone: string;
  instructorId: string | null;
  roomId: string | null;
  capacity: number | null;
}

export interface DesiredSession extends SessionFields {
  seriesId: string;
  branchId: string;
  /** Local date of the occurrence, `YYYY-MM-DD`: identity inside the series. */
  occurrenceKey: LocalDate;
}

export type SessionStatus = 'scheduled' | 'cancelled';

export interface ObservedSession extends DesiredSession {
  id: string;
  status: SessionStatus;
  detached: boolean;
  bookedCount: number;
}

export type NonexistentTimePolicy = 'shiftForward' | 'skip';
export type AmbiguousTimePolicy = 'earlier' | 'later';
export type UnbookedRemoval = 'delete' | 'cancel' | 'keep';
/** A booked session is never deleted silently: cancel keeps the row and its bookings. */
export type BookedRemoval = 'cancel' | 'keep';
/**
 * An update that would lower a booked session's capacity below its bookings,
 * move it, or change its room: 'warn' plans it and flags it, 'block' keeps the
 * session as it is and flags it.
 */
export type BookedChangePolicy = 'warn' | 'block';

/** Settings after base ⊕ branch ⊕ series, validated against the resolved schema. */
export interface ResolvedSettings {
  generation: { enabled: boolean; horizonDays: number };
  dst: { nonexistentTime: NonexistentTimePolicy; ambiguousTime: AmbiguousTimePolicy };
  /** Local date → reason. A map (not an array) so that layers can add and remove single dates. */
  closures: Record<LocalDate, string>;
  sessionDefaults: { durationMinutes: number; capacity: number };
  removal: { unbooked: UnbookedRemoval; booked: BookedRemoval; bookedChanges: BookedChangePolicy };
  cleanup: { deleteSeriesAfterDays: number };
  safety: { maxRemovalsPerRun: number };
  /** Recorded changes older than this are pruned at the end of each applied run (branch or base only). */
  history: { retainDays: number };
  /** public: the branch's calendar feeds need no token (branch or base only). */
  feeds: { public: boolean };
}

export type ConfigScope =
  | { kind: 'base' }
  | { kind: 'branch'; id: string }
  | { kind: 'series'; id: string };

/** One SchedulingConfig document, from a file or a custom resource. */
export interface ConfigDocument {
  /** metadata.name */
  name: string;
  /** Where it came from: a file path, or `kubernetes:NAMESPACE/NAME`. */
  origin: string;
  /** Index of the document inside a multi-document file (0-based). */
  index?: number;
  scope: ConfigScope;
  /** A JSON Merge Patch (RFC 7396) over the layers below. */
  settings: Record<string, unknown>;
  /** metadata.generation of a custom resource (for status.observedGeneration). */
  generation?: number;
  /** spec.holidayCalendars: name → .ics path relative to the config directory, or an https URL; the files source turns them into closures. */
  holidayCalendars?: Record<string, string>;
  /** Where each holiday calendar was read from, and for a URL when the copy in use was fetched (epoch ms): explain shows it. */
  holidayCalendarSources?: Record<string, { source: string; fetchedAtMs?: number }>;
}
