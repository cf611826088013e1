import { readsRecords } from '../../access/rules';

// Partnership.quality and Partnership.assessments fall under the rule of Partnership (partnership.rules.ts).
export const qualityRules = {
  PartnershipAssessment: readsRecords,
  CriterionScore: readsRecords,
  PartnershipQuality: readsRecords,
  CriterionQuality: readsRecords,
};
