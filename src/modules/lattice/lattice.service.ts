import { FemtoError } from '../../errors.js';
import { digestOf } from '../../lib/digest.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { ConfigurationFields, LatticeRepository } from './lattice.repository.js';

/** What the lattice module needs of the datasets module. */
export interface EnsembleRecords {
  recordsOfMarkovChain(uri: string): Promise<string[]>;
  editableRecords(actor: Actor, ids: readonly string[]): Promise<Set<string>>;
}

/**
 * Gauge configurations attach to their ensemble by Markov chain URI: to the record whose versions
 * hold that URI, when the caller may change it. A record it may not change, may not see, or that
 * does not exist are the same to it: no ensemble to attach to.
 */
export function createLatticeService(deps: { repo: LatticeRepository; ensembles: EnsembleRecords; auth: AuthService }) {
  const { repo, ensembles, auth } = deps;
  return {
    /** The Markov chain of the configuration recorded under a logical file name. */
    chainOfConfiguration: async (lfn: string): Promise<string | undefined> => (await repo.configuration(lfn))?.markovChainUri,

    async attachConfiguration(actor: Actor, c: ConfigurationFields): Promise<{ status: 'created' | 'updated' | 'unchanged'; dataset: string }> {
      auth.require(actor, 'curator');
      const [dataset] = await ensembles.editableRecords(actor, await ensembles.recordsOfMarkovChain(c.markovChainUri));
      if (!dataset) {
        throw new FemtoError(
          'UNKNOWN_REFERENCE',
          `No ensemble you may change has the Markov chain URI ${c.markovChainUri}: import the ensemble (markovChain) first`,
          [{ pointer: '/gaugeConfiguration/markovChainURI', message: 'names no ensemble you may change' }],
        );
      }
      const known = await repo.configuration(c.lfn);
      if (!known) {
        await repo.insert(c, actor.user ?? actor.id);
        return { status: 'created', dataset };
      }
      // A logical file name is one file of the grid: it belongs to one chain.
      if (known.markovChainUri !== c.markovChainUri) {
        throw new FemtoError('ID_TAKEN', `The logical file name ${c.lfn} is a configuration of another ensemble`, [
          { pointer: '/gaugeConfiguration/dataLFN', message: 'is taken' },
        ]);
      }
      if (digestOf(known) === digestOf(c)) return { status: 'unchanged', dataset };
      await repo.update(c);
      return { status: 'updated', dataset };
    },
  };
}

export type LatticeService = ReturnType<typeof createLatticeService>;
