#!/usr/bin/env node
import { Command, Option } from 'commander';
import type { z } from 'zod';
import { ConfigError, loadConfig, type Config } from './config.js';
import { databaseLocation, openForStart } from './db/client.js';
import { buildContainer } from './container.js';
import { loadCatalog } from './modules/datasets/catalog.loader.js';
import { cliActor, createGroupBody, createUserBody, groupId, ROLES, userId, type Role } from './modules/auth/auth.schema.js';
import { startServer } from './server.js';
import { loadOntology } from './modules/ontology/ontology.service.js';
import { OntologyError } from './modules/ontology/ontology.loader.js';
import { StartError } from './start-errors.js';
import { importCommand } from './modules/imports/imports.cli.js';
import { verifyCommand } from './modules/locations/locations.cli.js';
import { verifyOptions } from './modules/locations/locations.schema.js';
import { FemtoError } from './errors.js';
import { copyOptions } from './db/copy/options.js';
import { problemTypeUri } from './plugins/problem-details.js';

const config = (): Config => loadConfig(process.env);

/** Opens the configured database with migrations applied, runs fn, closes. */
async function withContainer<T>(fn: (c: ReturnType<typeof buildContainer>) => T | Promise<T>): Promise<T> {
  const cfg = config();
  const ontology = await loadOntology(cfg.ontologyDir);
  const { database, prepared: container } = await openForStart(databaseLocation(cfg), async (db) => buildContainer(cfg, db, ontology));
  try {
    return await fn(container);
  } finally {
    await database.close();
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
    await withContainer(async (c) => {
      if (!(await c.datasets.isEmpty())) {
        console.error('the database already holds datasets; seed loads into an empty database only');
        process.exitCode = 1;
        return;
      }
      const counts = await loadCatalog(c);
      console.log(`loaded ${counts.datasets} datasets and ${counts.activities} derivation steps, ${counts.evaluations} model evaluations`);
    });
  });

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** A CLI argument checked by the same zod schema as the REST body; a bad one ends the command with the reason. */
function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ConfigError(r.error.issues.map((i) => `${i.path.length ? `--${i.path.join('.')}` : 'argument'}: ${i.message}`));
}

const token = program.command('token').description('manage API tokens');
token
  .command('create')
  .description('create a token acting for a user (default: the default user); the secret is printed once')
  .addOption(new Option('--role <role>', 'role of the token').choices(ROLES).makeOptionMandatory())
  .option('--user <user>', 'the user the token acts for')
  .option('--label <label>', 'what the token is for')
  .action(async (opts: { role: Role; label?: string; user?: string }) => {
    await withContainer(async (c) => {
      const created = await c.auth.createToken(opts.role, opts.label, opts.user === undefined ? undefined : parsed(userId, opts.user));
      await c.auth.audit(cliActor, { action: 'token.create', entityType: 'token', entityId: created.id, after: { role: created.role, user: created.user } });
      print(created);
    });
  });
token
  .command('list')
  .description('list tokens (never their secrets)')
  .action(async () => withContainer(async (c) => print(await c.auth.listTokens())));
token
  .command('revoke <id>')
  .description('revoke a token')
  .action(async (id: string) =>
    withContainer(async (c) => {
      if (!(await c.auth.revokeToken(id))) {
        console.error(`no active token ${id}`);
        process.exitCode = 1;
      } else console.log(`revoked ${id}`);
    }),
  );

const user = program.command('user').description('manage users (the people tokens act for)');
user
  .command('create <id>')
  .description('create a user')
  .requiredOption('--name <name>', 'display name')
  .option('--email <email>', 'contact address')
  .action(async (id: string, opts: { name: string; email?: string }) =>
    withContainer(async (c) => print(await c.auth.createUser(cliActor, parsed(createUserBody, { id, ...opts })))),
  );
user
  .command('list')
  .description('list users and their groups')
  .action(async () => withContainer(async (c) => print(await c.auth.listUsers(cliActor))));

const group = program
  .command('group')
  .description('manage groups (collaborations): records shared with a group are visible to its members, editable by its curators');
group
  .command('create <id>')
  .description('create a group')
  .requiredOption('--name <name>', 'display name, e.g. "sPHENIX Collaboration"')
  .option('--description <text>', 'what the group is')
  .action(async (id: string, opts: { name: string; description?: string }) =>
    withContainer(async (c) => print(await c.auth.createGroup(cliActor, parsed(createGroupBody, { id, ...opts })))),
  );
group
  .command('add <group> <user>')
  .description('add a user to a group')
  .action(async (g: string, u: string) => withContainer(async (c) => print(await c.auth.setMember(cliActor, parsed(groupId, g), parsed(userId, u), true))));
group
  .command('remove <group> <user>')
  .description('remove a user from a group')
  .action(async (g: string, u: string) => withContainer(async (c) => print(await c.auth.setMember(cliActor, parsed(groupId, g), parsed(userId, u), false))));
group
  .command('list')
  .description('list groups and their members')
  .action(async () => withContainer(async (c) => print(await c.auth.listGroups(cliActor))));

program
  .command('import')
  .description(
    "import records: femto import <format> <file|dir|->... (formats: datacite, and those listed by femto import --help); without a format, each file's is recognised from its content",
  )
  .argument('<format-or-paths...>', 'a format name, then files, directories or - (standard input)')
  .option('--dry-run', 'report what would change, write nothing')
  .option('--batch-size <n>', 'units per transaction', (v) => Number.parseInt(v, 10), 1000)
  .action((args: string[], opts: { dryRun?: boolean; batchSize: number }) =>
    withContainer(async (c) => {
      const progress = process.stderr.isTTY ? process.stderr : undefined;
      const counts = await importCommand(c.imports, cliActor, args, opts, { out: (line) => console.log(line), progress });
      if (counts.some((n) => n.refused > 0)) process.exitCode = 1;
    }),
  );

const locations = program.command('locations').description('replicas of distributions at named sites');
locations
  .command('verify')
  .description('check every replica where it is (HEAD: present, size; --checksum: read and hash it) and record what each check found; exit 1 when one failed')
  .option('--site <site>', 'only the replicas at this site')
  .option('--dataset <id>', 'only the replicas of this dataset')
  .option('--concurrency <n>', 'checks at once (1-64)', '4')
  .option('--checksum', 'also read each replica and compare its checksum (http/https: md5, sha1, sha256, sha512)')
  .option('--timeout-ms <ms>', 'longest wait for a site to answer', '10000')
  .option('--checksum-timeout-ms <ms>', 'longest one checksum read may take', '600000')
  .option(
    '--allow-private',
    'also check replicas whose host is on a private network (loopback, 10/8, 192.168/16, link-local, ...); by default only public addresses are fetched, since curators write the URLs',
  )
  .action((opts: Record<string, unknown>) =>
    withContainer(async (c) => {
      const passed = await verifyCommand(c.locations, parsed(verifyOptions, opts), (line) => console.log(line));
      if (!passed) process.exitCode = 1;
    }),
  );

const doi = program.command('doi').description('DOI registration: outbox status and reconciliation with the registrar');
doi
  .command('status')
  .description('list outbox rows not yet delivered (pending, or failed and awaiting a retry)')
  .action(() =>
    withContainer(async (c) => {
      const rows = (await c.identifiers.undelivered()).map((r) => ({
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
  .description(
    "compare femto's DOIs with the registrar's (GET /dois/{doi}): state, url and every metadata property femto delivers; queue a delivery for each difference",
  )
  .action(() =>
    withContainer(async (c) => {
      const report = await c.reconcile();
      console.log(JSON.stringify({ registrar: c.config.registrar, ...report }, null, 2));
    }),
  );

const dbCommand = program.command('db').description('the database as a whole');
dbCommand
  .command('copy')
  .description(
    'copy a femto SQLite database into a new, empty PostgreSQL database in one transaction, then check every table (row count and digest) on both sides; a difference rolls it all back',
  )
  .requiredOption('--from <file>', 'the SQLite file (opened read-only: a server may go on using it; the copy is of one moment)')
  .requiredOption('--to <url>', 'postgres://user[:password]@host[:port]/database: an empty database (one without tables)')
  .option('--batch-rows <n>', 'rows sent per INSERT (what the copy holds in memory at once)', '1000')
  .action(async (opts: Record<string, unknown>) => {
    try {
      // Loaded here: the PostgreSQL driver and schema cost every other command's start nothing.
      const { copyDatabase } = await import('./db/copy/copy.js');
      const tables = await copyDatabase({
        ...parsed(copyOptions, opts),
        progress: (t) => process.stderr.write(`copied ${t.name}: ${t.rows} rows\n`),
      });
      const width = Math.max(...tables.map((t) => t.name.length));
      console.log(`${'table'.padEnd(width)}  ${'rows'.padStart(9)}  sha256 (source = target)`);
      for (const t of tables) console.log(`${t.name.padEnd(width)}  ${String(t.rows).padStart(9)}  ${t.digest}`);
      console.log(`copied ${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0)} rows: every row count and digest matches the source`);
    } catch (err) {
      if (!(err instanceof FemtoError)) throw err;
      // Refused or failed: the problem as REST would answer it (RFC 9457), nothing written.
      const problem = {
        type: problemTypeUri(config().baseUrl, err.code),
        title: err.title,
        status: err.status,
        detail: err.message,
        code: err.code,
        errors: err.errors,
      };
      console.error(JSON.stringify(problem, null, 2));
      process.exitCode = 1;
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Operator errors (a bad variable, a broken ontology file, a database or address that cannot be
  // used): the message names the variable or file and the cause; a stack trace would bury it.
  if (err instanceof ConfigError) {
    for (const problem of err.problems) console.error(`femto: ${problem}`);
    process.exit(2);
  }
  // A refused command (an unknown user, a taken id): its coded message, as REST would answer it.
  if (err instanceof FemtoError) {
    console.error(`femto: ${err.message}${err.errors.length ? ` (${err.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')})` : ''}`);
    process.exit(1);
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
