import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import type { PrimeStakeholder } from '../stakeholder/stakeholder.loaders';
import { Affiliation } from './affiliation.entity';

/** Loaders fetch only affiliations the viewer may see (a patient's to a patient organisation reveals their health). */
export function createAffiliationLoaders(scope: Scope, prime: PrimeStakeholder) {
  return {
    affiliation: byIdLoader((ids) => scope.rows(Affiliation, 'a', { where: 'a.id = ANY(:ids)', params: { ids } })),
    /**
     * Every visible affiliation of each stakeholder, at either end (a row belongs to both) and
     * past ones included, oldest first; callers filter these short lists in memory. The other
     * end's stakeholder comes in the same statement (primed into the stakeholder loader).
     */
    affiliationsByStakeholder: groupLoader(
      async (ids) => {
        const rows = await scope.select(Affiliation, 'a', {
          joins: [{ entity: Stakeholder, alias: 'o', on: 'o.id = CASE WHEN a.from_id = ANY(:ids) THEN a.to_id ELSE a.from_id END' }],
          where: 'a.from_id = ANY(:ids) OR a.to_id = ANY(:ids)',
          orderBy: 'a.created_at, a.id',
          params: { ids },
        });
        for (const { joined } of rows) if (joined.o) prime(joined.o as Stakeholder);
        return rows.map(({ row }) => row);
      },
      (a) => [a.fromId, a.toId],
    ),
  };
}
