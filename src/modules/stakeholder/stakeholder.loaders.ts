import type { Scope } from '../../access/scope';
import { byIdLoader } from '../../shared/loader';
import { Stakeholder } from './stakeholder.entity';

export function createStakeholderLoaders(scope: Scope) {
  return {
    stakeholder: byIdLoader((ids) => scope.rows(Stakeholder, 's', { where: 's.id = ANY(:ids)', params: { ids } })),
  };
}

/** Hands a stakeholder read by another loader's join to the stakeholder loader, so that its hop costs no statement. */
export type PrimeStakeholder = (stakeholder: Stakeholder) => void;
