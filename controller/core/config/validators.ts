// Compiled validators for the three schemas. Compiled once per process: a run
// validates up to one merged result per series that has its own document.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { resolvedSettingsSchema, schedulingConfigSchema, settingsPatchSchema } from './schemas.js';

export type SchemaError = ErrorObject;

// allErrors: users fix every problem of a document in one go, not one per run.
// verbose: messages quote the offending value and list the allowed fields.
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv, ['date']);
ajv.addSchema(settingsPatchSchema);
ajv.addSchema(resolvedSettingsSchema);

const documentValidator: ValidateFunction = ajv.compile(schedulingConfigSchema);
const resolvedValidator: ValidateFunction = ajv.getSchema(String(resolvedSettingsSchema.$id)) as ValidateFunction;

function run(validate: ValidateFunction, value: unknown): SchemaError[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Errors of a whole SchedulingConfig document (instance paths from the document root). */
export function documentSchemaErrors(raw: unknown): SchemaError[] {
  return run(documentValidator, raw);
}

/** Errors of merged settings against the resolved schema (instance paths from the settings root). */
export function resolvedSchemaErrors(settings: unknown): SchemaError[] {
  return run(resolvedValidator, settings);
}
