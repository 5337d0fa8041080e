// The validators compiled ahead of time (schema-validators.generated.ts) are
// the ones ajv compiles from schemas/ now, and report the same errors.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { renderSchemaValidators, VALIDATORS_PATH } from '../../scripts/generate-validators.js';
import { resolvedSettingsSchema, schedulingConfigSchema, settingsPatchSchema } from '../../controller/core/config/schemas.js';
import { documentSchemaErrors, resolvedSchemaErrors } from '../../controller/core/config/validators.js';
import { settings } from '../core/generation/generation-fixtures.js';

t.test('the committed validators are generated from the current schemas', async (t) => {
  const committed = readFileSync(new URL(`../../${VALIDATORS_PATH}`, import.meta.url), 'utf8');
  t.ok(committed === renderSchemaValidators(), `${VALIDATORS_PATH} is up to date (else run node --import ./bin/register.js scripts/generate-validators.ts)`);
});

// The same options as the generator, compiled at run time: the reference.
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv, ['date']);
ajv.addSchema(settingsPatchSchema);
ajv.addSchema(resolvedSettingsSchema);
const compiledDocument = ajv.compile(schedulingConfigSchema);
const compiledResolved = ajv.getSchema(String(resolvedSettingsSchema.$id)) as ValidateFunction;
const errorsOf = (v: ValidateFunction, value: unknown) => (v(value) ? [] : [...(v.errors ?? [])]);

const doc = (settings: unknown, scope: unknown = {}) => ({ apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfig', metadata: { name: 'x' }, spec: { scope, settings } });
const resolvedBase = settings();

const documentRows = [
  { name: 'a valid base document', value: doc({ generation: { horizonDays: 28 } }), valid: true },
  { name: 'valid closure keys (the key pattern): a date, a range, part of a day', value: doc({ closures: { '2027-01-01': 'New Year', '2027-01-02/2027-01-03': 'Break', '2027-01-04T12:00/18:00': 'Party' } }), valid: true },
  // Whether the date exists is checked with the document, after the schema (test/core/closures).
  { name: 'an invalid closure key (the key pattern)', value: doc({ closures: { '2027-01-04T12:00': 'no end' } }), valid: false },
  { name: 'an unknown settings field', value: doc({ generaton: {} }), valid: false },
  { name: 'a wrong type and an out-of-range number together (allErrors)', value: doc({ generation: { enabled: 'yes', horizonDays: -1 } }), valid: false },
  { name: 'an unknown enum value', value: doc({ dst: { nonexistentTime: 'later' } }), valid: false },
  { name: 'a missing required field', value: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfig', metadata: { name: 'x' } }, valid: false },
  { name: 'not an object at all', value: 'base', valid: false },
];
const resolvedRows = [
  { name: 'complete resolved settings', value: resolvedBase, valid: true },
  { name: 'a field missing after the merge', value: { ...resolvedBase, safety: {} }, valid: false },
  { name: 'null left after the merge', value: { ...resolvedBase, cleanup: null }, valid: false },
];

t.test('the generated document validator reports what ajv compiled now reports', async (t) => {
  for (const row of documentRows) {
    const errors = documentSchemaErrors(row.value);
    t.equal(errors.length === 0, row.valid, `${row.name}: ${row.valid ? 'valid' : 'invalid'}`);
    t.same(errors, errorsOf(compiledDocument, row.value), `${row.name}: the same errors`);
  }
});

t.test('the generated resolved-settings validator reports what ajv compiled now reports', async (t) => {
  for (const row of resolvedRows) {
    const errors = resolvedSchemaErrors(row.value);
    t.equal(errors.length === 0, row.valid, `${row.name}: ${row.valid ? 'valid' : 'invalid'}`);
    t.same(errors, errorsOf(compiledResolved, row.value), `${row.name}: the same errors`);
  }
});
