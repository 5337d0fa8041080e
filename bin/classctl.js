#!/usr/bin/env node
// Entry point. From a source checkout the TypeScript runs through tsx (no build
// step, so `npm ci` is enough); an image that ships only the compiled `dist/`
// (see the Dockerfile) runs that instead.
import { existsSync } from 'node:fs';

const source = new URL('../controller/cli/main.ts', import.meta.url);
let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source.href;
} else {
  entry = new URL('../dist/controller/cli/main.js', import.meta.url).href;
}
const { runCli } = await import(entry);
await runCli();
