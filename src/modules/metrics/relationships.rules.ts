import { isAuthenticated } from '../../access/rules';

// Who may ask is decided at `Query.metrics`; the figures are scoped in SQL and patients left out.
export const relationshipsRules = {
  RelationshipScore: isAuthenticated,
  Reach: isAuthenticated,
  ReachHop: isAuthenticated,
};
