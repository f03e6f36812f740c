import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../src/paths.js';

/** A migrations folder (`migrations-pg` for PostgreSQL's) as it was at `last`: its SQL files and a journal that ends there. */
export function migrationsUpTo(dir: string, last: string, folder = 'migrations'): string {
  const journal = JSON.parse(readFileSync(projectPath(folder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const end = journal.entries.findIndex((e) => e.tag === last);
  if (end < 0) throw new Error(`no migration ${last}`);
  const out = join(dir, folder);
  mkdirSync(join(out, 'meta'), { recursive: true });
  for (const e of journal.entries.slice(0, end + 1)) cpSync(projectPath(folder, `${e.tag}.sql`), join(out, `${e.tag}.sql`));
  writeFileSync(join(out, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, end + 1) }));
  return out;
}
