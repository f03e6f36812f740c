import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OntologyService } from './ontology.service.js';
import { notFound } from '../../errors.js';
import { RepresentationRegistry } from '../../lib/negotiation.js';
import type { GateTerm } from './ontology.model.js';
import { gateFilter, gateOut, listFilter, metricOut, observableOut } from './ontology.schema.js';
import { ontologyJsonLd } from './serializers/jsonld.js';
import { ontologyTurtle } from './serializers/turtle.js';

const tags = ['ontology'];
const slugParams = z.object({ slug: z.string().min(1).max(300) });

export function gateView(ontology: Pick<OntologyService, 'observable'>, g: GateTerm): z.infer<typeof gateOut> {
  return { ...g, symbol: ontology.observable(g.observable)?.symbol ?? null, tier: g.tiers[0] };
}

export function ontologyRoutes({ ontology }: { ontology: OntologyService }): FastifyPluginAsyncZod {
  const { parsed } = ontology;
  // The ontology does not change while the process runs: render each format once.
  const once = <T>(fn: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= fn());
  };
  const representations = new RepresentationRegistry<void>();
  representations.register({ mediaType: 'text/turtle', format: 'ttl', render: once(() => ontologyTurtle(parsed)) });
  representations.register({ mediaType: 'application/ld+json', format: 'jsonld', render: once(() => ontologyJsonLd(parsed)) });

  return async (app) => {
    app.get(
      '/ontology',
      {
        schema: {
          tags,
          summary: 'The femto ontology (tiers, domains, observables, validation gates, evaluation metrics)',
          description: 'text/turtle (default) or application/ld+json by Accept; `?format=ttl|jsonld` as a fallback.',
          querystring: z.object({ format: z.string().max(20).optional() }),
          produces: ['text/turtle', 'application/ld+json'],
          response: { 200: z.string().describe('the ontology, in the media type negotiated') },
        },
      },
      async (request, reply) => {
        const r = representations.choose(request.headers.accept, request.query.format);
        if (!r) throw representations.notAcceptable(request.query.format);
        reply.header('Vary', 'Accept').type(r.mediaType);
        return reply.serializer((p: unknown) => p as string).send(await r.render());
      },
    );

    app.get(
      '/observables',
      { schema: { tags, summary: 'Observables of the ontology', querystring: listFilter, response: { 200: z.object({ items: z.array(observableOut) }) } } },
      async (request) => ({ items: ontology.observables(request.query) }),
    );

    app.get(
      '/observables/:slug',
      { schema: { tags, summary: 'One observable (slug or IRI)', params: slugParams, response: { 200: observableOut } } },
      async (request) => {
        const o = ontology.observable(request.params.slug);
        if (!o) throw notFound('Observable', request.params.slug);
        return o;
      },
    );

    app.get(
      '/gates',
      { schema: { tags, summary: 'Validation gates of the ontology', querystring: gateFilter, response: { 200: z.object({ items: z.array(gateOut) }) } } },
      async (request) => ({ items: ontology.gates(request.query).map((g) => gateView(ontology, g)) }),
    );

    app.get(
      '/gates/:slug',
      { schema: { tags, summary: 'One validation gate (slug or IRI)', params: slugParams, response: { 200: gateOut } } },
      async (request) => {
        const g = ontology.gate(request.params.slug);
        if (!g) throw notFound('Gate', request.params.slug);
        return gateView(ontology, g);
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags,
          summary: 'Evaluation metrics of the ontology, with the direction in which each is better',
          response: { 200: z.object({ items: z.array(metricOut) }) },
        },
      },
      async () => ({ items: ontology.metrics() }),
    );

    app.get(
      '/metrics/:slug',
      { schema: { tags, summary: 'One evaluation metric (slug or IRI)', params: slugParams, response: { 200: metricOut } } },
      async (request) => {
        const m = ontology.metric(request.params.slug);
        if (!m) throw notFound('Metric', request.params.slug);
        return m;
      },
    );
  };
}
