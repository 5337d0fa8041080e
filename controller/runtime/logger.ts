import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Logs are pino JSON, one event per line, on stderr, so that stdout carries only
 * the command's output (a plan, a snapshot) and can be piped.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = (opts.level ?? process.env.CLASSCTL_LOG_LEVEL ?? 'info') as LevelWithSilent;
  return pino(
    { level, base: { app: 'classctl' }, timestamp: pino.stdTimeFunctions.isoTime },
    (opts.destination ?? process.stderr) as DestinationStream,
  );
}
