// The synthetic chain as the files an operator hands to classctl: a load file
// (`classctl load FILE`) and a config directory (`--config DIR`), for the
// benchmarks that run classctl as separate processes.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { SyntheticInputs } from './synthetic-data.js';

/**
 * Writes `{"branches": [...], "series": [...]}` one row per line, as a JSON
 * export of a booking system looks, without building the whole text in memory.
 */
export async function writeLoadFile(path: string, load: SyntheticInputs['load']): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  const section = async (name: string, rows: readonly unknown[], last: boolean) => {
    await write(`  ${JSON.stringify(name)}: [\n`);
    for (let i = 0; i < rows.length; i++) await write(`    ${JSON.stringify(rows[i])}${i < rows.length - 1 ? ',' : ''}\n`);
    await write(`  ]${last ? '' : ','}\n`);
  };
  await write('{\n');
  await section('branches', load.branches, false);
  await section('series', load.series, true);
  await write('}\n');
  out.end();
  await finished(out);
}

/** One `.json` file per SchedulingConfig document, named after it. */
export function writeConfigDir(dir: string, documents: readonly unknown[]): void {
  mkdirSync(dir, { recursive: true });
  for (const doc of documents) {
    const name = (doc as { metadata: { name: string } }).metadata.name;
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(doc, null, 2) + '\n');
  }
}

/**
 * A base document whose closures map holds `keys` distinct dates (one a day
 * from 1900-01-01): the largest configuration the parsing goals name.
 */
export function baseWithClosures(keys: number): unknown {
  const closures: Record<string, string> = {};
  const day = 86_400_000;
  const start = Date.UTC(1900, 0, 1);
  for (let i = 0; i < keys; i++) closures[new Date(start + i * day).toISOString().slice(0, 10)] = `Closed ${i}`;
  return {
    apiVersion: 'scheduling.classctl.dev/v1',
    kind: 'SchedulingConfig',
    metadata: { name: 'base' },
    spec: {
      scope: {},
      settings: {
        generation: { enabled: true, horizonDays: 56 },
        dst: { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' },
        closures,
        sessionDefaults: { durationMinutes: 60, capacity: 20 },
        removal: { unbooked: 'delete', booked: 'cancel' },
        cleanup: { deleteSeriesAfterDays: 0 },
        safety: { maxRemovalsPerRun: 500 },
      },
    },
  };
}
