import type Database from 'better-sqlite3';
import t from 'tap';
import { join } from 'node:path';
import { makeApp, publishedDataset } from '../helpers/app.js';

/** The SQL texts of the statements a request runs, with the parameters they ran with, recorded below every repository. */
function executedSql(sqlite: Database.Database) {
  const statement = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  const original = statement.all;
  const seen = new Map<string, unknown[]>();
  statement.all = function (this: { source: string }, ...args: unknown[]) {
    seen.set(this.source, args);
    return original.apply(this, args);
  };
  return {
    seen,
    restore: () => (statement.all = original),
  };
}

/**
 * A harvest of n records takes n/100 pages; a page that scans the datestamp index from its start
 * instead of seeking to the previous page's last (datestamp, id) makes the whole harvest cost n²
 * (at a million records, an hour). The plan says which it is, whatever the catalog's size.
 */
t.test('OAI-PMH pages seek to their position in the datestamp index: no statement of a page scans the datasets table', async (t) => {
  // SQLite's query plans: both lanes run it on SQLite.
  const a = await makeApp(t, { FEMTO_OAI_PAGE_SIZE: '2', FEMTO_DB: join(t.testdir({}), 'femto.sqlite') });
  for (let i = 0; i < 5; i++) await publishedDataset(a, { id: `record-${i}`, title: `Record ${i}` });
  const first = await a.app.inject({ url: '/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&from=2000-01-01&until=2999-01-01' });
  const token = /<resumptionToken[^>]*>([^<]+)</.exec(first.body)?.[1];
  t.ok(token, 'the first page hands out a resumption token');

  const sqlite = a.app.femto.database.sqlite!;
  for (const [what, url] of [
    ['a continuation page', `/oai?verb=ListIdentifiers&resumptionToken=${encodeURIComponent(token ?? '')}`],
    ['a first page with from and until', '/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2000-01-01&until=2999-01-01'],
  ]) {
    const recorder = executedSql(sqlite);
    const res = await a.app.inject({ url });
    recorder.restore();
    t.equal(res.statusCode, 200);
    const pages = [...recorder.seen].filter(([sql]) => /\bFROM datasets d\b/.test(sql) && /ORDER BY d\.modified_at, d\.id/.test(sql));
    t.ok(pages.length, `${what} runs the keyset page statement`);
    for (const [sql, args] of pages) {
      const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
      t.notOk(
        plan.some((d) => /^SCAN d\b/.test(d)),
        `${what}: datasets not scanned\n${plan.join('\n')}`,
      );
      t.ok(
        plan.some((d) => /^SEARCH d USING (COVERING )?INDEX datasets_modified_idx \(\(modified_at,id\)>\(\?,\?\) AND modified_at<\?\)/.test(d)),
        `${what}: a range seek on (modified_at, id)\n${plan.join('\n')}`,
      );
    }
  }
});
