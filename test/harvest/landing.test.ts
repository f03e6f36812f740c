import t from 'tap';
import { BASE_URL, makeApp } from '../helpers/app.js';
import { parseLinkHeader } from '../helpers/harvest.js';
import { fullFixture } from './fixtures.js';

t.test('the landing page is escaped HTML with the schema.org record embedded', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const res = await app.app.inject({ url: '/datasets/ising-features', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  t.notOk(res.body.includes('<b>& "quotes"</b>'), 'the title is not injected as markup');
  t.ok(res.body.includes('Ising features &lt;b&gt;&amp; &quot;quotes&quot;&lt;/b&gt;'));
  const script = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.body);
  t.ok(script, 'embedded JSON-LD');
  const embedded = JSON.parse(script![1]);
  t.equal(embedded.name, 'Ising features <b>& "quotes"</b>', 'the embedded JSON keeps the exact title');
  for (const part of [
    'Ada Lovelace',
    'https://orcid.org/0000-0002-1825-0097',
    'How to cite',
    'features.h5',
    'Magnetic susceptibility',
    'Ising raw configurations',
    'Ising critical-temperature classifier',
    'Open access.',
  ])
    t.ok(res.body.includes(part), part);
});

t.test('Signposting level 1 headers parse and level 2 linkset agrees', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const res = await app.app.inject({ url: '/datasets/ising-features', headers: { accept: 'text/html' } });
  const links = parseLinkHeader(res.headers.link as string);
  const rels = (rel: string) => links.filter((l) => l.rel === rel);
  t.same(
    rels('cite-as').map((l) => l.href),
    [`${BASE_URL}/datasets/ising-features/versions/1`],
  );
  t.ok(rels('describedby').length >= 3 && rels('describedby').every((l) => l.params.type), 'describedby with type');
  t.ok(rels('describedby').some((l) => l.params.type === 'application/ld+json' && l.params.profile === 'http://www.w3.org/ns/dcat'));
  t.same(
    rels('type').map((l) => l.href),
    ['https://schema.org/Dataset', 'https://schema.org/AboutPage'],
  );
  t.same(
    rels('author').map((l) => l.href),
    ['https://orcid.org/0000-0002-1825-0097', 'https://ror.org/01ggx4157'],
  );
  t.same(
    rels('license').map((l) => l.href),
    ['https://spdx.org/licenses/CC-BY-4.0'],
  );
  t.same(
    rels('item').map((l) => l.href),
    ['https://data.example.org/features.h5', 'https://mirror.example.org/features.h5'],
  );
  const linksetLink = rels('linkset')[0];
  t.equal(linksetLink.params.type, 'application/linkset+json');
  const ls = await app.app.inject({ url: linksetLink.href.replace(BASE_URL, '') });
  t.match(ls.headers['content-type'], /^application\/linkset\+json/);
  const [ctx] = ls.json().linkset;
  t.equal(ctx.anchor, `${BASE_URL}/datasets/ising-features`, 'the anchor is the URL that served the Link headers');
  t.same(ctx['cite-as'], [{ href: `${BASE_URL}/datasets/ising-features/versions/1` }]);
  t.equal(ctx.item.length, 2);
  t.equal(ctx.author.length, 2);
  t.same(
    ctx.describedby.map((l: { href: string }) => l.href),
    rels('describedby').map((l) => l.href),
    'the linkset holds the links of the headers',
  );

  // One version's landing page has its own linkset, anchored there.
  const version = `${BASE_URL}/datasets/ising-features/versions/1`;
  const versionLinks = parseLinkHeader((await app.app.inject({ url: version.replace(BASE_URL, '') })).headers.link as string);
  const versionLinkset = versionLinks.find((l) => l.rel === 'linkset')!.href;
  t.equal(versionLinkset, `${version}/linkset`);
  t.equal((await app.app.inject({ url: versionLinkset.replace(BASE_URL, '') })).json().linkset[0].anchor, version);
  t.ok(versionLinks.filter((l) => l.rel === 'describedby').every((l) => l.href.startsWith(`${version}?format=`)));
});

t.test('robots.txt lets harvesters reach OAI-PMH and the records, and names the sitemap', async (t) => {
  const app = await makeApp(t);
  const robots = (await app.app.inject({ url: '/robots.txt' })).body;
  const rules = robots.split('\n').map((l) => l.split(':').map((x) => x.trim()));
  const disallowed = rules.filter(([k]) => k === 'Disallow').map(([, v]) => v);
  for (const path of ['/oai', '/datasets/fm4npp', '/catalog', '/sitemap.xml']) {
    t.notOk(
      disallowed.some((d) => d && path.startsWith(d)),
      `${path} is not disallowed`,
    );
  }
  t.match(robots, `Sitemap: ${BASE_URL}/sitemap.xml`);
});

t.test('an active embargo shows metadata but no file URL on any channel', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const hidden = 'hidden-events.root';
  const channels = [
    '/datasets/embargoed-set?format=html',
    '/datasets/embargoed-set?format=jsonld',
    '/datasets/embargoed-set?format=dcat',
    '/datasets/embargoed-set?format=ttl',
    '/datasets/embargoed-set/linkset',
    '/catalog?format=jsonld',
    '/catalog?format=dcat',
    '/oai?verb=ListRecords&metadataPrefix=oai_dc',
    '/oai?verb=ListRecords&metadataPrefix=oai_datacite',
  ];
  for (const url of channels) {
    const res = await app.app.inject({ url });
    t.equal(res.statusCode, 200, url);
    t.notOk(res.body.includes(hidden), `${url} hides the file`);
    t.notOk(String(res.headers.link ?? '').includes(hidden), `${url} Link header hides the file`);
  }
  const page = (await app.app.inject({ url: '/datasets/embargoed-set?format=html' })).body;
  t.ok(page.includes('Embargoed until 2999-01-01'), 'the page says why');
  const so = (await app.app.inject({ url: '/datasets/embargoed-set?format=jsonld' })).json();
  t.equal(so.isAccessibleForFree, false);
  const asReader = await app.app.inject({ url: '/datasets/embargoed-set?format=jsonld', headers: app.as.reader });
  t.ok(asReader.body.includes(hidden), 'authorised readers still get the files');
});

t.test('FAIR self-score names the F-UJI metrics with evidence and fixes', async (t) => {
  const app = await makeApp(t);
  await fullFixture(app);
  const full = (await app.app.inject({ url: '/datasets/ising-features/fair' })).json();
  const ids = full.metrics.map((m: { metric: string }) => m.metric);
  t.equal(ids[0], 'FsF-F1-01D');
  t.equal(ids.at(-1), 'FsF-R1.3-02D');
  t.equal(ids.length, 18, "F-UJI's 17 and femto's datasheet metric");
  t.equal(ids[ids.indexOf('FsF-R1-01MD') + 1], 'femto-R1-datasheet', 'with the other R1 metrics');
  const byId = (report: { metrics: { metric: string; status: string; fix: string | null }[] }, id: string) => report.metrics.find((m) => m.metric === id)!;
  t.equal(byId(full, 'FsF-R1.1-01M').status, 'pass');
  t.equal(byId(full, 'FsF-R1.2-01M').status, 'pass', 'provenance: creators, date and generating step');
  t.equal(byId(full, 'FsF-R1.3-02D').status, 'pass', 'HDF5 is an open format');
  const bare = (await app.app.inject({ url: '/datasets/ising-model/fair' })).json();
  t.ok(bare.score.earned < full.score.earned, 'a thinner record scores lower');
  t.equal(byId(bare, 'FsF-F3-01M').status, 'fail');
  t.match(byId(bare, 'FsF-F3-01M').fix, /distributions/);
});
