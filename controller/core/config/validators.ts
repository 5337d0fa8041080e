// The validators of the three schemas, compiled ahead of time by
// scripts/generate-validators.ts (ajv's standalone code, with allErrors and
// verbose: every problem of a document at once, messages that quote the
// offending value): loading and running the ajv compiler at start-up cost
// about a third of `classctl validate`'s CPU time.
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { destination, document, resolved } from './schema-validators.generated.js';

export type SchemaError = ErrorObject;

const documentValidator = document as ValidateFunction;
const resolvedValidator = resolved as ValidateFunction;
const destinationValidator = destination as ValidateFunction;

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

/** Errors of a whole NotificationDestination document (instance paths from the document root). */
export function destinationSchemaErrors(raw: unknown): SchemaError[] {
  return run(destinationValidator, raw);
}
