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
  valuesConfig: { DUE_DATE: { description: 'Commitments without a due date come last.' } },
});

/** Which side of a commitment a stakeholder is on. */
export enum CommitmentRole {
  COMMITTER = 'COMMITTER',
  BENEFICIARY = 'BENEFICIARY',
  ANY = 'ANY',
}
registerEnumType(CommitmentRole, { name: 'CommitmentRole' });

@InputType()
export class CommitmentFilter {
  @Field(() => [CommitmentStatus], { nullable: true })
  statuses?: CommitmentStatus[];

  @Field(() => ID, { nullable: true })
  committerId?: string;

  @Field(() => ID, { nullable: true })
  beneficiaryId?: string;

  @Field(() => ID, { nullable: true })
  partnershipId?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Due on or after this date.' })
  dueFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Due on or before this date.' })
  dueTo?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: still OPEN or IN_PROGRESS after the due date; false: all others.' })
  overdue?: boolean;
}

@InputType()
export class CommitmentOrder {
  @Field(() => CommitmentOrderField, { defaultValue: CommitmentOrderField.DUE_DATE })
  field: CommitmentOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

@InputType()
export class MakeCommitmentInput {
  @Field(() => String)
  @Length(1, 200)
  @Matches(/\S/, { message: 'title cannot be blank' })
  title: string;

  @Field(() => String, { nullable: true })
  @MaxLength(5000)
  description?: string | null;

  @Field(() => ID, { description: 'Who pledges; a current member of the partnership when one is given.' })
  committerId: string;

  @Field(() => ID, { nullable: true, description: 'To whom, if anyone (not the committer).' })
  beneficiaryId?: string | null;

  @Field(() => ID, { nullable: true })
  partnershipId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  dueDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType()
export class ChangeCommitmentStatusInput {
  @Field(() => ID)
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
