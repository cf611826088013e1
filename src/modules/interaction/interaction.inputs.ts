import { ArrayMaxSize, ArrayMinSize, IsInt, Length, Max, Min, ValidateNested } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { MAX_PAGE_SIZE, SortDirection } from '../../graphql/connection';
import { InteractionKind } from './interaction.entity';

export enum InteractionOrderField {
  OCCURRED_AT = 'OCCURRED_AT',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(InteractionOrderField, {
  name: 'InteractionOrderField',
  description: 'What a list of interactions can be sorted by.',
  valuesConfig: {
    OCCURRED_AT: { description: 'By when the interaction took place.' },
    CREATED_AT: { description: 'By when it was recorded.' },
  },
});

@InputType({ description: 'Narrows the `interactions` list: an interaction is listed when it meets every criterion given.' })
export class InteractionFilter {
  @Field(() => [InteractionKind], { nullable: true, description: 'Interactions of any of these kinds.' })
  kinds?: InteractionKind[];

  @Field(() => ID, { nullable: true, description: 'Interactions this stakeholder took part in.' })
  participantId?: string;

  @Field(() => ID, { nullable: true, description: 'Interactions of this partnership.' })
  partnershipId?: string;

  @Field(() => ID, { nullable: true, description: 'Interactions recorded by this organisation.' })
  recordedByOrgId?: string;

  @Field(() => Date, { nullable: true, description: 'Occurred at or after this instant.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Occurred before this instant (exclusive).' })
  to?: Date;
}

@InputType({ description: 'The order of the `interactions` list; ties are broken by id, in the same direction.' })
export class InteractionOrder {
  @Field(() => InteractionOrderField, { defaultValue: InteractionOrderField.OCCURRED_AT, description: 'What to sort by.' })
  field: InteractionOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC, description: 'Ascending or descending.' })
  direction: SortDirection;
}

@ArgsType()
export class RecentInteractionsArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many of the most recent, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number;
}

@InputType({
  description: "A commitment arising from the interaction. In a partnership, the committer must be one of the partnership's current members.",
})
export class FollowUpInput {
  @Field(() => String, { description: 'What is pledged, 1 to 300 characters, not blank.' })
  @Length(1, 300)
  title: string;

  @Field(() => ID, { description: 'The stakeholder who pledges it.' })
  committerId: string;

  @Field(() => ID, { nullable: true, description: 'The stakeholder it is pledged to, if any; not the committer.' })
  beneficiaryId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'The day it is due, if any.' })
  dueDate?: string | null;
}

@InputType({ description: 'A new interaction, its participants and its follow-up commitments.' })
export class RecordInteractionInput {
  @Field(() => InteractionKind, { description: 'The form the interaction took.' })
  kind: InteractionKind;

  @Field(() => Date, { description: 'When it took place.' })
  occurredAt: Date;

  @Field(() => Int, { nullable: true, description: 'How long it lasted, 0 to 10,080 minutes (a week).' })
  @IsInt()
  @Min(0)
  @Max(10080)
  durationMinutes?: number | null;

  @Field(() => ID, { nullable: true, description: 'Global ID of the partnership it belongs to, if any.' })
  partnershipId?: string | null;

  @Field(() => String, { nullable: true, description: 'What was discussed, up to 5,000 characters, readable by everyone who sees the interaction.' })
  @Length(1, 5000)
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'Sensitive: readable by the recording organisation and ADMIN.' })
  @Length(1, 20000)
  notes?: string | null;

  @Field(() => [ID], { description: 'At least one distinct, current (not archived) stakeholder.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  participantIds: string[];

  @Field(() => [FollowUpInput], {
    defaultValue: [],
    description: 'Created as OPEN commitments of this interaction (and its partnership); one bad follow-up records nothing.',
  })
  @ArrayMaxSize(50)
  @ValidateNested()
  followUps: FollowUpInput[];

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}
