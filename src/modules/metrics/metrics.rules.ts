import { isAuthenticated, readsMetrics } from '../../access/rules';

export const metricsRules = {
  Query: {
    metrics: readsMetrics,
  },
  // Who may ask is decided at the root; the figures themselves are scoped and suppressed in SQL.
  Metrics: isAuthenticated,
  // Reports name stakeholders and partnerships; they never link to them.
  ReportedStakeholder: isAuthenticated,
  ReportedPartnership: isAuthenticated,
  SuppressedCount: isAuthenticated,
  KindCount: isAuthenticated,
  PartnershipCount: isAuthenticated,
  ContractCount: isAuthenticated,
  MonthlyInteractionCount: isAuthenticated,
  CommitmentFulfilment: isAuthenticated,
  PatientCommitmentFulfilment: isAuthenticated,
  OrganisationFulfilment: isAuthenticated,
  PartnershipFulfilment: isAuthenticated,
  Involvement: isAuthenticated,
  StageInvolvement: isAuthenticated,
  PatientInvolvement: isAuthenticated,
  AreaInvolvement: isAuthenticated,
  QuarterInvolvement: isAuthenticated,
};
