import { isAuthenticated } from '../../access/rules';

// Who may ask is decided at `Query.metrics`; the service scopes an ENGAGEMENT_MANAGER to their company.
export const disclosureRules = {
  TransferOfValueReport: isAuthenticated,
  TransferOfValueLine: isAuthenticated,
};
