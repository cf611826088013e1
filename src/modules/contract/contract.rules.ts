import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { hasRole, isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';
import { Role } from '../../access/viewer';

export const contractRules = {
  ...onEveryStakeholderType({ contracts: readsRecords }),
  Query: {
    contract: readsRecords,
    contracts: readsRecords,
  },
  Mutation: {
    draftContract: recordsEngagement,
    // A patient party signs for themself; which party a viewer may sign for is checked in the service.
    signContract: hasRole(Role.ADMIN, Role.ENGAGEMENT_MANAGER, Role.PATIENT),
    terminateContract: recordsEngagement,
  },
  Contract: isAuthenticated,
  ContractParty: isAuthenticated,
  Money: isAuthenticated,
  ContractConnection: isAuthenticated,
  ContractEdge: isAuthenticated,
  ContractPayload: isAuthenticated,
};
