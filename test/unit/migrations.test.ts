import t from 'tap';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as schema from '../../src/db/schema/index.js';
import { projectPath } from '../../src/paths.js';

// drizzle-kit's programmatic API is CommonJS.
const { generateSQLiteDrizzleJson, generateSQLiteMigration } = createRequire(import.meta.url)('drizzle-kit/api') as typeof import('drizzle-kit/api');

t.test('the checked-in migrations produce exactly the drizzle schema', async (t) => {
  const journal = JSON.parse(readFileSync(projectPath('migrations/meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  const last = journal.entries[journal.entries.length - 1];
  const snapshot = JSON.parse(readFileSync(projectPath(`migrations/meta/${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8'));
  const current = await generateSQLiteDrizzleJson(schema as Record<string, unknown>, snapshot.id);
  const pending = await generateSQLiteMigration(snapshot, current);
  t.same(pending, [], 'schema and migrations agree; run `npm run db:generate` after changing src/db/schema');
});
