import t from 'tap';
import { generationWindow } from '../../../controller/core/generation/generation-window.js';

t.test('window = [max(startDate, today), min(endDate, today + horizonDays)], inclusive', async (t) => {
  const today = '2026-03-01';
  const rows = [
    { name: 'open-ended series that started long ago', startDate: '2020-01-01', endDate: null, horizon: 56, want: { from: '2026-03-01', to: '2026-04-26' } },
    { name: 'series starting after today starts the window', startDate: '2026-03-10', endDate: null, horizon: 56, want: { from: '2026-03-10', to: '2026-04-26' } },
    { name: 'end date inside the horizon ends the window', startDate: '2026-01-01', endDate: '2026-03-15', horizon: 56, want: { from: '2026-03-01', to: '2026-03-15' } },
    { name: 'end date beyond the horizon: the horizon ends it', startDate: '2026-01-01', endDate: '2027-01-01', horizon: 56, want: { from: '2026-03-01', to: '2026-04-26' } },
    { name: 'series ending today still has today', startDate: '2026-01-01', endDate: '2026-03-01', horizon: 56, want: { from: '2026-03-01', to: '2026-03-01' } },
    { name: 'series starting on the horizon day has that one day', startDate: '2026-04-26', endDate: null, horizon: 56, want: { from: '2026-04-26', to: '2026-04-26' } },
    { name: 'horizon 0 is today only', startDate: '2026-01-01', endDate: null, horizon: 0, want: { from: '2026-03-01', to: '2026-03-01' } },
    { name: 'series ended yesterday: empty', startDate: '2026-01-01', endDate: '2026-02-28', horizon: 56, want: null },
    { name: 'series starting the day after the horizon: empty', startDate: '2026-04-27', endDate: null, horizon: 56, want: null },
  ];
  for (const row of rows) t.same(generationWindow({ startDate: row.startDate, endDate: row.endDate }, today, row.horizon), row.want, row.name);
});
