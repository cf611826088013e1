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
  partnership(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Global ID of the partnership.' }) id: string): Promise<Partnership | null> {
    return partnershipService.find(ctx, id);
  }

  @Query(() => PartnershipConnection, {
    description: 'The partnerships you may see, a page at a time: every alliance-wide one, and the members-only ones your organisation (or you, as a patient) ' +
      'currently belongs to; ADMIN sees all.',
  })
  async partnerships(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PartnershipFilter, { nullable: true, description: 'Criteria every listed partnership meets; all when omitted.' })
    filter: PartnershipFilter | null,
    @Arg('orderBy', () => PartnershipOrder, { nullable: true, description: 'The order of the list; by title, ascending, when omitted.' })
    orderBy: PartnershipOrder | null,
  ): Promise<PartnershipConnection> {
    return new PartnershipConnection(await partnershipService.list(ctx, page, filter, orderBy));
  }

  @FieldResolver(() => [PartnershipMember], { description: 'The memberships of the partnership, in the order the members joined.' })
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

  @Mutation(() => PartnershipPayload, {
    description:
      'Proposes a partnership of at least two stakeholders, one of them LEAD; it starts PROPOSED. ' +
      'ADMIN, or an engagement manager of one of the proposed members.',
  })
  proposePartnership(
    @Ctx() ctx: Context,
    @Arg('input', () => ProposePartnershipInput, { description: 'The partnership and its founding members.' }) input: ProposePartnershipInput,
  ) {
    return partnershipService.propose(ctx, input);
  }

  @Mutation(() => PartnershipPayload, {
    description:
      'Moves a partnership along its lifecycle (PartnershipStatus lists the allowed changes; any other is BAD_USER_INPUT). ' +
      'ADMIN, or an engagement manager of a current member.',
  })
  changePartnershipStatus(
    @Ctx() ctx: Context,
    @Arg('input', () => ChangePartnershipStatusInput, { description: 'The partnership, the version you read and the new status.' })
    input: ChangePartnershipStatusInput,
  ) {
    return partnershipService.changeStatus(ctx, input);
  }

  @Mutation(() => PartnershipMemberPayload, {
    description: 'Adds a member to a partnership that is not CONCLUDED. ADMIN, or an engagement manager of a current member.',
  })
  addPartnershipMember(
    @Ctx() ctx: Context,
    @Arg('input', () => AddPartnershipMemberInput, { description: 'The partnership, the stakeholder joining and its role.' }) input: AddPartnershipMemberInput,
  ) {
    return partnershipService.addMember(ctx, input);
  }

  @Mutation(() => PartnershipMemberPayload, {
    description:
      'Ends a membership (it stays in the history with its leftAt). A partnership keeps at least two current members and one LEAD. ' +
      'ADMIN, or an engagement manager of a current member.',
  })
  removePartnershipMember(
    @Ctx() ctx: Context,
    @Arg('input', () => RemovePartnershipMemberInput, { description: 'The membership and the day the member left.' }) input: RemovePartnershipMemberInput,
  ) {
    return partnershipService.removeMember(ctx, input);
  }
}

@Resolver(() => PartnershipMember)
export class PartnershipMemberResolver {
  @FieldResolver(() => Stakeholder, { description: 'The member stakeholder.' })
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
    @Arg('statuses', () => [PartnershipStatus], { nullable: true, description: 'Only partnerships in one of these statuses; all when omitted.' })
    statuses: PartnershipStatus[] | null,
  ): Promise<Partnership[]> {
    return partnershipService.ofStakeholder(ctx, stakeholder, statuses);
  }

  @FieldResolver(() => [PartnershipMember], { description: 'Every membership of this stakeholder, former ones included.' })
  memberships(@Root() stakeholder: Stakeholder, @Ctx() ctx: Context): Promise<PartnershipMember[]> {
    return partnershipService.memberships(ctx, stakeholder);
  }
}
