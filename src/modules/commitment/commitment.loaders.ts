import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Commitment } from './commitment.entity';

/** Loaders fetch only commitments the viewer may see: a hidden one is missing from every list and lookup. */
export function createCommitmentLoaders(scope: Scope) {
  // Soonest due first, undated last.
  const commitments = (where: string, ids: readonly string[]) =>
    scope.rows(Commitment, 'c', { where, orderBy: 'c.due_date ASC NULLS LAST, c.created_at, c.id', params: { ids } });
  return {
    commitment: byIdLoader((ids) => commitments('c.id = ANY(:ids)', ids)),
    commitmentsByPartnership: groupLoader((ids) => commitments('c.partnership_id = ANY(:ids)', ids), (c) => c.partnershipId),
    /** Commitments each stakeholder made or benefits from (a row can belong to both). */
    commitmentsByStakeholder: groupLoader(
      (ids) => commitments('c.committer_id = ANY(:ids) OR c.beneficiary_id = ANY(:ids)', ids),
      (c) => [c.committerId, c.beneficiaryId],
    ),
  };
}
