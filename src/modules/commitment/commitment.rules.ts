import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';

export const commitmentRules = {
  ...onEveryStakeholderType({ commitments: readsRecords }),
  Query: {
    commitment: readsRecords,
    commitments: readsRecords,
  },
  Mutation: {
    makeCommitment: recordsEngagement,
    changeCommitmentStatus: recordsEngagement,
  },
  Commitment: isAuthenticated,
  CommitmentConnection: isAuthenticated,
  CommitmentEdge: isAuthenticated,
  CommitmentPayload: isAuthenticated,
};
