// Config documents from a directory (`--config DIR`): every `.yaml`, `.yml` and
// `.json` file directly in it, in name order. Subdirectories and dot-files are
// not read, so a Kubernetes ConfigMap mount (with its `..data` links) works as is.
// A config-named entry that is neither a regular file nor a directory (a
// device, FIFO or socket, or a link to one) is a problem, not skipped: it was
// put there as a config file, and reading it could block or never end.
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../core/errors.js';
import type { ConfigDocument } from '../core/types.js';
import { parseConfigFile } from './config-file.js';
import { attachHolidayCalendars } from './holiday-calendars.js';

const CONFIG_FILE = /\.(ya?ml|json)$/i;

export async function loadConfigDocumentsFromDir(dir: string): Promise<{ documents: ConfigDocument[]; problems: Problem[] }> {
  const documents: ConfigDocument[] = [];
  const problems: Problem[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.') && CONFIG_FILE.test(n)).sort();
  } catch (err) {
    problems.push(unreadable(dir, `Cannot read the config directory "${dir}" (${errorCode(err)}). Pass --config DIR naming the directory of SchedulingConfig documents.`));
    return { documents, problems };
  }
  for (const name of names) {
    const path = join(dir, name);
    let text: string;
    try {
      const info = await stat(path);
      if (info.isDirectory()) continue;
      if (!info.isFile()) {
        problems.push(
          unreadable(
            path,
            `"${path}" is ${entryKind(info)}, not a regular file, so it is not read. Replace it with the SchedulingConfig file it should be, ` +
              'or remove it from the config directory; nothing is reconciled until then, as its documents may configure any scope.',
          ),
        );
        continue;
      }
      text = await readFile(path, 'utf8');
    } catch (err) {
      problems.push(unreadable(path, `Cannot read "${path}" (${errorCode(err)}); nothing is reconciled until it can be read, as its documents may configure any scope.`));
      continue;
    }
    const parsed = parseConfigFile(text, path);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  problems.push(...(await attachHolidayCalendars(documents, dir)));
  return { documents, problems };
}

function unreadable(origin: string, message: string): Problem {
  return { code: 'CONFIG_UNREADABLE', scope: 'all', origin, pointer: '', severity: 'error', message };
}

function entryKind(info: Stats): string {
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (err instanceof Error ? err.message : String(err));
}
