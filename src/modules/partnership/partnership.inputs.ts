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
  description: 'What a list of partnerships can be sorted by.',
  valuesConfig: {
    TITLE: { description: 'By title.' },
    CREATED_AT: { description: 'By when the partnership was proposed.' },
    START_DATE: { description: 'Partnerships without a start date come last.' },
  },
});

@InputType({ description: 'Narrows the `partnerships` list: a partnership is listed when it meets every criterion given.' })
export class PartnershipFilter {
  @Field(() => [PartnershipStatus], { nullable: true, description: 'Partnerships in any of these statuses.' })
  statuses?: PartnershipStatus[];

  @Field(() => [PartnershipType], { nullable: true, description: 'Partnerships of any of these types.' })
  types?: PartnershipType[];

  @Field(() => [DevelopmentStage], { nullable: true, description: 'Partnerships at any of these development stages.' })
  stages?: DevelopmentStage[];

  @Field(() => [String], { nullable: true, description: 'Partnerships in any of these therapeutic areas (exact, case-sensitive match).' })
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

@InputType({ description: 'The order of the `partnerships` list; ties are broken by id, in the same direction.' })
export class PartnershipOrder {
  @Field(() => PartnershipOrderField, { defaultValue: PartnershipOrderField.TITLE, description: 'What to sort by.' })
  field: PartnershipOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Ascending or descending.' })
  direction: SortDirection;
}

@InputType({ description: 'A founding member of a proposed partnership.' })
export class PartnershipMemberInput {
  @Field(() => ID, { description: 'Global ID of the stakeholder; not an archived one.' })
  stakeholderId: string;

  @Field(() => MemberRole, { description: 'Its role in the partnership.' })
  role: MemberRole;
}

@InputType({ description: 'A new partnership and its founding members; it starts PROPOSED.' })
export class ProposePartnershipInput {
  @Field(() => String, { description: 'Short name, 1 to 200 characters, not blank.' })
  @Length(1, 200)
  @Matches(/\S/, { message: 'title cannot be blank' })
  title: string;

  @Field(() => String, { nullable: true, description: 'What the partnership is about, up to 5,000 characters.' })
  @MaxLength(5000)
  description?: string | null;

  @Field(() => PartnershipType, { description: 'What kind of collaboration it is.' })
  type: PartnershipType;

  @Field(() => PartnershipVisibility, { defaultValue: PartnershipVisibility.ALLIANCE, description: 'Who may see it; the whole alliance by default.' })
  visibility: PartnershipVisibility;

  @Field(() => DevelopmentStage, { nullable: true, description: 'The stage of medicine development it contributes to, if any.' })
  developmentStage?: DevelopmentStage | null;

  @Field(() => String, { nullable: true, description: 'Therapeutic area, free text, 1 to 200 characters, not blank.' })
  @Length(1, 200)
  @Matches(/\S/, { message: 'therapeuticArea cannot be blank' })
  therapeuticArea?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Planned first day; when omitted, the day the partnership becomes ACTIVE.' })
  startDate?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Planned last day, not before startDate.' })
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

@InputType({ description: 'A status change of a partnership.' })
export class ChangePartnershipStatusInput {
  @Field(() => ID, { description: 'Global ID of the partnership.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; the change fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => PartnershipStatus, { description: 'ACTIVE sets startDate and CONCLUDED sets endDate to today when they are empty.' })
  status: PartnershipStatus;
}

@InputType({ description: 'A stakeholder joining a partnership that is not CONCLUDED.' })
export class AddPartnershipMemberInput {
  @Field(() => ID, { description: 'Global ID of the partnership.' })
  partnershipId: string;

  @Field(() => ID, { description: 'Global ID of the stakeholder joining; not archived, and not already a current member (CONFLICT otherwise).' })
  stakeholderId: string;

  @Field(() => MemberRole, { description: 'Its role in the partnership.' })
  role: MemberRole;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Defaults to today.' })
  joinedAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'A member leaving a partnership that is not CONCLUDED.' })
export class RemovePartnershipMemberInput {
  @Field(() => ID, { description: 'Global ID of the membership (PartnershipMember.id), not of the stakeholder.' })
  memberId: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Defaults to today; cannot lie in the future.' })
  leftAt?: string | null;
}
