import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Affiliation } from './affiliation.entity';

/** Loaders fetch only affiliations the viewer may see (a patient's to a patient organisation reveals their health). */
export function createAffiliationLoaders(scope: Scope) {
  const visible = () => scope.query(Affiliation, 'a');
  return {
    affiliation: byIdLoader((ids) => visible().andWhere('a.id = ANY(:ids)', { ids }).getMany()),
    /**
     * Every visible affiliation of each stakeholder, at either end (a row belongs to both) and
     * past ones included, oldest first; callers filter these short lists in memory.
     */
    affiliationsByStakeholder: groupLoader(
      (ids) =>
        visible()
          .andWhere('(a.from_id = ANY(:ids) OR a.to_id = ANY(:ids))', { ids })
          .orderBy('a.created_at')
          .addOrderBy('a.id')
          .getMany(),
      (a) => [a.fromId, a.toId],
    ),
  };
}
