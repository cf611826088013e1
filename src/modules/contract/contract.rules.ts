import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords } from '../../access/rules';

export const contractRules = {
  ...onEveryStakeholderType({ contracts: readsRecords }),
  Query: {
    contract: readsRecords,
    contracts: readsRecords,
  },
  Contract: readsRecords,
  ContractParty: readsRecords,
  Money: readsRecords,
  ContractConnection: readsRecords,
  ContractEdge: readsRecords,
  ContractPayload: isAuthenticated,
};
