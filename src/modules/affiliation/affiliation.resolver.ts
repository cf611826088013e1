import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Affiliation, AffiliationKind } from './affiliation.entity';
import { AddAffiliationInput, AffiliationDirection, AffiliationFilter, AffiliationOrder, EndAffiliationInput } from './affiliation.inputs';
import { affiliationService } from './affiliation.service';

@ObjectType()
export class AffiliationConnection extends Connection(Affiliation, 'Affiliation') {}
@ObjectType()
export class AffiliationPayload extends Payload(Affiliation, 'affiliation', 'AffiliationPayload') {}

@Resolver(() => Affiliation)
export class AffiliationResolver {
  @Query(() => Affiliation, { nullable: true, description: 'An affiliation by global ID; null when it does not exist.' })
  affiliation(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Global ID of the affiliation.' }) id: string): Promise<Affiliation | null> {
    return affiliationService.find(ctx, id);
  }

  @Query(() => AffiliationConnection, {
    description:
      "The affiliations you may see, a page at a time. A patient's affiliation to a patient organisation is listed only where you may read the patient's health data.",
  })
  async affiliations(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AffiliationFilter, { nullable: true, description: 'Criteria every listed affiliation meets; all when omitted.' })
    filter: AffiliationFilter | null,
    @Arg('orderBy', () => AffiliationOrder, { nullable: true, description: 'The order of the list; oldest recorded first when omitted.' })
    orderBy: AffiliationOrder | null,
  ): Promise<AffiliationConnection> {
    return new AffiliationConnection(await affiliationService.list(ctx, page, filter, orderBy));
  }

  @FieldResolver(() => Stakeholder, { description: 'The affiliated stakeholder (e.g. the member).' })
  async from(@Root() affiliation: Affiliation, @Ctx() ctx: Context): Promise<Stakeholder> {
    return (await ctx.loaders.stakeholder.load(affiliation.fromId)) as Stakeholder;
  }

  @FieldResolver(() => Stakeholder, { description: 'The stakeholder it is affiliated to (e.g. the organisation).' })
  async to(@Root() affiliation: Affiliation, @Ctx() ctx: Context): Promise<Stakeholder> {
    return (await ctx.loaders.stakeholder.load(affiliation.toId)) as Stakeholder;
  }

  @Mutation(() => AffiliationPayload, {
    description:
      'Records an affiliation. ADMIN, or an engagement manager of either stakeholder; ' +
      "a patient's affiliation to a patient organisation also needs the patient's HEALTH consent for your organisation.",
  })
  addAffiliation(
    @Ctx() ctx: Context,
    @Arg('input', () => AddAffiliationInput, { description: 'The two stakeholders, the kind of link and its dates.' }) input: AddAffiliationInput,
  ) {
    return affiliationService.add(ctx, input);
  }

  @Mutation(() => AffiliationPayload, { description: 'Sets the last day of a current affiliation (today by default). ADMIN, or an engagement manager of either stakeholder.' })
  endAffiliation(
    @Ctx() ctx: Context,
    @Arg('input', () => EndAffiliationInput, { description: 'The affiliation, the version you read and its last day.' }) input: EndAffiliationInput,
  ) {
    return affiliationService.end(ctx, input);
  }
}

@Resolver(() => Stakeholder)
export class StakeholderAffiliationsResolver {
  @FieldResolver(() => [Affiliation], { description: "This stakeholder's affiliations, oldest first." })
  affiliations(
    @Root() stakeholder: Stakeholder,
    @Ctx() ctx: Context,
    @Arg('kinds', () => [AffiliationKind], { nullable: true, description: 'Only affiliations of these kinds; every kind when omitted.' })
    kinds: AffiliationKind[] | null,
    @Arg('direction', () => AffiliationDirection, { defaultValue: AffiliationDirection.BOTH, description: 'Which end of the affiliations this stakeholder is on.' })
    direction: AffiliationDirection,
    @Arg('current', () => Boolean, { nullable: true, defaultValue: true, description: 'true: not ended; false: ended; null: all.' })
    current: boolean | null,
  ): Promise<Affiliation[]> {
    return affiliationService.forStakeholder(ctx, stakeholder, { kinds, direction, current });
  }
}
