import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Partnership } from '../partnership/partnership.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Commitment, CommitmentStatus } from './commitment.entity';
import { ChangeCommitmentStatusInput, CommitmentFilter, CommitmentOrder, CommitmentRole, MakeCommitmentInput } from './commitment.inputs';
import { commitmentService } from './commitment.service';

@ObjectType()
export class CommitmentConnection extends Connection(Commitment, 'Commitment') {}
@ObjectType()
export class CommitmentPayload extends Payload(Commitment, 'commitment', 'CommitmentPayload') {}

@Resolver(() => Commitment)
export class CommitmentResolver {
  @Query(() => Commitment, { nullable: true, description: 'A commitment by global ID; null when it does not exist.' })
  commitment(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Global ID of the commitment.' }) id: string): Promise<Commitment | null> {
    return commitmentService.find(ctx, id);
  }

  @Query(() => CommitmentConnection, { description: 'The commitments you may see, a page at a time.' })
  async commitments(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CommitmentFilter, { nullable: true, description: 'Criteria every listed commitment meets; all when omitted.' })
    filter: CommitmentFilter | null,
    @Arg('orderBy', () => CommitmentOrder, { nullable: true, description: 'The order of the list; soonest due first (undated last) when omitted.' })
    orderBy: CommitmentOrder | null,
  ): Promise<CommitmentConnection> {
    return new CommitmentConnection(await commitmentService.list(ctx, page, filter, orderBy));
  }

  @FieldResolver(() => Stakeholder, { description: 'The stakeholder who pledged.' })
  committer(@Root() commitment: Commitment, @Ctx() ctx: Context) {
    return commitmentService.committerOf(ctx, commitment);
  }

  @FieldResolver(() => Stakeholder, { nullable: true, description: 'The stakeholder it is pledged to; null when none.' })
  beneficiary(@Root() commitment: Commitment, @Ctx() ctx: Context) {
    return commitmentService.beneficiaryOf(ctx, commitment);
  }

  @FieldResolver(() => Partnership, {
    nullable: true,
    description: 'The partnership it was made in; null when none, or when it is a members-only partnership hidden from you.',
  })
  partnership(@Root() commitment: Commitment, @Ctx() ctx: Context) {
    return commitmentService.partnershipOf(ctx, commitment);
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Records a pledge; it starts OPEN. ADMIN, or an engagement manager of the committer or of a current member of the partnership.',
  })
  makeCommitment(
    @Ctx() ctx: Context,
    @Arg('input', () => MakeCommitmentInput, { description: 'The pledge, who makes it and to whom.' }) input: MakeCommitmentInput,
  ) {
    return commitmentService.make(ctx, input);
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Moves a commitment to another status (CommitmentStatus lists the allowed changes; any other is BAD_USER_INPUT). ' +
      'ADMIN, or an engagement manager of the committer or of a current member of its partnership.',
  })
  changeCommitmentStatus(
    @Ctx() ctx: Context,
    @Arg('input', () => ChangeCommitmentStatusInput, { description: 'The commitment, the version you read, the new status and any evidence.' })
    input: ChangeCommitmentStatusInput,
  ) {
    return commitmentService.changeStatus(ctx, input);
  }
}

/** The commitments made inside a partnership. */
@Resolver(() => Partnership)
export class PartnershipCommitmentsResolver {
  @FieldResolver(() => [Commitment], { description: 'Soonest due first.' })
  commitments(@Root() partnership: Partnership, @Ctx() ctx: Context): Promise<Commitment[]> {
    return commitmentService.ofPartnership(ctx, partnership);
  }
}

/** A stakeholder's side of its commitments. */
@Resolver(() => Stakeholder)
export class StakeholderCommitmentsResolver {
  @FieldResolver(() => [Commitment], { description: 'Commitments this stakeholder made or benefits from; soonest due first.' })
  commitments(
    @Root() stakeholder: Stakeholder,
    @Ctx() ctx: Context,
    @Arg('role', () => CommitmentRole, { nullable: true, defaultValue: CommitmentRole.ANY, description: 'Which side of the commitments this stakeholder is on.' })
    role: CommitmentRole | null,
    @Arg('statuses', () => [CommitmentStatus], { nullable: true, description: 'Only commitments in one of these statuses; all when omitted.' })
    statuses: CommitmentStatus[] | null,
  ): Promise<Commitment[]> {
    return commitmentService.ofStakeholder(ctx, stakeholder, role, statuses);
  }
}
