import type { LoaderScope } from '../../graphql/loaders';
import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Partnership, PartnershipMember } from './partnership.entity';

/** Loaders fetch only partnerships the viewer may see: a hidden one is missing, and so are its memberships. */
export function createPartnershipLoaders(db: DataSource, { visibility: v }: LoaderScope) {
  const members = () =>
    db
      .getRepository(PartnershipMember)
      .createQueryBuilder('m')
      .innerJoin('m.partnership', 'p')
      .andWhere(v.partnership('p'), v.params)
      .orderBy('m.joined_at')
      .addOrderBy('m.id');
  return {
    partnership: byIdLoader((ids) =>
      db.getRepository(Partnership).createQueryBuilder('p').where('p.id = ANY(:ids)', { ids }).andWhere(v.partnership('p'), v.params).getMany(),
    ),
    /** Every membership of each visible partnership, past ones included, oldest first. */
    membersByPartnership: groupLoader(
      (ids) => members().andWhere('m.partnership_id = ANY(:ids)', { ids }).getMany(),
      (m) => m.partnershipId,
    ),
    /** Every membership of each stakeholder in partnerships the viewer may see, past ones included, oldest first. */
    membershipsByStakeholder: groupLoader(
      (ids) => members().andWhere('m.stakeholder_id = ANY(:ids)', { ids }).getMany(),
      (m) => m.stakeholderId,
    ),
  };
}
