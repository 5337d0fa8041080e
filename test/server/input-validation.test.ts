// Requests whose input the server cannot use get a 400 with a message, never
// a 500: `now` outside the years 1900–9999, a series id holding a NUL or
// another control character, and any database data exception a request value
// causes (checked against real PostgreSQL).
import t from 'tap';
import { openDatabase } from '../../controller/store/database.js';
import { toErrorResponse } from '../../controller/server/error-handler.js';
import { freshPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { embeddedDatabase, testApp } from './helpers.js';

t.test('GET /api/plan with a now outside the years 1900–9999: 400 naming now', async (t) => {
  const db = await embeddedDatabase(t);
  const { app } = await testApp(t, db);
  for (const now of ['0001-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '+010000-01-01T00:00:00Z']) {
    const res = await app.inject({ method: 'GET', url: '/api/plan', query: { now } });
    t.equal(res.statusCode, 400, `${now}: 400`);
    t.equal(res.json().code, 'INVALID_REQUEST');
    t.match(res.json().message, /now|pattern/, `${now}: the message names the parameter`);
  }
  const res = await app.inject({ method: 'GET', url: '/api/plan', query: { now: '0001-01-01T00:00:00Z' } });
  t.match(res.json().message, /now "0001-01-01T00:00:00Z" is outside the years 1900 to 9999/);
});

t.test('GET /api/series/:id/explain with a control character in the id: 400', async (t) => {
  const db = await embeddedDatabase(t);
  const { app } = await testApp(t, db);
  for (const id of ['%00', 'ny%00yoga', '%1F', '%7F']) {
    const res = await app.inject({ method: 'GET', url: `/api/series/${id}/explain` });
    t.equal(res.statusCode, 400, `${id}: 400`);
    t.equal(res.json().code, 'INVALID_REQUEST', `${id}: INVALID_REQUEST`);
  }
});

t.test('a PostgreSQL data exception from a request value is a 400, not a 500 [postgres]', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await openDatabase({ url: await freshPostgresDatabase(t) });
  t.teardown(() => db.close());
  const err = await db.query('SELECT $1::text AS id', ['a\u0000b']).then(() => null, (e: Error) => e);
  t.ok(err, 'PostgreSQL refuses a NUL in text');
  const { status, body } = toErrorResponse(err!);
  t.equal(status, 400);
  t.equal(body.code, 'INVALID_REQUEST');
  t.match(body.message, /NUL/);
});
