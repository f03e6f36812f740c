import pLimit from 'p-limit';
import { FemtoError, notFound } from '../../errors.js';
import { slugPattern } from '../../lib/ids.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DatasetReader, VersionRef } from '../datasets/read.js';
import { holds, mayGetFiles } from '../datasets/visibility.js';
import { normalizeDoi } from '../identifiers/doi.js';
import type { LocationsRepository, ReplicaToVerify } from './locations.repository.js';
import type { AddReplicaInput, Locations, ReplicaLocation, Resolved, ResolveQuery, Site, SiteInput, VerifyResult } from './locations.schema.js';
import { checksumConflicts } from '../datasets/replicas.js';
import { MAX_REPLICAS } from '../datasets/datasets.schema.js';
import { normalMarkovChainUri } from '../datasets/physics.schema.js';
import { protocolOf } from '../../lib/urls.js';
import { replicaFetcher } from './public-fetch.js';
import { checkReplica, type Finding, type VerifyOptions } from './verify.js';

/** ILDG names an ensemble by a Markov chain URI: mc://<grid>/<collaboration>/<ensemble>. */
const MARKOV_CHAIN = /^mc:\/\/\S+$/i;

/** A replica whose last check found it missing or wrong: never an answer of the resolver. */
const failed = (r: ReplicaLocation) => r.verified !== null && r.verified.result !== 'ok' && r.verified.result !== 'unsupported';
const verifiedOk = (r: ReplicaLocation) => r.verified?.result === 'ok';

/**
 * The resolver's choice among a distribution's replicas: over the protocol asked for, never one
 * whose last check failed; the preferred site's first, then verified ones (the most recently
 * checked first), then unchecked ones, each in the order the record lists them.
 */
export function bestReplica(replicas: readonly ReplicaLocation[], prefer: { site?: string; protocol?: string }): ReplicaLocation | undefined {
  const rank = (r: ReplicaLocation) => (prefer.site && r.site === prefer.site ? 0 : verifiedOk(r) ? 1 : 2);
  const candidates = replicas.filter((r) => (!prefer.protocol || r.protocol === prefer.protocol) && !failed(r));
  return candidates
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || (rank(a.r) === 1 ? b.r.verified!.at.localeCompare(a.r.verified!.at) : 0) || a.i - b.i)[0]?.r;
}

/** Why no replica answers: what a user can act on (another protocol, another distribution, the site's operator). */
function noReplica(replicas: readonly ReplicaLocation[], q: ResolveQuery, distribution: number): FemtoError {
  const over = q.protocol ? replicas.filter((r) => r.protocol === q.protocol) : replicas;
  const why = !replicas.length
    ? `distribution ${distribution} has no replica`
    : !over.length
      ? `no replica of distribution ${distribution} is served over ${q.protocol} (there are: ${[...new Set(replicas.map((r) => r.protocol))].join(', ')})`
      : `every replica of distribution ${distribution}${q.protocol ? ` over ${q.protocol}` : ''} failed its last check`;
  return new FemtoError('NO_REPLICA', why);
}

export interface VerifyRun {
  site?: string;
  dataset?: string;
  concurrency: number;
  options: VerifyOptions;
  /** Called as each replica's check ends (the CLI prints a line). */
  onResult?: (replica: ReplicaToVerify, found: Finding) => void;
}

export function createLocationsService(deps: {
  repo: LocationsRepository;
  reader: DatasetReader;
  auth: AuthService;
  /** The records the caller may read that are identical to an identifier of this type (datasets module). */
  /** The record whose ensemble is this ILDG Markov chain, when the caller may read it. */
  markovChainRecord: (actor: Actor, uri: string) => Promise<string | undefined>;
  /** The Markov chain a gauge configuration recorded under this logical file name belongs to (lattice module). */
  chainOfConfiguration: (lfn: string) => Promise<string | undefined>;
  /** What a DOI names for the caller (identifiers module). */
  doiTarget: (actor: Actor, doi: string) => Promise<{ datasetId: string; versionPk: number | null } | undefined>;
  /** The version number of a version pk (datasets module). */
  versionNumber: (pk: number) => Promise<number | null>;
  /** Throws unless the caller may change the record: 404 when it may not see it, 403 otherwise (datasets module). */
  assertEditable: (actor: Actor, dataset: string) => Promise<void>;
}) {
  const { repo, reader, auth } = deps;

  /** A dataset version the caller may read (404 as for an unknown one otherwise, 410 when withdrawn), and whether it may get its files. */
  async function open(actor: Actor, ref: VersionRef, unknown: () => FemtoError) {
    const version = await reader.open(actor, ref, unknown);
    return { version, filesWithheld: !mayGetFiles(actor, version), holder: holds(actor, version) };
  }

  /**
   * A check's wording (a size, a digest, a DNS error) describes what answered at the URL, which a
   * curator chose and an admin's network fetched: the record's holders read it, everyone else the
   * result and its time.
   */
  const checkFor =
    (holder: boolean) =>
    (r: ReplicaLocation): ReplicaLocation =>
      holder || !r.verified ? r : { ...r, verified: { ...r.verified, detail: null } };

  /**
   * The version an identifier (a DOI, a dataset id, an ILDG Markov chain URI or logical file name)
   * names. A logical file name is the configuration's: it names the record whose ensemble is the
   * configuration's chain, never another record that merely lists the name.
   */
  async function refOf(actor: Actor, identifier: string, version: number | undefined): Promise<VersionRef & { lfn?: string }> {
    const doi = normalizeDoi(identifier);
    const unknown = () => notFound('Identifier', identifier);
    if (doi) {
      const target = await deps.doiTarget(actor, doi);
      if (!target) throw unknown();
      if (target.versionPk === null) return { dataset: target.datasetId, version };
      if (version !== undefined)
        throw new FemtoError('VALIDATION_FAILED', `${doi} names one version`, [{ pointer: 'querystring/version', message: 'a version DOI names its version' }]);
      const n = await deps.versionNumber(target.versionPk);
      if (n === null) throw unknown();
      return { dataset: target.datasetId, version: n };
    }
    if (slugPattern.test(identifier)) return { dataset: identifier, version };
    // ILDG logical file names are lfn://… (QCDml 1.x) or mc://… beneath their chain (2.0): a recorded configuration's name first.
    const configurationOf = await deps.chainOfConfiguration(identifier);
    const chain = configurationOf ?? (MARKOV_CHAIN.test(identifier) ? normalMarkovChainUri(identifier) : undefined);
    if (!chain) throw unknown();
    const dataset = await deps.markovChainRecord(actor, chain);
    if (!dataset) throw unknown();
    return { dataset, version, ...(configurationOf ? { lfn: identifier } : {}) };
  }

  /** A distribution of a published version the caller may change the replicas of. */
  async function editableDistribution(actor: Actor, ref: { dataset: string; version: number }, index: number) {
    await deps.assertEditable(actor, ref.dataset);
    const version = await reader.open(actor, ref);
    const distribution = (await repo.replicasOf(version.pk)).find((d) => d.index === index);
    if (!distribution)
      throw new FemtoError('UNKNOWN_REFERENCE', `${ref.dataset} v${ref.version} has no distribution ${index}`, [
        { pointer: '/distribution', message: 'no such distribution' },
      ]);
    return distribution;
  }

  return {
    sites: async (): Promise<Site[]> => repo.sites(),

    async site(id: string): Promise<Site> {
      const site = await repo.site(id);
      if (!site) throw notFound('Site', id);
      return site;
    },

    async putSite(actor: Actor, id: string, input: SiteInput): Promise<{ site: Site; created: boolean }> {
      auth.require(actor, 'admin');
      const created = await repo.putSite(id, input, new Date().toISOString());
      await auth.audit(actor, { action: created ? 'site.create' : 'site.update', entityType: 'site', entityId: id, after: input });
      return { site: (await repo.site(id))!, created };
    },

    async deleteSite(actor: Actor, id: string): Promise<void> {
      auth.require(actor, 'admin');
      const outcome = await repo.deleteSite(id);
      if (outcome === 'absent') throw notFound('Site', id);
      if (outcome === 'in-use')
        throw new FemtoError('SITE_IN_USE', `Replicas are recorded at site '${id}'; a new version of their records can move them elsewhere first`);
      await auth.audit(actor, { action: 'site.delete', entityType: 'site', entityId: id });
    },

    knownSites: (ids: string[]) => repo.knownSites(ids),

    /** Where the files of a published version are: every replica with its site, protocol, checksum and last check; none while the caller may not get the files. */
    async locations(actor: Actor, ref: { dataset: string; version?: number }): Promise<Locations> {
      const { version, filesWithheld, holder } = await open(actor, ref, () =>
        ref.version === undefined ? notFound('Dataset', ref.dataset) : notFound('Version', `${ref.dataset} v${ref.version}`),
      );
      const distributions = (await repo.replicasOf(version.pk)).map(({ pk: _pk, lfn: _lfn, ...d }) => ({
        ...d,
        replicas: filesWithheld ? [] : d.replicas.map(checkFor(holder)),
      }));
      return { dataset: version.datasetId, version: version.versionNumber!, filesWithheld, distributions };
    },

    /**
     * Records that a published version's file is also at another place (a transfer made a new
     * copy): the same bytes, so its checksum, when the site states one, must agree with the others.
     */
    async addReplica(actor: Actor, ref: { dataset: string; version: number }, input: AddReplicaInput): Promise<Locations> {
      const distribution = await editableDistribution(actor, ref, input.distribution);
      await repo.transaction(async () => {
        if (distribution.replicas.length >= MAX_REPLICAS) {
          throw new FemtoError(
            'VALIDATION_FAILED',
            `Distribution ${input.distribution} has ${MAX_REPLICAS} replicas, the most a distribution holds; record one gone first`,
            [{ pointer: '/distribution', message: `at most ${MAX_REPLICAS} replicas` }],
          );
        }
        if (distribution.replicas.some((r) => r.url === input.url))
          throw new FemtoError('CONFLICT', `${input.url} is already a replica of distribution ${input.distribution}`, [
            { pointer: '/url', message: 'already a replica' },
          ]);
        // The others agree (every write is checked): a conflict is the new replica's.
        const conflicts = checksumConflicts([{ checksum: distribution.checksum, replicas: [...distribution.replicas, input] }]);
        if (conflicts.length)
          throw new FemtoError('REPLICA_CHECKSUM_CONFLICT', conflicts[0].message, [{ pointer: '/checksum/value', message: conflicts[0].message }]);
        if (input.site && !(await repo.knownSites([input.site])).has(input.site))
          throw new FemtoError('UNKNOWN_REFERENCE', `'${input.site}' is not a site of this catalog (GET /sites lists them)`, [
            { pointer: '/site', message: 'no such site' },
          ]);
        await repo.addReplica(
          distribution.pk,
          { url: input.url, site: input.site ?? null, protocol: protocolOf(input.url), checksum: input.checksum ?? null },
          new Date().toISOString(),
        );
        await auth.audit(actor, { action: 'replica.add', entityType: 'dataset', entityId: ref.dataset, after: { version: ref.version, ...input } });
      });
      return this.locations(actor, ref);
    },

    /** Records that a replica is gone from its place; a distribution keeps at least one. */
    async removeReplica(actor: Actor, ref: { dataset: string; version: number }, which: { distribution: number; url: string }): Promise<void> {
      const distribution = await editableDistribution(actor, ref, which.distribution);
      if (!distribution.replicas.some((r) => r.url === which.url)) throw notFound('Replica', which.url);
      if (distribution.replicas.length === 1)
        throw new FemtoError(
          'CONFLICT',
          `${which.url} is the only replica of distribution ${which.distribution}; a new version of the record can drop the file`,
        );
      await repo.transaction(async () => {
        await repo.removeReplica(distribution.pk, which.url);
        await auth.audit(actor, { action: 'replica.remove', entityType: 'dataset', entityId: ref.dataset, before: { version: ref.version, ...which } });
      });
    },

    /** The best replica of one distribution of the version an identifier names (see bestReplica): for a logical file name, the distribution that is that file. */
    async resolve(actor: Actor, identifier: string, q: ResolveQuery): Promise<Resolved> {
      const { lfn, ...ref } = await refOf(actor, identifier, q.version);
      const unknown = () => notFound('Identifier', identifier);
      const { version, filesWithheld, holder } = await open(actor, ref, unknown);
      // A logical file name is withheld with the files: answering FILES_WITHHELD for it would confirm a guessed name.
      if (filesWithheld && lfn) throw unknown();
      if (filesWithheld)
        throw new FemtoError(
          'FILES_WITHHELD',
          `The files of ${version.datasetId} are ${version.accessLevel === 'embargoed' ? 'under embargo' : 'restricted'}; the record says how to request access`,
        );
      const distribution = (await repo.replicasOf(version.pk)).find((d) => (lfn ? d.lfn === lfn : d.index === q.distribution));
      if (!distribution)
        throw new FemtoError(
          'NO_REPLICA',
          `${version.datasetId} v${version.versionNumber} has no ${lfn ? `distribution that is the file ${lfn}` : `distribution ${q.distribution}`}`,
        );
      const replica = bestReplica(distribution.replicas, q);
      if (!replica) throw noReplica(distribution.replicas, q, distribution.index);
      return { identifier, dataset: version.datasetId, version: version.versionNumber!, distribution: distribution.index, replica: checkFor(holder)(replica) };
    },

    /** Checks every replica (of a site, of a dataset), `concurrency` at a time, and records what each check found. */
    async verify(run: VerifyRun): Promise<Record<VerifyResult, number>> {
      const counts: Record<VerifyResult, number> = {
        ok: 0,
        missing: 0,
        'size-mismatch': 0,
        'checksum-mismatch': 0,
        timeout: 0,
        unreachable: 0,
        unsupported: 0,
      };
      const limit = pLimit(run.concurrency);
      const replicas = await repo.toVerify({ site: run.site, dataset: run.dataset });
      const fetchReplica = replicaFetcher(run.options.allowPrivate);
      try {
        await Promise.all(
          replicas.map((replica) =>
            limit(async () => {
              const found = await checkReplica(replica, run.options, fetchReplica);
              await repo.recordVerification(replica, { at: new Date().toISOString(), ...found });
              counts[found.result]++;
              run.onResult?.(replica, found);
            }),
          ),
        );
      } finally {
        // After a failure (a write that could not be recorded), checks still queued must not run against a closed agent and record a false 'unreachable'.
        limit.clearQueue();
        await fetchReplica.close();
      }
      return counts;
    },
  };
}

export type LocationsService = ReturnType<typeof createLocationsService>;
