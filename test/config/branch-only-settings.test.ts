// A setting that cannot apply to one series is rejected, not silently ignored.
import t from 'tap';
import { BASE_SETTINGS, configOf, doc } from '../helpers/fixtures.js';

const rows: Array<{ name: string; scope: Record<string, string>; settings: Record<string, unknown>; rejected: boolean }> = [
  { name: 'safety on a series document is rejected at /spec/settings/safety', scope: { series: 'yoga' }, settings: { safety: { maxRemovalsPerRun: 5 } }, rejected: true },
  { name: 'safety: null on a series document is rejected too (it would not delete anything either)', scope: { series: 'yoga' }, settings: { safety: null }, rejected: true },
  { name: 'safety on a branch document is honoured', scope: { branch: 'ny' }, settings: { safety: { maxRemovalsPerRun: 5 } }, rejected: false },
  { name: 'history on a series document is rejected at /spec/settings/history', scope: { series: 'yoga' }, settings: { history: { retainDays: 30 } }, rejected: true },
  { name: 'history on a branch document is honoured', scope: { branch: 'ny' }, settings: { history: { retainDays: 30 } }, rejected: false },
  { name: 'feeds on a series document is rejected at /spec/settings/feeds', scope: { series: 'yoga' }, settings: { feeds: { public: true } }, rejected: true },
  { name: 'feeds on a branch document is honoured', scope: { branch: 'ny' }, settings: { feeds: { public: true } }, rejected: false },
  { name: 'other settings on a series document are fine', scope: { series: 'yoga' }, settings: { sessionDefaults: { capacity: 5 } }, rejected: false },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const config = configOf(doc('base', {}, BASE_SETTINGS), doc('override', row.scope, row.settings));
    const problems = config.problems.filter((p) => p.code === 'CONFIG_SCOPE_FIELD');
    if (!row.rejected) {
      t.same(problems, []);
      t.ok(config.resolve('ny', 'yoga').ok);
      return;
    }
    t.equal(problems.length, 1);
    t.match(problems[0], { severity: 'error', scope: 'series:yoga', document: 'override', pointer: `/spec/settings/${Object.keys(row.settings)[0]}`, message: /cannot be set for a single series.*branch's document or the base/ });
    t.notOk(config.resolve('ny', 'yoga').ok, 'the series is not reconciled');
    t.ok(config.resolve('ny', 'other').ok, 'other series go on');
  });
}
