import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';

// FEMTO_DB_READ_URL: a postgres URL of a streaming replica, only beside a PostgreSQL FEMTO_DB.
const primary = 'postgres://femto:secret@db-primary:5432/femto';
const standby = 'postgresql://femto:secret@db-standby:5432/femto';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

t.test('a postgres URL beside a PostgreSQL FEMTO_DB is taken as it is', async (t) => {
  t.equal(loadConfig({ FEMTO_DB: primary, FEMTO_DB_READ_URL: standby }).dbReadUrl, standby);
  t.equal(loadConfig({ FEMTO_DB: primary }).dbReadUrl, undefined, 'optional');
});

t.test('FEMTO_DB_READ_MAX_LAG_MS: 5000 ms unless set, a whole number of ms from 100 to an hour', async (t) => {
  t.equal(loadConfig({ FEMTO_DB: primary, FEMTO_DB_READ_URL: standby }).dbReadMaxLagMs, 5000);
  t.equal(loadConfig({ FEMTO_DB: primary, FEMTO_DB_READ_URL: standby, FEMTO_DB_READ_MAX_LAG_MS: '250' }).dbReadMaxLagMs, 250);
  for (const bad of ['0', '99', '-1', '1.5', 'soon', '3600001'])
    t.match(problems({ FEMTO_DB: primary, FEMTO_DB_READ_URL: standby, FEMTO_DB_READ_MAX_LAG_MS: bad }), [/^FEMTO_DB_READ_MAX_LAG_MS: /], bad);
});

t.test('refused, naming the variable', async (t) => {
  t.match(problems({ FEMTO_DB: './data/femto.sqlite', FEMTO_DB_READ_URL: standby }), [/^FEMTO_DB_READ_URL: .*needs FEMTO_DB to be a postgres:\/\/ URL/]);
  t.match(
    problems({ FEMTO_DB: primary, FEMTO_DB_READ_URL: 'http://db-standby:5432/femto' }),
    [/^FEMTO_DB_READ_URL: must be a postgres:\/\/ URL/],
    'not postgres',
  );
  t.match(
    problems({ FEMTO_DB: primary, FEMTO_DB_READ_URL: 'postgres://femto:secret@db standby:x/femto' }),
    [/^FEMTO_DB_READ_URL: must be a postgres:\/\/ URL/],
    'unparsable',
  );
  t.match(problems({ FEMTO_DB: primary, FEMTO_DB_READ_URL: './replica.sqlite' }), [/^FEMTO_DB_READ_URL: /], 'a file');
});
