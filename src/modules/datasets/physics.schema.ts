import { z } from 'zod';
import { bigCount } from '../../lib/counts.js';

/**
 * The typed physics blocks a version may carry: a lattice QCD ensemble (what ILDG QCDml states of
 * a Markov chain) and the collisions of detector data. Every field but the identifying ones is
 * optional: a block says what its source states and nothing more.
 */

const name = z.string().trim().min(1).max(200);
const extent = z.number().int().min(1).max(1_000_000);

/** Flavour content as lattice papers write it: "2", "2+1", "2+1+1". */
export const flavourContent = z.string().regex(/^\d{1,2}(\+\d{1,2}){0,5}$/, 'must be flavour content like 2, 2+1 or 2+1+1');

export const quarkActionInput = z
  .object({
    action: name.describe('the QCDml quark action element, e.g. hisqQuarkAction, npCloverQuarkAction'),
    flavours: z.number().int().min(1).max(12).optional().describe('numberOfFlavours of this action'),
    mass: z.number().optional().describe('bare quark mass (lattice units)'),
    kappa: z.number().optional().describe('hopping parameter'),
  })
  .strict();

/**
 * A Markov chain URI in the one spelling femto stores and compares (RFC 3986 §6.2.2): the scheme and host are
 * case-insensitive, so lower-cased, and trailing slashes name the same chain, so dropped; the path keeps its case
 * (mc://ldg/HotQCD/x and mc://ldg/hotqcd/x are two chains). A QCDml 1.x chain name carries no scheme
 * (www.lqcd.org/ildg/…): only its trailing slashes go.
 */
export function normalMarkovChainUri(uri: string): string {
  const trimmed = uri.trim().replace(/(?<=.)\/+$/, '');
  const parts = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(trimmed);
  return parts ? `${parts[1].toLowerCase()}${parts[2].toLowerCase()}${parts[3]}` : trimmed;
}

/** A Markov chain URI as it enters femto (an ensemble block, a QCDml file): bounded, then in its normal form. */
export const markovChainUri = z.string().trim().min(1).max(2000).transform(normalMarkovChainUri);

export const ensembleInput = z
  .object({
    markovChainUri: markovChainUri.describe(
      'the ILDG Markov chain URI (mc://…) that names the ensemble; stored with its scheme and host in lower case and no trailing slash',
    ),
    collaboration: name.optional(),
    projectName: name.optional(),
    gaugeAction: name.optional().describe('the QCDml gluon action element, e.g. plaquetteGluonAction'),
    beta: z.number().optional().describe('β, the gauge coupling'),
    size: z.object({ x: extent, y: extent, z: extent, t: extent }).strict().describe('lattice extents; L³×T when x = y = z'),
    quarks: z.array(quarkActionInput).max(20).optional().describe('the fermion actions, in the order the source gives them'),
    nf: flavourContent.optional().describe('flavour content; derived from the quark actions when not given'),
    algorithm: name.optional(),
    numberOfConfigurations: bigCount.optional().describe('a count the source states; configurations recorded in femto are counted in configurations.recorded'),
  })
  .strict();

/**
 * A related identifier naming an ILDG Markov chain: an mc:// URI, or an ILDG identifier that is not
 * a logical file name (QCDml 1.x chain URIs carry no scheme: www.lqcd.org/ildg/…).
 */
export const namesMarkovChain = (r: { type: string; value: string }): boolean =>
  /^mc:\/\//i.test(r.value.trim()) || (r.type === 'ILDG' && !/^lfn:\/\//i.test(r.value.trim()));

/** A related identifier as it joins the identifier graph: one naming a Markov chain in the chain's normal form. */
export const relatedInNormalForm = <R extends { type: string; value: string }>(r: R): R =>
  namesMarkovChain(r) ? { ...r, value: normalMarkovChainUri(r.value) } : r;

/** "Au+Au", "p+p", "e+p", "d+Au", "Pb+Pb": two beam particles or nuclei joined by "+". */
export const collisionSystem = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,9}\+[A-Za-z][A-Za-z0-9]{0,9}$/, 'must be a colliding system like Au+Au, p+p or e+p');

/** Energy units √s_NN may be stated in, and their factor to GeV. */
export const ENERGY_UNITS = { eV: 1e-9, keV: 1e-6, MeV: 1e-3, GeV: 1, TeV: 1e3 } as const;

export const collisionInput = z
  .object({
    systems: z.array(collisionSystem).min(1).max(10).optional().describe('colliding systems, e.g. ["p+p", "Au+Au"]'),
    sqrtSNN: z
      .object({ value: z.number().positive(), unit: z.enum(Object.keys(ENERGY_UNITS) as [keyof typeof ENERGY_UNITS]) })
      .strict()
      .optional()
      .describe('centre-of-mass energy per nucleon pair'),
    events: bigCount.optional().describe('number of events'),
    trigger: z.string().trim().min(1).max(500).optional(),
    subsystems: z.array(name).max(50).optional().describe('detector subsystems, e.g. TPC, calorimeter'),
    simulated: z.boolean().optional().describe('simulated (true) or real (false) data'),
    basis: z.string().trim().min(1).max(2000).optional().describe("the source's words the values come from"),
  })
  .strict()
  .refine((c) => Object.keys(c).some((k) => k !== 'basis'), 'must state something besides its basis');

export type EnsembleInput = z.infer<typeof ensembleInput>;
export type CollisionInput = z.infer<typeof collisionInput>;

export const ensembleOut = ensembleInput.omit({ nf: true }).extend({
  markovChainUri: z.string().describe('the ILDG Markov chain URI (mc://…) that names the ensemble'),
  L: z.number().int().nullable().describe('the spatial extent when x = y = z'),
  T: z.number().int(),
  nf: z.string().nullable(),
  configurations: z
    .object({
      recorded: z.number().int().describe('gauge configurations recorded in femto under this Markov chain URI'),
      logicalFileNames: z.array(z.string()).describe('their ILDG logical file names, in Markov chain order'),
    })
    .describe('configurations attached by their Markov chain URI (femto import qcdml)'),
});

export const collisionOut = collisionInput.safeExtend({ sqrtSNNGeV: z.number().optional().describe('√s_NN in GeV') });

export type EnsembleOut = z.infer<typeof ensembleOut>;
export type CollisionOut = z.infer<typeof collisionOut>;

/** A quark action in words: "hisqQuarkAction (N_f = 2, m = 0.0097)". */
export function quarkSummary(q: z.infer<typeof quarkActionInput>): string {
  const facts = [q.flavours !== undefined && `N_f = ${q.flavours}`, q.mass !== undefined && `m = ${q.mass}`, q.kappa !== undefined && `κ = ${q.kappa}`].filter(
    Boolean,
  );
  return facts.length ? `${q.action} (${facts.join(', ')})` : q.action;
}

/**
 * Flavour content from the quark actions, lightest first: by mass where every action states one,
 * by hopping parameter (larger is lighter) where every one states that, else in source order.
 */
export function flavourContentOf(quarks: readonly { flavours?: number; mass?: number; kappa?: number }[]): string | undefined {
  const counted = quarks.filter((q) => q.flavours !== undefined);
  if (!counted.length) return undefined;
  const byMass = counted.every((q) => q.mass !== undefined);
  const byKappa = !byMass && counted.every((q) => q.kappa !== undefined);
  const ordered = byMass ? [...counted].sort((a, b) => a.mass! - b.mass!) : byKappa ? [...counted].sort((a, b) => b.kappa! - a.kappa!) : counted;
  return ordered.map((q) => q.flavours).join('+');
}

/** The block a stored ensemble was written from (what femto adds to it left out): PATCH merges and imports compare with it. */
export function ensembleContentOf(e: EnsembleOut): EnsembleInput {
  const { L: _l, T: _t, configurations: _c, nf, ...given } = e;
  return { ...given, ...(nf !== null ? { nf } : {}) };
}

export function collisionContentOf(c: CollisionOut): CollisionInput {
  const { sqrtSNNGeV: _gev, systems, subsystems, ...given } = c;
  return { ...given, ...(systems?.length ? { systems } : {}), ...(subsystems?.length ? { subsystems } : {}) };
}
