import t from 'tap';
import fc from 'fast-check';
import { makeApp, publishedDataset, patchDraft } from '../helpers/app.js';

/**
 * Whichever index drives a search (β, √s_NN, system, L, flavour content, or none), it finds
 * exactly the latest visible versions whose blocks match every filter: checked against the same
 * rule written plainly over the records made.
 */
t.test('typed-block filters: the index-driven search finds what a plain filter over the records finds', async (t) => {
  const a = await makeApp(t);
  const BETAS = [5.2, 5.6, 6.0, 6.26, 7.2];
  const LS = [16, 24, 32, 48];
  const NFS = ['2', '2+1', '2+1+1'];
  const SYSTEMS = ['Au+Au', 'p+p', 'e+p'];
  const ENERGIES = [200, 5020, 13600];
  interface Made {
    id: string;
    private: boolean;
    beta?: number;
    L?: number;
    nf?: string;
    systems?: string[];
    gev?: number;
  }
  const made: Made[] = [];
  for (let i = 0; i < 36; i++) {
    const priv = i % 9 === 4;
    if (i % 3 === 2) {
      const systems = [SYSTEMS[i % 3], ...(i % 4 === 0 ? [SYSTEMS[(i + 1) % 3]] : [])];
      const gev = ENERGIES[i % 3];
      const id = await publishedDataset(a, {
        title: `collisions ${i}`,
        visibility: priv ? 'private' : 'public',
        collision: { systems, sqrtSNN: gev >= 1000 ? { value: gev / 1000, unit: 'TeV' } : { value: gev, unit: 'GeV' } },
      });
      made.push({ id, private: priv, systems, gev });
    } else {
      const beta = BETAS[i % 5];
      const L = LS[i % 4];
      const nf = NFS[i % 3];
      const flavours = nf.split('+').map((f, q) => ({ action: 'hisqQuarkAction', flavours: Number(f), mass: 0.01 * (q + 1) }));
      const id = await publishedDataset(a, {
        title: `ensemble ${i}`,
        visibility: priv ? 'private' : 'public',
        ensemble: { markovChainUri: `mc://prop/${i}`, beta, size: { x: L, y: L, z: L, t: 2 * L }, quarks: flavours },
      });
      made.push({ id, private: priv, beta, L, nf });
    }
  }
  // A record whose latest version left the ensemble: its old version must not be found.
  const moved = made.find((m) => m.beta === 6.0)!;
  await a.app.inject({ method: 'POST', url: `/datasets/${moved.id}/versions`, headers: a.as.curator });
  await patchDraft(a, moved.id, { ensemble: null });
  await a.app.inject({ method: 'POST', url: `/datasets/${moved.id}/publish`, headers: a.as.curator });
  Object.assign(moved, { beta: undefined, L: undefined, nf: undefined });
  const atSix = (await a.app.inject('/datasets?beta=6.0&limit=100')).json().items as { id: string }[];
  t.notOk(
    atSix.some((i) => i.id === moved.id),
    'a record found by its old version only is not found',
  );

  const range = fc.oneof(
    fc.tuple(fc.option(fc.constantFrom(5, 5.6, 6, 6.26, 6.3), { nil: undefined }), fc.option(fc.constantFrom(5.6, 6.1, 6.26, 7, 8), { nil: undefined })),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        {
          beta: range,
          L: fc.tuple(fc.option(fc.constantFrom(16, 24, 30), { nil: undefined }), fc.option(fc.constantFrom(24, 48), { nil: undefined })),
          nf: fc.constantFrom(...NFS),
          system: fc.constantFrom(...SYSTEMS),
          sqrtsNN: fc.tuple(fc.option(fc.constantFrom(100, 200, 5020), { nil: undefined }), fc.option(fc.constantFrom(200, 6000, 20000), { nil: undefined })),
        },
        { requiredKeys: [] },
      ),
      fc.boolean(),
      async (filters, asCurator) => {
        const text = (r: [number | undefined, number | undefined]) => `${r[0] ?? ''}..${r[1] ?? ''}`;
        const ranged = (r: [number | undefined, number | undefined] | undefined, v: number | undefined) =>
          r === undefined ||
          (r[0] === undefined && r[1] === undefined) ||
          (v !== undefined && (r[0] === undefined || v >= r[0]) && (r[1] === undefined || v <= r[1]));
        const open = (r?: [number | undefined, number | undefined]) => r !== undefined && (r[0] !== undefined || r[1] !== undefined);
        const qs = new URLSearchParams({ limit: '100' });
        if (open(filters.beta)) qs.set('beta', text(filters.beta!));
        if (open(filters.L)) qs.set('L', text(filters.L!));
        if (filters.nf) qs.set('nf', filters.nf);
        if (filters.system) qs.set('system', filters.system);
        if (open(filters.sqrtsNN)) qs.set('sqrtsNN', text(filters.sqrtsNN!));
        const ensembleAsked = open(filters.beta) || open(filters.L) || filters.nf !== undefined;
        const collisionAsked = filters.system !== undefined || open(filters.sqrtsNN);
        const expected = made
          .filter((m) => asCurator || !m.private)
          .filter(
            (m) =>
              !ensembleAsked ||
              (m.nf !== undefined &&
                ranged(open(filters.beta) ? filters.beta : undefined, m.beta) &&
                ranged(open(filters.L) ? filters.L : undefined, m.L) &&
                (!filters.nf || m.nf === filters.nf)),
          )
          .filter(
            (m) =>
              !collisionAsked ||
              (m.systems !== undefined &&
                (!filters.system || m.systems.includes(filters.system)) &&
                ranged(open(filters.sqrtsNN) ? filters.sqrtsNN : undefined, m.gev)),
          )
          .map((m) => m.id)
          .sort();
        const res = await a.app.inject({ url: `/datasets?${qs}`, headers: asCurator ? a.as.curator : {} });
        const body = res.json() as { items: { id: string }[]; total: number };
        t.same(body.items.map((i) => i.id).sort(), expected, `?${qs} as ${asCurator ? 'curator' : 'anonymous'}`);
        t.equal(body.total, expected.length);
      },
    ),
    { numRuns: 100 },
  );
});
