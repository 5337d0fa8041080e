import type { Command } from 'commander';
import { createLogger, type Logger } from '../runtime/logger.js';

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
}

export interface CliContext {
  io: CliIo;
  /**
   * Wraps a command's action: the action returns its exit code, which becomes
   * the program's; thrown errors are reported by main.
   */
  action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void>;
  globals(cmd: Command): GlobalOptions;
  logger(cmd: Command): Logger;
  write(text: string): void;
}

export function createCliContext(io: CliIo, onExit: (code: number) => void): CliContext {
  return {
    io,
    action(fn) {
      return async (...args) => {
        onExit(await fn(...args));
      };
    },
    globals(cmd) {
      const o = cmd.optsWithGlobals() as Record<string, unknown>;
      const source = String(o.configSource ?? 'files');
      return {
        database: (o.database as string | undefined) ?? io.env.DATABASE_URL ?? undefined,
        config: String(o.config ?? './config'),
        configSource: source === 'kubernetes' ? 'kubernetes' : 'files',
        namespace: o.namespace as string | undefined,
        env: (o.env as string | undefined) ?? io.env.CLASSCTL_ENV ?? undefined,
        logLevel: String(o.logLevel ?? 'info'),
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
