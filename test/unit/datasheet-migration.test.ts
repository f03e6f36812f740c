import t from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { openDatabase } from '../../src/db/client.js';
import { datasheetSchema } from '../../src/modules/datasets/datasheet.schema.js';
import { projectPath } from '../../src/paths.js';

const MIGRATION = '0013_datasheet-sections';

/** The free-form datasheets stored before sections, and what each must become (written out by hand). */
const legacy: [unknown, unknown][] = [
  [
    {
      motivation: 'Why we made it',
      uses: { priorUses: ' tracking ', socialImpact: 'none known' },
      composition: { instances: 'events', bogus: 'x' },
      grant: 'DE-SC0012704',
      n: 3,
      r: 1.5,
      yes: true,
      no: false,
      nothing: null,
      list: [1, 'a'],
    },
    {
      motivation: { summary: 'Why we made it' },
      uses: { priorUses: 'tracking', socialImpact: 'none known' },
      notes: { composition: { instances: 'events', bogus: 'x' }, grant: 'DE-SC0012704', n: 3, r: 1.5, yes: true, no: false, nothing: null, list: [1, 'a'] },
    },
  ],
  [{ maintenance: '' }, { notes: { maintenance: '' } }],
  [{ collection: { timeframe: '2024' } }, { notes: { collection: { timeframe: '2024' } } }],
  [{}, {}],
  [null, null],
];

t.test(`${MIGRATION} moves free-form datasheets into sections without losing a key`, async (t) => {
  const dir = t.testdir({});
  // The migrations as they stood before this one, then this one on top of stored rows.
  const before = join(dir, 'before');
  cpSync(projectPath('migrations'), before, { recursive: true });
  const journalPath = join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === MIGRATION);
  t.ok(cut > 0, 'the migration is in the journal');
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));

  const database = openDatabase(join(dir, 'femto.sqlite'));
  t.teardown(() => database.close());
  migrate(drizzle(database.sqlite), { migrationsFolder: before });
  const now = '2025-01-01T00:00:00.000Z';
  database.sqlite.prepare(`INSERT INTO datasets (id, updated_at, created_by) VALUES ('d', ?, 'test')`).run(now);
  const insert = database.sqlite.prepare(
    `INSERT INTO dataset_versions (dataset_id, version_number, state, title, description, access_level, datasheet, updated_at, published_at) VALUES ('d', ?, 'published', 't', 'd', 'open', ?, ?, ?)`,
  );
  legacy.forEach(([blob], i) => insert.run(i + 1, blob === null ? null : JSON.stringify(blob), now, now));

  migrate(drizzle(database.sqlite), { migrationsFolder: projectPath('migrations') });
  const rows = database.sqlite.prepare('SELECT version_number AS n, datasheet FROM dataset_versions ORDER BY version_number').all() as {
    n: number;
    datasheet: string | null;
  }[];
  rows.forEach((row, i) => {
    const stored = row.datasheet === null ? null : (JSON.parse(row.datasheet) as unknown);
    t.same(stored, legacy[i][1], `row ${i + 1}`);
    if (stored !== null) t.ok(datasheetSchema.safeParse(stored).success, `row ${i + 1} fits the datasheet schema`);
  });
});
