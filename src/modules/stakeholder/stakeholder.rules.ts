import { hasRole, isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';
import { Role } from '../../access/viewer';
import { STAKEHOLDER_TYPE_NAME } from './stakeholder.entity';

export const stakeholderRules = {
  Query: {
    stakeholder: readsRecords,
    stakeholders: readsRecords,
  },
  Mutation: {
    createStakeholder: recordsEngagement,
    updateStakeholder: hasRole(Role.ADMIN, Role.ENGAGEMENT_MANAGER, Role.PATIENT),
    archiveStakeholder: hasRole(Role.ADMIN),
  },
  // Profile fields: any authenticated viewer. Relation fields added by other domains are
  // declared there with `onEveryStakeholderType` (e.g. readsRecords, which leaves out ANALYST).
  ...onEveryStakeholderType({ '*': isAuthenticated }),
  StakeholderConnection: isAuthenticated,
  StakeholderEdge: isAuthenticated,
  StakeholderPayload: isAuthenticated,
};

/** The same field rules on each of the six object types behind the Stakeholder interface. */
export function onEveryStakeholderType<R>(fields: Record<string, R>): Record<string, Record<string, R>> {
  return Object.fromEntries(Object.values(STAKEHOLDER_TYPE_NAME).map((type) => [type, { ...fields }]));
}
