import { isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';

export const interactionRules = {
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
