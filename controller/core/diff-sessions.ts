// DESIGN §4 rules 6–7: the diff of one series, keyed by occurrence key.
import type { KeptSession, SessionChange } from './plan-types.js';
import { changedFields, sessionView } from './session-view.js';
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
}

export function diffSessions(input: SeriesDiffInput): SeriesDiff {
  const { now, removal } = input;
  const changes: SessionChange[] = [];
  const kept: KeptSession[] = [];
  const observedByKey = new Map<string, ObservedSession>();
  for (const o of input.observed) observedByKey.set(o.occurrenceKey, o);

  const desiredKeys = new Set<string>();
  for (const d of input.desired) {
    desiredKeys.add(d.occurrenceKey);
    const o = observedByKey.get(d.occurrenceKey);
    if (o === undefined) {
      changes.push({
        action: 'create',
        seriesId: d.seriesId,
        branchId: d.branchId,
        occurrenceKey: d.occurrenceKey,
        sessionId: null,
        before: null,
        after: sessionView(d, 'scheduled'),
        desired: d,
      });
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
    changes.push({
      action: 'update',
      seriesId: d.seriesId,
      branchId: d.branchId,
      occurrenceKey: d.occurrenceKey,
      sessionId: o.id,
      before: sessionView(o, o.status),
      after: sessionView(d, 'scheduled'),
      desired: d,
      fields,
      bookedCount: o.bookedCount,
    });
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
    changes.push({
      action: policy,
      seriesId: o.seriesId,
      branchId: o.branchId,
      occurrenceKey: o.occurrenceKey,
      sessionId: o.id,
      before: sessionView(o, o.status),
      after: policy === 'cancel' ? sessionView(o, 'cancelled') : null,
      reason: input.removalReason(o),
      bookedCount: o.bookedCount,
    });
  }
  return { changes, kept };
}
