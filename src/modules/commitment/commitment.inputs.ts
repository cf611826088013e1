import { Length, Matches, MaxLength } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../graphql/connection';
import { CommitmentStatus } from './commitment.entity';

export enum CommitmentOrderField {
  DUE_DATE = 'DUE_DATE',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(CommitmentOrderField, {
  name: 'CommitmentOrderField',
  description: 'What a list of commitments can be sorted by.',
  valuesConfig: {
    DUE_DATE: { description: 'Commitments without a due date come last.' },
    CREATED_AT: { description: 'By when the commitment was made.' },
  },
});

/** Which side of a commitment a stakeholder is on. */
export enum CommitmentRole {
  COMMITTER = 'COMMITTER',
  BENEFICIARY = 'BENEFICIARY',
  ANY = 'ANY',
}
registerEnumType(CommitmentRole, {
  name: 'CommitmentRole',
  description: 'Which side of a commitment a stakeholder is on.',
  valuesConfig: {
    COMMITTER: { description: 'Commitments the stakeholder made.' },
    BENEFICIARY: { description: 'Commitments made to the stakeholder.' },
    ANY: { description: 'Either side.' },
  },
});

@InputType({ description: 'Narrows the `commitments` list: a commitment is listed when it meets every criterion given.' })
export class CommitmentFilter {
  @Field(() => [CommitmentStatus], { nullable: true, description: 'Commitments in any of these statuses.' })
  statuses?: CommitmentStatus[];

  @Field(() => ID, { nullable: true, description: 'Commitments made by this stakeholder.' })
  committerId?: string;

  @Field(() => ID, { nullable: true, description: 'Commitments made to this stakeholder.' })
  beneficiaryId?: string;

  @Field(() => ID, { nullable: true, description: 'Commitments made in this partnership.' })
  partnershipId?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Due on or after this date.' })
  dueFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Due on or before this date.' })
  dueTo?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: still OPEN or IN_PROGRESS after the due date; false: all others.' })
  overdue?: boolean;
}

@InputType({ description: 'The order of the `commitments` list; ties are broken by id, in the same direction.' })
export class CommitmentOrder {
  @Field(() => CommitmentOrderField, { defaultValue: CommitmentOrderField.DUE_DATE, description: 'What to sort by.' })
  field: CommitmentOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Ascending or descending.' })
  direction: SortDirection;
}

@InputType({ description: 'A new commitment; it starts OPEN.' })
export class MakeCommitmentInput {
  @Field(() => String, { description: 'What is pledged, 1 to 200 characters, not blank.' })
  @Length(1, 200)
  @Matches(/\S/, { message: 'title cannot be blank' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Details of the pledge, up to 5,000 characters.' })
  @MaxLength(5000)
  description?: string | null;

  @Field(() => ID, { description: 'Who pledges; a current member of the partnership when one is given.' })
  committerId: string;

  @Field(() => ID, { nullable: true, description: 'To whom, if anyone (not the committer).' })
  beneficiaryId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global ID of the partnership it is made in, if any; not a CONCLUDED one.' })
  partnershipId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'The day it is due, if any.' })
  dueDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'A status change of a commitment.' })
export class ChangeCommitmentStatusInput {
  @Field(() => ID, { description: 'Global ID of the commitment.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; the change fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => CommitmentStatus, { description: 'FULFILLED records fulfilledAt.' })
  status: CommitmentStatus;

  @Field(() => String, { nullable: true, description: 'What shows the commitment was kept; only with FULFILLED.' })
  @Length(1, 2000)
  @Matches(/\S/, { message: 'evidence cannot be blank' })
  evidence?: string | null;
}
