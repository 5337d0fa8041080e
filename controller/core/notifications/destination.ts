// A NotificationDestination document into a destination, or its problems.
// Each document stands alone: an invalid one is reported (document, JSON
// pointer, what to do) and the others are still used.
import { describeSchemaErrors } from '../config/schema-errors.js';
import { DESTINATION_KIND } from '../config/schemas.js';
import { destinationSchemaErrors } from '../config/validators.js';
import type { Problem } from '../errors.js';
import { severityRank, type EventType, type NotificationEvent, type Severity } from './event.js';

/** Where a credential is read: an environment variable of the controller, or a key of a Kubernetes Secret. */
export type ValueFrom = { env: string } | { secretKeyRef: { name: string; key: string } };

export interface DestinationFilter {
  /** null: every type. */
  eventTypes: EventType[] | null;
  minSeverity: Severity;
}

export type Destination =
  /** A webhook's URL is either written in the document or read like a credential (so one copied file serves every environment). */
  | ({ name: string; origin: string; type: 'webhook'; url: string | { from: ValueFrom }; secretFrom: ValueFrom } & DestinationFilter)
  | ({ name: string; origin: string; type: 'slack'; urlFrom: ValueFrom } & DestinationFilter);

export function isDestinationDocument(raw: unknown): boolean {
  return isObject(raw) && raw.kind === DESTINATION_KIND;
}

export function parseDestinationDocument(raw: unknown, origin: string, index?: number): { destination?: Destination; problems: Problem[] } {
  const name = isObject(raw) && isObject(raw.metadata) && typeof raw.metadata.name === 'string' && raw.metadata.name ? raw.metadata.name : index === undefined ? '(unnamed)' : `(unnamed document #${index + 1})`;
  const base = { scope: `destination:${name}`, document: name, origin, severity: 'error' as const };
  const problems: Problem[] = describeSchemaErrors(
    // An `if` failure only says which `then` applied; that one's own error names the field.
    // The url/urlFrom `oneOf` names no field either: it is said below in words.
    destinationSchemaErrors(raw).filter((e) => e.keyword !== 'if' && !e.schemaPath.includes('/oneOf')),
    '', 'CONFIG_SCHEMA').map((f) => ({ ...base, code: f.code, pointer: f.pointer, message: `${f.message} This destination gets no notifications until it is fixed; the others are not affected.` }));
  const spec = isObject(raw) && isObject(raw.spec) ? raw.spec : {};
  // "Exactly one of url and urlFrom" fails as an unnamed oneOf; say which fields to keep.
  if (spec.type === 'webhook' && (spec.url === undefined) === (spec.urlFrom === undefined)) {
    const both = spec.url !== undefined;
    return {
      problems: [
        ...problems,
        { ...base, code: 'CONFIG_SCHEMA', pointer: both ? '/spec/urlFrom' : '/spec', message: both ? 'A webhook destination takes url or urlFrom, not both; remove one. This destination gets no notifications until it is fixed; the others are not affected.' : 'A webhook destination needs url (the receiver\'s URL) or urlFrom (where it is read: { env: NAME } or { secretKeyRef: { name, key } }). This destination gets no notifications until it is fixed; the others are not affected.' },
      ],
    };
  }
  if (problems.length > 0) return { problems };
  // The schema requires what a type needs; a webhook's field on a Slack destination is a mistake worth saying.
  const foreign = spec.type === 'slack' ? ['url', 'secretFrom'] : [];
  for (const f of foreign) {
    if (spec[f] !== undefined) {
      problems.push({ ...base, code: 'CONFIG_SCHEMA', pointer: `/spec/${f}`, message: `"${f}" is not read for a ${String(spec.type)} destination; remove it (a Slack destination takes urlFrom only: the URL is its credential).` });
    }
  }
  if (problems.length > 0) return { problems };
  const filter: DestinationFilter = {
    eventTypes: Array.isArray(spec.eventTypes) ? ([...spec.eventTypes] as EventType[]) : null,
    minSeverity: (spec.minSeverity as Severity | undefined) ?? 'info',
  };
  const destination: Destination =
    spec.type === 'webhook'
      ? { name, origin, type: 'webhook', url: spec.url !== undefined ? (spec.url as string) : { from: spec.urlFrom as ValueFrom }, secretFrom: spec.secretFrom as ValueFrom, ...filter }
      : { name, origin, type: 'slack', urlFrom: spec.urlFrom as ValueFrom, ...filter };
  return { destination, problems: [] };
}

/** Does `destination` want `event`? Its type is listed (or no list is given) and its severity is at least the minimum. */
export function wants(destination: DestinationFilter, event: Pick<NotificationEvent, 'type' | 'severity'>): boolean {
  if (destination.eventTypes !== null && !destination.eventTypes.includes(event.type)) return false;
  return severityRank(event.severity) >= severityRank(destination.minSeverity);
}

/** Two documents of one name: the later is a mistake (which one was meant cannot be known), so both are refused. */
export function refuseDuplicateNames(list: Destination[]): { destinations: Destination[]; problems: Problem[] } {
  const count = new Map<string, number>();
  for (const d of list) count.set(d.name, (count.get(d.name) ?? 0) + 1);
  const problems: Problem[] = [];
  for (const d of list) {
    if ((count.get(d.name) ?? 0) > 1) {
      problems.push({ code: 'CONFIG_CONFLICT', scope: `destination:${d.name}`, document: d.name, origin: d.origin, pointer: '/metadata/name', severity: 'error', message: `Two NotificationDestination documents are named "${d.name}"; rename one. Neither gets notifications until then.` });
    }
  }
  return { destinations: list.filter((d) => (count.get(d.name) ?? 0) === 1), problems };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
