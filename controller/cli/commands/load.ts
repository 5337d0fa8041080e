// `classctl load FILE`: upsert branches and series from a YAML or JSON file
// (DESIGN §6 shape; a snapshot file loads too). Every problem is listed and
// nothing is written when any row is invalid (exit 2).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import type { Problem } from '../../core/errors.js';
import { loadInputs } from '../../store/load.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/**
 * The file's single document. YAML 1.2 core schema, so unquoted 2026-11-25
 * and 18:30 stay strings; JSON is read by the same parser (JSON is YAML).
 */
export function parseLoadFile(text: string): { doc: unknown; error: string | null } {
  const docs = parseAllDocuments(text, { schema: 'core', prettyErrors: true });
  if (docs.length > 1) return { doc: null, error: `the file holds ${docs.length} YAML documents; put branches and series in one` };
  const d = docs[0];
  if (!d) return { doc: null, error: null }; // an empty file: validation says what it needs
  const first = d.errors[0];
  if (first) return { doc: null, error: first.message };
  return { doc: d.toJS({ maxAliasCount: 100 }), error: null };
}

function problemLine(file: string, p: Problem): string {
  return `${file}#${p.pointer || '/'}: ${p.message}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('load <file>')
    .description('Upsert branches and series from a YAML or JSON file; nothing is written if any row is invalid.')
    .action(
      ctx.action(async (file: string, _opts: unknown, cmd: Command) => {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          ctx.io.stderr.write(`classctl: cannot read ${file}: ${(err as Error).message}\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const parsed = parseLoadFile(text);
        if (parsed.error) {
          ctx.io.stderr.write(`classctl: ${file} is not valid YAML or JSON: ${parsed.error}\nNothing was written.\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          const result = await loadInputs(db, parsed.doc);
          const errors = result.problems.filter((p) => p.severity === 'error');
          for (const p of result.problems) ctx.io.stderr.write(problemLine(file, p));
          if (errors.length > 0) {
            ctx.io.stderr.write(`${errors.length} problem${errors.length > 1 ? 's' : ''} in ${file}. Nothing was written.\n`);
            return ExitCode.USAGE_OR_INVALID_CONFIG;
          }
          ctx.logger(cmd).info({ database: db.describe(), file, ...result, problems: undefined }, 'inputs loaded');
          ctx.write(
            `Loaded ${result.branches} branch${result.branches === 1 ? '' : 'es'} (${result.written.branches} written) ` +
              `and ${result.series} series (${result.written.series} written) from ${file} into ${db.describe()}.\n`,
          );
          return ExitCode.OK;
        });
      }),
    );
}
