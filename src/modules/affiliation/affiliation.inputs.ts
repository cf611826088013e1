import { Length } from 'class-validator';
import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../graphql/connection';
import { AffiliationKind } from './affiliation.entity';

export enum AffiliationOrderField {
  CREATED_AT = 'CREATED_AT',
  SINCE = 'SINCE',
}
registerEnumType(AffiliationOrderField, {
  name: 'AffiliationOrderField',
  valuesConfig: { SINCE: { description: 'Start date; an affiliation without one sorts by the day it was recorded.' } },
});

export enum AffiliationDirection {
  OUTGOING = 'OUTGOING',
  INCOMING = 'INCOMING',
  BOTH = 'BOTH',
}
registerEnumType(AffiliationDirection, {
  name: 'AffiliationDirection',
  valuesConfig: {
    OUTGOING: { description: 'This stakeholder is `from` (e.g. the member).' },
    INCOMING: { description: 'This stakeholder is `to` (e.g. the organisation joined).' },
  },
});

@InputType()
export class AffiliationFilter {
  @Field(() => [AffiliationKind], { nullable: true })
  kinds?: AffiliationKind[];

  @Field(() => ID, { nullable: true })
  fromId?: string;

  @Field(() => ID, { nullable: true })
  toId?: string;

  @Field(() => ID, { nullable: true, description: 'Affiliations with this stakeholder at either end.' })
  stakeholderId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: not ended (no `until`, or `until` today or later); false: ended.' })
  current?: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Affiliations that held on this day.' })
  activeOn?: string;
}

@InputType()
export class AffiliationOrder {
  @Field(() => AffiliationOrderField, { defaultValue: AffiliationOrderField.CREATED_AT })
  field: AffiliationOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

@InputType()
export class AddAffiliationInput {
  @Field(() => AffiliationKind)
  kind: AffiliationKind;

  @Field(() => ID, { description: 'The stakeholder that is affiliated (e.g. the member).' })
  fromId: string;

  @Field(() => ID, { description: 'The stakeholder it is affiliated to (e.g. the organisation).' })
  toId: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  since?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  until?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType()
export class EndAffiliationInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'The version you read; the update fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day of the affiliation; today when omitted.' })
  until?: string | null;
}
