import { GraphQLCurrency, GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Partnership } from '../partnership/partnership.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Contract, ContractParty, ContractStatus } from './contract.entity';
import { ContractFilter, ContractOrder, DraftContractInput, SignContractInput, TerminateContractInput } from './contract.inputs';
import { contractService } from './contract.service';

@ObjectType({ description: 'An amount of money.' })
export class Money {
  @Field(() => GraphQLSafeInt, { description: 'In minor units (cents).' })
  amount: number;
  @Field(() => GraphQLCurrency, { description: 'ISO 4217 code.' })
  currency: string;
}

@ObjectType()
export class ContractConnection extends Connection(Contract, 'Contract') {}
@ObjectType()
export class ContractPayload extends Payload(Contract, 'contract', 'ContractPayload') {}

@Resolver(() => Contract)
export class ContractResolver {
  @Query(() => Contract, { nullable: true, description: 'A contract by global ID; null when it does not exist.' })
  contract(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Global ID of the contract.' }) id: string): Promise<Contract | null> {
    return contractService.find(ctx, id);
  }

  @Query(() => ContractConnection, {
    description: 'The contracts your organisation (or you, as a patient) is a party of, a page at a time; ADMIN sees all.',
  })
  async contracts(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ContractFilter, { nullable: true, description: 'Criteria every listed contract meets; all when omitted.' })
    filter: ContractFilter | null,
    @Arg('orderBy', () => ContractOrder, { nullable: true, description: 'The order of the list; newest first when omitted.' })
    orderBy: ContractOrder | null,
  ): Promise<ContractConnection> {
    return new ContractConnection(await contractService.list(ctx, page, filter, orderBy));
  }

  @Mutation(() => ContractPayload, { description: "A new DRAFT contract. An engagement manager's organisation must be one of the parties." })
  draftContract(
    @Ctx() ctx: Context,
    @Arg('input', () => DraftContractInput, { description: 'The contract, its parties and its terms.' }) input: DraftContractInput,
  ) {
    return contractService.draft(ctx, input);
  }

  @Mutation(() => ContractPayload, {
    description: 'Signs the contract for one party: AWAITING_SIGNATURES after the first signature, ACTIVE once every party has signed.',
  })
  signContract(
    @Ctx() ctx: Context,
    @Arg('input', () => SignContractInput, { description: 'The contract, the version you read and the party signing.' }) input: SignContractInput,
  ) {
    return contractService.sign(ctx, input);
  }

  @Mutation(() => ContractPayload, {
    description:
      'Ends an ACTIVE contract, or one AWAITING_SIGNATURES, for the given reason. A DRAFT binds nobody and cannot be terminated. Needs ADMIN or an engagement manager of a party.',
  })
  terminateContract(
    @Ctx() ctx: Context,
    @Arg('input', () => TerminateContractInput, { description: 'The contract, the version you read and the reason.' }) input: TerminateContractInput,
  ) {
    return contractService.terminate(ctx, input);
  }

  @FieldResolver(() => [ContractParty], { description: 'The parties of the contract, with their roles and signatures.' })
  parties(@Root() c: Contract, @Ctx() ctx: Context): Promise<ContractParty[]> {
    return ctx.loaders.partiesByContract.load(c.id);
  }

  /** Classified (policy.ts): the schema build wraps it, so it resolves to null for anyone without the class. */
  @FieldResolver(() => Money, { nullable: true, description: "Sensitive (contract terms): the parties' engagement managers, the patient party and ADMIN." })
  value(@Root() c: Contract): Money | null {
    return c.valueAmount === null || c.valueCurrency === null ? null : { amount: c.valueAmount, currency: c.valueCurrency };
  }

  @FieldResolver(() => Partnership, {
    nullable: true,
    description: 'The partnership the contract belongs to; null when none, or when it is a members-only partnership hidden from you.',
  })
  async partnership(@Root() c: Contract, @Ctx() ctx: Context): Promise<Partnership | null> {
    return c.partnershipId ? ctx.loaders.partnership.load(c.partnershipId) : null;
  }
}

@Resolver(() => ContractParty)
export class ContractPartyResolver {
  @FieldResolver(() => Stakeholder, { description: 'The stakeholder that is the party.' })
  async stakeholder(@Root() p: ContractParty, @Ctx() ctx: Context): Promise<Stakeholder> {
    return (await ctx.loaders.stakeholder.load(p.stakeholderId)) as Stakeholder;
  }

  @FieldResolver(() => Contract, { description: 'The contract this is a party of.' })
  async contract(@Root() p: ContractParty, @Ctx() ctx: Context): Promise<Contract> {
    return (await ctx.loaders.contract.load(p.contractId)) as Contract;
  }
}

/** The contracts a stakeholder is a party of, on the Stakeholder interface (and so on every kind). */
@Resolver(() => Stakeholder)
export class StakeholderContractsResolver {
  @FieldResolver(() => [Contract], { description: 'Contracts this stakeholder is a party of, newest first.' })
  contracts(
    @Root() s: Stakeholder,
    @Ctx() ctx: Context,
    @Arg('statuses', () => [ContractStatus], { nullable: true, description: 'Only contracts in one of these statuses.' })
    statuses: ContractStatus[] | null,
  ): Promise<Contract[]> {
    return ctx.loaders.contractsByParty.load({ stakeholderId: s.id, statuses });
  }
}
