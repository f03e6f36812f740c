import t from 'tap';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.js';
import { makeApp } from '../helpers/app.js';

const readme = readFileSync(projectPath('README.md'), 'utf8');

t.test('the README starts with the two commands that run the server and the tests', async (t) => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
  t.match(firstBlock, /^npm ci && npm start\b/m);
  t.match(firstBlock, /^npm test\b/m);
});

t.test('every GraphQL example in the README runs without errors on the bundled catalog', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  t.ok(blocks.length > 0);
  for (const query of blocks) {
    const res = await a.app.inject({ method: 'POST', url: '/graphql', payload: { query } });
    t.equal(res.statusCode, 200);
    t.notOk(res.json().errors, JSON.stringify(res.json().errors));
  }
});

t.test('every environment variable the configuration reads is documented in the README', async (t) => {
  const config = readFileSync(projectPath('src/config.ts'), 'utf8');
  const vars = [...config.matchAll(/^ {2}((?:FEMTO_|PORT|HOST|LOG_LEVEL)[A-Z_]*):/gm)].map((m) => m[1]);
  t.ok(vars.length > 10);
  for (const v of vars) t.match(readme, `\`${v}\``, `${v} is in the README`);
});
