#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openForStart } from './db/client.js';
import { buildContainer } from './container.js';
import { loadCatalog } from './modules/datasets/catalog.loader.js';
import { ROLES, type Role } from './modules/auth/auth.schema.js';
import { startServer } from './server.js';
import { loadOntology } from './modules/ontology/ontology.service.js';
import { OntologyError } from './modules/ontology/ontology.loader.js';
import { StartError } from './start-errors.js';
import { importCommand } from './modules/imports/imports.cli.js';
import { FemtoError } from './errors.js';

const config = (): Config => loadConfig(process.env);

/** Opens the configured database with migrations applied, runs fn, closes. */
async function withContainer<T>(fn: (c: ReturnType<typeof buildContainer>) => T | Promise<T>): Promise<T> {
  const cfg = config();
  const ontology = await loadOntology(cfg.ontologyDir);
  const { database, prepared: container } = openForStart(cfg.dbPath, cfg.dbMaxBytes, (db) => buildContainer(cfg, db, ontology));
  try {
    return await fn(container);
  } finally {
    database.close();
  }
}

const program = new Command('femto').description('FAIR metadata and provenance server for physics datasets').showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP server (HOST, PORT, FEMTO_DB, FEMTO_BASE_URL, ... from the environment)')
  .action(async () => {
    await startServer(config());
  });

program
  .command('migrate')
  .description('apply database migrations to FEMTO_DB and exit')
  .action(async () => {
    await withContainer(() => undefined);
    console.log('migrations applied');
  });

program
  .command('seed')
  .description('load the bundled catalog (catalog/*.yaml) into an empty database')
  .action(async () => {
    await withContainer((c) => {
      if (!c.datasets.isEmpty()) {
        console.error('the database already holds datasets; seed loads into an empty database only');
        process.exitCode = 1;
        return;
      }
      const counts = loadCatalog(c);
      console.log(`loaded ${counts.datasets} datasets and ${counts.activities} derivation steps, ${counts.evaluations} model evaluations`);
    });
  });

const token = program.command('token').description('manage API tokens');
token
  .command('create')
  .description('create a token; the secret is printed once')
  .addOption(new Option('--role <role>', 'role of the token').choices(ROLES).makeOptionMandatory())
  .option('--label <label>', 'what the token is for')
  .action(async (opts: { role: Role; label?: string }) => {
    await withContainer((c) => {
      const created = c.auth.createToken(opts.role, opts.label);
      c.auth.audit({ id: 'cli', role: 'admin' }, { action: 'token.create', entityType: 'token', entityId: created.id, after: { role: created.role } });
      console.log(JSON.stringify(created, null, 2));
    });
  });
token
  .command('list')
  .description('list tokens (never their secrets)')
  .action(async () => withContainer((c) => console.log(JSON.stringify(c.auth.listTokens(), null, 2))));
token
  .command('revoke <id>')
  .description('revoke a token')
  .action(async (id: string) =>
    withContainer((c) => {
      if (!c.auth.revokeToken(id)) {
        console.error(`no active token ${id}`);
        process.exitCode = 1;
      } else console.log(`revoked ${id}`);
    }),
  );

program
  .command('import')
  .description('import records: femto import <format> <file|dir|->... (formats: datacite, and those listed by femto import --help); without a format, each file\'s is recognised from its content')
  .argument('<format-or-paths...>', 'a format name, then files, directories or - (standard input)')
  .option('--dry-run', 'report what would change, write nothing')
  .option('--batch-size <n>', 'units per transaction', (v) => Number.parseInt(v, 10), 1000)
  .action((args: string[], opts: { dryRun?: boolean; batchSize: number }) =>
    withContainer((c) => {
      const progress = process.stderr.isTTY ? process.stderr : undefined;
      const counts = importCommand(c.imports, { id: 'cli', role: 'admin' }, args, opts, { out: (line) => console.log(line), progress });
      if (counts.some((n) => n.refused > 0)) process.exitCode = 1;
    }),
  );

const doi = program.command('doi').description('DOI registration: outbox status and reconciliation with the registrar');
doi
  .command('status')
  .description('list outbox rows not yet delivered (pending, or failed and awaiting a retry)')
  .action(() =>
    withContainer((c) => {
      const rows = c.identifiers.undelivered().map((r) => ({
        doi: r.doi,
        action: r.action,
        status: r.attempts > 0 ? 'failed' : 'pending',
        attempts: r.attempts,
        lastError: r.lastError,
        nextAttemptAt: r.nextAttemptAt,
        queuedAt: r.createdAt,
      }));
      console.log(JSON.stringify({ registrar: c.config.registrar, undelivered: rows.length, rows }, null, 2));
    }),
  );
doi
  .command('reconcile')
  .description("compare femto's DOIs with the registrar's (GET /dois/{doi}): state, url and every metadata property femto delivers; queue a delivery for each difference")
  .action(() =>
    withContainer(async (c) => {
      const report = await c.reconcile();
      console.log(JSON.stringify({ registrar: c.config.registrar, ...report }, null, 2));
    }),
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Operator errors (a bad variable, a broken ontology file, a database or address that cannot be
  // used): the message names the variable or file and the cause; a stack trace would bury it.
  if (err instanceof ConfigError) {
    for (const problem of err.problems) console.error(`femto: ${problem}`);
    process.exit(2);
  }
  if (err instanceof OntologyError) {
    console.error(`femto: ${err.message}`);
    process.exit(2);
  }
  // A refused command (an unknown import format, a missing role) says why in one line.
  if (err instanceof FemtoError) {
    console.error(`femto: ${err.message}`);
    process.exit(1);
  }
  if (!(err instanceof StartError)) throw err;
  console.error(`femto: ${err.message}`);
  process.exit(1);
}
