import t from 'tap';
import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import pg from 'pg';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { openDatabase } from '../../src/db/client.js';
import { normalMarkovChainUri } from '../../src/modules/datasets/physics.schema.js';
import { projectPath } from '../../src/paths.js';
import { makeApp, minimalDataset, sqliteFile } from '../helpers/app.js';
import { requires } from '../helpers/external.js';
import { pgDatabase, postgres } from '../helpers/postgres.js';

const MIGRATION = '0020_markov-chain-normal-form';
const PG_MIGRATION = '0003_markov-chain-normal-form';

/** A migrations folder as it stood before `tag`. */
function foldersBefore(dir: string, folder: string, tag: string): string {
  const before = join(dir, `${folder}-before`);
  cpSync(projectPath(folder), before, { recursive: true });
  const journalPath = join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  if (cut < 1) throw new Error(`${tag} is not in ${folder}'s journal`);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return before;
}

/** The migration's statements, to run again inside a transaction that is rolled back. */
const statementsOf = (folder: string, tag: string) =>
  readFileSync(projectPath(folder, `${tag}.sql`), 'utf8')
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter(Boolean);

const now = '2025-01-01T00:00:00.000Z';

t.test(`${MIGRATION} rewrites stored chain URIs into their normal form, and changes the versions it rewrites`, async (t) => {
  const dir = t.testdir({});
  const database = openDatabase(join(dir, 'femto.sqlite'));
  t.teardown(() => database.close());
  const db = database.sqlite;
  migrate(drizzle(db), { migrationsFolder: foldersBefore(dir, 'migrations', MIGRATION) });

  const version = (dataset: string, n: number, state = 'published') => {
    db.prepare(`INSERT INTO datasets (id, updated_at, created_by) VALUES (?, ?, 'test') ON CONFLICT DO NOTHING`).run(dataset, now);
    return Number(
      db
        .prepare(
          `INSERT INTO dataset_versions (dataset_id, version_number, state, title, description, access_level, updated_at, published_at) VALUES (?, ?, ?, 't', 'd', 'open', ?, ?) RETURNING pk`,
        )
        .pluck()
        .get(dataset, n, state, now, state === 'published' ? now : null),
    );
  };
  const ensemble = (pk: number, uri: string) =>
    db.prepare(`INSERT INTO version_ensembles (version_pk, markov_chain_uri, lx, ly, lz, t) VALUES (?, ?, 8, 8, 8, 16)`).run(pk, uri);
  const related = (pk: number, position: number, type: string, value: string, relation = 'References') =>
    db
      .prepare(`INSERT INTO related_identifiers (version_pk, position, identifier_type, value, relation_type) VALUES (?, ?, ?, ?, ?)`)
      .run(pk, position, type, value, relation);
  const configuration = (uri: string, lfn: string) =>
    db.prepare(`INSERT INTO lattice_configurations (markov_chain_uri, lfn, created_by) VALUES (?, ?, 'test')`).run(uri, lfn);

  // Spellings real QCDml files and pre-normal-form clients wrote (expected values written out by hand).
  const usqcd = version('usqcd', 1);
  ensemble(usqcd, 'mc://USQCD/HotQCD/l3264f21b7373m00375m0750/');
  related(usqcd, 0, 'ILDG', 'mc://USQCD/HotQCD/l3264f21b7373m00375m0750', 'IsIdenticalTo');
  related(usqcd, 1, 'DOI', '10.1234/MC://UPPER/', 'References');
  related(usqcd, 2, 'ILDG', 'lfn://USQCD/HotQCD/cfg_100/', 'HasPart');
  related(usqcd, 3, 'URL', 'MC://Other.Host:8080?q=A#Frag', 'References');
  const qcdml1 = version('qcdml1', 1);
  ensemble(qcdml1, 'www.lqcd.org/ildg/UKQCD/nf2//');
  const untouched = version('untouched', 1);
  ensemble(untouched, 'mc://ldg/Already/Normal');
  related(untouched, 0, 'ILDG', 'mc://ldg/Already/Normal', 'IsIdenticalTo');
  configuration('MC://USQCD/HotQCD/l3264f21b7373m00375m0750//', 'lfn://USQCD/HotQCD/cfg_100');
  configuration('mc://ldg/Already/Normal', 'lfn://ldg/Already/cfg_1');
  // Two records whose spellings meet in one normal form: the one stating the chain first keeps it.
  const first = version('first', 1);
  ensemble(first, 'mc://CLS/E250/');
  const second = version('second', 1);
  ensemble(second, 'MC://cls/E250');
  const firstAgain = version('first', 2);
  ensemble(firstAgain, 'mc://cls/E250/');
  // A record already holding the normal form keeps it, though another record stated a spelling of it earlier.
  const older = version('older', 1);
  ensemble(older, 'mc://RBC/ens');
  const holder = version('holder', 1);
  ensemble(holder, 'mc://rbc/ens');
  const draft = version('drafted', 1, 'draft');
  ensemble(draft, 'mc://DRAFT/x/');

  const seqs = () =>
    new Map((db.prepare('SELECT version_pk, seq FROM version_changes').all() as { version_pk: number; seq: number }[]).map((r) => [r.version_pk, r.seq]));
  const before = seqs();
  const catalogBefore = db.prepare('SELECT seq FROM catalog_changes').pluck().get() as number;

  migrate(drizzle(db), { migrationsFolder: projectPath('migrations') });

  const ensembles = new Map(
    (db.prepare('SELECT version_pk, markov_chain_uri FROM version_ensembles').all() as { version_pk: number; markov_chain_uri: string }[]).map((r) => [
      r.version_pk,
      r.markov_chain_uri,
    ]),
  );
  t.same(
    Object.fromEntries(ensembles),
    {
      [usqcd]: 'mc://usqcd/HotQCD/l3264f21b7373m00375m0750',
      [qcdml1]: 'www.lqcd.org/ildg/UKQCD/nf2',
      [untouched]: 'mc://ldg/Already/Normal',
      [first]: 'mc://cls/E250',
      [second]: 'MC://cls/E250',
      [firstAgain]: 'mc://cls/E250',
      [older]: 'mc://RBC/ens',
      [holder]: 'mc://rbc/ens',
      [draft]: 'mc://draft/x',
    },
    'ensembles in normal form; where two records meet, the holder or the first keeps the chain and the other its spelling',
  );
  t.same(
    db.prepare('SELECT value FROM related_identifiers WHERE version_pk = ? ORDER BY position').pluck().all(usqcd),
    ['mc://usqcd/HotQCD/l3264f21b7373m00375m0750', '10.1234/MC://UPPER/', 'lfn://USQCD/HotQCD/cfg_100/', 'mc://other.host:8080?q=A#Frag'],
    'related identifiers naming a chain in normal form; a DOI and a logical file name as they were',
  );
  t.same(
    db.prepare('SELECT markov_chain_uri FROM lattice_configurations ORDER BY pk').pluck().all(),
    ['mc://usqcd/HotQCD/l3264f21b7373m00375m0750', 'mc://ldg/Already/Normal'],
    'configurations in normal form',
  );
  t.same(db.prepare(`SELECT name FROM sqlite_temp_master`).all(), [], 'no working table left behind');

  const after = seqs();
  const moved = (pk: number) => (after.get(pk) ?? 0) > (before.get(pk) ?? 0);
  for (const [name, pk] of Object.entries({ usqcd, qcdml1, first, firstAgain })) t.ok(moved(pk), `${name}: its representations changed`);
  for (const [name, pk] of Object.entries({ untouched, second, older, holder, draft })) t.notOk(moved(pk), `${name}: unchanged`);
  t.ok((db.prepare('SELECT seq FROM catalog_changes').pluck().get() as number) > catalogBefore, 'the catalog changed');
  t.ok(
    (db.prepare(`SELECT modified_at FROM datasets WHERE id = 'usqcd'`).pluck().get() as string) > now,
    'the rewritten record is dated anew (harvesters fetch it again)',
  );
});

/** Runs the migration's statements over `run`'s rows in a transaction rolled back, so one database serves every case. */
function rehearse(db: BetterSqlite3.Database, uris: string[]): string[] {
  db.exec('BEGIN');
  try {
    const insert = db.prepare(`INSERT INTO lattice_configurations (markov_chain_uri, lfn, created_by) VALUES (?, ?, 'test')`);
    uris.forEach((uri, i) => insert.run(uri, `lfn://case/${i}`));
    for (const statement of statementsOf('migrations', MIGRATION)) db.exec(statement);
    return db.prepare('SELECT markov_chain_uri FROM lattice_configurations ORDER BY pk').pluck().all() as string[];
  } finally {
    db.exec('ROLLBACK');
  }
}

/** Chain-URI-like text: random case, slashes, ?/#, ports and user info, no scheme or a malformed one, JavaScript whitespace at the ends. */
const space = fc.constantFrom('', ' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '\u2028');
const scheme = fc.constantFrom('mc', 'MC', 'Mc', 'lfn', 'HTTP', 'x+Y.z-1', '1mc', 'm_c', '');
const separator = fc.constantFrom('://', '://', ':/', ':', '');
const hostPiece = fc.constantFrom('USQCD', 'usqcd', 'Ldg', 'www.LQCD.org', 'a', 'Z', '.', '-', ':8080', 'user@', '%2F', '');
const tailPiece = fc.oneof(
  fc.constantFrom('/', '//', '?', '#', 'HotQCD', 'l3264F21', 'é', 'ß', 'Ünter', 'ens A', ':', '://', 'MC://X'),
  fc.string({ unit: fc.constantFrom(...'aZ09/?#:.'.split('')), maxLength: 4 }),
);
const chainLike = fc
  .tuple(space, scheme, separator, fc.array(hostPiece, { maxLength: 3 }), fc.array(tailPiece, { maxLength: 6 }), space)
  .map(([a, s, sep, host, tail, b]) => `${a}${s}${sep}${host.join('')}${tail.join('')}${b}`)
  .filter((s) => s.trim() !== '')
  // Upper-case letters outside ASCII in a host: JavaScript lowers them, SQL's lower() (no ICU, C ctype) does not. A
  // URI's host (RFC 3986 reg-name) is ASCII; a stored chain with such a host keeps those capitals (docs/database.md).
  .filter((s) => {
    const host = /^\s*[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(s)?.[1] ?? '';
    return [...host].every((c) => c.charCodeAt(0) < 128 || c.toLowerCase() === c);
  });

t.test(`${MIGRATION} on SQLite gives exactly normalMarkovChainUri for any chain-URI-like text`, async (t) => {
  const dir = t.testdir({});
  const database = openDatabase(join(dir, 'femto.sqlite'));
  t.teardown(() => database.close());
  migrate(drizzle(database.sqlite), { migrationsFolder: foldersBefore(dir, 'migrations', MIGRATION) });
  fc.assert(
    fc.property(fc.array(chainLike, { minLength: 1, maxLength: 20 }), (uris) => {
      deepStrictEqual(rehearse(database.sqlite, uris), uris.map(normalMarkovChainUri));
    }),
    { numRuns: 200 },
  );
  t.pass('SQLite agrees with normalMarkovChainUri on every case');
});

t.test(`${PG_MIGRATION} on PostgreSQL gives exactly normalMarkovChainUri for any chain-URI-like text`, requires(t, postgres()), async (t) => {
  const client = new pg.Client({ connectionString: await pgDatabase(t) });
  await client.connect();
  t.teardown(() => client.end());
  const dir = t.testdir({});
  await migratePg(drizzlePg(client), { migrationsFolder: foldersBefore(dir, 'migrations-pg', PG_MIGRATION) });
  const statements = statementsOf('migrations-pg', PG_MIGRATION);
  await fc.assert(
    fc.asyncProperty(fc.array(chainLike, { minLength: 1, maxLength: 20 }), async (uris) => {
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO lattice_configurations (markov_chain_uri, lfn, created_by) SELECT u, 'lfn://case/' || i, 'test' FROM unnest($1::text[]) WITH ORDINALITY AS x(u, i)`,
          [uris],
        );
        for (const statement of statements) await client.query(statement);
        const { rows } = await client.query<{ uri: string }>('SELECT markov_chain_uri AS uri FROM lattice_configurations ORDER BY pk');
        deepStrictEqual(
          rows.map((r) => r.uri),
          uris.map(normalMarkovChainUri),
        );
      } finally {
        await client.query('ROLLBACK');
      }
    }),
    { numRuns: 100 },
  );
  t.pass('PostgreSQL agrees with normalMarkovChainUri on every case');
});

t.test(`${MIGRATION}: a version's ETag changes when its stored chain URI did, and not otherwise`, async (t) => {
  const a = await makeApp(t, { FEMTO_DB: sqliteFile(t) });
  const db = a.app.femto.database.sqlite!;
  const size = { x: 8, y: 8, z: 8, t: 16 };
  for (const [id, uri] of [
    ['aged', 'mc://ldg/Aged/Chain'],
    ['fresh', 'mc://ldg/Fresh/Chain'],
  ]) {
    const created = await a.app.inject({
      method: 'POST',
      url: '/datasets',
      headers: a.as.curator,
      payload: minimalDataset({ id, ensemble: { markovChainUri: uri, size } }),
    });
    t.equal(created.statusCode, 201, created.body);
    t.equal((await a.app.inject({ method: 'POST', url: `/datasets/${id}/publish`, headers: a.as.curator })).statusCode, 200);
  }
  // As a femto before the normal form stored it.
  db.prepare(`UPDATE version_ensembles SET markov_chain_uri = 'MC://LDG/Aged/Chain/' WHERE markov_chain_uri = 'mc://ldg/Aged/Chain'`).run();
  const read = async (id: string) => {
    const res = await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'application/json' } });
    t.equal(res.statusCode, 200);
    return { etag: res.headers.etag, body: res.body };
  };
  const resolve = () => a.app.inject({ url: `/resolve/${encodeURIComponent('mc://ldg/Aged/Chain')}` });
  t.notMatch((await resolve()).json(), { code: 'NO_REPLICA' }, 'before, a lookup in normal form misses the record');
  const before = { aged: await read('aged'), fresh: await read('fresh') };
  t.match(before.aged.body, 'MC://LDG/Aged/Chain/', 'the old spelling is served (and cached) before the migration');

  db.transaction(() => statementsOf('migrations', MIGRATION).forEach((s) => db.exec(s)))();

  const after = { aged: await read('aged'), fresh: await read('fresh') };
  t.not(after.aged.etag, before.aged.etag, 'the rewritten version has a new ETag');
  t.match(after.aged.body, 'mc://ldg/Aged/Chain');
  t.notMatch(after.aged.body, 'MC://LDG', 'not the cached representation');
  t.equal(after.fresh.etag, before.fresh.etag, 'a version whose chain was already in normal form keeps its ETag');
  t.match((await resolve()).json(), { code: 'NO_REPLICA', detail: /^aged v1 / }, 'a lookup in normal form finds the record (which has no file to send)');
});
