import t from 'tap';
import { main } from '../controller/cli/main.js';
import { PassThrough } from 'node:stream';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr, env: {} }, out: () => out, err: () => err };
}

t.test('an unknown command is a usage error (exit 2)', async (t) => {
  const c = capture();
  const code = await main(['node', 'classctl', 'no-such-command'], c.io);
  t.equal(code, 2);
  t.match(c.err(), /error:/);
});
