import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords } from '../../access/rules';

export const partnershipRules = {
  ...onEveryStakeholderType({ partnerships: readsRecords, memberships: readsRecords }),
  Query: {
    partnership: readsRecords,
    partnerships: readsRecords,
  },
  Partnership: readsRecords,
  PartnershipMember: readsRecords,
  PartnershipConnection: readsRecords,
  PartnershipEdge: readsRecords,
  PartnershipPayload: isAuthenticated,
  PartnershipMemberPayload: isAuthenticated,
};
