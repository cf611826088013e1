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
  description: 'What a list of contracts can be sorted by.',
  valuesConfig: {
    CREATED_AT: { description: 'By when the contract was drafted.' },
    EFFECTIVE_FROM: { description: 'Contracts without a start date sort as if they started last.' },
    TITLE: { description: 'By title.' },
  },
});

@InputType({ description: 'Narrows the `contracts` list: a contract is listed when it meets every criterion given.' })
export class ContractFilter {
  @Field(() => [ContractStatus], { nullable: true, description: 'Contracts in any of these statuses.' })
  statuses?: ContractStatus[];

  @Field(() => [ContractKind], { nullable: true, description: 'Contracts of any of these kinds.' })
  kinds?: ContractKind[];

  @Field(() => ID, { nullable: true, description: 'Contracts this stakeholder is a party of.' })
  partyId?: string;

  @Field(() => ID, { nullable: true, description: 'Contracts of this partnership.' })
  partnershipId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only transfers of value under the EFPIA Disclosure Code; false: only the others.' })
  disclosable?: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Contracts in effect on or after this day (an open end counts as in effect).' })
  effectiveFrom?: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Contracts in effect on or before this day (an open start counts as in effect).' })
  effectiveTo?: string;
}

@InputType({ description: 'The order of the `contracts` list; ties are broken by id, in the same direction.' })
export class ContractOrder {
  @Field(() => ContractOrderField, { defaultValue: ContractOrderField.CREATED_AT, description: 'What to sort by.' })
  field: ContractOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC, description: 'Ascending or descending.' })
  direction: SortDirection;
}

/**
 * Ten billion in major units: far above any engagement contract, and low enough that the sums
 * the reports make (a recipient's year, a company's year) stay exact integers below 2^53.
 */
export const MAX_CONTRACT_AMOUNT = 1_000_000_000_000;

@InputType({ description: 'An amount of money in one currency.' })
export class MoneyInput {
  @Field(() => GraphQLSafeInt, { description: `In minor units (cents), 0 to ${MAX_CONTRACT_AMOUNT.toLocaleString('en')}.` })
  @Min(0)
  @Max(MAX_CONTRACT_AMOUNT)
  amount: number;

  @Field(() => GraphQLCurrency, { description: 'ISO 4217 code.' })
  currency: string;
}

@InputType({ description: 'A party of a new contract.' })
export class ContractPartyInput {
  @Field(() => ID, { description: 'Global ID of the stakeholder; not an archived one.' })
  stakeholderId: string;

  @Field(() => ContractPartyRole, { description: 'Its role in the contract.' })
  role: ContractPartyRole;
}

@InputType({ description: 'A new contract, its parties and its terms; it starts as a DRAFT.' })
export class DraftContractInput {
  @Field(() => String, { description: 'Name of the contract, 1 to 300 characters, not blank.' })
  @Length(1, 300)
  title: string;

  @Field(() => ContractKind, { description: 'What the contract is for.' })
  kind: ContractKind;

  @Field(() => ID, { nullable: true, description: 'Global ID of the partnership the contract belongs to, if any.' })
  partnershipId?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First day in effect, if known.' })
  effectiveFrom?: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day in effect, if known; not before effectiveFrom.' })
  effectiveTo?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: "The contract's value. Sensitive (contract terms)." })
  @ValidateNested()
  value?: MoneyInput | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Whether the fee was checked against fair market value for the services.' })
  fairMarketValueAssessed: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'Whether the parties declared their conflicts of interest.' })
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

@InputType({ description: "One party's signature of a contract." })
export class SignContractInput {
  @Field(() => ID, { description: 'Global ID of a contract in DRAFT or AWAITING_SIGNATURES.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; the signature fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => ID, {
    description: 'The party (stakeholder) signing: an engagement manager signs for their own organisation, a patient for themself, ADMIN for anyone.',
  })
  partyId: string;
}

@InputType({ description: 'The early end of a contract.' })
export class TerminateContractInput {
  @Field(() => ID, { description: 'Global ID of a contract that is ACTIVE or AWAITING_SIGNATURES.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; termination fails with CONFLICT if it moved.' })
  version: number;

  @Field(() => String, { description: 'Why the contract ends, 1 to 2,000 characters, not blank; kept as terminationReason.' })
  @Length(1, 2000)
  reason: string;
}
