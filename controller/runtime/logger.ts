import { createRequire } from 'node:module';
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import type { PrettyOptions, PrettyStream } from 'pino-pretty';

// pino-pretty is loaded only for a terminal: a command in a pipe, a container
// or a test does not pay for it at start-up. It is CommonJS, so require() can
// load it synchronously where the logger is made.
const require = createRequire(import.meta.url);
const pretty = (opts: PrettyOptions): PrettyStream => (require('pino-pretty') as (o: PrettyOptions) => PrettyStream)(opts);

export type { Logger };

export type LogFormat = 'json' | 'pretty';

/**
 * Human-readable lines for a person at a terminal, JSON (one event per line)
 * for everything else: a pipe, a file, a container log collector.
 * CLASSCTL_LOG_FORMAT=json|pretty overrides the guess either way.
 */
export function chooseLogFormat(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const forced = env.CLASSCTL_LOG_FORMAT?.toLowerCase();
  if (forced === 'json' || forced === 'pretty') return forced;
  return (stream as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}

/**
 * Logs are on stderr, so that stdout carries only the command's output (a
 * plan, a snapshot) and can be piped.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv } = {}): Logger {
  const env = opts.env ?? process.env;
  const level = (opts.level ?? env.CLASSCTL_LOG_LEVEL ?? 'info') as LevelWithSilent;
  const destination = opts.destination ?? process.stderr;
  const options = { level, base: { app: 'classctl' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (chooseLogFormat(destination, env) === 'pretty') {
    // sync: a line is written before the next statement runs, as with JSON, so
    // a crash or process.exit never swallows the last lines.
    const stream = pretty({ destination, sync: true, singleLine: true, colorize: (destination as { isTTY?: boolean }).isTTY === true, ignore: 'pid,hostname,app', translateTime: 'SYS:HH:MM:ss.l' });
    return pino(options, stream);
  }
  return pino(options, destination as DestinationStream);
}
