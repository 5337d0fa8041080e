#!/usr/bin/env node
// Lays out .test-build/: the repository as the tests see it, with every test
// and source module already compiled to JavaScript (by `npm run build`, into
// dist/), so `npm test` runs them with no TypeScript loader. A loader hook
// costs each test process about half a second of CPU, across 150 files a
// tenth of the suite.
//
// controller/, test/ and scripts/ are rebuilt from hard links: each file of
// the source tree (so a test that reads sources or fixtures finds them where
// it expects) and, beside each .ts file, its compiled .js and source map from
// dist/. Hard links, not symbolic ones, because Node resolves a module's
// symbolic link to its real path, and a test's `new URL('../../config',
// import.meta.url)` must stay inside .test-build/. Every other top-level
// entry (config/, docs/, bin/, node_modules/ …) is a symbolic link to the
// real one, so what a test writes there lands in the repository.
//
// Plain JavaScript: it runs before anything is compiled.
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.test-build');
const DIST = join(ROOT, 'dist');
const COMPILED_TREES = ['controller', 'test', 'scripts'];
const NOT_LINKED = new Set(['.git', '.test-build', '.tap', 'dist', ...COMPILED_TREES]);

function mirror(tree) {
  const walk = (dir) => {
    mkdirSync(join(OUT, dir), { recursive: true });
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      linkSync(join(ROOT, path), join(OUT, path));
      if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const js = path.replace(/\.ts$/, '.js');
        if (!existsSync(join(DIST, js))) throw new Error(`${js} is missing from dist/: run \`npm run build\` first.`);
        linkSync(join(DIST, js), join(OUT, js));
        if (existsSync(join(DIST, `${js}.map`))) linkSync(join(DIST, `${js}.map`), join(OUT, `${js}.map`));
      }
    }
  };
  walk(tree);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
for (const entry of readdirSync(ROOT)) {
  if (NOT_LINKED.has(entry)) continue;
  symlinkSync(relative(OUT, join(ROOT, entry)), join(OUT, entry));
}
for (const tree of COMPILED_TREES) mirror(tree);
