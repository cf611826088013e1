import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import type { PrimeStakeholder } from '../stakeholder/stakeholder.loaders';
import { Partnership, PartnershipMember } from './partnership.entity';

/**
 * Loaders fetch only partnerships the viewer may see: a hidden one is missing, and so are its
 * memberships. A membership's stakeholder comes in the same statement (primed into the
 * stakeholder loader): a level of the portal costs one statement.
 */
export function createPartnershipLoaders(scope: Scope, prime: PrimeStakeholder) {
  const members = async (where: string, ids: readonly string[]) => {
    const rows = await scope.select(PartnershipMember, 'm', {
      joins: [{ entity: Stakeholder, alias: 's', on: 's.id = m.stakeholder_id' }],
      where,
      orderBy: 'm.joined_at, m.id',
      params: { ids },
    });
    for (const { joined } of rows) if (joined.s) prime(joined.s as Stakeholder);
    return rows.map(({ row }) => row);
  };
  return {
    partnership: byIdLoader((ids) => scope.rows(Partnership, 'p', { where: 'p.id = ANY(:ids)', params: { ids } })),
    /** Every membership of each visible partnership, past ones included, oldest first. */
    membersByPartnership: groupLoader((ids) => members('m.partnership_id = ANY(:ids)', ids), (m) => m.partnershipId),
    /** Every membership of each stakeholder in partnerships the viewer may see, past ones included, oldest first. */
    membershipsByStakeholder: groupLoader((ids) => members('m.stakeholder_id = ANY(:ids)', ids), (m) => m.stakeholderId),
  };
}
