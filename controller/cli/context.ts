import type { Command } from 'commander';
import { createLogger, type Logger } from '../runtime/logger.js';
import { logLevelFrom } from './option-values.js';
import { resolveOptions, selectContext, type SelectedContext } from './contexts/select-context.js';

/** Where a command writes: its output on stdout, logs on stderr. Tests pass buffers. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Environment variables (defaults to process.env); tests pass their own. */
  env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  database?: string;
  config: string;
  configSource: 'files' | 'kubernetes';
  namespace?: string;
  env?: string;
  logLevel: string;
  /** The context the options came from (--context, or the contexts file's current-context); absent: none. */
  context?: { name: string; file: string; selectedBy: '--context' | 'current-context'; database: string | undefined };
}

/** The global options a context can set: one given on the command line wins over it. */
const CONTEXT_OPTION_KEYS = ['database', 'config', 'configSource', 'namespace', 'env'] as const;

export interface CliContext {
  io: CliIo;
  /**
   * Wraps a command's action: the action returns its exit code, which becomes
   * the program's; thrown errors are reported by main.
   */
  action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void>;
  /**
   * Reads the contexts file and selects the context (--context, else
   * current-context) before a command's action runs; `globals` applies it.
   */
  selectContext(cmd: Command): Promise<void>;
  /** The global options; `ignoreCurrentContext`: only a context named with --context applies (the demo). */
  globals(cmd: Command, opts?: { ignoreCurrentContext?: boolean }): GlobalOptions;
  logger(cmd: Command): Logger;
  write(text: string): void;
}

export function createCliContext(io: CliIo, onExit: (code: number) => void): CliContext {
  let selected: SelectedContext | null = null;
  return {
    io,
    action(fn) {
      return async (...args) => {
        onExit(await fn(...args));
      };
    },
    async selectContext(cmd) {
      const flag = cmd.optsWithGlobals().context as string | undefined;
      selected = await selectContext(flag, io.env);
    },
    globals(cmd, opts = {}) {
      const o = cmd.optsWithGlobals() as Record<string, unknown>;
      const context = opts.ignoreCurrentContext && selected?.selectedBy === 'current-context' ? null : selected;
      const explicit = new Set(CONTEXT_OPTION_KEYS.filter((k) => cmd.getOptionValueSourceWithGlobals(k) === 'cli'));
      const given = { ...(o as Record<string, string | undefined>), explicit };
      const resolved = resolveOptions(given, context, io.env);
      return {
        ...resolved,
        logLevel: logLevelFrom(String(o.logLevel ?? 'info')),
        ...(context ? { context: { name: context.name, file: context.file, selectedBy: context.selectedBy, database: context.database } } : {}),
      };
    },
    logger(cmd) {
      return createLogger({ level: this.globals(cmd).logLevel, destination: io.stderr });
    },
    write(text) {
      io.stdout.write(text);
    },
  };
}
