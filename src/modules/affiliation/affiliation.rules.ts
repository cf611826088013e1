import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';

export const affiliationRules = {
  ...onEveryStakeholderType({ affiliations: readsRecords }),
  Query: {
    affiliation: readsRecords,
    affiliations: readsRecords,
  },
  Mutation: {
    addAffiliation: recordsEngagement,
    endAffiliation: recordsEngagement,
  },
  Affiliation: isAuthenticated,
  AffiliationConnection: isAuthenticated,
  AffiliationEdge: isAuthenticated,
  AffiliationPayload: isAuthenticated,
};
