// Whether the compiled dist/ is up to date with the sources it is built from,
// checked before every run of bin/classctl.js, so it only stats files: each
// controller/**/*.ts against its compiled .js, each migration .sql and each
// web console file against its copy, each schema against the copy tsc emits beside dist/controller.
// A few milliseconds for the whole tree.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function mtimeMs(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/** Files under dir (relative to it), recursively. */
function filesUnder(dir, prefix = '') {
  let entries;
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : e.isFile() ? [join(prefix, e.name)] : []));
}

/**
 * The first source under root (a checkout: controller/, schemas/) that is
 * newer than its compiled file or has none, as a path relative to root; null
 * when dist/ is up to date. A schema with no compiled copy is not imported by
 * the code, so it does not count.
 */
export function staleSource(root) {
  for (const file of filesUnder(join(root, 'controller'))) {
    let compiled;
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) compiled = join(root, 'dist', 'controller', file.slice(0, -3) + '.js');
    else if (file.endsWith('.sql')) compiled = join(root, 'dist', 'controller', file);
    // The web console's files are copied as they are.
    else if (file.startsWith(join('server', 'console') + '/')) compiled = join(root, 'dist', 'controller', file);
    else continue;
    const source = join(root, 'controller', file);
    const built = mtimeMs(compiled);
    if (built === undefined || mtimeMs(source) > built) return relative(root, source);
  }
  for (const file of filesUnder(join(root, 'schemas'))) {
    const built = mtimeMs(join(root, 'dist', 'schemas', file));
    const source = join(root, 'schemas', file);
    if (built !== undefined && mtimeMs(source) > built) return relative(root, source);
  }
  return null;
}
