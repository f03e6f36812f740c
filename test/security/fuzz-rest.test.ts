import t from 'tap';
import fc from 'fast-check';
import { makeApp } from '../helpers/app.js';
import { errorShapeProblems } from './shapes.js';

/**
 * A bounded fuzzer over every operation of the served OpenAPI document: parameters and bodies drawn
 * from their schemas (mostly well-formed, sometimes hostile), as anonymous, reader and curator.
 * No answer may be a 5xx, every error must have its channel's shape, none may take a second.
 */
const RUNS = 5000;
const SEED = 20_240_917;

type Schema = Record<string, any>;

const HOSTILE = fc.constantFrom(
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%',
  '%00',
  '%E0%A4%A',
  '\u0000',
  '\uFFFF',
  '\uD800',
  'é',
  '💥',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  "' OR 1=1 --",
  '{}',
  '[]',
  'null',
  '-1',
  '0',
  '1e309',
  'NaN',
  'x'.repeat(5000),
  '10.5072/../x',
  '__proto__',
  'constructor',
  '*',
  '/',
  '\\',
);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  HOSTILE,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function resolve(doc: Schema, s: Schema | undefined): Schema | undefined {
  if (s?.$ref)
    return resolve(
      doc,
      s.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce((o: Schema, k: string) => o?.[k], doc),
    );
  return s;
}

const urls = fc.constantFrom(
  'https://data.example.org/a.h5',
  's3://bucket/key',
  'root://eos.cern.ch//a.root',
  'javascript:alert(1)',
  'data:text/html,x',
  'https://',
);

function stringFor(s: Schema): fc.Arbitrary<unknown> {
  if (s.format === 'uri') return urls;
  if (s.format === 'date-time' || s.format === 'date')
    return fc.oneof(fc.constantFrom('2024-01-01', '2024-01-01T00:00:00Z', '2024-13-45'), fc.string({ maxLength: 10 }));
  return fc.oneof(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) }), HOSTILE);
}

function fromSchema(doc: Schema, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (!s || depth > 5) return junk;
  const options: fc.Arbitrary<unknown>[] = [];
  if (s.enum) options.push(fc.constantFrom(...s.enum));
  if (s.const !== undefined) options.push(fc.constant(s.const));
  for (const alt of s.anyOf ?? s.oneOf ?? s.allOf ?? []) options.push(fromSchema(doc, alt, depth + 1));
  for (const type of Array.isArray(s.type) ? s.type : s.type ? [s.type] : []) {
    if (type === 'string' && !s.enum) options.push(stringFor(s));
    if (type === 'integer') options.push(fc.integer({ min: s.minimum ?? s.exclusiveMinimum ?? -5, max: Math.min(s.maximum ?? 600, 100_000) }));
    if (type === 'number') options.push(fc.double({ noNaN: true, min: -1e6, max: 1e6 }));
    if (type === 'boolean') options.push(fc.boolean());
    if (type === 'null') options.push(fc.constant(null));
    if (type === 'array') options.push(fc.array(fromSchema(doc, s.items, depth + 1), { maxLength: 3 }));
    if (type === 'object') {
      const props = Object.entries<Schema>(s.properties ?? {});
      const required = new Set<string>(s.required ?? []);
      options.push(
        fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(doc, v, depth + 1)])), {
          requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
        }),
      );
    }
  }
  if (!options.length) return junk;
  return fc.oneof({ weight: 9, arbitrary: fc.oneof(...options) }, { weight: 1, arbitrary: junk });
}

interface Operation {
  method: string;
  path: string;
  params: Schema[];
  body?: Schema;
}

t.test(`REST fuzzer: ${RUNS} requests from the OpenAPI document, no 5xx, errors in their channel's shape, each under 1 s of CPU`, async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true', FEMTO_AUTH_FAILURES_MAX: '1000000' });
  const doc = (await a.app.inject('/openapi.json')).json() as Schema;
  const operations: Operation[] = Object.entries<Schema>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<Schema>(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []) as Schema[],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
  );
  t.ok(operations.length > 30, `${operations.length} operations`);

  const ids = fc.constantFrom('fm4npp', 'tpcpp-10m', 'the-well-gray-scott', 'ising-xy-spin-configurations', 'no-such-id');
  const segment = fc.oneof(
    { weight: 3, arbitrary: ids },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: HOSTILE.map(String) },
  );
  const doi = fc.oneof(
    fc.constantFrom('10.5072/abcd-2345', '10.5072/x'),
    fc.string({ maxLength: 30 }).map((s) => `10.5072/${encodeURIComponent(s)}`),
    HOSTILE.map(String),
  );
  const who = fc.constantFrom<Record<string, string>>(
    a.as.anonymous,
    a.as.reader,
    a.as.curator,
    a.as.curator,
    { authorization: 'Bearer not-a-token' },
    { authorization: 'Basic !!!' },
  );
  const accept = fc.constantFrom(
    undefined,
    'application/json',
    'text/html',
    'application/ld+json',
    'text/turtle',
    'application/x-bibtex',
    'image/png',
    '*/*;q=nonsense',
    '',
  );

  const request = fc.constantFrom(...operations).chain((op) => {
    const pathParams = op.params.filter((p) => p.in === 'path');
    const query = op.params.filter((p) => p.in === 'query');
    const headers = op.params.filter((p) => p.in === 'header');
    return fc.record({
      op: fc.constant(op),
      path: fc
        .tuple(
          ...pathParams.map((p) =>
            p.name === '*' ? doi : p.schema?.type === 'integer' ? fc.oneof(fc.integer({ min: -2, max: 5 }).map(String), segment) : segment,
          ),
        )
        .map((values) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, values[i]), op.path)),
      query: fc.record(Object.fromEntries(query.map((p) => [p.name, fromSchema(doc, p.schema)])), { requiredKeys: [] }),
      headers: fc.record(Object.fromEntries(headers.map((p) => [p.name, fc.oneof(fc.constantFrom('*', '"v1"'), fc.string({ maxLength: 10 }))])), {
        requiredKeys: [],
      }),
      body: op.body
        ? fc.oneof({ weight: 8, arbitrary: fromSchema(doc, op.body) }, { weight: 1, arbitrary: fc.string({ maxLength: 50 }) }, { weight: 1, arbitrary: junk })
        : fc.constant(undefined),
      contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'application/vnd.api+json', 'text/plain', 'application/xml'),
      who,
      accept,
    });
  });

  // Representations computed once on first use (the ontology as JSON-LD, Swagger UI's files) are
  // computed before the clock starts: the bound is for the server a client meets, not its first request.
  for (const op of operations.filter((o) => o.method === 'GET' && !o.params.some((p) => p.in === 'path'))) {
    for (const accept of ['application/json', 'application/ld+json', 'text/turtle']) await a.app.inject({ url: op.path, headers: { accept } });
  }

  const slowest = { ms: 0, what: '' };
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
      const qs = new URLSearchParams(
        Object.entries(r.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, text(x)]) : v === undefined ? [] : [[k, text(v)]])),
      ).toString();
      const url = `${r.path}${qs ? `?${qs}` : ''}`;
      const headers: Record<string, string> = { ...r.who, ...(r.headers as Record<string, string>), ...(r.accept !== undefined ? { accept: r.accept } : {}) };
      const payload = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      if (payload !== undefined) headers['content-type'] = r.contentType;
      // CPU time, not wall time: what a request costs the server, unaffected by other processes on a busy machine.
      // The wall-clock bound only catches a request that waits on something (a hang) rather than working.
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const res = await a.app.inject({ method: r.op.method as 'GET', url, headers, payload });
      const cpu = process.cpuUsage(cpuBefore);
      const ms = (cpu.user + cpu.system) / 1000;
      const wallMs = performance.now() - started;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const what = `${r.op.method} ${url} ${JSON.stringify(headers)} ${payload?.slice(0, 300) ?? ''}`;
      if (ms > slowest.ms) Object.assign(slowest, { ms, what });
      if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${what}: ${res.body.slice(0, 500)}`);
      if (ms > 1000) throw new Error(`${ms.toFixed(0)} ms of CPU for ${what}`);
      if (wallMs > 15_000) throw new Error(`${wallMs.toFixed(0)} ms waiting for ${what}`);
      if (res.statusCode >= 400) {
        // The path as the server sees it: dot segments are resolved before routing.
        const problems = errorShapeProblems(new URL(url, 'http://femto.test').pathname, res);
        if (problems.length) throw new Error(`${problems.join('; ')} for ${what}`);
      }
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}`);
  t.comment(`slowest: ${slowest.ms.toFixed(0)} ms of CPU ${slowest.what.slice(0, 200)}`);
  t.ok([...statuses.keys()].some((s) => s < 300) && [...statuses.keys()].some((s) => s >= 400), 'both answers and refusals were exercised');
});
