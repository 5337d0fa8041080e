// changeReason: the stable reason code a history event gets, from the planned change.
import t from 'tap';
import { changeReason, type ChangeReason } from '../../controller/core/change-reasons.js';
import type { Change, SessionChange, SessionView } from '../../controller/core/plan-types.js';
import type { ClassSeries } from '../../controller/core/types.js';

const view = (status: SessionView['status']): SessionView => ({
  title: 'Yoga', startsAt: '2026-12-02T14:00:00.000Z', endsAt: '2026-12-02T15:00:00.000Z', timezone: 'America/New_York', instructorId: null, roomId: null, capacity: 12, status,
});
const session = (action: SessionChange['action'], extra: Partial<SessionChange> = {}): Change => ({
  action, seriesId: 'yoga', branchId: 'ny', occurrenceKey: '2026-12-02', sessionId: action === 'create' ? null : 'id', before: null, after: null, ...extra,
});
const removal = (reason: string) => session('delete', { reason });

const cases: Array<{ name: string; change: Change; want: ChangeReason }> = [
  { name: 'a create is an occurrence of the rule', change: session('create'), want: 'occurrence' },
  { name: 'an update of fields is a series edit', change: session('update', { before: view('scheduled'), fields: ['title'] }), want: 'series-edited' },
  { name: 'a cancelled session desired again is rescheduled', change: session('update', { before: view('cancelled'), fields: ['status'] }), want: 'rescheduled' },
  { name: 'a cancelled session with only a title change is still an edit', change: session('update', { before: view('cancelled'), fields: ['title'] }), want: 'series-edited' },
  { name: 'closure', change: removal('the branch is closed that day (Christmas Day)'), want: 'closure' },
  { name: 'exdate', change: removal('the date is in the series exdates'), want: 'exdate' },
  { name: 'past the end date', change: removal('after the series end date 2026-12-01'), want: 'end-of-series' },
  { name: 'before the start date: the series was edited', change: removal('before the series start date 2026-12-05'), want: 'series-edited' },
  { name: 'a DST gap with skip', change: session('cancel', { reason: 'the start time does not exist that day (DST gap, dst.nonexistentTime: skip)' }), want: 'dst-rule' },
  { name: 'beyond the horizon', change: removal('beyond the generation horizon'), want: 'horizon' },
  { name: 'the rule changed', change: removal('the recurrence rule no longer produces this date'), want: 'series-edited' },
  { name: 'the series was deleted by the host', change: removal('the series was deleted from class_series'), want: 'series-deleted' },
  { name: 'an unknown removal text (a saved plan from another version)', change: removal('something else'), want: 'removal-policy' },
  { name: 'a removal without a reason', change: session('delete'), want: 'removal-policy' },
  {
    name: 'an archived series ended',
    change: { action: 'delete-series', seriesId: 'yoga', branchId: 'ny', occurrenceKey: null, series: {} as ClassSeries, version: '1', reason: 'ended on 2026-10-31' },
    want: 'end-of-series',
  },
];

for (const c of cases) t.test(c.name, async (t) => t.equal(changeReason(c.change), c.want));
