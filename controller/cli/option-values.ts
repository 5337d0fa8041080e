// The values an option accepts, declared once and shared by every command, so
// that a typo (`--config-source k8s`, `--output yml`, `--limit abc`) is a usage
// error (exit 2) naming the option and what it accepts, never a silent default.
// Commander checks them while it reads the command line, before any action runs.
import { InvalidArgumentError, Option } from 'commander';
import { ClassctlError } from '../core/errors.js';
import { readInstant } from '../core/instant-range.js';

export const CONFIG_SOURCES = ['files', 'kubernetes'] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

/** pino's levels, and `silent` for none. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

/** `text | json` for the help line: the accepted values, as the error lists them. */
function listed(values: readonly string[]): string {
  return values.join(' | ');
}

/**
 * An option that accepts one of `values` only. `about` describes the values
 * beyond their names (shown after them in the help).
 */
export function choiceOption(flags: string, values: readonly string[], opts: { about?: string; default?: string } = {}): Option {
  const option = new Option(flags, opts.about ? `${listed(values)} (${opts.about})` : listed(values)).choices(values);
  return opts.default === undefined ? option : option.default(opts.default);
}

/** `--output <format>` of a command that prints `formats`, the first being the default. */
export function outputOption(formats: readonly [string, ...string[]], opts: { flags?: string; about?: string } = {}): Option {
  return choiceOption(opts.flags ?? '--output <format>', formats, { about: opts.about, default: formats[0] });
}

/** `--config-source`: a value from the contexts file is checked there; this one on the command line. */
export function configSourceOption(): Option {
  return choiceOption('--config-source <source>', CONFIG_SOURCES, { about: 'where config documents come from', default: 'files' });
}

/**
 * `--log-level`: its default comes from CLASSCTL_LOG_LEVEL, which is checked
 * when the logger is made (logLevelFrom), since commander checks only what is
 * typed on the command line.
 */
export function logLevelOption(env: NodeJS.ProcessEnv): Option {
  return choiceOption('--log-level <level>', LOG_LEVELS, { default: env.CLASSCTL_LOG_LEVEL ?? 'info' });
}

/** A log level from --log-level or CLASSCTL_LOG_LEVEL, refused when pino would not know it. */
export function logLevelFrom(value: string): (typeof LOG_LEVELS)[number] {
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as (typeof LOG_LEVELS)[number];
  throw new ClassctlError('USAGE', `--log-level (or CLASSCTL_LOG_LEVEL) "${value}" is not a log level: use ${listed(LOG_LEVELS)}.`, { key: 'log-level' });
}

/**
 * A parser for a whole-number option from 1 to `max`: `abc`, `0`, `-3`, `2.5`
 * and `10x` are refused rather than read as a default or clamped.
 */
export function positiveIntegerArg(option: string, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${option} takes a whole number from 1 to ${max}.`);
    }
    return n;
  };
}

/**
 * An instant option (`--now`, `--from`, `--to`): ISO 8601 with `Z` or an
 * offset, in the years 1900–9999. The error names `option`, the one the user typed.
 */
export function parseInstantOption(option: string, value: string): number {
  const instant = readInstant(value);
  if (!instant.ok) throw new ClassctlError('USAGE', `${option} "${value}" ${instant.why}.`, { key: option.replace(/^--/, '') });
  return instant.ms;
}

/** `runs --limit`: the journal is read newest first; a thousand rows is already more than a terminal shows. */
export const MAX_LISTED_RUNS = 1000;
