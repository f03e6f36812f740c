import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sha256 } from '../../lib/digest.js';
import { RepresentationRegistry } from '../../lib/negotiation.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { modelCardBody } from './model-card.schema.js';
import { cardOut, evaluationBody, evaluationOut, leaderboardOut, leaderboardQuery, manifestOut, type Manifest } from './models.schema.js';
import type { ModelsService } from './models.service.js';
import { noneMatch } from '../../lib/conditional.js';
import { PROV_JSON_PROFILE, provJsonOf } from './serializers/prov-json.js';

const tags = ['models'];
const security = [{ bearer: [] }];
const idParams = z.object({ id: z.string().min(1).max(200) });
const versionQuery = z.object({ version: z.coerce.number().int().positive().optional() }).strict();

/**
 * JSON computed per request (it reads lineage, other versions' gates and withdrawals, so no
 * version counter covers it) with a strong ETag from its bytes: `If-None-Match` answers 304.
 */
function sendJson(request: FastifyRequest, reply: FastifyReply, body: string, mediaType = 'application/json; charset=utf-8') {
  const etag = `"${sha256(`${mediaType}\n${body}`).slice(0, 32)}"`;
  reply.header('ETag', etag).header('Vary', 'Accept');
  if (noneMatch(request.headers['if-none-match'], etag)) return reply.status(304).send();
  return reply
    .type(mediaType)
    .serializer((p: unknown) => p as string)
    .send(body);
}

export function modelsRoutes({ models, urls }: { models: ModelsService; urls: SiteUrls }): FastifyPluginAsyncZod {
  const manifests = new RepresentationRegistry<{ manifest: Manifest; url: string }>();
  manifests.register({ mediaType: 'application/json', format: 'json', render: ({ manifest }) => JSON.stringify(manifest) });
  manifests.register({
    mediaType: `application/json; profile="${PROV_JSON_PROFILE}"`,
    format: 'prov-json',
    profile: PROV_JSON_PROFILE,
    render: ({ manifest, url }) => JSON.stringify(provJsonOf(manifest, urls, url)),
  });

  return async (app) => {
    app.get(
      '/models/:id/card',
      {
        schema: {
          tags,
          summary: 'The model card of a model version (Mitchell et al.), with its evaluations and training-set manifest',
          description:
            'The latest published version, or `?version=`; curators see the draft of a model with nothing published. A strong ETag; `If-None-Match` answers 304.',
          params: idParams,
          querystring: versionQuery,
          response: { 200: cardOut },
        },
      },
      async (request, reply) => sendJson(request, reply, JSON.stringify(await models.card(request.actor, request.params.id, request.query.version))),
    );

    app.put(
      '/models/:id/card',
      {
        schema: {
          tags,
          security,
          summary: "Replace the model card of the model's draft (If-Match with the draft's ETag, required: 428 without it, 412 when it changed meanwhile)",
          description:
            'The card is part of the version: it is published with it and never changes afterwards. Only a record whose resourceType is Model has one.',
          params: idParams,
          headers: z.object({ 'if-match': z.string().optional() }).loose(),
          body: modelCardBody,
          response: { 200: cardOut },
        },
      },
      async (request, reply) => {
        const { view, etag } = await models.putCard(request.actor, request.params.id, request.body, request.headers['if-match']);
        return reply.header('ETag', etag).send(view);
      },
    );

    app.get(
      '/models/:id/manifest',
      {
        schema: {
          tags,
          summary:
            'The training-set manifest of a model version: its exact training data with DOIs, checksums, licences, datasheets, gate results and lineage up to raw sources',
          description: `application/json (default) or PROV-JSON (\`Accept: application/json; profile="${PROV_JSON_PROFILE}"\` or \`?format=prov-json\`). Built from the lineage snapshot on every request: a changed gate result or a withdrawal anywhere upstream shows at once. A strong ETag; \`If-None-Match\` answers 304.`,
          params: idParams,
          querystring: versionQuery.extend({ format: z.string().max(20).optional() }),
          produces: ['application/json'],
          response: { 200: manifestOut },
        },
      },
      async (request, reply) => {
        const representation = manifests.choose(request.headers.accept, request.query.format);
        if (!representation) throw manifests.notAcceptable(request.query.format);
        const manifest = await models.manifest(request.actor, request.params.id, request.query.version);
        const body = await representation.render({ manifest, url: urls.manifest(manifest.model.dataset, manifest.model.version) });
        return sendJson(request, reply, body, representation.format === 'json' ? 'application/json; charset=utf-8' : representation.mediaType);
      },
    );

    app.post(
      '/models/:id/evaluations',
      {
        schema: {
          tags,
          security,
          summary: 'Record an evaluation of a model version on a dataset version (or a split) for a metric, against a baseline',
          description:
            'Recorded as a step of kind `evaluation` that used the model, the benchmark and a baseline model. Without a value it is a stated claim (`statement` required): listed, never ranked or judged. ' +
            'With a value and a baseline value it is judged by the beats-baseline gate of the model (FEMTO_GATE_POLICY).',
          params: idParams,
          body: evaluationBody,
          response: { 201: evaluationOut },
        },
      },
      async (request, reply) => {
        const e = await models.recordEvaluation(request.actor, request.params.id, request.body);
        reply.status(201).header('Location', urls.evaluation(request.params.id, e.id));
        return e;
      },
    );

    app.get(
      '/models/:id/evaluations',
      {
        schema: {
          tags,
          summary: "A model's evaluations (every published version, or one)",
          params: idParams,
          querystring: versionQuery,
          response: { 200: z.object({ items: z.array(evaluationOut) }) },
        },
      },
      async (request) => ({ items: await models.evaluationsOf(request.actor, request.params.id, request.query.version) }),
    );

    app.get(
      '/models/:id/evaluations/:eid',
      { schema: { tags, summary: 'One evaluation', params: idParams.extend({ eid: z.string().min(1).max(200) }), response: { 200: evaluationOut } } },
      async (request) => models.evaluation(request.actor, request.params.eid, request.params.id),
    );

    app.get(
      '/datasets/:id/leaderboard',
      {
        schema: {
          tags,
          summary: 'Model versions ranked on a benchmark dataset version for a metric, with their baselines',
          description:
            "Better is the metric's direction (GET /metrics, or as first stated for a metric femto does not define). Stated claims without a value are listed apart, unranked.",
          params: idParams,
          querystring: leaderboardQuery,
          response: { 200: leaderboardOut },
        },
      },
      async (request) => models.leaderboard(request.actor, request.params.id, request.query),
    );
  };
}
