import { Field, Float, Int, ObjectType } from 'type-graphql';
import { QualityCriterion } from './quality.entity';

@ObjectType('CriterionQuality', { description: "One criterion's score over the latest assessments of a partnership's members." })
export class CriterionQuality {
  @Field(() => QualityCriterion, { description: 'The criterion.' })
  criterion: QualityCriterion;

  @Field(() => Float, { nullable: true, description: 'Mean score (0–4) of the latest assessments that scored it; null when none did.' })
  score: number | null;

  @Field(() => Int, { description: 'How many of the latest assessments scored it.' })
  assessments: number;
}

@ObjectType('PartnershipQuality', {
  description:
    "A partnership's quality against the PFMD criteria: the latest assessment of each assessing member (organisation or patient) counts, " +
    'earlier ones are history.',
})
export class PartnershipQuality {
  @Field(() => Float, { nullable: true, description: 'Mean of the criteria scores below that are not null (each criterion weighs the same); null when nothing is assessed.' })
  overall: number | null;

  @Field(() => [CriterionQuality], { description: 'Every criterion, in the order of the guidance.' })
  byCriterion: CriterionQuality[];

  @Field(() => Int, { description: 'Members whose latest assessment counts here.' })
  assessors: number;

  @Field(() => Date, { nullable: true, description: 'When the most recent of those assessments was made; null when none was.' })
  lastAssessedAt: Date | null;
}
