// A booked session's notification is written in the branch's transaction: it
// commits with the cancel, and a branch that rolls back leaves no event.
import t from 'tap';
import { removalChange } from '../../../controller/core/session-view.js';
import { applyBranchChanges } from '../../../controller/runtime/apply-branch.js';
import { readObservedSessions, writeSessionChanges } from '../../../controller/store/sessions.js';
import { DAY, NOW, createChange, desired, forEachBackend, seedBranch } from '../../store/helpers.js';

const WED = Date.parse('2026-12-02T14:00:00Z');

const cases = [
  { name: 'the branch commits: one session.cancelled with the booked count', failBeforeCommit: false, booked: 3, events: [['session.cancelled', 3]] },
  { name: 'the branch rolls back: no event', failBeforeCommit: true, booked: 3, events: [] },
  { name: 'an unbooked session cancelled: no event', failBeforeCommit: false, booked: 0, events: [] },
];

forEachBackend(t, cases, async (t, db, c) => {
  await seedBranch(db);
  await db.transaction((tx) => writeSessionChanges(tx, [createChange(desired('yoga', '2026-12-02', WED))], NOW - DAY));
  await db.query(`UPDATE class_sessions SET booked_count = $1`, [c.booked]);
  const [observed] = await readObservedSessions(db, 'downtown', NOW, '2026-11-25');
  const change = removalChange(observed!, 'cancel', 'the series no longer has this date');
  const apply = applyBranchChanges(db, 'downtown', [change], {
    runId: null,
    now: NOW,
    beforeCommit: c.failBeforeCommit ? async () => { throw new Error('injected: the branch fails before COMMIT'); } : undefined,
  });
  if (c.failBeforeCommit) await t.rejects(apply, /injected/);
  else t.match(await apply, { cancelled: 1 });
  const rows = await db.query<{ type: string; booked: number; run_id: string | null; occurred_at: Date }>(
    `SELECT type, (data->>'bookedCount')::int AS booked, run_id FROM notification_outbox ORDER BY id`,
  );
  t.strictSame(rows.map((r) => [r.type, r.booked]), c.events);
  const statuses = await db.query<{ status: string }>(`SELECT status FROM class_sessions`);
  t.strictSame(statuses.map((s) => s.status), [c.failBeforeCommit ? 'scheduled' : 'cancelled'], 'the event and the change share the outcome');
});
