import { ArrayMaxSize, ArrayMinSize, Length, Max, Min, ValidateNested } from 'class-validator';
import { GraphQLCurrency, GraphQLLocalDate, GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../graphql/connection';
import { ContractKind, ContractPartyRole, ContractStatus } from './contract.entity';

export enum ContractOrderField {
  CREATED_AT = 'CREATED_AT',
  EFFECTIVE_FROM = 'EFFECTIVE_FROM',
  TITLE = 'TITLE',
}
registerEnumType(ContractOrderField, {
  name: 'ContractOrderField',
  valuesConfig: { EFFECTIVE_FROM: { description: 'Contracts without a start date sort as if they started last.' } },
});

@InputType()
export class ContractFilter {
  @Field(() => [ContractStatus], { nullable: true })
  statuses?: ContractStatus[];

  @Field(() => [ContractKind], { nullable: true })
  kinds?: ContractKind[];

  @Field(() => ID, { nullable: true, description: 'Contracts this stakeholder is a party of.' })
  partyId?: string;

  @Field(() => ID, { nullable: true })
  partnershipId?: string;

  @Field(() => Boolean, { nullable: true })
  disclosable?: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Contracts in effect on or after this day (an open end counts as in effect).' })
  effectiveFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Contracts in effect on or before this day (an open start counts as in effect).' })
  effectiveTo?: string;
}

@InputType()
export class ContractOrder {
  @Field(() => ContractOrderField, { defaultValue: ContractOrderField.CREATED_AT })
  field: ContractOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection;
}

/**
 * Ten billion in major units: far above any engagement contract, and low enough that the sums
 * the reports make (a recipient's year, a company's year) stay exact integers below 2^53.
 */
export const MAX_CONTRACT_AMOUNT = 1_000_000_000_000;

@InputType()
export class MoneyInput {
  @Field(() => GraphQLSafeInt, { description: `In minor units (cents), 0 to ${MAX_CONTRACT_AMOUNT.toLocaleString('en')}.` })
  @Min(0)
  @Max(MAX_CONTRACT_AMOUNT)
  amount: number;

  @Field(() => GraphQLCurrency, { description: 'ISO 4217 code.' })
  currency: string;
}

@InputType()
export class ContractPartyInput {
  @Field(() => ID)
  stakeholderId: string;

  @Field(() => ContractPartyRole)
  role: ContractPartyRole;
}

@InputType()
export class DraftContractInput {
  @Field(() => String)
  @Length(1, 300)
  title: string;

  @Field(() => ContractKind)
  kind: ContractKind;

  @Field(() => ID, { nullable: true })
  partnershipId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  effectiveFrom?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  effectiveTo?: string | null;

  @Field(() => MoneyInput, { nullable: true })
  @ValidateNested()
  value?: MoneyInput | null;

  @Field(() => Boolean, { defaultValue: false })
  fairMarketValueAssessed: boolean;

  @Field(() => Boolean, { defaultValue: false })
  conflictOfInterestDeclared: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'A transfer of value under the EFPIA Disclosure Code.' })
  disclosable: boolean;

  @Field(() => [ContractPartyInput], { description: 'At least two distinct stakeholders.' })
  @ArrayMinSize(2)
  @ArrayMaxSize(50)
  @ValidateNested()
  parties: ContractPartyInput[];

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType()
export class SignContractInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'The version you read; the signature fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => ID, {
    description: 'The party (stakeholder) signing: an engagement manager signs for their own organisation, a patient for themself, ADMIN for anyone.',
  })
  partyId: string;
}

@InputType()
export class TerminateContractInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  version: number;

  @Field(() => String)
  @Length(1, 2000)
  reason: string;
}
