// desiredConditions(): the Valid and Applied conditions of one SchedulingConfig,
// from the ConfigSet and the run. Pure: a table with a fixed time.
import t from 'tap';
import type { Problem } from '../../controller/core/errors.js';
import { desiredConditions, type Condition, type RunReport } from '../../controller/runtime/config-status.js';
import { baseDoc, BASE_SETTINGS, branchDoc, configOf, seriesDoc } from '../config/fixtures/config-fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';
const NOW_META = '2026-11-25T09:00:00Z';
const ok = (runId: string): RunReport => ({ runId, outcome: 'succeeded', nowIso: NOW });

const prev = (type: string, status: Condition['status'], reason: string, message: string): Condition => ({
  type,
  status,
  observedGeneration: 1,
  lastTransitionTime: '2026-11-20T08:00:00Z',
  reason,
  message,
});

type Expect = Partial<Omit<Condition, 'message'>> & { message?: string | RegExp };

interface Row {
  name: string;
  docs: unknown[];
  doc: string;
  generation?: number;
  run: RunReport | null;
  previous?: Condition[];
  nowIso?: string;
  /** Expected fields; a RegExp matches the message. */
  valid: Expect;
  applied: Expect;
}

const { dst: _dst, ...baseWithoutDst } = BASE_SETTINGS;
const unknownTarget: Problem = {
  code: 'CONFIG_UNKNOWN_TARGET',
  scope: 'branch:uptown',
  document: 'branch-uptown',
  pointer: '/spec/scope/branch',
  severity: 'warning',
  message: 'No branch "uptown" exists in branches, so this document has no effect.',
};

const rows: Row[] = [
  {
    name: 'a valid document applied by a successful run',
    docs: [baseDoc(), branchDoc('downtown', { sessionDefaults: { capacity: 30 } })],
    doc: 'branch-downtown',
    generation: 3,
    run: ok('42'),
    valid: { status: 'True', reason: 'Valid', observedGeneration: 3, lastTransitionTime: NOW_META },
    applied: { status: 'True', reason: 'Applied', message: 'applied by run 42', observedGeneration: 3, lastTransitionTime: NOW_META },
  },
  {
    name: 'an unknown field: Valid=False with the code as reason and the JSON pointer in the message; not applied',
    docs: [baseDoc(), branchDoc('downtown', { dst: { ambigousTime: 'later' } })],
    doc: 'branch-downtown',
    run: ok('42'),
    valid: { status: 'False', reason: 'CONFIG_UNKNOWN_FIELD', message: /^at \/spec\/settings\/dst\/ambigousTime: Unknown field "ambigousTime": did you mean "ambiguousTime"\?/ },
    applied: { status: 'False', reason: 'DocumentInvalid', message: /Valid condition/ },
  },
  {
    name: 'a value the schema rejects: CONFIG_SCHEMA with its pointer',
    docs: [baseDoc(), branchDoc('downtown', { dst: { ambiguousTime: 'late' } })],
    doc: 'branch-downtown',
    run: ok('42'),
    valid: { status: 'False', reason: 'CONFIG_SCHEMA', message: /^at \/spec\/settings\/dst\/ambiguousTime: / },
    applied: { status: 'False', reason: 'DocumentInvalid' },
  },
  {
    name: 'two documents for one scope: each is Valid=False with CONFIG_CONFLICT naming both',
    docs: [baseDoc(), branchDoc('downtown', {}), branchDoc('downtown', {}, 'downtown-2')],
    doc: 'downtown-2',
    run: ok('42'),
    valid: { status: 'False', reason: 'CONFIG_CONFLICT', message: /^at \/spec\/scope: 2 documents configure branch "downtown": "branch-downtown" .*"downtown-2"/ },
    applied: { status: 'False', reason: 'DocumentInvalid' },
  },
  {
    name: 'several errors in one document: all in the message, numbered, the first code as reason',
    docs: [baseDoc(), branchDoc('downtown', { dst: { ambigousTime: 'later' }, sessionDefaults: { capacity: 0 } })],
    doc: 'branch-downtown',
    run: ok('42'),
    valid: { status: 'False', reason: 'CONFIG_UNKNOWN_FIELD', message: /^\(1\/2\) CONFIG_UNKNOWN_FIELD at \/spec\/settings\/dst\/ambigousTime: .* \(2\/2\) CONFIG_SCHEMA at \/spec\/settings\/sessionDefaults\/capacity: / },
    applied: { status: 'False', reason: 'DocumentInvalid' },
  },
  {
    name: 'a base missing a field blocks everything: the base is invalid, a valid branch is not applied (ConfigBlocked)',
    docs: [baseDoc(baseWithoutDst), branchDoc('downtown', {})],
    doc: 'branch-downtown',
    run: { runId: '43', outcome: 'invalid-config', nowIso: NOW },
    valid: { status: 'True', reason: 'Valid' },
    applied: { status: 'False', reason: 'ConfigBlocked', message: /^Not applied: run 43 reconciled nothing because the base configuration is missing or invalid \(CONFIG_BASE_INVALID\)/ },
  },
  {
    name: 'the invalid base itself points at the missing field',
    docs: [baseDoc(baseWithoutDst)],
    doc: 'base',
    run: { runId: '43', outcome: 'invalid-config', nowIso: NOW },
    valid: { status: 'False', reason: 'CONFIG_BASE_INVALID', message: /^at \/spec\/settings\/dst: "dst" is missing/ },
    applied: { status: 'False', reason: 'DocumentInvalid' },
  },
  {
    name: 'a run that failed a branch: Applied=False RunFailed, and lastTransitionTime moves because the status flipped',
    docs: [baseDoc()],
    doc: 'base',
    run: { runId: '44', outcome: 'failed', nowIso: NOW },
    previous: [prev('Valid', 'True', 'Valid', 'The document is valid and the only one for its scope.'), prev('Applied', 'True', 'Applied', 'applied by run 41')],
    valid: { status: 'True', lastTransitionTime: '2026-11-20T08:00:00Z' },
    applied: { status: 'False', reason: 'RunFailed', message: /run 44 failed/, lastTransitionTime: NOW_META },
  },
  {
    name: 'a run refused by a guard before it was journaled: RunRefused without a run id',
    docs: [baseDoc()],
    doc: 'base',
    run: { runId: null, outcome: 'refused', nowIso: NOW },
    valid: { status: 'True' },
    applied: { status: 'False', reason: 'RunRefused', message: /^Not applied: the last run was refused by a guard/ },
  },
  {
    name: 'a later successful run: the message names the new run, lastTransitionTime stays (status did not change)',
    docs: [baseDoc()],
    doc: 'base',
    run: ok('45'),
    previous: [prev('Valid', 'True', 'Valid', 'The document is valid and the only one for its scope.'), prev('Applied', 'True', 'Applied', 'applied by run 41')],
    valid: { status: 'True', lastTransitionTime: '2026-11-20T08:00:00Z' },
    applied: { status: 'True', message: 'applied by run 45', lastTransitionTime: '2026-11-20T08:00:00Z' },
  },
  {
    name: 'a plan (no run id): Applied is kept exactly as the last apply run left it',
    docs: [baseDoc()],
    doc: 'base',
    generation: 2,
    run: { runId: null, outcome: 'succeeded', nowIso: NOW },
    previous: [prev('Applied', 'True', 'Applied', 'applied by run 41')],
    valid: { status: 'True', observedGeneration: 2, lastTransitionTime: NOW_META },
    applied: prev('Applied', 'True', 'Applied', 'applied by run 41'),
  },
  {
    name: 'no run at all and never applied: Applied=Unknown, the time from nowIso',
    docs: [baseDoc()],
    doc: 'base',
    run: null,
    nowIso: NOW,
    valid: { status: 'True', lastTransitionTime: NOW_META },
    applied: { status: 'Unknown', reason: 'NotYetApplied', lastTransitionTime: NOW_META },
  },
  {
    name: "a warning of the run (unknown branch) is in Valid's message; the document stays valid",
    docs: [baseDoc(), branchDoc('uptown', {})],
    doc: 'branch-uptown',
    run: { ...ok('46'), problems: [unknownTarget] },
    valid: { status: 'True', reason: 'Valid', message: /only one for its scope\. Warning CONFIG_UNKNOWN_TARGET at \/spec\/scope\/branch: No branch "uptown"/ },
    applied: { status: 'True' },
  },
  {
    name: "another document's error does not make this one invalid",
    docs: [baseDoc(), branchDoc('downtown', { dst: { ambiguousTime: 'late' } }), seriesDoc('downtown-yoga-mon', {})],
    doc: 'series-downtown-yoga-mon',
    run: ok('47'),
    valid: { status: 'True' },
    applied: { status: 'True' },
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const config = configOf(...row.docs);
    const conditions = desiredConditions({ name: row.doc, generation: row.generation ?? 1 }, config, row.run, row.previous, row.nowIso);
    t.same(conditions.map((c) => c.type), ['Valid', 'Applied'], 'one Valid and one Applied, in that order');
    t.match(conditions[0], row.valid);
    t.match(conditions[1], row.applied);
    for (const c of conditions) {
      t.match(c.reason, /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/, `${c.type}: a reason the CRD's metav1.Condition pattern accepts`);
      t.match(c.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${c.type}: metav1.Time, whole seconds`);
    }
  });
}

t.test('a problem of a document with the same name from another origin is not this one', async (t) => {
  const config = configOf(baseDoc(), branchDoc('downtown', { dst: { ambiguousTime: 'late' } }));
  // configOf gives origin NAME.yaml; a resource of the same name elsewhere is a different document.
  const other = desiredConditions({ name: 'branch-downtown', origin: 'kubernetes:ns2/branch-downtown' }, config, ok('1'));
  t.equal(other[0].status, 'True');
  const same = desiredConditions({ name: 'branch-downtown', origin: 'branch-downtown.yaml' }, config, ok('1'));
  t.equal(same[0].status, 'False');
});

t.test('a change with no run and no nowIso cannot be timed: it throws rather than inventing a time', async (t) => {
  t.throws(() => desiredConditions({ name: 'base' }, configOf(baseDoc()), null), /neither a run nor nowIso/);
  t.doesNotThrow(
    () => desiredConditions({ name: 'base' }, configOf(baseDoc()), null, [prev('Valid', 'True', 'Valid', 'x'), prev('Applied', 'True', 'Applied', 'applied by run 1')]),
    'nothing changes status: no time is needed',
  );
});

t.test('a very long message is cut to the 32768 characters metav1.Condition allows', async (t) => {
  const closures = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`2026-13-${String(i).padStart(3, '0')}`, 'bad date key']));
  const config = configOf(baseDoc(), branchDoc('downtown', { closures }));
  const [valid] = desiredConditions({ name: 'branch-downtown' }, config, ok('1'));
  t.equal(valid.status, 'False');
  t.ok(valid.message.length <= 32_768, `message length ${valid.message.length}`);
  t.match(valid.message, /^\(1\/400\) CONFIG_SCHEMA at \/spec\/settings\/closures\/2026-13-000: .* … \(truncated; classctl validate lists all\)$/, 'the first errors, then a note that says where the rest are');
});

