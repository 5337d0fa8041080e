// The image, checked by reading the files that build it (no Docker engine runs
// here; scripts/smoke-dist.sh runs the same install and the built CLI in CI).
// Without patches/ in both stages the image runs an unpatched postgres.js, and
// a killed connection crashes the process again.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface PackageJson {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(repoFile('package.json')) as PackageJson;

/** The Dockerfile's instructions per stage (`FROM … AS name`), continuation lines joined. */
function dockerStages(text: string): Map<string, string[]> {
  const stages = new Map<string, string[]>();
  let current: string[] | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim());
  for (const line of lines) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) stages.set(from[1]!, (current = []));
    else current?.push(line);
  }
  return stages;
}

/** Whether `.dockerignore` lets `path` into the build context: the last matching line decides. */
function inBuildContext(dockerignore: string, path: string): boolean {
  let included = true;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/\/$/, '');
    const source = pattern
      .split('/')
      .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
      .join('/');
    // A pattern naming a directory matches everything under it.
    if (new RegExp(`^${source}(/.*)?$`).test(path)) included = negated;
  }
  return included;
}

const stages = dockerStages(repoFile('Dockerfile'));
const dockerignore = repoFile('.dockerignore');

for (const stage of ['build', 'runtime']) {
  t.test(`${stage} stage: patches/ is copied before npm ci, so its postinstall applies them`, async (t) => {
    const lines = stages.get(stage);
    if (!lines) return t.fail(`no stage named ${stage} in the Dockerfile`);
    const install = lines.findIndex((l) => /^RUN\s+npm ci\b/.test(l));
    const copy = lines.findIndex((l) => /^COPY\s+(\S+\s+)*patches\/?\s+\S+$/.test(l));
    t.ok(install >= 0, 'the stage runs npm ci');
    t.ok(copy >= 0 && copy < install, `COPY patches comes before npm ci (COPY at ${copy}, npm ci at ${install})`);
  });
}

const contextRows = [
  { name: 'the postgres.js patch is in the build context', path: 'patches/postgres+3.4.9.patch', expected: true },
  { name: 'the lockfile is in the build context', path: 'package-lock.json', expected: true },
  { name: 'tests stay out of the build context', path: 'controller/cli/main.test.ts', expected: false },
  { name: 'a local node_modules stays out of the build context', path: 'node_modules/postgres/package.json', expected: false },
];
for (const row of contextRows) {
  t.test(`.dockerignore: ${row.name}`, async (t) => {
    t.equal(inBuildContext(dockerignore, row.path), row.expected);
  });
}

t.test('every patch file in patches/ is in the build context', async (t) => {
  const patches = readdirSync(new URL('../../patches/', import.meta.url)).filter((f) => f.endsWith('.patch'));
  t.ok(patches.length > 0, 'there is a patch to apply');
  for (const f of patches) t.ok(inBuildContext(dockerignore, `patches/${f}`), `patches/${f}`);
});

t.test('a patch that does not apply fails npm ci (the postinstall errors instead of warning)', async (t) => {
  t.match(pkg.scripts.postinstall, /^patch-package\b.*--error-on-fail/);
  t.ok(pkg.dependencies['patch-package'], 'patch-package is a production dependency: `npm ci --omit=dev` runs the postinstall too');
});

t.test('tsx is a development dependency only: the image runs the compiled dist/', async (t) => {
  t.notOk(pkg.dependencies.tsx, 'not in dependencies');
  t.ok(pkg.devDependencies.tsx, 'in devDependencies (the sources run through it in a checkout)');
});

t.test('the runtime stage copies the compiled program, not the TypeScript sources', async (t) => {
  const copies = (stages.get('runtime') ?? []).filter((l) => /^COPY\b/.test(l));
  t.ok(copies.some((l) => /--from=build\s+\/app\/dist\s/.test(l)), 'dist/ from the build stage');
  t.notOk(copies.some((l) => /\bcontroller\b/.test(l)), 'no controller/ sources');
});

t.test('rrule is pinned exactly: the code relies on its internals', async (t) => {
  t.match(pkg.dependencies.rrule, /^\d+\.\d+\.\d+$/);
});
