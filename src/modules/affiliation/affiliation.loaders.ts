import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byIdLoader } from '../../shared/loader';
import { Affiliation } from './affiliation.entity';

export function createAffiliationLoaders(db: DataSource) {
  return {
    affiliation: byIdLoader((ids) =>
      db.getRepository(Affiliation).createQueryBuilder('a').where('a.id = ANY(:ids)', { ids }).getMany(),
    ),
    /**
     * Every affiliation of each stakeholder, at either end and past ones included, oldest first.
     * A row belongs to both its ends, hence no groupLoader; callers filter these short lists in memory.
     */
    affiliationsByStakeholder: new DataLoader<string, Affiliation[]>(async (ids) => {
      const rows = await db
        .getRepository(Affiliation)
        .createQueryBuilder('a')
        .where('a.from_id = ANY(:ids) OR a.to_id = ANY(:ids)', { ids })
        .orderBy('a.created_at')
        .addOrderBy('a.id')
        .getMany();
      const groups = new Map<string, Affiliation[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        groups.get(row.fromId)?.push(row);
        groups.get(row.toId)?.push(row);
      }
      return ids.map((id) => groups.get(id) ?? []);
    }),
  };
}
