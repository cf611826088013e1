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
  affiliation(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Affiliation | null> {
    return affiliationService.find(ctx, id);
  }

  @Query(() => AffiliationConnection)
  async affiliations(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AffiliationFilter, { nullable: true }) filter: AffiliationFilter | null,
    @Arg('orderBy', () => AffiliationOrder, { nullable: true }) orderBy: AffiliationOrder | null,
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

  @Mutation(() => AffiliationPayload)
  addAffiliation(@Ctx() ctx: Context, @Arg('input', () => AddAffiliationInput) input: AddAffiliationInput) {
    return affiliationService.add(ctx, input);
  }

  @Mutation(() => AffiliationPayload, { description: 'Sets the last day of a current affiliation (today by default).' })
  endAffiliation(@Ctx() ctx: Context, @Arg('input', () => EndAffiliationInput) input: EndAffiliationInput) {
    return affiliationService.end(ctx, input);
  }
}

@Resolver(() => Stakeholder)
export class StakeholderAffiliationsResolver {
  @FieldResolver(() => [Affiliation], { description: "This stakeholder's affiliations, oldest first." })
  affiliations(
    @Root() stakeholder: Stakeholder,
    @Ctx() ctx: Context,
    @Arg('kinds', () => [AffiliationKind], { nullable: true }) kinds: AffiliationKind[] | null,
    @Arg('direction', () => AffiliationDirection, { defaultValue: AffiliationDirection.BOTH }) direction: AffiliationDirection,
    @Arg('current', () => Boolean, { nullable: true, defaultValue: true, description: 'true: not ended; false: ended; null: all.' })
    current: boolean | null,
  ): Promise<Affiliation[]> {
    return affiliationService.forStakeholder(ctx, stakeholder, { kinds, direction, current });
  }
}
