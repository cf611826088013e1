import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords } from '../../access/rules';

export const commitmentRules = {
  ...onEveryStakeholderType({ commitments: readsRecords }),
  Query: {
    commitment: readsRecords,
    commitments: readsRecords,
  },
  Commitment: readsRecords,
  CommitmentConnection: readsRecords,
  CommitmentEdge: readsRecords,
  CommitmentPayload: isAuthenticated,
};
