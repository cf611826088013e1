import { Field, ID, InputType, Int } from 'type-graphql';
import { QualityCriterion } from './quality.entity';

@InputType({ description: 'The score of one PFMD criterion.' })
export class CriterionScoreInput {
  @Field(() => QualityCriterion, { description: 'The criterion; each at most once per assessment.' })
  criterion: QualityCriterion;

  @Field(() => Int, { description: 'From 0 (not met) to 4 (fully met); anything else is BAD_USER_INPUT.' })
  score: number;

  @Field(() => String, {
    nullable: true,
    description: 'What the score rests on (minutes, a survey, a document), at most 2,000 characters; blank counts as none. Visible with the partnership.',
  })
  evidence?: string | null;
}

@InputType({ description: "A member's quality assessment of a partnership against the PFMD criteria." })
export class AssessPartnershipQualityInput {
  @Field(() => ID, { description: 'Global ID of the partnership.' })
  partnershipId: string;

  @Field(() => Int, { description: "The partnership's version you read; the assessment fails with CONFLICT if it moved." })
  version: number;

  @Field(() => [CriterionScoreInput], { description: 'At least one criterion, each at most once; criteria left out are not assessed this time.' })
  scores: CriterionScoreInput[];
}
