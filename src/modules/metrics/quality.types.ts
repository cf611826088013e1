import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DevelopmentStage } from '../partnership/partnership.entity';
import { QualityCriterion } from '../quality/quality.entity';
import { Metrics, SuppressedCount } from './metrics.types';

/** Bands of a partnership's overall quality (organisations' view), for the relation with commitment fulfilment. */
export enum QualityBand {
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
  NOT_ASSESSED = 'NOT_ASSESSED',
}
registerEnumType(QualityBand, {
  name: 'QualityBand',
  description: "A band of a partnership's overall quality score (0–4) over its member organisations' latest assessments.",
  valuesConfig: {
    HIGH: { description: 'Overall 3 or more.' },
    MEDIUM: { description: 'Overall 2 or more, below 3.' },
    LOW: { description: 'Overall below 2.' },
    NOT_ASSESSED: { description: 'No member organisation assessed it within the period.' },
  },
});

/** The question asked, for the breakdowns resolved on demand; and the statement they share, run once. */
@ObjectType('QualityMetrics', {
  description:
    'Quality of engagement against the PFMD criteria, over the partnerships in scope and the latest assessment of each assessing member ' +
    'made within the period. Organisations’ assessments give exact figures; patient members’ assessments are patient counts.',
})
export class QualityMetrics {
  metrics: Metrics;
  /** The per-partnership figures of fulfilmentByQuality and fulfilmentCorrelation, read once per response. */
  fulfilment?: Promise<PartnershipQualityRow[]>;
}

/** A partnership's overall quality (organisations' view) and its commitments' fulfilment counts. */
export interface PartnershipQualityRow {
  overall: number | null;
  total: number;
  due: number;
  on_time: number;
}

@ObjectType('CriterionFigure', { description: 'One criterion over the latest assessments in scope: organisations’ and patient members’ apart.' })
export class CriterionFigure {
  @Field(() => QualityCriterion, { description: 'The criterion.' })
  criterion: QualityCriterion;

  @Field(() => Int, { description: 'Latest assessments of member organisations that scored it.' })
  assessments: number;

  @Field(() => Float, { nullable: true, description: 'Their mean score (0–4); null when there are none.' })
  score: number | null;

  @Field(() => SuppressedCount, { description: 'Latest assessments of patient members that scored it: a patient count.' })
  patientAssessments: SuppressedCount;

  @Field(() => Float, {
    nullable: true,
    description: 'Their mean score (0–4; to one decimal for everyone but ADMIN); null when there are none or patientAssessments is withheld.',
  })
  patientScore: number | null;
}

@ObjectType('GroupQuality', { description: 'Quality over a group of partnerships.' })
export class GroupQuality {
  @Field(() => Int, { description: 'Partnerships in the group.' })
  partnerships: number;

  @Field(() => Int, { description: 'Of those, partnerships with at least one member organisation’s assessment within the period.' })
  assessed: number;

  @Field(() => Float, { nullable: true, description: 'Mean of the assessed partnerships’ overall scores (organisations’ view), each partnership weighing the same.' })
  overall: number | null;

  @Field(() => [CriterionFigure], { description: 'Every criterion, in the order of the guidance.' })
  byCriterion: CriterionFigure[];
}

@ObjectType('StageQuality', { description: 'Quality of the partnerships at one development stage.' })
export class StageQuality extends GroupQuality {
  @Field(() => DevelopmentStage, { description: 'The development stage.' })
  stage: DevelopmentStage;
}

@ObjectType('AreaQuality', { description: 'Quality of the partnerships of one therapeutic area.' })
export class AreaQuality extends GroupQuality {
  @Field(() => String, { description: 'The therapeutic area, as the partnerships record it.' })
  therapeuticArea: string;
}

@ObjectType('AssessmentCoverage', { description: 'How many ACTIVE partnerships a member organisation assessed in the last 12 months.' })
export class AssessmentCoverage {
  @Field(() => Int, { description: 'ACTIVE partnerships in scope (now).' })
  partnerships: number;

  @Field(() => Int, { description: 'Of those, partnerships with a member organisation’s assessment made in the 12 months before now.' })
  assessed: number;

  @Field(() => Float, { nullable: true, description: 'assessed / partnerships; null when there are no ACTIVE partnerships.' })
  share: number | null;
}

@ObjectType('QualityBandFulfilment', { description: 'Commitment fulfilment of the partnerships in one quality band.' })
export class QualityBandFulfilment {
  @Field(() => QualityBand, { description: 'The band.' })
  band: QualityBand;

  @Field(() => Int, { description: 'Partnerships in the band.' })
  partnerships: number;

  @Field(() => Int, { description: 'Their commitments between organisations due within the period (WITHDRAWN ones left out).' })
  commitments: number;

  @Field(() => Int, { description: 'Of those, fulfilled on or before their due date.' })
  onTime: number;

  @Field(() => Float, {
    nullable: true,
    description: 'onTime / commitments that are due (fulfilled, missed or past their due date), as in commitmentFulfilment; null when none are.',
  })
  onTimeRate: number | null;
}
