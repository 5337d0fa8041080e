import type { SessionChange, SessionView, UpdatableField } from './plan-types.js';
import type { DesiredSession, ObservedSession, SessionFields, SessionStatus } from './types.js';

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

export function sessionView(s: SessionFields, status: SessionStatus): SessionView {
  return {
    title: s.title,
    startsAt: isoInstant(s.startsAt),
    endsAt: isoInstant(s.endsAt),
    timezone: s.timezone,
    instructorId: s.instructorId,
    roomId: s.roomId,
    capacity: s.capacity,
    status,
  };
}

const COMPARED: Array<Exclude<UpdatableField, 'status'>> = [
  'title',
  'startsAt',
  'endsAt',
  'timezone',
  'instructorId',
  'roomId',
  'capacity',
];

/**
 * The fields an update must write to turn `observed` into `desired`, in a
 * fixed order. A cancelled session that is desired again is rescheduled, so
 * `status` is part of the update.
 */
export function changedFields(observed: ObservedSession, desired: DesiredSession): UpdatableField[] {
  const fields: UpdatableField[] = [];
  for (const f of COMPARED) {
    if (observed[f] !== desired[f]) fields.push(f);
  }
  if (observed.status !== 'scheduled') fields.push('status');
  return fields;
}

// The changes the diff makes, as small classes whose `before`/`after` views are
// getters on the prototype: a run of 240k creates builds its views (an object
// and two ISO strings each) only if something reads them — a renderer, the
// saved-plan check. An object literal with an own getter measured as slow to
// create as building the view. Reading a view gives plain data, and toJSON()
// gives the change as a plain object, so JSON output is what it always was.
// Properties are assigned in the order the plan JSON has always shown.

/** A create: the full desired session; `after` is its view, scheduled. */
class CreateChange implements SessionChange {
  declare readonly action: 'create';
  declare readonly seriesId: string;
  declare readonly branchId: string;
  declare readonly occurrenceKey: string;
  declare readonly sessionId: null;
  declare readonly before: null;
  declare readonly desired: DesiredSession;
  constructor(d: DesiredSession) {
    this.action = 'create';
    this.seriesId = d.seriesId;
    this.branchId = d.branchId;
    this.occurrenceKey = d.occurrenceKey;
    this.sessionId = null;
    this.before = null;
    this.desired = d;
  }
  get after(): SessionView {
    return sessionView(this.desired, 'scheduled');
  }
  toJSON() {
    const { action, seriesId, branchId, occurrenceKey, sessionId, before, after, desired } = this;
    return { action, seriesId, branchId, occurrenceKey, sessionId, before, after, desired };
  }
}

/** An update of an observed session to a desired one, `fields` being what differs. */
class UpdateChange implements SessionChange {
  declare readonly action: 'update';
  declare readonly seriesId: string;
  declare readonly branchId: string;
  declare readonly occurrenceKey: string;
  declare readonly sessionId: string;
  declare readonly desired: DesiredSession;
  declare readonly fields: UpdatableField[];
  declare readonly bookedCount: number;
  constructor(
    private readonly observed: ObservedSession,
    d: DesiredSession,
    fields: UpdatableField[],
  ) {
    this.action = 'update';
    this.seriesId = d.seriesId;
    this.branchId = d.branchId;
    this.occurrenceKey = d.occurrenceKey;
    this.sessionId = observed.id;
    this.desired = d;
    this.fields = fields;
    this.bookedCount = observed.bookedCount;
  }
  get before(): SessionView {
    return sessionView(this.observed, this.observed.status);
  }
  get after(): SessionView {
    return sessionView(this.desired, 'scheduled');
  }
  toJSON() {
    const { action, seriesId, branchId, occurrenceKey, sessionId, before, after, desired, fields, bookedCount } = this;
    return { action, seriesId, branchId, occurrenceKey, sessionId, before, after, desired, fields, bookedCount };
  }
}

/** A delete or a cancel of an observed session no longer desired. */
class RemovalChange implements SessionChange {
  declare readonly action: 'delete' | 'cancel';
  declare readonly seriesId: string;
  declare readonly branchId: string;
  declare readonly occurrenceKey: string;
  declare readonly sessionId: string;
  declare readonly reason: string;
  declare readonly bookedCount: number;
  constructor(
    private readonly observed: ObservedSession,
    action: 'delete' | 'cancel',
    reason: string,
  ) {
    this.action = action;
    this.seriesId = observed.seriesId;
    this.branchId = observed.branchId;
    this.occurrenceKey = observed.occurrenceKey;
    this.sessionId = observed.id;
    this.reason = reason;
    this.bookedCount = observed.bookedCount;
  }
  get before(): SessionView {
    return sessionView(this.observed, this.observed.status);
  }
  get after(): SessionView | null {
    return this.action === 'cancel' ? sessionView(this.observed, 'cancelled') : null;
  }
  toJSON() {
    const { action, seriesId, branchId, occurrenceKey, sessionId, before, after, reason, bookedCount } = this;
    return { action, seriesId, branchId, occurrenceKey, sessionId, before, after, reason, bookedCount };
  }
}

export function createChange(d: DesiredSession): SessionChange {
  return new CreateChange(d);
}

export function updateChange(observed: ObservedSession, d: DesiredSession, fields: UpdatableField[]): SessionChange {
  return new UpdateChange(observed, d, fields);
}

export function removalChange(observed: ObservedSession, action: 'delete' | 'cancel', reason: string): SessionChange {
  return new RemovalChange(observed, action, reason);
}
