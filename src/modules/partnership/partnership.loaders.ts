import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Partnership, PartnershipMember } from './partnership.entity';

/** Loaders fetch only partnerships the viewer may see: a hidden one is missing, and so are its memberships. */
export function createPartnershipLoaders(scope: Scope) {
  const members = () =>
    scope
      .query(PartnershipMember, 'm')
      .orderBy('m.joined_at')
      .addOrderBy('m.id');
  return {
    partnership: byIdLoader((ids) => scope.query(Partnership, 'p').andWhere('p.id = ANY(:ids)', { ids }).getMany()),
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
