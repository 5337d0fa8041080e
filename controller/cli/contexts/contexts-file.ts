// The contexts file: named sets of the global options (database, env,
// config source), kubectl-style, and which one is current. A context holds
// its options under their flag names, so `--database X` and `database: X`
// mean the same thing.
//
//   current-context: staging
//   contexts:
//     laptop:  { database: embedded }
//     staging: { database-from-env: STAGING_DATABASE_URL, env: staging, config: /srv/classes/config }
//     production: { database: postgres://app@db:5432/classes, env: production, config-source: kubernetes, namespace: classes }
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ClassctlError, ErrorCodes, joinPointer } from '../../core/errors.js';

/** A context as the file names it; paths resolved against the file's directory. */
export interface ContextEntry {
  name: string;
  /** A PostgreSQL URL, or 'embedded' for the embedded database. */
  database?: string;
  /** The name of an environment variable holding the PostgreSQL URL. */
  databaseFromEnv?: string;
  /** The environment the database must be stamped with (as --env). */
  env?: string;
  configSource?: 'files' | 'kubernetes';
  /** The config directory, absolute. */
  config?: string;
  namespace?: string;
}

export interface ContextsFile {
  path: string;
  currentContext: string | undefined;
  contexts: Map<string, ContextEntry>;
}

/** The literal that names the embedded database in a context's `database`. */
export const EMBEDDED = 'embedded';

const CONTEXT_FIELDS = ['database', 'database-from-env', 'env', 'config-source', 'config', 'namespace'] as const;
const TOP_FIELDS = ['current-context', 'contexts'] as const;
const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Where the contexts file is: CLASSCTL_CONTEXTS when set (empty: no contexts
 * file at all, for jobs that must not pick one up), else
 * $XDG_CONFIG_HOME/classctl/contexts.yaml, else ~/.config/classctl/contexts.yaml.
 * Only the given environment is read (never the process's home directory), so
 * a command run with an environment of its own sees no one's file by accident.
 */
export function contextsFilePath(env: NodeJS.ProcessEnv): string | null {
  const explicit = env.CLASSCTL_CONTEXTS;
  if (explicit !== undefined) return explicit === '' ? null : resolve(explicit);
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'classctl', 'contexts.yaml');
  if (env.HOME) return join(env.HOME, '.config', 'classctl', 'contexts.yaml');
  return null;
}

function invalid(path: string, pointer: string, what: string): never {
  throw new ClassctlError(ErrorCodes.CONTEXTS_FILE, `Contexts file ${path}${pointer ? ` at ${pointer}` : ''}: ${what}`, { key: pointer || path });
}

/** The file's text, or null when it does not exist. */
async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    invalid(path, '', `cannot be read (${(err as Error).message}). Check its permissions, or point CLASSCTL_CONTEXTS at another file.`);
  }
}

/** Reads and checks the contexts file; null when there is none. */
export async function readContextsFile(path: string): Promise<ContextsFile | null> {
  const text = await readText(path);
  if (text === null) return null;
  // The yaml package is imported here only: commands without a contexts file never load it.
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) invalid(path, '', `is not valid YAML: ${doc.errors[0]!.message}`);
  return checkContextsFile(path, doc.toJS() ?? {});
}

/** The checks of a parsed contexts file: every field known and of its type; errors name the JSON pointer and what to do. */
export function checkContextsFile(path: string, raw: unknown): ContextsFile {
  if (!isObject(raw)) invalid(path, '', 'must be a mapping with `contexts:` (and optionally `current-context:`).');
  unknownFields(path, '', raw, TOP_FIELDS);
  const current = raw['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') invalid(path, '/current-context', 'must be the name of a context.');
  const listed = raw.contexts ?? {};
  if (!isObject(listed)) invalid(path, '/contexts', 'must be a mapping from context name to its settings, e.g. `staging: { database: postgres://…, env: staging }`.');
  const contexts = new Map<string, ContextEntry>();
  for (const [name, value] of Object.entries(listed)) {
    const at = joinPointer('contexts', name);
    if (!CONTEXT_NAME.test(name)) invalid(path, at, `"${name}" is not a valid context name; use letters, digits, ".", "_" or "-".`);
    contexts.set(name, checkEntry(path, at, name, value ?? {}));
  }
  // A current-context naming no context is reported when a command would use it, not here: `context use` must still be able to repair it.
  const currentContext = typeof current === 'string' && current !== '' ? current : undefined;
  return { path, currentContext, contexts };
}

function checkEntry(path: string, at: string, name: string, raw: unknown): ContextEntry {
  if (!isObject(raw)) invalid(path, at, 'must be a mapping of database, database-from-env, env, config-source, config, namespace.');
  unknownFields(path, at, raw, CONTEXT_FIELDS);
  const text = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v === '') invalid(path, `${at}/${field}`, 'must be a non-empty string.');
    return v;
  };
  const entry: ContextEntry = { name };
  const database = text('database');
  const fromEnv = text('database-from-env');
  if (database !== undefined && fromEnv !== undefined) invalid(path, `${at}/database-from-env`, 'give either database or database-from-env, not both.');
  if (database !== undefined) {
    if (database !== EMBEDDED && !/^postgres(ql)?:\/\//.test(database)) {
      invalid(path, `${at}/database`, `must be a postgres:// URL or "${EMBEDDED}" (the embedded database in ./.classctl/).`);
    }
    entry.database = database;
  }
  if (fromEnv !== undefined) {
    if (!ENV_VAR_NAME.test(fromEnv)) invalid(path, `${at}/database-from-env`, `must name an environment variable (letters, digits, "_"), not "${fromEnv}".`);
    entry.databaseFromEnv = fromEnv;
  }
  entry.env = text('env');
  const source = text('config-source');
  if (source !== undefined && source !== 'files' && source !== 'kubernetes') invalid(path, `${at}/config-source`, `must be files or kubernetes, not "${source}".`);
  entry.configSource = source as ContextEntry['configSource'];
  const config = text('config');
  // Relative to the file, as kubectl resolves kubeconfig paths: the file is used from any directory.
  if (config !== undefined) entry.config = isAbsolute(config) ? config : resolve(dirname(path), config);
  entry.namespace = text('namespace');
  for (const key of Object.keys(entry) as Array<keyof ContextEntry>) if (entry[key] === undefined) delete entry[key];
  return entry;
}

function unknownFields(path: string, at: string, raw: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) invalid(path, `${at}/${key}`, `unknown field "${key}"; the fields are ${known.join(', ')}.`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function listOf(contexts: Map<string, ContextEntry>): string {
  return contexts.size === 0 ? 'none defined' : [...contexts.keys()].join(', ');
}

/** The context of that name, or CONTEXT_UNKNOWN naming the ones there are. */
export function findContext(file: ContextsFile | null, name: string, path: string | null): ContextEntry {
  const found = file?.contexts.get(name);
  if (found) return found;
  const where = path === null ? 'no contexts file is in use (CLASSCTL_CONTEXTS is empty, or HOME is not set)' : file === null ? `${path} does not exist` : `${path} defines ${listOf(file.contexts)}`;
  throw new ClassctlError(ErrorCodes.CONTEXT_UNKNOWN, `No context "${name}": ${where}. Define it under contexts: in that file, or name another with --context.`, { key: name });
}

/**
 * Sets `current-context`, keeping the rest of the file as written (comments,
 * order): edited as a YAML document and replaced in one rename.
 */
export async function writeCurrentContext(path: string, name: string): Promise<void> {
  const text = (await readText(path)) ?? '';
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text);
  doc.set('current-context', name);
  const temp = `${path}.${process.pid}.partial`;
  // Readable by its owner only: a context may hold a password.
  await writeFile(temp, doc.toString(), { mode: 0o600 });
  await rename(temp, path);
}
