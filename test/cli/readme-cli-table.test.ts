// README.md's CLI table against the program: every command and every option
// appears in it, and it names no command or option that does not exist. The
// table is read from its first column: each `code span` there starts with a
// command path (`env set`, `get sessions`; `classctl` for the global options)
// and lists that command's options. Add a command or an option, and this test
// says which row to add or complete.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { buildProgram } from '../../controller/cli/main.js';

const README = 'README.md';

/** Every runnable command by its path ('' for the program itself), with its long option names. */
async function programCommands(): Promise<Map<string, Set<string>>> {
  const program = await buildProgram({ stdout: new PassThrough(), stderr: new PassThrough(), env: {} }, () => {}, 'all');
  const commands = new Map<string, Set<string>>();
  const walk = (cmd: Command, path: string[]): void => {
    // A group (`env`, `context`, `get`) is documented by its subcommands; a
    // command that has subcommands and options of its own (`runs --limit`,
    // `runs show N`) runs by itself too.
    if (path.length === 0 || cmd.commands.length === 0 || cmd.options.length > 0) commands.set(path.join(' '), new Set(cmd.options.map((o) => o.long).filter((l): l is string => l !== undefined)));
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return commands;
}

interface TableMention {
  /** The command path as written (`classctl` is the program: ''). */
  path: string;
  flags: string[];
  span: string;
}

/** The code spans of the first column of the table under `| command | does |`. */
function readCliTable(markdown: string): TableMention[] {
  const lines = markdown.split('\n');
  const head = lines.findIndex((l) => /^\|\s*command\s*\|/.test(l));
  if (head < 0) return [];
  const mentions: TableMention[] = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const firstCell = line.split(/(?<!\\)\|/)[1] ?? '';
    for (const m of firstCell.matchAll(/`([^`]+)`/g)) {
      const span = m[1]!;
      const words: string[] = [];
      for (const token of span.split(/\s+/)) {
        if (!/^[a-z][a-z-]*$/.test(token)) break;
        words.push(token);
      }
      const path = words[0] === 'classctl' ? '' : words.join(' ');
      mentions.push({ path, flags: [...span.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((f) => f[0]), span });
    }
  }
  return mentions;
}

t.test('readCliTable reads the command path and the options of each code span', async (t) => {
  const table = ['| command | does |', '|---|---|', '| `env set NAME` · `env show` | x |', '| `classctl [--database URL]` | y |', '| `get sessions [-o\\|--output table\\|json] [--now ISO]` | `--not-this` |', '', '| `after the table` |'].join('\n');
  t.same(readCliTable(table), [
    { path: 'env set', flags: [], span: 'env set NAME' },
    { path: 'env show', flags: [], span: 'env show' },
    { path: '', flags: ['--database'], span: 'classctl [--database URL]' },
    { path: 'get sessions', flags: ['--output', '--now'], span: 'get sessions [-o\\|--output table\\|json] [--now ISO]' },
  ]);
});

t.test(`${README}'s CLI table lists every command and option, and nothing else`, async (t) => {
  const commands = await programCommands();
  const mentions = readCliTable(readFileSync(README, 'utf8'));
  t.ok(mentions.length > 0, `${README} has a table under "| command | does |"`);
  const documented = new Map<string, Set<string>>();
  for (const m of mentions) {
    const options = commands.get(m.path);
    if (!options) {
      t.fail(`${README}'s CLI table names \`${m.span}\`, but there is no command "${m.path}": correct or remove that row.`);
      continue;
    }
    const seen = documented.get(m.path) ?? new Set<string>();
    documented.set(m.path, seen);
    for (const flag of m.flags) {
      if (options.has(flag)) seen.add(flag);
      else t.fail(`${README}'s CLI table gives ${m.path || 'classctl'} the option ${flag} in \`${m.span}\`, but it has no such option: correct or remove it.`);
    }
  }
  for (const [path, options] of commands) {
    const seen = documented.get(path);
    if (!seen) {
      t.fail(`${README}'s CLI table has no row for the command "${path || 'classctl (global options)'}": add \`| \`${path} …\` | what it does |\` to the table.`);
      continue;
    }
    for (const option of options) {
      if (!seen.has(option)) t.fail(`${README}'s CLI table does not mention ${option} of "${path || 'classctl (global options)'}": add \`[${option} …]\` to that command's row.`);
    }
  }
  t.pass(`${commands.size} commands checked`);
});
