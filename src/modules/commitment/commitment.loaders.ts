import type { LoaderScope } from '../../graphql/loaders';
import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Commitment } from './commitment.entity';

export function createCommitmentLoaders(db: DataSource, _scope: LoaderScope) {
  // Soonest due first, undated last.
  const commitments = () =>
    db
      .getRepository(Commitment)
      .createQueryBuilder('c')
      .orderBy('c.due_date', 'ASC', 'NULLS LAST')
      .addOrderBy('c.created_at')
      .addOrderBy('c.id');
  return {
    commitment: byIdLoader((ids) =>
      db.getRepository(Commitment).createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany(),
    ),
    commitmentsByPartnership: groupLoader(
      (ids) => commitments().where('c.partnership_id = ANY(:ids)', { ids }).getMany(),
      (c) => c.partnershipId,
    ),
    /** Commitments each stakeholder made or benefits from (a row can belong to both). */
    commitmentsByStakeholder: groupLoader(
      (ids) => commitments().where('c.committer_id = ANY(:ids) OR c.beneficiary_id = ANY(:ids)', { ids }).getMany(),
      (c) => [c.committerId, c.beneficiaryId],
    ),
  };
}
