import { isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';

export const affiliationRules = {
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
