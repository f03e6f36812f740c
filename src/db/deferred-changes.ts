import { bit, type Database } from './port.js';

/*
 * The change counters (version_changes, datasets.modified_at, catalog_changes; migrations 0006,
 * 0007, 0011) are kept by triggers, one program run per row written: in a bulk import that is most
 * of the write time, even a trigger whose WHEN clause is false costs its call. SQLite cannot switch
 * a trigger off, but DDL is transactional: a batch drops the triggers that fire on the step edges it
 * inserts, writes, counts the same touches from the edges it wrote in three set-based statements,
 * and creates the triggers again from their stored SQL, all in one savepoint. No other connection
 * ever sees the triggers missing, and a batch that fails rolls back with its DDL.
 *
 * Only the edge triggers are deferred: edges are written once, with their new step, inputs first
 * (provenance.repository.ts insertActivity), so the touches they made are known from the rows alone.
 * A version's touches depend on what was published when (a draft published later in the same batch
 * would be counted wrong from the final rows), so the version triggers keep firing per row, except in
 * a bulk batch (runBulk): there the only versions written are the first versions of records new in
 * the batch, each published at once, whose one touch (itself, when it was published) the rows tell.
 */

/** The triggers a step's edges fire: their touches are counted at the end of the batch. */
const SOURCES = ['activity_inputs_touch', 'activity_outputs_touch'];
/** The trigger a version inserted published fires: its touches are counted at the end of a bulk batch. */
const NEW_VERSIONS = ['dataset_versions_touch_published_ins'];
/** The triggers a version_changes write fires (date the record, bump the catalog): stood down only while the batch writes its counts. */
const COUNTERS = ['version_changes_date_record_ins', 'version_changes_date_record_upd', 'version_changes_bump_catalog_ins', 'version_changes_bump_catalog_upd'];

export interface DeferredChanges {
  /** Runs fn (which writes rows) with the per-row change triggers stood down, then counts their touches as they would have. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** As run, with the new-version trigger stood down too: fn may insert versions only as the first, published, versions of new records. */
  runBulk<T>(fn: () => Promise<T>): Promise<T>;
}

export function deferredChanges(db: Database): DeferredChanges {
  /*
   * PostgreSQL's triggers keep firing per row: switching one off (ALTER TABLE ... DISABLE TRIGGER) locks its table
   * against every other writer until the batch commits, and the statements below are SQLite's (sqlite_master, rowid).
   */
  if (db.dialect !== 'sqlite') return { run: (fn) => fn(), runBulk: (fn) => fn() };
  const triggerSql = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(?))`);
  const marks = db.prepare(
    `SELECT (SELECT coalesce(max(rowid), 0) FROM activities) AS activities, (SELECT coalesce(max(pk), 0) FROM dataset_versions) AS versions`,
  );
  /*
   * What the edge triggers would have touched, per version: (count, latest date). An edge touches its
   * public version, and an output also the step's public inputs (written before it), so an input
   * counts once plus once per output of its step.
   */
  const touchesStmt = db.prepare(`
    WITH touch(pk, n, at) AS (
      SELECT i.version_pk, 1 + (SELECT count(*) FROM activity_outputs o WHERE o.activity_id = a.id), a.created_at
        FROM activities a JOIN activity_inputs i ON i.activity_id = a.id JOIN dataset_versions v ON v.pk = i.version_pk
       WHERE a.rowid > @activities AND v.visibility = 'public'
      UNION ALL
      SELECT o.version_pk, 1, a.created_at
        FROM activities a JOIN activity_outputs o ON o.activity_id = a.id JOIN dataset_versions v ON v.pk = o.version_pk
       WHERE a.rowid > @activities AND v.visibility = 'public'
      UNION ALL
      -- bulk: a new record's first version, published at once, touches itself when published
      SELECT v.pk, 1, v.published_at FROM dataset_versions v WHERE @bulk AND v.pk > @versions AND v.state = 'published')
    SELECT json_group_array(json_array(pk, n, at)) AS touches, coalesce(sum(n), 0) AS total
      FROM (SELECT pk, sum(n) AS n, max(at) AS at FROM touch GROUP BY pk)`);
  const countStmt = db.prepare(`
    INSERT INTO version_changes (version_pk, seq, changed_at) SELECT value->>0, value->>1, value->>2 FROM json_each(?) WHERE true
    ON CONFLICT (version_pk) DO UPDATE SET seq = seq + excluded.seq, changed_at = max(changed_at, excluded.changed_at)`);
  const dateStmt = db.prepare(`
    UPDATE datasets SET modified_at = max(coalesce(modified_at, ''), c.at)
      FROM (SELECT v.dataset_id AS id, max(c.changed_at) AS at
              FROM json_each(?) k JOIN version_changes c ON c.version_pk = k.value->>0 JOIN dataset_versions v ON v.pk = c.version_pk GROUP BY v.dataset_id) c
     WHERE datasets.id = c.id AND c.at > coalesce(datasets.modified_at, '')`);
  const catalogStmt = db.prepare('UPDATE catalog_changes SET seq = seq + ? WHERE id = 1');

  async function standDown(names: string[]): Promise<{ name: string; sql: string }[]> {
    const triggers = (await triggerSql.all(JSON.stringify(names))) as { name: string; sql: string }[];
    if (triggers.length !== names.length) throw new Error(`change triggers missing: ${names.filter((n) => !triggers.some((t) => t.name === n)).join(', ')}`);
    for (const t of triggers) await db.exec(`DROP TRIGGER "${t.name}"`);
    return triggers;
  }

  function deferring<T>(names: string[], bulk: boolean, fn: () => Promise<T>): Promise<T> {
    return db.savepoint(async () => {
      const { activities, versions } = (await marks.get()) as { activities: number; versions: number };
      const sources = await standDown(names);
      const result = await fn();
      const { touches, total } = (await touchesStmt.get({ activities, versions, bulk: bit(bulk) })) as { touches: string; total: number };
      const counters = await standDown(COUNTERS);
      if (total > 0) {
        await countStmt.run(touches);
        await dateStmt.run(touches);
        await catalogStmt.run(total);
      }
      for (const t of [...sources, ...counters]) await db.exec(t.sql);
      return result;
    });
  }

  return {
    run: (fn) => deferring(SOURCES, false, fn),
    runBulk: (fn) => deferring([...SOURCES, ...NEW_VERSIONS], true, fn),
  };
}
