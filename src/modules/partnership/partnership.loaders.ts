import type { LoaderScope } from '../../graphql/loaders';
import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Partnership, PartnershipMember } from './partnership.entity';

export function createPartnershipLoaders(db: DataSource, _scope: LoaderScope) {
  const members = () => db.getRepository(PartnershipMember).createQueryBuilder('m').orderBy('m.joined_at').addOrderBy('m.id');
  return {
    partnership: byIdLoader((ids) =>
      db.getRepository(Partnership).createQueryBuilder('p').where('p.id = ANY(:ids)', { ids }).getMany(),
    ),
    /** Every membership of each partnership, past ones included, oldest first. */
    membersByPartnership: groupLoader(
      (ids) => members().where('m.partnership_id = ANY(:ids)', { ids }).getMany(),
      (m) => m.partnershipId,
    ),
    /** Every membership of each stakeholder, past ones included, oldest first. */
    membershipsByStakeholder: groupLoader(
      (ids) => members().where('m.stakeholder_id = ANY(:ids)', { ids }).getMany(),
      (m) => m.stakeholderId,
    ),
  };
}
