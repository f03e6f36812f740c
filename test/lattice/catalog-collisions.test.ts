import t from 'tap';
import { readFileSync } from 'node:fs';
import { readCatalog } from '../../src/modules/datasets/catalog.loader.js';
import { makeApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';

const seed = shared('seeds', '002_293f90dbcc664d74.txt');
/** How the seed writes the systems the catalog names in the usual notation. */
const SPELLINGS: Record<string, string[]> = { 'p+p': ['p+p', 'proton-proton'], 'e+p': ['e+p', 'e+P'], 'e+D': ['e+D', 'e+P/D'] };

t.test("the seed-002 experiments' collision blocks say what the seed says, in its words", requires(t, seed), async (t) => {
  const text = readFileSync(seed.path, 'utf8').replace(/\*\*/g, '').replace(/\s+/g, ' ');
  const entries = readCatalog()
    .find((f) => f.file.startsWith('002'))!
    .content.datasets.filter((d) => d.collision);
  t.ok(entries.length >= 10, `${entries.length} detector-data records carry a collision block`);
  for (const d of entries) {
    const c = d.collision!;
    const quotes = [...c.basis!.matchAll(/"([^"]+)"/g)].flatMap((m) => m[1].split(' ... '));
    t.ok(quotes.length > 0, `${d.id}: the basis quotes the seed`);
    for (const q of quotes) t.ok(text.includes(q), `${d.id}: "${q}" is the seed's`);
    const said = quotes.join(' ');
    for (const s of c.systems ?? [])
      t.ok(
        (SPELLINGS[s] ?? [s]).some((w) => said.includes(w)),
        `${d.id}: ${s} is in the quote`,
      );
    if (c.events !== undefined) t.ok(said.includes(`${c.events / 1e6} million`), `${d.id}: ${c.events} events is the quote's count`);
    t.equal(c.sqrtSNN, undefined, `${d.id}: the seed states no collision energy`);
    t.equal(c.trigger, undefined, `${d.id}: nor a trigger`);
  }
});

t.test('the bundled catalog is searchable by colliding system and simulated or real', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true' });
  const ids = async (q: string) => ((await a.app.inject({ url: `/datasets?${q}&limit=100` })).json().items as { id: string }[]).map((i) => i.id).sort();
  // Seed lines 65, 80 and 104 name Au+Au: the simulated TPC release, the multisubsystem one and the real events.
  t.same(await ids('system=Au+Au'), ['sphenix-auau-real', 'sphenix-auau-tpc-sim', 'sphenix-pp-auau-multisubsystem-sim']);
  t.same(await ids('system=e%2BD'), ['clas12-ep-ed-real', 'clas12-ep-ed-sim']);
  const real = (await a.app.inject('/datasets/sphenix-auau-real')).json().collision;
  t.same(real, {
    systems: ['Au+Au'],
    events: 5000000,
    simulated: false,
    subsystems: [],
    basis: '"Release 5 million sPHENIX Au+Au collision events (10 minutes of data) ... for real data applications"',
  });
  const page = (await a.app.inject({ url: '/datasets/sphenix-auau-real', headers: { accept: 'text/html' } })).body;
  t.match(page, /<h2 id="collisions">Collisions<\/h2>/);
  t.match(page, /5,000,000/);
  t.match(page, /real \(recorded\)/);
});
