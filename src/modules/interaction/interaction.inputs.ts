import { ArrayMaxSize, ArrayMinSize, IsInt, Length, Max, Min, ValidateNested } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { MAX_PAGE_SIZE, SortDirection } from '../../graphql/connection';
import { InteractionKind } from './interaction.entity';

export enum InteractionOrderField {
  OCCURRED_AT = 'OCCURRED_AT',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(InteractionOrderField, { name: 'InteractionOrderField' });

@InputType()
export class InteractionFilter {
  @Field(() => [InteractionKind], { nullable: true })
  kinds?: InteractionKind[];

  @Field(() => ID, { nullable: true, description: 'Interactions this stakeholder took part in.' })
  participantId?: string;

  @Field(() => ID, { nullable: true })
  partnershipId?: string;

  @Field(() => ID, { nullable: true, description: 'Interactions recorded by this organisation.' })
  recordedByOrgId?: string;

  @Field(() => Date, { nullable: true, description: 'Occurred at or after this instant.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Occurred before this instant (exclusive).' })
  to?: Date;
}

@InputType()
export class InteractionOrder {
  @Field(() => InteractionOrderField, { defaultValue: InteractionOrderField.OCCURRED_AT })
  field: InteractionOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection;
}

@ArgsType()
export class RecentInteractionsArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many of the most recent, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number;
}

@InputType()
export class FollowUpInput {
  @Field(() => String)
  @Length(1, 300)
  title: string;

  @Field(() => ID, { description: 'The stakeholder who pledges it.' })
  committerId: string;

  @Field(() => ID, { nullable: true })
  beneficiaryId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  dueDate?: string | null;
}

@InputType()
export class RecordInteractionInput {
  @Field(() => InteractionKind)
  kind: InteractionKind;

  @Field(() => Date)
  occurredAt: Date;

  @Field(() => Int, { nullable: true })
  @IsInt()
  @Min(0)
  @Max(10080)
  durationMinutes?: number | null;

  @Field(() => ID, { nullable: true })
  partnershipId?: string | null;

  @Field(() => String, { nullable: true })
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
