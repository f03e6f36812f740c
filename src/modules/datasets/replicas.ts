import { FemtoError } from '../../errors.js';
import type { DistributionContent } from './datasets.schema.js';

type Stated = { algorithm: string; value: string } | null | undefined;
/** What the rule reads of a distribution: its checksum and its replicas'. */
interface Checksummed {
  checksum?: Stated;
  replicas?: readonly { site?: string | null; checksum?: Stated }[];
}

interface Problem {
  pointer: string;
  message: string;
}

/**
 * Every replica of a distribution holds the same bytes: a checksum stated by the distribution and
 * those its replicas' sites state must agree wherever they use the same algorithm (hex is
 * case-insensitive). Pointers are relative to `base` (the distributions array).
 */
export function checksumConflicts(distributions: readonly Checksummed[], base = '/distributions'): Problem[] {
  const problems: Problem[] = [];
  distributions.forEach((d, i) => {
    const seen = new Map<string, { value: string; where: string }>();
    const stated = [
      ...(d.checksum ? [{ checksum: d.checksum, pointer: `${base}/${i}/checksum`, where: 'the distribution' }] : []),
      ...(d.replicas ?? []).flatMap((r, j) =>
        r.checksum
          ? [{ checksum: r.checksum, pointer: `${base}/${i}/replicas/${j}/checksum`, where: r.site ? `the replica at ${r.site}` : `replica ${j + 1}` }]
          : [],
      ),
    ];
    for (const { checksum, pointer, where } of stated) {
      const value = checksum.value.toLowerCase();
      const first = seen.get(checksum.algorithm);
      if (!first) seen.set(checksum.algorithm, { value, where });
      else if (first.value !== value)
        problems.push({ pointer: `${pointer}/value`, message: `${checksum.algorithm} ${value} disagrees with ${first.value} stated for ${first.where}` });
    }
  });
  return problems;
}

/** Refuses content whose replicas disagree on a checksum, or name a site femto does not know. */
export async function checkReplicas(
  distributions: readonly DistributionContent[] | undefined,
  knownSites: (ids: string[]) => Promise<Set<string>>,
): Promise<void> {
  if (!distributions?.length) return;
  const conflicts = checksumConflicts(distributions);
  if (conflicts.length) throw new FemtoError('REPLICA_CHECKSUM_CONFLICT', conflicts.map((p) => `${p.pointer}: ${p.message}`).join('; '), conflicts);
  const named = distributions.flatMap((d, i) =>
    (d.replicas ?? []).flatMap((r, j) => (r.site ? [{ site: r.site, pointer: `/distributions/${i}/replicas/${j}/site` }] : [])),
  );
  if (!named.length) return;
  const known = await knownSites([...new Set(named.map((n) => n.site))]);
  const unknown = named
    .filter((n) => !known.has(n.site))
    .map((n) => ({ pointer: n.pointer, message: `'${n.site}' is not a site of this catalog (GET /sites lists them; an admin adds one with PUT /sites/{id})` }));
  if (unknown.length) throw new FemtoError('UNKNOWN_REFERENCE', unknown.map((p) => p.message).join('; '), unknown);
}
