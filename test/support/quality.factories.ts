import type { DataSource } from 'typeorm';
import type { Partnership } from '../../src/modules/partnership/partnership.entity';
import { AssessmentPerspective, type QualityCriterion } from '../../src/modules/quality/quality.entity';
import { StakeholderKind, type Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

/**
 * A quality assessment straight into the tables, made `daysAgo` days before now (the API always
 * stamps now), with its scores. Returns its id and record key (for the expected cell keys).
 */
export async function makeAssessment(
  db: DataSource,
  partnership: Partnership,
  assessor: Stakeholder,
  scores: Partial<Record<QualityCriterion, number>>,
  daysAgo: number,
): Promise<{ id: string; recordKey: number }> {
  const perspective = assessor.kind === StakeholderKind.PATIENT ? AssessmentPerspective.PATIENT : AssessmentPerspective.ORGANISATION;
  const [row] = (await db.query(
    `INSERT INTO partnership_assessment (partnership_id, assessor_id, perspective, recorded_by_user, created_at)
     VALUES ($1, $2, $3, 'factory', now() - make_interval(days => $4)) RETURNING id, record_key`,
    [partnership.id, assessor.id, perspective, daysAgo],
  )) as { id: string; record_key: number }[];
  for (const [criterion, score] of Object.entries(scores)) {
    await db.query(`INSERT INTO partnership_assessment_score (assessment_id, criterion, score) VALUES ($1, $2, $3)`, [row.id, criterion, score]);
  }
  return { id: row.id, recordKey: row.record_key };
}
