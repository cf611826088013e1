import type { LoaderScope } from '../../graphql/loaders';
import type { DataSource } from 'typeorm';
import { byIdLoader } from '../../shared/loader';
import { Stakeholder } from './stakeholder.entity';

export function createStakeholderLoaders(db: DataSource, _scope: LoaderScope) {
  return {
    stakeholder: byIdLoader((ids) =>
      db.getRepository(Stakeholder).createQueryBuilder('s').where('s.id = ANY(:ids)', { ids }).getMany(),
    ),
  };
}
