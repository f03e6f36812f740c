import t from 'tap';
import { makeApp } from '../helpers/app.js';

t.test('health answers ok with the version', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject('/health');
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status: 'ok', version: /^\d+\.\d+\.\d+/ });
  t.ok(res.headers['x-request-id'], 'every response carries its request id');
});
