// A promise that nothing can settle any more (the database driver dropped it
// with its connection) must not end the process with Node's exit code 13
// and a warning: the command reports it in a sentence and exits 1. Run as a
// real process, since only a process whose event loop empties shows it.
import { spawnSync } from 'node:child_process';
import t from 'tap';

const strayErrors = new URL('../../controller/cli/stray-errors.js', import.meta.url).href;

function runScript(body: string) {
  const script = `import { exitWhenWorkIsLost } from ${JSON.stringify(strayErrors)};\nlet finished = false;\nexitWhenWorkIsLost(process.stderr, () => finished, 1);\n${body}`;
  // The parent's loader flags (tsx when the tests run from the sources) let the child import the same module.
  return spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
}

const rows = [
  {
    name: 'a wait that can never end: exit 1 and a sentence, not exit 13',
    body: 'await new Promise(() => {});\nfinished = true;',
    code: 1,
    stderr: /a database request was lost with its connection and can never complete, so the command stopped\. What it committed is kept\. Run the command again\./,
  },
  { name: 'a command that finishes keeps its own exit code', body: 'await new Promise((r) => setTimeout(r, 10));\nfinished = true;\nprocess.exitCode = 3;', code: 3, stderr: /^$/ },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const r = runScript(row.body);
    t.equal(r.status, row.code, r.stderr);
    t.match(r.stderr, row.stderr);
    t.notMatch(r.stderr, /unsettled top-level await/);
  });
}
