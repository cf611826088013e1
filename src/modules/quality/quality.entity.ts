import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { checkIn } from '../../shared/enum';
import { Partnership } from '../partnership/partnership.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';

/** The seven criteria of PFMD's Patient Engagement Quality Guidance. */
export enum QualityCriterion {
  SHARED_PURPOSE = 'SHARED_PURPOSE',
  RESPECT_AND_ACCESSIBILITY = 'RESPECT_AND_ACCESSIBILITY',
  REPRESENTATIVENESS = 'REPRESENTATIVENESS',
  ROLES_AND_RESPONSIBILITIES = 'ROLES_AND_RESPONSIBILITIES',
  CAPACITY_AND_CAPABILITY = 'CAPACITY_AND_CAPABILITY',
  TRANSPARENCY = 'TRANSPARENCY',
  CONTINUITY_AND_SUSTAINABILITY = 'CONTINUITY_AND_SUSTAINABILITY',
}
registerEnumType(QualityCriterion, {
  name: 'QualityCriterion',
  description: "A quality criterion of PFMD's Patient Engagement Quality Guidance; each is scored 0 (not met) to 4 (fully met).",
  valuesConfig: {
    SHARED_PURPOSE: { description: 'Shared purpose: the aims and expected outcomes are agreed and shared by all partners.' },
    RESPECT_AND_ACCESSIBILITY: { description: 'Respect and accessibility: partners respect each other, and taking part is made accessible to all.' },
    REPRESENTATIVENESS: { description: 'Representativeness of stakeholders: the people involved reflect those the work concerns.' },
    ROLES_AND_RESPONSIBILITIES: { description: 'Roles and responsibilities: who does what is agreed and written down.' },
    CAPACITY_AND_CAPABILITY: { description: 'Capacity and capability for engagement: partners have the time, skills and support to take part.' },
    TRANSPARENCY: { description: 'Transparency in communication and documentation: decisions, results and money are open to the partners.' },
    CONTINUITY_AND_SUSTAINABILITY: { description: 'Continuity and sustainability: the engagement lasts, and what it built is kept after it ends.' },
  },
});

/** Whose view an assessment gives: an organisation's (by its engagement manager) or a patient member's own. */
export enum AssessmentPerspective {
  ORGANISATION = 'ORGANISATION',
  PATIENT = 'PATIENT',
}
registerEnumType(AssessmentPerspective, {
  name: 'AssessmentPerspective',
  description: 'Whose view a quality assessment gives.',
  valuesConfig: {
    ORGANISATION: { description: "A member organisation's, assessed by one of its engagement managers." },
    PATIENT: { description: "A patient member's own view, assessed by the patient." },
  },
});

/** Lowest and highest score of a criterion. */
export const MIN_SCORE = 0;
export const MAX_SCORE = 4;
/** Longest evidence text of one score, in characters. */
export const MAX_EVIDENCE_LENGTH = 2000;

/**
 * One quality assessment of a partnership by one member (an organisation or a patient), with its
 * scores: assessments are never changed, a new one supersedes the assessor's previous one, and
 * the history stays. Visible with its partnership (record-rules.ts).
 */
@ObjectType('PartnershipAssessment', {
  description:
    "One member's quality assessment of a partnership against the PFMD criteria. A new assessment by the same member supersedes " +
    'the previous one; the history is kept. Visible with its partnership.',
})
@Entity('partnership_assessment')
@Check('partnership_assessment_perspective_check', checkIn('perspective', AssessmentPerspective))
@Check('partnership_assessment_record_key_check', 'record_key >= 0 AND record_key < 1')
@Index('partnership_assessment_latest_idx', ['partnershipId', 'assessorId', 'createdAt'])
@Index('partnership_assessment_assessor_idx', ['assessorId'])
@Index('partnership_assessment_created_idx', ['createdAt'])
export class PartnershipAssessment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'partnership_id', type: 'uuid' })
  partnershipId: string;
  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnership_id' })
  partnership?: Partnership;

  /** The member organisation, or the patient member, whose view this is. */
  @Column({ name: 'assessor_id', type: 'uuid' })
  assessorId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assessor_id' })
  assessor?: Stakeholder;

  @Field(() => AssessmentPerspective, { description: "Whose view it is: a member organisation's, or a patient member's own." })
  @Column({ type: 'text' })
  perspective: AssessmentPerspective;

  /** The user who submitted it (kept for the record, not exposed: like an interaction's recorder, a staff member). */
  @Column({ name: 'recorded_by_user', type: 'text' })
  recordedByUser: string;

  @Field(() => Date, { name: 'assessedAt', description: 'When the assessment was made.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  // Cell-key perturbation (metrics/perturbation.ts): patients' assessments are patient cells of the quality metrics.
  @Column({ name: 'record_key', type: 'double precision', default: () => 'random()', select: false, insert: false, update: false })
  recordKey?: number;
}

/** One criterion's score within an assessment. */
@ObjectType('CriterionScore', { description: 'The score an assessment gives one criterion, with its evidence.' })
@Entity('partnership_assessment_score')
@Check('partnership_assessment_score_criterion_check', checkIn('criterion', QualityCriterion))
@Check('partnership_assessment_score_score_check', `score BETWEEN ${MIN_SCORE} AND ${MAX_SCORE}`)
@Check('partnership_assessment_score_evidence_check', `evidence IS NULL OR length(evidence) <= ${MAX_EVIDENCE_LENGTH}`)
@Index('partnership_assessment_score_criterion_idx', ['criterion'])
export class PartnershipAssessmentScore {
  @PrimaryColumn({ name: 'assessment_id', type: 'uuid' })
  assessmentId: string;
  @ManyToOne(() => PartnershipAssessment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assessment_id' })
  assessment?: PartnershipAssessment;

  @Field(() => QualityCriterion, { description: 'The criterion.' })
  @PrimaryColumn({ type: 'text' })
  criterion: QualityCriterion;

  @Field(() => Int, { description: 'The score, 0 (not met) to 4 (fully met).' })
  @Column({ type: 'smallint' })
  score: number;

  @Field(() => String, { nullable: true, description: 'What the score rests on (free text, at most 2,000 characters); null when none was given.' })
  @Column({ type: 'text', nullable: true })
  evidence: string | null;
}
