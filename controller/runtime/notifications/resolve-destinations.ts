// Destinations with their credentials read: the webhook secret or the Slack
// URL, from an environment variable or a Kubernetes Secret. A credential
// that cannot be read is reported like a document problem, and only that
// destination is left out.
import { createHash } from 'node:crypto';
import type { Destination, ValueFrom } from '../../core/notifications/destination.js';
import type { Problem } from '../../core/errors.js';

export interface ResolvedDestination {
  name: string;
  type: 'webhook' | 'slack';
  url: string;
  /** webhook: the Standard Webhooks secret (`whsec_…`, base64). */
  secret: string | null;
  /** What the destination points at; a 410 disables the destination for this target only. */
  targetDigest: string;
  filter: Pick<Destination, 'eventTypes' | 'minSeverity'>;
}

/** Reads a key of a Kubernetes Secret; absent outside the cluster. */
export type SecretReader = (name: string, key: string) => Promise<string | undefined>;

export interface CredentialSources {
  env: Record<string, string | undefined>;
  readSecret?: SecretReader;
}

export async function resolveDestinations(list: readonly Destination[], sources: CredentialSources): Promise<{ destinations: ResolvedDestination[]; problems: Problem[] }> {
  const destinations: ResolvedDestination[] = [];
  const problems: Problem[] = [];
  for (const d of list) {
    const refuse = (pointer: string, why: string): void => {
      problems.push({ code: 'CONFIG_SCHEMA', scope: `destination:${d.name}`, document: d.name, origin: d.origin, pointer, severity: 'error', message: `${why} Destination "${d.name}" gets no notifications until it can be read; the others are not affected.` });
    };
    const ref = d.type === 'webhook' ? d.secretFrom : d.urlFrom;
    const pointer = d.type === 'webhook' ? '/spec/secretFrom' : '/spec/urlFrom';
    const value = await readValue(ref, sources);
    if (!value.ok) {
      refuse(pointer, value.why);
      continue;
    }
    let url: string;
    if (d.type === 'slack') url = value.value;
    else if (typeof d.url === 'string') url = d.url;
    else {
      const read = await readValue(d.url.from, sources);
      if (!read.ok) {
        refuse('/spec/urlFrom', read.why);
        continue;
      }
      // A URL read from the environment escaped the schema's pattern: check it here. Only its source is named, never the value.
      if (!/^https?:\/\//.test(read.value.trim())) {
        refuse('/spec/urlFrom', `The webhook URL read from ${describeRef(d.url.from)} does not start with http:// or https://; set it to the receiver's URL.`);
        continue;
      }
      url = read.value.trim();
    }
    const secret = d.type === 'webhook' ? value.value : null;
    destinations.push({ name: d.name, type: d.type, url, secret, targetDigest: digest(url), filter: { eventTypes: d.eventTypes, minSeverity: d.minSeverity } });
  }
  return { destinations, problems };
}

async function readValue(ref: ValueFrom, sources: CredentialSources): Promise<{ ok: true; value: string } | { ok: false; why: string }> {
  if ('env' in ref) {
    const v = sources.env[ref.env];
    return v ? { ok: true, value: v } : { ok: false, why: `The environment variable ${ref.env} is not set or empty; set it in the controller's environment.` };
  }
  const { name, key } = ref.secretKeyRef;
  if (!sources.readSecret) return { ok: false, why: `Secret ${name} (key ${key}) can only be read in the cluster with --config-source kubernetes; outside it, use secretFrom/urlFrom: { env: NAME }.` };
  try {
    const v = await sources.readSecret(name, key);
    return v ? { ok: true, value: v } : { ok: false, why: `Secret ${name} has no key "${key}" (or it is empty); add it.` };
  } catch (err) {
    return { ok: false, why: `Secret ${name} could not be read (${err instanceof Error ? err.message : String(err)}); check that it exists and that the controller's role may get secrets.` };
  }
}

function describeRef(ref: ValueFrom): string {
  return 'env' in ref ? `the environment variable ${ref.env}` : `Secret ${ref.secretKeyRef.name} (key ${ref.secretKeyRef.key})`;
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
