import t from 'tap';
import { isTransientDbError, withRetry, type RetryPolicy } from '../../controller/runtime/retry.js';

function policy(delays: number[], maxAttempts = 5): RetryPolicy {
  return { maxAttempts, initialDelayMs: 1000, maxDelayMs: 4000, delay: async (ms) => void delays.push(ms) };
}
const err = (code: string) => Object.assign(new Error(code), { code });

const transient = [
  { name: 'serialization failure 40001 is transient', e: err('40001'), expect: true },
  { name: 'deadlock 40P01 is transient', e: err('40P01'), expect: true },
  { name: 'terminated backend 57P01 is transient', e: err('57P01'), expect: true },
  { name: 'a closed postgres.js connection is transient', e: err('CONNECTION_CLOSED'), expect: true },
  { name: 'a refused socket is transient', e: err('ECONNREFUSED'), expect: true },
  { name: 'a transient error wrapped as cause is transient', e: new Error('wrapped', { cause: err('40001') }), expect: true },
  { name: 'a unique violation 23505 is not transient', e: err('23505'), expect: false },
  { name: 'a syntax error 42601 is not transient', e: err('42601'), expect: false },
  { name: 'a plain Error is not transient', e: new Error('boom'), expect: false },
];
for (const row of transient) t.test(row.name, async (t) => t.equal(isTransientDbError(row.e), row.expect));

t.test('backoff doubles and is capped: delays recorded, never slept', async (t) => {
  const delays: number[] = [];
  let calls = 0;
  await t.rejects(
    withRetry(async () => {
      calls++;
      throw err('57P01');
    }, policy(delays)),
    { code: '57P01' },
  );
  t.equal(calls, 5, 'gives up after maxAttempts');
  t.same(delays, [1000, 2000, 4000, 4000]);
});

t.test('succeeds on a later attempt after transient errors', async (t) => {
  const delays: number[] = [];
  const result = await withRetry(async (attempt) => {
    if (attempt < 3) throw err('40P01');
    return 'done';
  }, policy(delays));
  t.equal(result, 'done');
  t.same(delays, [1000, 2000]);
});

t.test('a terminal error is not retried', async (t) => {
  const delays: number[] = [];
  let calls = 0;
  await t.rejects(withRetry(async () => {
    calls++;
    throw err('23505');
  }, policy(delays)));
  t.equal(calls, 1);
  t.same(delays, []);
});
