import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords } from '../../access/rules';

export const interactionRules = {
  ...onEveryStakeholderType({ interactions: readsRecords }),
  Query: {
    interaction: readsRecords,
    interactions: readsRecords,
  },
  Interaction: readsRecords,
  InteractionConnection: readsRecords,
  InteractionEdge: readsRecords,
  InteractionPayload: isAuthenticated,
};
