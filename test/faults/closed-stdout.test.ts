// `classctl … | head -N`: the reader closes stdout early. The command ends
// quietly (exit 0, no stack), and a run in progress still finishes its
// journal row. Real processes and a real pipe: bash runs `classctl … | head -1`.
import { spawn } from 'node:child_process';
import t from 'tap';
import { requirePostgres } from '../helpers/db.js';
import { CLASSCTL, CONFIG_DIR, NOW_ISO, ROOT, demoDatabase, runClassctl } from './harness.js';

interface ClosedPipeCase {
  name: string;
  /** Fills the database first (three months of sessions), so the command has more output than a pipe buffer holds. */
  reconciled: boolean;
  args: (url: string) => string[];
}

const cases: ClosedPipeCase[] = [
  {
    name: 'simulate | head -1: the simulation stops quietly after the tick in progress, whose run is journaled',
    reconciled: false,
    args: (url) => ['simulate', '--apply', '--database', url, '--config', CONFIG_DIR, '--from', '2026-11-25T00:00:00Z', '--to', '2026-12-05T00:00:00Z', '--every', 'PT6H'],
  },
  {
    name: 'snapshot --output json | head -1 (more than a pipe buffer of output): exit 0, no stack',
    reconciled: true,
    args: (url) => ['snapshot', '--database', url, '--output', 'json'],
  },
];

/** `classctl ARGS | head -1` in bash: a real reader that closes the pipe after one line. */
function throughHead(args: string[]): Promise<{ code: number | null; firstLine: string; stderr: string }> {
  const quoted = [process.execPath, CLASSCTL, '--log-level', 'warn', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('bash', ['-c', `${quoted} | head -1; echo "classctl-exit=\${PIPESTATUS[0]}" >&2`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve) =>
    child.on('exit', () => {
      const code = /classctl-exit=(\d+)/.exec(err)?.[1];
      resolve({ code: code === undefined ? null : Number(code), firstLine: out.split('\n')[0] ?? '', stderr: err.replace(/classctl-exit=\d+\n?/, '') });
    }),
  );
}

if (requirePostgres(t)) {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const { url, db } = await demoDatabase(t);
      if (c.reconciled) {
        const fill = runClassctl(['simulate', '--apply', '--database', url, '--config', CONFIG_DIR, '--from', '2026-09-01T00:00:00Z', '--to', NOW_ISO, '--every', 'P7D']);
        t.equal((await fill.exit).code, 0, 'sessions to print');
      }
      const r = await throughHead(c.args(url));
      t.ok(r.firstLine.length > 0, 'the reader got its line');
      t.equal(r.code, 0, 'exit 0: the reader asked for no more');
      t.notMatch(r.stderr, /EPIPE|Unhandled|\n\s+at /, 'no error and no stack on stderr');
      const running = await db.query(`SELECT id FROM reconcile_runs WHERE status = 'running'`);
      t.same(running, [], "no journal row left 'running'");
    });
  }
}
