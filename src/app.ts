import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import type { Config } from './config.js';
import { databaseLocation, openForStart } from './db/client.js';
import { unwritableReason } from './db/readiness.js';
import { FemtoError } from './errors.js';
import { buildContainer, type Container } from './container.js';
import problemDetails, { clientErrorHandler, frameworkErrorHandler } from './plugins/problem-details.js';
import securityHeaders from './plugins/security-headers.js';
import jsonBody from './plugins/json-body.js';
import authPlugin from './plugins/auth.js';
import replicaReads from './plugins/replica-reads.js';
import openapi from './plugins/openapi.js';
import graphql from './plugins/graphql.js';
import graphiql from './plugins/graphiql.js';
import { datasetsRoutes } from './modules/datasets/datasets.routes.js';
import { datasheetRoutes } from './modules/datasets/datasheet.routes.js';
import { searchRoutes } from './modules/search/search.routes.js';
import { provenanceRoutes } from './modules/provenance/provenance.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { portalRoutes } from './modules/portal/portal.routes.js';
import { harvestRoutes } from './modules/harvest/harvest.routes.js';
import { identifiersRoutes } from './modules/identifiers/identifiers.routes.js';
import { importsRoutes } from './modules/imports/imports.routes.js';
import { openLineageRoutes } from './modules/openlineage/openlineage.routes.js';
import { lineageRoutes } from './modules/lineage/lineage.routes.js';
import { projectPath } from './paths.js';
import { loadBundledCatalogIfEmpty } from './modules/datasets/catalog.loader.js';
import { loadOntology } from './modules/ontology/ontology.service.js';
import { ontologyRoutes } from './modules/ontology/ontology.routes.js';
import { gatesRoutes } from './modules/gates/gates.routes.js';
import { modelsRoutes } from './modules/models/models.routes.js';
import { locationsRoutes } from './modules/locations/locations.routes.js';
import { loadPolicies } from './modules/policies/policies.loader.js';

const { version } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };

declare module 'fastify' {
  interface FastifyInstance {
    femto: Container;
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Trust the nearest `hops` proxies: the client is the address the farthest of them appended to X-Forwarded-For. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Builds the server without listening: tests drive it with app.inject, server.ts listens. */
export async function buildApp(config: Config, opts: BuildOptions = {}) {
  // A broken ontology stops the start (OntologyError names file, line and term) before the database is touched.
  const ontology = await loadOntology(config.ontologyDir);
  // A broken policy file stops the start too (PolicyError names file, line and JSON pointer).
  const policies = loadPolicies(config.policyDir);
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    requestTimeout: config.requestTimeoutMs,
    genReqId: (req) => (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) ?? crypto.randomUUID(),
    requestIdHeader: false,
    // The client's address (auth failure counting, logs) from X-Forwarded-For only through proxies the operator named.
    ...(config.trustProxy !== undefined && {
      trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    }),
    frameworkErrors: frameworkErrorHandler(config.baseUrl),
    clientErrorHandler: clientErrorHandler(config.baseUrl),
  }).withTypeProvider<ZodTypeProvider>();
  // The read replica's outages are told in the server's log (made first for that: nothing of it listens yet).
  const replica = config.dbReadUrl ? { url: config.dbReadUrl, maxLagMs: config.dbReadMaxLagMs, log: app.log } : undefined;
  const { database, prepared: container } = await openForStart({ ...databaseLocation(config), replica }, async (db) => {
    const built = buildContainer(config, db, ontology, policies);
    if (config.seedOnEmpty) await loadBundledCatalogIfEmpty(built);
    return built;
  });

  app.decorate('femto', container);
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  // The outbox worker starts once the app is ready (pending rows of an earlier run are picked up
  // then) and stops before the database closes.
  if (config.outboxWorker) app.addHook('onReady', async () => container.outbox.start(app.log));
  // Other replicas' provenance writes wake the lineage snapshot (PostgreSQL); stopped before the database closes.
  let unfollow: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    unfollow = await container.lineage.follow((err) => app.log.warn({ err }, 'lineage snapshot catch-up failed; the next read tries again'));
  });
  app.addHook('onClose', async () => {
    await unfollow?.();
    await container.outbox.stop();
    await database.close();
  });

  await app.register(problemDetails, { baseUrl: config.baseUrl });
  await app.register(securityHeaders, { baseUrl: config.baseUrl });
  await app.register(jsonBody, { maxDepth: config.jsonMaxDepth });
  await app.register(openapi, { baseUrl: config.baseUrl, version });
  await app.register(authPlugin, { container });
  if (replica) await app.register(replicaReads, { database });
  await app.register(graphql, { container });
  await app.register(graphiql);

  // zod compiles the REST routes' schemas; mercurius keeps its own JSON schemas, so the zod
  // compilers live in this scope only.
  await app.register(async (rest) => {
    rest.setValidatorCompiler(validatorCompiler);
    rest.setSerializerCompiler(serializerCompiler);
    rest.get(
      '/health',
      { schema: { tags: ['ops'], summary: 'Liveness and database check', response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) } } },
      async () => {
        await database.prepare('SELECT 1').get();
        return { status: 'ok' as const, version };
      },
    );
    rest.get(
      '/health/ready',
      {
        schema: {
          tags: ['ops'],
          summary: 'Readiness: 200 while the database can take writes, 503 problem+json (NOT_READY) when it cannot (read-only, locked, full)',
          response: { 200: z.object({ status: z.literal('ready'), version: z.string() }) },
        },
      },
      async () => {
        const reason = await unwritableReason(database, config.dbPath);
        if (reason) throw new FemtoError('NOT_READY', `Not ready: ${reason}`);
        return { status: 'ready' as const, version };
      },
    );
    const c = container;
    for (const routes of [
      searchRoutes(c),
      datasetsRoutes(c),
      datasheetRoutes(c),
      provenanceRoutes(c),
      authRoutes(c),
      lineageRoutes(c),
      identifiersRoutes(c),
      importsRoutes(c),
      openLineageRoutes(c),
      harvestRoutes({ ...c, metadataFormats: c.harvestFormats.metadataFormats }),
      ontologyRoutes(c),
      gatesRoutes(c),
      modelsRoutes(c),
      locationsRoutes(c),
      portalRoutes(c),
    ]) {
      await rest.register(routes);
    }
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
