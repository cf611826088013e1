import type { Scope } from '../../access/scope';
import { byIdLoader } from '../../shared/loader';
import { Stakeholder } from './stakeholder.entity';

export function createStakeholderLoaders(scope: Scope) {
  return {
    stakeholder: byIdLoader((ids) => scope.query(Stakeholder, 's').andWhere('s.id = ANY(:ids)', { ids }).getMany()),
  };
}
