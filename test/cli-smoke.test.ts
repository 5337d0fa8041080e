import t from 'tap';
import { runClassctlInProcess } from './helpers/cli.js';

t.test('an unknown command is a usage error (exit 2)', async (t) => {
  const r = await runClassctlInProcess({}, 'no-such-command');
  t.equal(r.code, 2);
  t.match(r.err, /unknown command 'no-such-command'/);
});

t.test('--plan and --apply together are a usage error (exit 2)', async (t) => {
  const r = await runClassctlInProcess({}, 'reconcile', '--plan', '--apply');
  t.equal(r.code, 2);
  t.match(r.err, /exclude each other/);
});

t.test('--now without a zone is refused: a run is never ambiguous (exit 2)', async (t) => {
  const r = await runClassctlInProcess({}, 'reconcile', '--now', '2026-11-25T09:00');
  t.equal(r.code, 2);
  t.match(r.err, /not an ISO instant with a zone/);
});
