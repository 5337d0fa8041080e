// One set of codes, one spelling each: the catalogues in the code, the codes
// the code emits, the table in docs/codes.md and every code another page
// names must agree. And a warning keeps its code from the log to the JSON plan.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, type Problem } from '../../controller/core/errors.js';
import { PlanWarningCodes } from '../../controller/core/plan-types.js';
import { HttpErrorCodes } from '../../controller/server/http-errors.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { renderPlanText } from '../../controller/core/render/plan-text.js';
import { baseConfig } from '../helpers/fixtures.js';
import { planBranch } from '../../controller/core/plan-branch.js';
import { observedOf } from './plan/plan-fixtures.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CATALOGUE = new Set<string>([...Object.values(ErrorCodes), ...Object.values(PlanWarningCodes), ...Object.values(HttpErrorCodes)]);

/** Upper-case names that docs and code use and that are not codes: environment variables, driver and parser errors. */
const NOT_CODES = new Set([
  'CLASSCTL_ALLOW_APPLY', 'CLASSCTL_ENV', 'CLASSCTL_API_TOKEN', 'CLASSCTL_LOG_FORMAT', 'CLASSCTL_LOG_LEVEL', 'DATABASE_URL', 'REQUIRE_DATABASE', 'NODE_OPTIONS',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET',
  'DUPLICATE_KEY', // the yaml package's own error code, reproduced by sources/yaml-documents.ts
  'SQL_ASCII', // a PostgreSQL encoding name (store/migrate.ts)
]);
const CODE_SHAPE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const isCodeLike = (s: string) => CODE_SHAPE.test(s) && !NOT_CODES.has(s) && !s.startsWith('CLASSCTL_') && !s.startsWith('PG') && !s.startsWith('ERR_'); // ERR_*: Node.js's own error codes

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

function codesTable(): string[] {
  const text = readFileSync(join(ROOT, 'docs/codes.md'), 'utf8');
  return [...text.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

t.test('docs/codes.md lists every catalogued code exactly once, and nothing else', async (t) => {
  const table = codesTable();
  t.same(table.filter((c, i) => table.indexOf(c) !== i), [], 'no code twice');
  t.same([...CATALOGUE].filter((c) => !table.includes(c)).sort(), [], 'every code in the catalogues is documented');
  t.same(table.filter((c) => !CATALOGUE.has(c)).sort(), [], 'every documented code exists in a catalogue');
});

t.test('every code a doc page names exists in the code', async (t) => {
  const pages = [...filesUnder(join(ROOT, 'docs'), '.md'), join(ROOT, 'README.md')];
  const unknown: string[] = [];
  for (const page of pages) {
    for (const m of readFileSync(page, 'utf8').matchAll(/`([A-Z][A-Z0-9_]+)`/g)) {
      if (isCodeLike(m[1]!) && !CATALOGUE.has(m[1]!)) unknown.push(`${page.slice(ROOT.length)}: ${m[1]}`);
    }
  }
  t.same(unknown, [], 'add the code to a catalogue and docs/codes.md, or correct the page');
});

t.test('every code-shaped string the code emits is in a catalogue', async (t) => {
  const unknown: string[] = [];
  for (const file of filesUnder(join(ROOT, 'controller'), '.ts')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) {
      if (isCodeLike(m[1]!) && !CATALOGUE.has(m[1]!)) unknown.push(`${file.slice(ROOT.length)}: ${m[1]}`);
    }
  }
  t.same(unknown, [], 'give the code a catalogue entry and a row in docs/codes.md');
});

t.test('a warning keeps its code from the problem (and log line) to the JSON and text plan', async (t) => {
  const rows = [
    {
      name: 'a document for an unknown branch is CONFIG_UNKNOWN_TARGET in the JSON plan, as in the log',
      problem: { code: 'CONFIG_UNKNOWN_TARGET', scope: 'branch:uptown', document: 'branch-uptown', pointer: '/spec/scope/branch', severity: 'warning', message: 'No branch "uptown" exists in branches.' } as Problem,
      want: 'CONFIG_UNKNOWN_TARGET',
    },
  ];
  for (const row of rows) {
    const json = planToJson({ now: '2026-11-25T12:00:00.000Z', mode: 'plan', configDigest: 'x', branches: [], problems: [row.problem], warnings: [], seriesVersions: {} });
    t.same(json.warnings.map((w) => w.code), [row.want], `${row.name}: JSON`);
    t.match(renderPlanText(json), `Warning [${row.want}]: No branch "uptown"`, `${row.name}: text`);
  }
});

t.test('a series that moved to another branch is warned about as SERIES_MOVED_BRANCH', async (t) => {
  const now = Date.UTC(2026, 10, 25, 12);
  const plan = planBranch({
    branch: { id: 'b1', name: 'B1', timezone: 'UTC' },
    series: [],
    observed: [observedOf({ seriesId: 's2', occurrenceKey: '2026-11-26', startsAt: now + 86_400_000 })],
    allSeriesIds: new Set(['s2']), // s2 exists, in another branch
    archivedSeriesIds: new Set(),
    config: baseConfig(),
    now,
  });
  t.same(plan.warnings.map((w) => w.code), ['SERIES_MOVED_BRANCH']);
  t.same(plan.changes, [], 'its sessions here are left as they are');
});
