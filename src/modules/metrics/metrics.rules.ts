import { hasRole, isAuthenticated } from '../../access/rules';
import { Role } from '../../access/viewer';

export const metricsRules = {
  Query: {
    metrics: hasRole(Role.ADMIN, Role.ANALYST, Role.ENGAGEMENT_MANAGER),
  },
  // Who may ask is decided at the root; the figures themselves are scoped and suppressed in SQL.
  Metrics: isAuthenticated,
  SuppressedCount: isAuthenticated,
  KindCount: isAuthenticated,
  PartnershipCount: isAuthenticated,
  ContractCount: isAuthenticated,
  MonthlyInteractionCount: isAuthenticated,
  CommitmentFulfilment: isAuthenticated,
  OrganisationFulfilment: isAuthenticated,
  PartnershipFulfilment: isAuthenticated,
  Involvement: isAuthenticated,
  StageInvolvement: isAuthenticated,
  PatientInvolvement: isAuthenticated,
  AreaInvolvement: isAuthenticated,
  QuarterInvolvement: isAuthenticated,
};
