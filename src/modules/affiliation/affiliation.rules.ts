import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords } from '../../access/rules';

export const affiliationRules = {
  ...onEveryStakeholderType({ affiliations: readsRecords }),
  Query: {
    affiliation: readsRecords,
    affiliations: readsRecords,
  },
  Affiliation: readsRecords,
  AffiliationConnection: readsRecords,
  AffiliationEdge: readsRecords,
  AffiliationPayload: isAuthenticated,
};
