#!/usr/bin/env node
// Entry point. A development checkout (the TypeScript sources, and tsx from the
// dev dependencies that `npm ci` installs) runs the sources through tsx: no
// build step, and an old dist/ is never run by mistake. Without them — the
// image, or `npm ci --omit=dev` after `npm run build` — it runs the compiled
// dist/, so tsx is not a production dependency.
import { existsSync } from 'node:fs';

const source = new URL('../controller/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/controller/cli/main.js', import.meta.url);
let entry = compiled.href;
if (existsSync(source)) {
  const tsx = await import('tsx/esm/api').catch((err) => {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  });
  if (tsx) {
    tsx.register();
    entry = source.href;
  } else if (!existsSync(compiled)) {
    process.stderr.write('classctl: tsx is not installed and dist/ is not built. Run `npm ci` (installs tsx, to run the sources) or `npm run build`.\n');
    process.exit(2);
  }
}
const { runCli } = await import(entry);
await runCli();
