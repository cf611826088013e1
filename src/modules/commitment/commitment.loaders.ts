import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Commitment } from './commitment.entity';

/** Loaders fetch only commitments the viewer may see: a hidden one is missing from every list and lookup. */
export function createCommitmentLoaders(scope: Scope) {
  // Soonest due first, undated last.
  const commitments = () =>
    scope
      .query(Commitment, 'c')
      .orderBy('c.due_date', 'ASC', 'NULLS LAST')
      .addOrderBy('c.created_at')
      .addOrderBy('c.id');
  return {
    commitment: byIdLoader((ids) => commitments().andWhere('c.id = ANY(:ids)', { ids }).getMany()),
    commitmentsByPartnership: groupLoader(
      (ids) => commitments().andWhere('c.partnership_id = ANY(:ids)', { ids }).getMany(),
      (c) => c.partnershipId,
    ),
    /** Commitments each stakeholder made or benefits from (a row can belong to both). */
    commitmentsByStakeholder: groupLoader(
      (ids) => commitments().andWhere('(c.committer_id = ANY(:ids) OR c.beneficiary_id = ANY(:ids))', { ids }).getMany(),
      (c) => [c.committerId, c.beneficiaryId],
    ),
  };
}
