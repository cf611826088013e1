import type { Scope } from '../../access/scope';
import { groupLoader } from '../../shared/loader';
import { PartnershipAssessment, PartnershipAssessmentScore } from './quality.entity';

/** Assessments come only with a partnership the viewer may see (their record rule is the partnership's). */
export function createQualityLoaders(scope: Scope) {
  return {
    /** Every assessment of each visible partnership, history included, newest first. */
    assessmentsByPartnership: groupLoader(
      (ids) => scope.rows(PartnershipAssessment, 'a', { where: 'a.partnership_id = ANY(:ids)', orderBy: 'a.created_at DESC, a.id DESC', params: { ids } }),
      (a) => a.partnershipId,
    ),
    /** The scores of each assessment. */
    scoresByAssessment: groupLoader(
      (ids) => scope.rows(PartnershipAssessmentScore, 'sc', { where: 'sc.assessment_id = ANY(:ids)', params: { ids } }),
      (s) => s.assessmentId,
    ),
  };
}
