#!/usr/bin/env node
// Entry point. Runs the compiled dist/ (quick to start) whenever it is up to
// date: always in the image, which holds no TypeScript sources, and in a
// checkout once `npm ci` or `npm run build` has built it. In a checkout where
// a source is newer than its compiled file (edited since the last build), an
// out-of-date dist/ is never run: the sources run through tsx (a development
// dependency) instead, or, without tsx, it says what to do and exits 2.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staleSource } from './dist-freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = new URL('../dist/controller/cli/main.js', import.meta.url);
const fail = (message) => {
  process.stderr.write(`classctl: ${message}\n`);
  process.exit(2);
};

let entry = compiled.href;
if (existsSync(new URL('../controller/cli/main.ts', import.meta.url))) {
  const stale = staleSource(root);
  if (stale !== null) {
    const tsx = await import('tsx/esm/api').catch((err) => {
      if (err?.code === 'ERR_MODULE_NOT_FOUND') return null;
      throw err;
    });
    const why = existsSync(compiled) ? `dist/ is older than ${stale}` : 'dist/ is not built';
    if (!tsx) fail(`${why}, and tsx (a development dependency) is not installed to run the sources. Run \`npm ci\` (it installs tsx and builds dist/), or \`npm run build\`.`);
    // Only for a person at a terminal: scripts and tests read stderr.
    if (process.stderr.isTTY) process.stderr.write(`classctl: ${why}: running the sources through tsx, slower to start. \`npm run build\` brings dist/ up to date.\n`);
    tsx.register();
    entry = new URL('../controller/cli/main.ts', import.meta.url).href;
  }
} else if (!existsSync(compiled)) {
  fail('dist/ is not built and the sources are not here. Run `npm ci` in a checkout (it builds dist/), or `npm run build`.');
}
const { runCli } = await import(entry);
await runCli();
