import { isAuthenticated } from '../../access/rules';

// Who may ask is decided at `Query.metrics`; the figures are scoped in SQL and patients left out of rankings.
export const networkRules = {
  NetworkMetrics: isAuthenticated,
  RankedStakeholder: isAuthenticated,
  RelationshipStrength: isAuthenticated,
};
