import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';

export const interactionRules = {
  ...onEveryStakeholderType({ interactions: readsRecords }),
  Query: {
    interaction: readsRecords,
    interactions: readsRecords,
  },
  Mutation: {
    recordInteraction: recordsEngagement,
  },
  Interaction: isAuthenticated,
  InteractionConnection: isAuthenticated,
  InteractionEdge: isAuthenticated,
  InteractionPayload: isAuthenticated,
};
