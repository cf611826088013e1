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
  description: 'What a list of affiliations can be sorted by.',
  valuesConfig: {
    CREATED_AT: { description: 'By when the affiliation was recorded.' },
    SINCE: { description: 'Start date; an affiliation without one sorts by the day it was recorded.' },
  },
});

export enum AffiliationDirection {
  OUTGOING = 'OUTGOING',
  INCOMING = 'INCOMING',
  BOTH = 'BOTH',
}
registerEnumType(AffiliationDirection, {
  name: 'AffiliationDirection',
  description: 'Which end of its affiliations a stakeholder is on.',
  valuesConfig: {
    OUTGOING: { description: 'This stakeholder is `from` (e.g. the member).' },
    INCOMING: { description: 'This stakeholder is `to` (e.g. the organisation joined).' },
    BOTH: { description: 'Either end.' },
  },
});

@InputType({ description: 'Narrows the `affiliations` list: an affiliation is listed when it meets every criterion given.' })
export class AffiliationFilter {
  @Field(() => [AffiliationKind], { nullable: true, description: 'Affiliations of any of these kinds.' })
  kinds?: AffiliationKind[];

  @Field(() => ID, { nullable: true, description: 'Affiliations from this stakeholder (e.g. the member).' })
  fromId?: string;

  @Field(() => ID, { nullable: true, description: 'Affiliations to this stakeholder (e.g. the organisation).' })
  toId?: string;

  @Field(() => ID, { nullable: true, description: 'Affiliations with this stakeholder at either end.' })
  stakeholderId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: not ended (no `until`, or `until` today or later); false: ended.' })
  current?: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Affiliations that held on this day.' })
  activeOn?: string;
}

@InputType({ description: 'The order of the `affiliations` list; ties are broken by id, in the same direction.' })
export class AffiliationOrder {
  @Field(() => AffiliationOrderField, { defaultValue: AffiliationOrderField.CREATED_AT, description: 'What to sort by.' })
  field: AffiliationOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Ascending or descending.' })
  direction: SortDirection;
}

@InputType({ description: 'A new affiliation between two distinct stakeholders, neither of them archived.' })
export class AddAffiliationInput {
  @Field(() => AffiliationKind, {
    description: 'How `from` relates to `to`. Two stakeholders have at most one current affiliation of a kind (CONFLICT otherwise).',
  })
  kind: AffiliationKind;

  @Field(() => ID, { description: 'The stakeholder that is affiliated (e.g. the member).' })
  fromId: string;

  @Field(() => ID, { description: 'The stakeholder it is affiliated to (e.g. the organisation).' })
  toId: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First day of the affiliation, if known.' })
  since?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day of the affiliation, if it is known to end; not before `since`.' })
  until?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'The affiliation to end, and its last day.' })
export class EndAffiliationInput {
  @Field(() => ID, { description: 'Global ID of a current affiliation.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; the update fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day of the affiliation; today when omitted.' })
  until?: string | null;
}
