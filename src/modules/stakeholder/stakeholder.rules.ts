import { isAuthenticated, readsRecords } from '../../access/rules';
import { STAKEHOLDER_TYPE_NAME, StakeholderKind } from './stakeholder.entity';

export const stakeholderRules = {
  Query: {
    stakeholder: readsRecords,
    stakeholders: readsRecords,
  },
  // An organisation's profile: any authenticated viewer. A patient, and every relation (declared by
  // the other domains with `onEveryStakeholderType`): readers of records only, never ANALYST, whom
  // no path leads to a patient or a relation (reports name organisations without linking to them).
  ...onEveryStakeholderType({ '*': isAuthenticated }),
  [STAKEHOLDER_TYPE_NAME[StakeholderKind.PATIENT]]: { '*': readsRecords },
  StakeholderConnection: readsRecords,
  StakeholderEdge: readsRecords,
  StakeholderPayload: isAuthenticated,
};

/** The same field rules on each of the six object types behind the Stakeholder interface. */
export function onEveryStakeholderType<R>(fields: Record<string, R>): Record<string, Record<string, R>> {
  return Object.fromEntries(Object.values(STAKEHOLDER_TYPE_NAME).map((type) => [type, { ...fields }]));
}
