import { isAuthenticated } from '../../access/rules';

// Who may ask is decided at `Query.metrics`; the figures are scoped in SQL and patient counts published through perturbation.ts.
export const qualityMetricsRules = {
  QualityMetrics: isAuthenticated,
  CriterionFigure: isAuthenticated,
  StageQuality: isAuthenticated,
  AreaQuality: isAuthenticated,
  AssessmentCoverage: isAuthenticated,
  QualityBandFulfilment: isAuthenticated,
};
