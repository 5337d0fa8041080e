// The diff of one series against its sessions, keyed by occurrence key
// (docs/generation-rules.md, "From desired sessions to a plan").
import { bookedChangeItems, bookedChangeWarning } from './booked-changes.js';
import type { KeptSession, PlanWarning, SessionChange } from './plan-types.js';
import { changedFields, createChange, removalChange, updateChange } from './session-view.js';
import type { DesiredSession, ObservedSession, ResolvedSettings } from './types.js';

export interface SeriesDiffInput {
  seriesId: string;
  branchId: string;
  /** Sessions that should exist (all start after `now`). */
  desired: DesiredSession[];
  /** This series' observed sessions: started after `now` or keyed inside the window. */
  observed: ObservedSession[];
  now: number;
  removal: ResolvedSettings['removal'];
  /** Why an observed session that is not desired is no longer desired, for the plan reader. */
  removalReason: (session: ObservedSession) => string;
}

export interface SeriesDiff {
  changes: SessionChange[];
  kept: KeptSession[];
  /** BOOKED_SESSION_CHANGED: updates that hurt a booked session, planned (warn) or not (block). */
  warnings: PlanWarning[];
}

export function diffSessions(input: SeriesDiffInput): SeriesDiff {
  const { now, removal } = input;
  const changes: SessionChange[] = [];
  const kept: KeptSession[] = [];
  const warnings: PlanWarning[] = [];
  // Nothing observed (a new series, a first run): every desired session is a create.
  if (input.observed.length === 0) {
    for (const d of input.desired) changes.push(createChange(d));
    return { changes, kept, warnings };
  }
  const observedByKey = new Map<string, ObservedSession>();
  for (const o of input.observed) observedByKey.set(o.occurrenceKey, o);

  const desiredKeys = new Set<string>();
  for (const d of input.desired) {
    desiredKeys.add(d.occurrenceKey);
    const o = observedByKey.get(d.occurrenceKey);
    if (o === undefined) {
      changes.push(createChange(d));
      continue;
    }
    // A session that has started is history: it keeps its key, so the date is
    // not generated twice (a class moved from 09:00 to 18:00 at noon does not run twice today).
    if (o.startsAt <= now) continue;
    if (o.detached) {
      kept.push({ seriesId: o.seriesId, branchId: o.branchId, occurrenceKey: o.occurrenceKey, sessionId: o.id, reason: 'detached' });
      continue;
    }
    const fields = changedFields(o, d);
    if (fields.length === 0) continue;
    const hurt = bookedChangeItems(o, d, fields);
    if (hurt.length > 0) {
      warnings.push(bookedChangeWarning(o, hurt, removal.bookedChanges));
      if (removal.bookedChanges === 'block') {
        kept.push({ seriesId: o.seriesId, branchId: o.branchId, occurrenceKey: o.occurrenceKey, sessionId: o.id, reason: 'booked-change' });
        continue;
      }
    }
    changes.push(updateChange(o, d, fields));
  }

  for (const o of input.observed) {
    if (desiredKeys.has(o.occurrenceKey) || o.startsAt <= now) continue;
    if (o.detached) {
      kept.push({ seriesId: o.seriesId, branchId: o.branchId, occurrenceKey: o.occurrenceKey, sessionId: o.id, reason: 'detached' });
      continue;
    }
    const policy = o.bookedCount > 0 ? removal.booked : removal.unbooked;
    if (policy === 'keep') {
      kept.push({ seriesId: o.seriesId, branchId: o.branchId, occurrenceKey: o.occurrenceKey, sessionId: o.id, reason: 'removal-keep' });
      continue;
    }
    if (policy === 'cancel' && o.status === 'cancelled') continue;
    changes.push(removalChange(o, policy, input.removalReason(o)));
  }
  return { changes, kept, warnings };
}
