import t from 'tap';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { loadSchema } from '../../src/plugins/graphql.js';
import { makeApp } from '../helpers/app.js';
import { loadScaledBound, medianMs, timed } from '../helpers/timing.js';
import { graphqlErrorProblems } from './shapes.js';

/**
 * A bounded fuzzer over the GraphQL schema: documents built from the SDL (fields, arguments of the
 * right type or not, aliases, inline fragments, variables), some of them damaged. No answer may be
 * a 5xx or hide an internal error, every one must be GraphQL-over-HTTP shaped, none may take a second (on an idle machine: see SLOW_MS).
 */
const RUNS = 1500;
const SEED = 424_242;
/** The bound on an idle machine; under load, K x a `{ __typename }` request measured at that moment. */
const SLOW_MS = 1000;
const K = 200;

const schema = buildSchema(loadSchema());
const ids = ['fm4npp', 'tpcpp-10m', 'fm4npp@1', 'the-well-gray-scott', 'tpcpp-to-fm4npp-training', 'no-such-id', '10.5072/x', ''];
const hostile = fc.constantFrom('', '\u0000', '💥', '"', '\\', 'x'.repeat(2000), '../..', '<script>', '%00');
const gqlString = (s: string) => JSON.stringify(s);

function inputValue(type: GraphQLInputType, depth: number): fc.Arbitrary<string> {
  const named = getNamedType(type);
  const list = isListType(getNullableType(type));
  let one: fc.Arbitrary<string>;
  if (isEnumType(named))
    one = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...named.getValues().map((v) => v.name)) },
      { weight: 1, arbitrary: fc.constantFrom('NOPE', '"UPSTREAM"') },
    );
  else if (isInputObjectType(named) && depth < 3) {
    const fields = Object.values(named.getFields());
    one = fc
      .subarray(fields, { maxLength: Math.min(4, fields.length) })
      .chain((chosen) =>
        fc.tuple(...chosen.map((f) => inputValue(f.type, depth + 1))).map((values) => `{ ${chosen.map((f, i) => `${f.name}: ${values[i]}`).join(', ')} }`),
      );
  } else if (isScalarType(named) && named.name === 'Int')
    one = fc.oneof(fc.integer({ min: -3, max: 600 }).map(String), fc.constantFrom('2147483648', '-99999999999', '1.5', '"7"'));
  else if (isScalarType(named) && named.name === 'Float')
    one = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String), fc.constant('"x"'));
  else if (isScalarType(named) && named.name === 'Boolean') one = fc.constantFrom('true', 'false', '"true"', '1');
  else
    one = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...ids).map(gqlString) },
      { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map(gqlString) },
      { weight: 1, arbitrary: hostile.map(gqlString) },
      { weight: 1, arbitrary: fc.constantFrom('12', 'null', '[]') },
    );
  return list
    ? fc.oneof(
        fc.array(one, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
        one,
      )
    : one;
}

function argumentsOf(field: GraphQLField<unknown, unknown>): fc.Arbitrary<string> {
  if (!field.args.length) return fc.constant('');
  const required = field.args.filter((a) => isNonNullType(a.type));
  const optionalArgs = field.args.filter((a) => !isNonNullType(a.type));
  return fc.subarray(optionalArgs, { maxLength: Math.min(3, optionalArgs.length) }).chain((optional) => {
    const chosen = [...required, ...optional];
    return fc
      .tuple(...chosen.map((a) => inputValue(a.type, 0)))
      .map((values) => (chosen.length ? `(${chosen.map((a, i) => `${a.name}: ${values[i]}`).join(', ')})` : ''));
  });
}

function selection(type: GraphQLNamedType, depth: number): fc.Arbitrary<string> {
  if (!(isObjectType(type) || isInterfaceType(type))) return fc.constant('__typename');
  const fields = Object.values((type as GraphQLObjectType).getFields()).filter((f) => depth > 0 || isLeafType(getNamedType(f.type)));
  if (!fields.length) return fc.constant('__typename');
  const one = fc.constantFrom(...fields).chain((f) => {
    const inner = getNamedType(f.type);
    return fc
      .tuple(
        argumentsOf(f),
        isLeafType(inner) ? fc.constant('') : selection(inner, depth - 1).map((s) => ` { ${s} }`),
        fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 4 }),
      )
      .map(([args, sub, alias]) => `${alias ? `${alias}${f.name.length}: ` : ''}${f.name}${args}${sub}`);
  });
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(one, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(' ')) },
    { weight: 1, arbitrary: one.map((s) => `... on ${type.name} { ${s} }`) },
    { weight: 1, arbitrary: fc.constantFrom('__typename', 'noSuchField', 'id { nested }') },
  );
}

const query = schema.getQueryType()!;
const document = fc.oneof(
  { weight: 7, arbitrary: selection(query, 4).map((s) => `{ ${s} }`) },
  { weight: 1, arbitrary: selection(query, 3).map((s) => `query Q($id: ID!, $n: Int) { ${s} dataset(id: $id) { id } datasets(first: $n) { totalCount } }`) },
  // damaged documents: cut short, or with junk spliced in
  { weight: 1, arbitrary: fc.tuple(selection(query, 3), fc.nat()).map(([s, n]) => `{ ${s} }`.slice(0, n % (s.length + 4))) },
  {
    weight: 1,
    arbitrary: fc.tuple(selection(query, 3), fc.string({ maxLength: 5 }), fc.nat()).map(([s, junk, n]) => {
      const d = `{ ${s} }`;
      const at = n % d.length;
      return d.slice(0, at) + junk + d.slice(at);
    }),
  },
);

t.test(`GraphQL fuzzer: ${RUNS} documents from the SDL, no 5xx, spec-shaped answers, each under 1 s (or K x a trivial request under load)`, async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const request = fc.record({
    query: document,
    variables: fc.option(fc.record({ id: fc.oneof(fc.constantFrom(...ids), fc.integer()), n: fc.oneof(fc.integer({ min: -1, max: 600 }), fc.constant('x')) }), {
      nil: undefined,
    }),
    viaGet: fc.boolean(),
    accept: fc.constantFrom(undefined, 'application/json', 'application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9'),
    who: fc.constantFrom<Record<string, string>>(a.as.anonymous, a.as.reader, a.as.curator),
  });
  const trivial = () => a.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __typename }' } });
  // Compiles and caches what the first queries need (the lineage snapshot, first-use JSON-LD contexts) before the clock starts.
  await a.app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ lineage(id: "fm4npp", direction: BOTH) { truncated } datasets(first: 1) { totalCount } }' },
  });

  const statuses = new Map<number, number>();
  let slowest = 0;
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const headers = { ...r.who, ...(r.accept ? { accept: r.accept } : {}) };
      const send = () =>
        r.viaGet
          ? a.app.inject({
              url: `/graphql?${new URLSearchParams({ query: r.query, ...(r.variables ? { variables: JSON.stringify(r.variables) } : {}) })}`,
              headers,
            })
          : a.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query: r.query, variables: r.variables } });
      const { ms, value: res } = await timed(send);
      slowest = Math.max(slowest, ms);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const what = `${r.viaGet ? 'GET' : 'POST'} ${r.query} ${JSON.stringify(r.variables)}`;
      if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${what}: ${res.body.slice(0, 300)}`);
      if (ms > SLOW_MS) {
        // Past the idle-machine bound: judged again against the load of this moment, so a pause of the machine
        // cannot fail the run while a document that really costs seconds still does (it is slow every time).
        const bound = loadScaledBound(await medianMs(9, trivial), K, SLOW_MS);
        const again = (await timed(send)).ms;
        if (again > bound) throw new Error(`${ms.toFixed(0)} ms, then ${again.toFixed(0)} ms (bound ${bound.toFixed(0)} ms) for ${what}`);
      }
      const body = res.json();
      const problems = graphqlErrorProblems(res.statusCode, body);
      if (problems.length) throw new Error(`${problems.join('; ')} for ${what}: ${res.body.slice(0, 300)}`);
      if (/"code":"INTERNAL"/.test(res.body)) throw new Error(`an internal error for ${what}: ${res.body.slice(0, 300)}`);
      const expected = r.accept?.startsWith('application/graphql-response+json') ? 'application/graphql-response+json' : 'application/json';
      if (!String(res.headers['content-type']).startsWith(expected)) throw new Error(`${res.headers['content-type']} for Accept ${r.accept}`);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest.toFixed(0)} ms`);
  t.ok((statuses.get(200) ?? 0) > RUNS / 4 && (statuses.get(400) ?? 0) > 0, 'both executed and refused documents were exercised');
});
