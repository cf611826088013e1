import type { MigrationInterface, QueryRunner } from 'typeorm';

const CRITERIA = [
  'SHARED_PURPOSE',
  'RESPECT_AND_ACCESSIBILITY',
  'REPRESENTATIVENESS',
  'ROLES_AND_RESPONSIBILITIES',
  'CAPACITY_AND_CAPABILITY',
  'TRANSPARENCY',
  'CONTINUITY_AND_SUSTAINABILITY',
]
  .map((c) => `'${c}'`)
  .join(', ');

/**
 * The PFMD quality criteria on partnerships (issue 14): one row per assessment a member (an
 * organisation, or a patient member for their own view) makes, never updated, so the history is
 * kept and the latest per assessor is the current view; one row per criterion scored. The record
 * key makes patients' assessments perturbable cells of the quality metrics (AddRecordKeys).
 */
export class CreatePartnershipAssessments1796600000080 implements MigrationInterface {
  name = 'CreatePartnershipAssessments1796600000080';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE partnership_assessment (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT partnership_assessment_pk PRIMARY KEY,
        partnership_id uuid NOT NULL CONSTRAINT partnership_assessment_partnership_fk REFERENCES partnership (id) ON DELETE CASCADE,
        assessor_id uuid NOT NULL CONSTRAINT partnership_assessment_assessor_fk REFERENCES stakeholder (id) ON DELETE RESTRICT,
        perspective text NOT NULL,
        recorded_by_user text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        record_key double precision NOT NULL DEFAULT random(),
        CONSTRAINT partnership_assessment_perspective_check CHECK (perspective IN ('ORGANISATION', 'PATIENT')),
        CONSTRAINT partnership_assessment_record_key_check CHECK (record_key >= 0 AND record_key < 1)
      )`);
    await queryRunner.query(`CREATE INDEX partnership_assessment_latest_idx ON partnership_assessment (partnership_id, assessor_id, created_at)`);
    await queryRunner.query(`CREATE INDEX partnership_assessment_assessor_idx ON partnership_assessment (assessor_id)`);
    await queryRunner.query(`CREATE INDEX partnership_assessment_created_idx ON partnership_assessment (created_at)`);
    await queryRunner.query(`
      CREATE TABLE partnership_assessment_score (
        assessment_id uuid NOT NULL CONSTRAINT partnership_assessment_score_assessment_fk REFERENCES partnership_assessment (id) ON DELETE CASCADE,
        criterion text NOT NULL,
        score smallint NOT NULL,
        evidence text,
        CONSTRAINT partnership_assessment_score_pk PRIMARY KEY (assessment_id, criterion),
        CONSTRAINT partnership_assessment_score_criterion_check CHECK (criterion IN (${CRITERIA})),
        CONSTRAINT partnership_assessment_score_score_check CHECK (score BETWEEN 0 AND 4),
        CONSTRAINT partnership_assessment_score_evidence_check CHECK (evidence IS NULL OR length(evidence) <= 2000)
      )`);
    await queryRunner.query(`CREATE INDEX partnership_assessment_score_criterion_idx ON partnership_assessment_score (criterion)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE partnership_assessment_score`);
    await queryRunner.query(`DROP TABLE partnership_assessment`);
  }
}
