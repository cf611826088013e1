import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Commitment } from '../commitment/commitment.entity';
import { Partnership } from '../partnership/partnership.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Interaction } from './interaction.entity';
import { InteractionFilter, InteractionOrder, RecentInteractionsArgs, RecordInteractionInput } from './interaction.inputs';
import { interactionService } from './interaction.service';

@ObjectType()
export class InteractionConnection extends Connection(Interaction, 'Interaction') {}
@ObjectType()
export class InteractionPayload extends Payload(Interaction, 'interaction', 'InteractionPayload') {}

@Resolver(() => Interaction)
export class InteractionResolver {
  @Query(() => Interaction, { nullable: true, description: 'An interaction by global ID; null when it does not exist.' })
  interaction(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Global ID of the interaction.' }) id: string): Promise<Interaction | null> {
    return interactionService.find(ctx, id);
  }

  @Query(() => InteractionConnection, { description: 'The interactions you may see, a page at a time.' })
  async interactions(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => InteractionFilter, { nullable: true, description: 'Criteria every listed interaction meets; all when omitted.' })
    filter: InteractionFilter | null,
    @Arg('orderBy', () => InteractionOrder, { nullable: true, description: 'The order of the list; most recent first when omitted.' })
    orderBy: InteractionOrder | null,
  ): Promise<InteractionConnection> {
    return new InteractionConnection(await interactionService.list(ctx, page, filter, orderBy));
  }

  @Mutation(() => InteractionPayload, {
    description: 'Records an interaction with its participants and follow-up commitments, in one transaction. An engagement manager records only interactions their organisation took part in.',
  })
  recordInteraction(
    @Ctx() ctx: Context,
    @Arg('input', () => RecordInteractionInput, { description: 'The interaction, its participants and its follow-ups.' }) input: RecordInteractionInput,
  ) {
    return interactionService.record(ctx, input);
  }

  @FieldResolver(() => [Stakeholder], { description: 'The stakeholders who took part.' })
  participants(@Root() i: Interaction, @Ctx() ctx: Context): Promise<Stakeholder[]> {
    return ctx.loaders.participantsByInteraction.load(i.id);
  }

  @FieldResolver(() => Partnership, {
    nullable: true,
    description: 'The partnership the interaction belongs to; null when none, or when it is a members-only partnership hidden from you.',
  })
  async partnership(@Root() i: Interaction, @Ctx() ctx: Context): Promise<Partnership | null> {
    return i.partnershipId ? ctx.loaders.partnership.load(i.partnershipId) : null;
  }

  @FieldResolver(() => Stakeholder, { nullable: true, description: 'The organisation of the user who recorded it (none for an ADMIN without one).' })
  async recordedByOrg(@Root() i: Interaction, @Ctx() ctx: Context): Promise<Stakeholder | null> {
    return i.recordedByOrgId ? ctx.loaders.stakeholder.load(i.recordedByOrgId) : null;
  }

  @FieldResolver(() => [Commitment], { description: 'Commitments made as follow-ups of this interaction.' })
  followUps(@Root() i: Interaction, @Ctx() ctx: Context): Promise<Commitment[]> {
    return ctx.loaders.followUpsByInteraction.load(i.id);
  }
}

/** A stakeholder's interactions, on the Stakeholder interface (and so on every kind). */
@Resolver(() => Stakeholder)
export class StakeholderInteractionsResolver {
  @FieldResolver(() => [Interaction], { description: 'The most recent interactions this stakeholder took part in, newest first.' })
  interactions(@Root() s: Stakeholder, @Ctx() ctx: Context, @Args(() => RecentInteractionsArgs) { first }: RecentInteractionsArgs): Promise<Interaction[]> {
    return ctx.loaders.interactionsByParticipant.load({ stakeholderId: s.id, first });
  }
}
