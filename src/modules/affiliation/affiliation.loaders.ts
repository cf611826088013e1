import type { LoaderScope } from '../../graphql/loaders';
import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Affiliation } from './affiliation.entity';

export function createAffiliationLoaders(db: DataSource, _scope: LoaderScope) {
  return {
    affiliation: byIdLoader((ids) =>
      db.getRepository(Affiliation).createQueryBuilder('a').where('a.id = ANY(:ids)', { ids }).getMany(),
    ),
    /**
     * Every affiliation of each stakeholder, at either end (a row belongs to both) and past ones
     * included, oldest first; callers filter these short lists in memory.
     */
    affiliationsByStakeholder: groupLoader(
      (ids) =>
        db
          .getRepository(Affiliation)
          .createQueryBuilder('a')
          .where('a.from_id = ANY(:ids) OR a.to_id = ANY(:ids)', { ids })
          .orderBy('a.created_at')
          .addOrderBy('a.id')
          .getMany(),
      (a) => [a.fromId, a.toId],
    ),
  };
}
