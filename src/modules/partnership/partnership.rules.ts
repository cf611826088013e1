import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';

export const partnershipRules = {
  ...onEveryStakeholderType({ partnerships: readsRecords, memberships: readsRecords }),
  Query: {
    partnership: readsRecords,
    partnerships: readsRecords,
  },
  Mutation: {
    proposePartnership: recordsEngagement,
    changePartnershipStatus: recordsEngagement,
    addPartnershipMember: recordsEngagement,
    removePartnershipMember: recordsEngagement,
  },
  Partnership: isAuthenticated,
  PartnershipMember: isAuthenticated,
  PartnershipConnection: isAuthenticated,
  PartnershipEdge: isAuthenticated,
  PartnershipPayload: isAuthenticated,
  PartnershipMemberPayload: isAuthenticated,
};
