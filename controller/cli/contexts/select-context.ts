// Which context a command runs in, and what it makes of the global options.
// Precedence, highest first: an option given on the command line, then the
// context named by --context, then the contexts file's current-context, then
// the environment variables (DATABASE_URL, CLASSCTL_ENV) and the defaults.
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import { contextsFilePath, EMBEDDED, findContext, listOf, readContextsFile, type ContextEntry } from './contexts-file.js';

export interface SelectedContext {
  name: string;
  /** The contexts file it comes from. */
  file: string;
  selectedBy: '--context' | 'current-context';
  entry: ContextEntry;
  /** The context's database: a URL (database-from-env read already), 'embedded', or undefined when it names none. */
  database: string | undefined;
}

/** The context `--context NAME` names, else the file's current-context, else none. */
export async function selectContext(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<SelectedContext | null> {
  const path = contextsFilePath(env);
  const file = path === null ? null : await readContextsFile(path);
  if (flag !== undefined) return selected(findContext(file, flag, path), path!, '--context', env);
  if (!file?.currentContext) return null;
  const current = file.contexts.get(file.currentContext);
  if (!current) {
    throw new ClassctlError(
      ErrorCodes.CONTEXT_UNKNOWN,
      `The current-context of ${file.path} is "${file.currentContext}", which is not under contexts (${listOf(file.contexts)}). Run \`classctl context use NAME\` with one of them, or name one with --context.`,
      { key: file.currentContext },
    );
  }
  return selected(current, file.path, 'current-context', env);
}

function selected(entry: ContextEntry, file: string, selectedBy: SelectedContext['selectedBy'], env: NodeJS.ProcessEnv): SelectedContext {
  let database = entry.database;
  if (entry.databaseFromEnv !== undefined) {
    database = env[entry.databaseFromEnv];
    if (!database) {
      throw new ClassctlError(
        ErrorCodes.CONTEXT_DATABASE_UNSET,
        `Context "${entry.name}" (${selectedBy === '--context' ? '--context' : `current-context in ${file}`}) takes its database from the environment variable ${entry.databaseFromEnv}, which is not set. Export it, pass --database URL, or choose another context (--context NAME).`,
        { key: entry.name },
      );
    }
  }
  return { name: entry.name, file, selectedBy, entry, database };
}

/** The global options as given: each value and whether it was typed on the command line (not a default). */
export interface GivenOptions {
  database?: string;
  config?: string;
  configSource?: string;
  namespace?: string;
  env?: string;
  explicit: ReadonlySet<'database' | 'config' | 'configSource' | 'namespace' | 'env'>;
}

export interface ResolvedOptions {
  /** A PostgreSQL URL; undefined: the embedded database. */
  database: string | undefined;
  config: string;
  configSource: 'files' | 'kubernetes';
  namespace: string | undefined;
  env: string | undefined;
}

/** The precedence above, applied to each option; `context` null when none is in use. */
export function resolveOptions(given: GivenOptions, context: SelectedContext | null, env: NodeJS.ProcessEnv): ResolvedOptions {
  const flag = <K extends keyof Omit<GivenOptions, 'explicit'>>(key: K): GivenOptions[K] | undefined => (given.explicit.has(key) ? given[key] : undefined);
  const c = context?.entry;
  const contextDatabase = context?.database;
  let database: string | undefined;
  if (given.explicit.has('database')) database = given.database;
  else if (contextDatabase === EMBEDDED) database = undefined; // chosen on purpose: DATABASE_URL does not apply
  else database = contextDatabase ?? (env.DATABASE_URL || undefined);
  const source = flag('configSource') ?? c?.configSource ?? given.configSource ?? 'files';
  return {
    database,
    config: flag('config') ?? c?.config ?? given.config ?? './config',
    configSource: source === 'kubernetes' ? 'kubernetes' : 'files',
    namespace: flag('namespace') ?? c?.namespace ?? given.namespace,
    env: flag('env') ?? c?.env ?? env.CLASSCTL_ENV ?? undefined,
  };
}
