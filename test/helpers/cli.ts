// Runs `classctl ARGS` in-process through main(), capturing stdout and stderr.
import { PassThrough } from 'node:stream';
import { main } from '../../controller/cli/main.js';

export async function runClassctlInProcess(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(['node', 'classctl', ...args], { stdout, stderr, env });
  return { code, out, err };
}
