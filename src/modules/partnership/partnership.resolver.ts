import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Partnership, PartnershipMember, PartnershipStatus } from './partnership.entity';
import {
  AddPartnershipMemberInput,
  ChangePartnershipStatusInput,
  PartnershipFilter,
  PartnershipOrder,
  ProposePartnershipInput,
  RemovePartnershipMemberInput,
} from './partnership.inputs';
import { partnershipService } from './partnership.service';

@ObjectType()
export class PartnershipConnection extends Connection(Partnership, 'Partnership') {}
@ObjectType()
export class PartnershipPayload extends Payload(Partnership, 'partnership', 'PartnershipPayload') {}
@ObjectType()
export class PartnershipMemberPayload extends Payload(PartnershipMember, 'member', 'PartnershipMemberPayload') {}

@Resolver(() => Partnership)
export class PartnershipResolver {
  @Query(() => Partnership, { nullable: true, description: 'A partnership by global ID; null when it does not exist.' })
  partnership(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Partnership | null> {
    return partnershipService.find(ctx, id);
  }

  @Query(() => PartnershipConnection)
  async partnerships(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PartnershipFilter, { nullable: true }) filter: PartnershipFilter | null,
    @Arg('orderBy', () => PartnershipOrder, { nullable: true }) orderBy: PartnershipOrder | null,
  ): Promise<PartnershipConnection> {
    return new PartnershipConnection(await partnershipService.list(ctx, page, filter, orderBy));
  }

  @FieldResolver(() => [PartnershipMember])
  members(
    @Root() partnership: Partnership,
    @Ctx() ctx: Context,
    @Arg('current', () => Boolean, {
      nullable: true,
      defaultValue: true,
      description: 'true: current members; false: former members; null: both.',
    })
    current: boolean | null,
  ): Promise<PartnershipMember[]> {
    return partnershipService.members(ctx, partnership, current);
  }

  @Mutation(() => PartnershipPayload, { description: 'Proposes a partnership of at least two stakeholders, one of them LEAD; it starts PROPOSED.' })
  proposePartnership(@Ctx() ctx: Context, @Arg('input', () => ProposePartnershipInput) input: ProposePartnershipInput) {
    return partnershipService.propose(ctx, input);
  }

  @Mutation(() => PartnershipPayload)
  changePartnershipStatus(@Ctx() ctx: Context, @Arg('input', () => ChangePartnershipStatusInput) input: ChangePartnershipStatusInput) {
    return partnershipService.changeStatus(ctx, input);
  }

  @Mutation(() => PartnershipMemberPayload)
  addPartnershipMember(@Ctx() ctx: Context, @Arg('input', () => AddPartnershipMemberInput) input: AddPartnershipMemberInput) {
    return partnershipService.addMember(ctx, input);
  }

  @Mutation(() => PartnershipMemberPayload, { description: 'Ends a membership (it stays in the history with its leftAt).' })
  removePartnershipMember(@Ctx() ctx: Context, @Arg('input', () => RemovePartnershipMemberInput) input: RemovePartnershipMemberInput) {
    return partnershipService.removeMember(ctx, input);
  }
}

@Resolver(() => PartnershipMember)
export class PartnershipMemberResolver {
  @FieldResolver(() => Stakeholder)
  stakeholder(@Root() member: PartnershipMember, @Ctx() ctx: Context) {
    return partnershipService.stakeholderOf(ctx, member);
  }

  @FieldResolver(() => Partnership, {
    nullable: true,
    description: 'Null only when the partnership is hidden from you: a members-only one your organisation has just left.',
  })
  partnership(@Root() member: PartnershipMember, @Ctx() ctx: Context) {
    return partnershipService.partnershipOf(ctx, member);
  }
}

/** A stakeholder's side of its partnerships. */
@Resolver(() => Stakeholder)
export class StakeholderPartnershipsResolver {
  @FieldResolver(() => [Partnership], { description: 'The partnerships this stakeholder is a current member of.' })
  partnerships(
    @Root() stakeholder: Stakeholder,
    @Ctx() ctx: Context,
    @Arg('statuses', () => [PartnershipStatus], { nullable: true }) statuses: PartnershipStatus[] | null,
  ): Promise<Partnership[]> {
    return partnershipService.ofStakeholder(ctx, stakeholder, statuses);
  }

  @FieldResolver(() => [PartnershipMember], { description: 'Every membership of this stakeholder, former ones included.' })
  memberships(@Root() stakeholder: Stakeholder, @Ctx() ctx: Context): Promise<PartnershipMember[]> {
    return partnershipService.memberships(ctx, stakeholder);
  }
}
