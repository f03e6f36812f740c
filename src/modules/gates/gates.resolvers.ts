import type { DatasetNode, GraphQLContext, GraphQLModule, LoaderQuery } from '../../graphql/context.js';
import type { GateTerm, ObservableTerm } from '../ontology/ontology.model.js';
import type { GateStatus, MeasurementRecord } from './gates.schema.js';

/** GraphQL enums cannot hold '-': not-evaluable -> not_evaluable. */
const enumOf = (s: string) => s.replace(/-/g, '_');

export const gatesGraphQL: GraphQLModule = {
  resolvers: {
    Query: {
      observables: (_: unknown, a: { tier?: number | null }, ctx: GraphQLContext) => ctx.femto.ontology.observables({ tier: a.tier ?? undefined }),
      observable: (_: unknown, a: { iri: string }, ctx: GraphQLContext) => ctx.femto.ontology.observable(a.iri) ?? null,
      gates: (_: unknown, a: { tier?: number | null; observable?: string | null }, ctx: GraphQLContext) =>
        ctx.femto.ontology.gates({ tier: a.tier ?? undefined, observable: a.observable ?? undefined }),
      gate: (_: unknown, a: { iri: string }, ctx: GraphQLContext) => ctx.femto.ontology.gate(a.iri) ?? null,
    },
    Observable: {
      gates: (o: ObservableTerm, _: unknown, ctx: GraphQLContext) => ctx.femto.ontology.gatesOn(o.iri),
    },
    Gate: {
      observable: (g: GateTerm, _: unknown, ctx: GraphQLContext) => ctx.femto.ontology.observable(g.observable),
      tier: (g: GateTerm) => g.tiers[0],
    },
    GateStatus: {
      status: (s: GateStatus) => enumOf(s.status),
      failing: (s: GateStatus, _: unknown, ctx: GraphQLContext) => s.failing.flatMap((iri) => ctx.femto.ontology.gate(iri) ?? []),
    },
    GateOutcome: {
      gate: (o: GateStatus['gates'][number], _: unknown, ctx: GraphQLContext) => ctx.femto.ontology.gate(o.gate) ?? null,
      iri: (o: GateStatus['gates'][number]) => o.gate,
      state: (o: GateStatus['gates'][number]) => enumOf(o.state),
    },
    GateResult: {
      gate: (r: MeasurementRecord['results'][number], _: unknown, ctx: GraphQLContext) => ctx.femto.ontology.gate(r.gate),
      verdict: (r: MeasurementRecord['results'][number]) => enumOf(r.verdict),
    },
    Measurement: {
      observable: (m: MeasurementRecord, _: unknown, ctx: GraphQLContext) => ctx.femto.ontology.observable(m.observable),
      values: (m: MeasurementRecord) => [m.value].flat(),
      normalizedValues: (m: MeasurementRecord) => [m.normalizedValue].flat(),
      activity: async (m: MeasurementRecord, _: unknown, ctx: GraphQLContext) => (await ctx.femto.provenance.records(ctx.actor, [m.activity])).get(m.activity),
    },
  },
  loaders: {
    Dataset: {
      async observableTerms(queries: LoaderQuery<DatasetNode>[], ctx) {
        return queries.map((q) => q.obj.observables.flatMap((iri) => ctx.femto.ontology.observable(iri) ?? []));
      },
      async gateStatus(queries: LoaderQuery<DatasetNode>[], ctx) {
        const status = await ctx.femto.gates.gateStatusFor(queries.map((q) => q.obj.__pk));
        return queries.map((q) => status.get(q.obj.__pk));
      },
      async measurements(queries: LoaderQuery<DatasetNode>[], ctx) {
        // The loader gets only dataset nodes the caller may already see.
        const all = await ctx.femto.gates.measurementsOfVersions(queries.map((q) => q.obj.__pk));
        return queries.map((q) => all.filter((m) => m.dataset === q.obj.id && m.version === q.obj.version));
      },
    },
  },
};
