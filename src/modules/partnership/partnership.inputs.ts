import { ArrayMaxSize, ArrayMinSize, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../graphql/connection';
import { DevelopmentStage, MemberRole, PartnershipStatus, PartnershipType, PartnershipVisibility } from './partnership.entity';

export enum PartnershipOrderField {
  TITLE = 'TITLE',
  CREATED_AT = 'CREATED_AT',
  START_DATE = 'START_DATE',
}
registerEnumType(PartnershipOrderField, {
  name: 'PartnershipOrderField',
  valuesConfig: { START_DATE: { description: 'Partnerships without a start date come last.' } },
});

@InputType()
export class PartnershipFilter {
  @Field(() => [PartnershipStatus], { nullable: true })
  statuses?: PartnershipStatus[];

  @Field(() => [PartnershipType], { nullable: true })
  types?: PartnershipType[];

  @Field(() => [DevelopmentStage], { nullable: true })
  stages?: DevelopmentStage[];

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  therapeuticAreas?: string[];

  @Field(() => ID, { nullable: true, description: 'Partnerships this stakeholder is a current member of.' })
  memberId?: string;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the title.' })
  @Length(1, 100)
  search?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Starting on or after this date.' })
  startFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Starting on or before this date.' })
  startTo?: string;
}

@InputType()
export class PartnershipOrder {
  @Field(() => PartnershipOrderField, { defaultValue: PartnershipOrderField.TITLE })
  field: PartnershipOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

@InputType()
export class PartnershipMemberInput {
  @Field(() => ID)
  stakeholderId: string;

  @Field(() => MemberRole)
  role: MemberRole;
}

@InputType()
export class ProposePartnershipInput {
  @Field(() => String)
  @Length(1, 200)
  @Matches(/\S/, { message: 'title cannot be blank' })
  title: string;

  @Field(() => String, { nullable: true })
  @MaxLength(5000)
  description?: string | null;

  @Field(() => PartnershipType)
  type: PartnershipType;

  @Field(() => PartnershipVisibility, { defaultValue: PartnershipVisibility.ALLIANCE })
  visibility: PartnershipVisibility;

  @Field(() => DevelopmentStage, { nullable: true })
  developmentStage?: DevelopmentStage | null;

  @Field(() => String, { nullable: true })
  @Length(1, 200)
  @Matches(/\S/, { message: 'therapeuticArea cannot be blank' })
  therapeuticArea?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  startDate?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  endDate?: string | null;

  @Field(() => [PartnershipMemberInput], { description: 'At least two distinct stakeholders, at least one of them LEAD.' })
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  members: PartnershipMemberInput[];

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType()
export class ChangePartnershipStatusInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'The version you read; the change fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => PartnershipStatus, { description: 'ACTIVE sets startDate and CONCLUDED sets endDate to today when they are empty.' })
  status: PartnershipStatus;
}

@InputType()
export class AddPartnershipMemberInput {
  @Field(() => ID)
  partnershipId: string;

  @Field(() => ID)
  stakeholderId: string;

  @Field(() => MemberRole)
  role: MemberRole;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Defaults to today.' })
  joinedAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType()
export class RemovePartnershipMemberInput {
  @Field(() => ID)
  memberId: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Defaults to today; cannot lie in the future.' })
  leftAt?: string | null;
}
