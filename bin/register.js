// `node --import ./bin/register.js file.ts`: run a TypeScript entry (benchmarks, scripts) through tsx.
import { register } from 'tsx/esm/api';
register();
