import t from 'tap';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import { makeApp } from '../helpers/app.js';
import { derivationChain, ORCID } from '../helpers/provenance.js';
import { assertValid, provJsonSchema, provXsd } from '../helpers/validators.js';

const PROV = 'http://www.w3.org/ns/prov#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** The PROV-O constraints a graph can be checked against without a reasoner. */
function provOViolations(quads: Quad[]): string[] {
  const types = new Map<string, Set<string>>();
  for (const q of quads) if (q.predicate.value === RDF_TYPE) types.set(q.subject.value, (types.get(q.subject.value) ?? new Set()).add(q.object.value));
  const is = (node: string, cls: string) => types.get(node)?.has(PROV + cls) ?? false;
  // Domain and range of the starting-point properties (PROV-O §3.1), and of the qualified forms femto writes.
  const signature: Record<string, [string, string]> = {
    used: ['Activity', 'Entity'],
    wasGeneratedBy: ['Entity', 'Activity'],
    wasAssociatedWith: ['Activity', 'Agent'],
    wasAttributedTo: ['Entity', 'Agent'],
    wasDerivedFrom: ['Entity', 'Entity'],
    qualifiedUsage: ['Activity', 'Usage'],
    qualifiedAssociation: ['Activity', 'Association'],
  };
  const out: string[] = [];
  for (const q of quads) {
    const local = q.predicate.value.startsWith(PROV) ? q.predicate.value.slice(PROV.length) : '';
    const sig = signature[local];
    if (!sig) continue;
    if (!is(q.subject.value, sig[0])) out.push(`${q.subject.value} is the subject of prov:${local} but no prov:${sig[0]}`);
    if (!is(q.object.value, sig[1])) out.push(`${q.object.value} is the object of prov:${local} but no prov:${sig[1]}`);
  }
  // Disjoint classes (PROV-CONSTRAINTS 50/51): nothing is both an entity and an activity.
  for (const [node, set] of types) if (set.has(`${PROV}Entity`) && set.has(`${PROV}Activity`)) out.push(`${node} is an entity and an activity`);
  const startedAt = new Map(quads.filter((q) => q.predicate.value === `${PROV}startedAtTime`).map((q) => [q.subject.value, q.object.value]));
  for (const q of quads.filter((x) => x.predicate.value === `${PROV}endedAtTime`)) {
    const start = startedAt.get(q.subject.value);
    if (start && Date.parse(start) > Date.parse(q.object.value)) out.push(`${q.subject.value} ends before it starts`);
  }
  return out;
}

const canonical = (nquads: string) =>
  jsonld.canonize(nquads, { algorithm: 'URDNA2015', inputFormat: 'application/n-quads', format: 'application/n-quads' } as jsonld.Options.Normalize);
const nquadsOf = (quads: Quad[]) =>
  quads
    .map(
      (q) =>
        `${q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : `<${q.subject.value}>`} <${q.predicate.value}> ${q.object.termType === 'Literal' ? JSON.stringify(q.object.value) + (q.object.language ? `@${q.object.language}` : `^^<${q.object.datatype.value}>`) : q.object.termType === 'BlankNode' ? `_:${q.object.value}` : `<${q.object.value}>`} .`,
    )
    .join('\n');

t.test('a lineage subgraph in PROV: valid PROV-XML, PROV-JSON and PROV-O saying the same steps', async (t) => {
  const a = await makeApp(t);
  const { raw, mid, out, hidden } = await derivationChain(a);
  const url = (format: string) => `/datasets/${out}/lineage?direction=UPSTREAM&format=${format}`;
  const v = (id: string) => `http://femto.test/datasets/${id}/versions/1#version`;

  const xml = await a.app.inject({ url: url('prov-xml') });
  t.equal(xml.headers['content-type'], 'application/provenance+xml');
  await assertValid(t, provXsd, xml.body, 'PROV-XML against the PROV XSD');

  const json = await a.app.inject({ url: url('prov-json') });
  t.equal(json.headers['content-type'], 'application/json; profile="http://www.w3.org/Submission/prov-json/"');
  const doc = json.json();
  await assertValid(t, provJsonSchema, doc, 'PROV-JSON against its JSON Schema');
  const expand = (q: string) => doc.prefix[q.split(':')[0]] + q.split(':')[1];
  const used = Object.values(doc.used as Record<string, Record<string, string>>).map((u) => [
    expand(u['prov:activity']),
    expand(u['prov:entity']),
    u['prov:role'],
  ]);
  t.same(
    used.sort(),
    [
      ['http://femto.test/activities/reco#activity', v(raw), 'hits'],
      ['http://femto.test/activities/select#activity', v(mid), undefined],
    ].sort(),
    'used: the visible inputs with their roles',
  );
  const generated = Object.values(doc.wasGeneratedBy as Record<string, Record<string, string>>).map((g) => [
    expand(g['prov:entity']),
    expand(g['prov:activity']),
  ]);
  t.same(
    generated.sort(),
    [
      [v(mid), 'http://femto.test/activities/reco#activity'],
      [v(out), 'http://femto.test/activities/select#activity'],
    ].sort(),
  );
  t.notMatch(json.body, hidden, 'the restricted input is not named');

  const ttl = await a.app.inject({ url: url('prov-o') });
  t.equal(ttl.headers['content-type'], 'text/turtle');
  const quads = new Parser().parse(ttl.body);
  t.same(provOViolations(quads), [], 'PROV-O: domains, ranges, disjointness and time order hold');
  const triple = (s: string, p: string, o: string) => quads.some((q) => q.subject.value === s && q.predicate.value === p && q.object.value === o);
  t.ok(triple('http://femto.test/activities/reco#activity', `${PROV}used`, v(raw)));
  t.ok(triple(v(out), `${PROV}wasGeneratedBy`, 'http://femto.test/activities/select#activity'));
  t.ok(
    quads.some((q) => q.predicate.value === 'http://schema.org/identifier' && q.object.value === `https://orcid.org/${ORCID}`),
    'agents carry their ORCID',
  );
  t.ok(triple('http://femto.test/activities/reco#software', RDF_TYPE, `${PROV}SoftwareAgent`));

  const jsonLd = await a.app.inject({ url: url('prov-o-jsonld') });
  t.equal(jsonLd.headers['content-type'], 'application/ld+json');
  const fromJsonLd = (await jsonld.toRDF(jsonLd.json(), { format: 'application/n-quads' })) as unknown as string;
  t.equal(await canonical(fromJsonLd), await canonical(nquadsOf(quads)), 'PROV-O in JSON-LD is the same graph as in Turtle');

  const violated = provOViolations([...quads, ...new Parser().parse(`<${v(raw)}> a <${PROV}Activity> .`)]);
  t.ok(violated.length > 0, 'the constraint check itself can fail');
});

t.test('one step in PROV, negotiated by Accept', async (t) => {
  const a = await makeApp(t);
  await derivationChain(a);
  const xml = await a.app.inject({ url: '/activities/reco', headers: { accept: 'application/provenance+xml' } });
  t.equal(xml.statusCode, 200);
  await assertValid(t, provXsd, xml.body, 'PROV-XML');
  const json = await a.app.inject({ url: '/activities/reco', headers: { accept: 'application/json; profile="http://www.w3.org/Submission/prov-json/"' } });
  await assertValid(t, provJsonSchema, json.json(), 'PROV-JSON');
  t.same(Object.keys(json.json().activity), ['a-reco:activity']);
  t.equal(json.json().activity['a-reco:activity']['prov:startTime'], '2024-01-01T10:00:00Z');
  const plain = await a.app.inject({ url: '/activities/reco', headers: { accept: 'application/json' } });
  t.equal(plain.json().id, 'reco', 'plain JSON stays the activity record');
  const ttl = await a.app.inject({ url: '/activities/reco', headers: { accept: 'text/turtle' } });
  t.same(provOViolations(new Parser().parse(ttl.body)), []);
});
