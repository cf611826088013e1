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
  commitment(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Commitment | null> {
    return commitmentService.find(ctx, id);
  }

  @Query(() => CommitmentConnection)
  async commitments(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CommitmentFilter, { nullable: true }) filter: CommitmentFilter | null,
    @Arg('orderBy', () => CommitmentOrder, { nullable: true }) orderBy: CommitmentOrder | null,
  ): Promise<CommitmentConnection> {
    return new CommitmentConnection(await commitmentService.list(ctx, page, filter, orderBy));
  }

  @FieldResolver(() => Stakeholder)
  committer(@Root() commitment: Commitment, @Ctx() ctx: Context) {
    return commitmentService.committerOf(ctx, commitment);
  }

  @FieldResolver(() => Stakeholder, { nullable: true })
  beneficiary(@Root() commitment: Commitment, @Ctx() ctx: Context) {
    return commitmentService.beneficiaryOf(ctx, commitment);
  }

  @FieldResolver(() => Partnership, { nullable: true })
  partnership(@Root() commitment: Commitment, @Ctx() ctx: Context) {
    return commitmentService.partnershipOf(ctx, commitment);
  }

  @Mutation(() => CommitmentPayload, { description: 'Records a pledge; it starts OPEN.' })
  makeCommitment(@Ctx() ctx: Context, @Arg('input', () => MakeCommitmentInput) input: MakeCommitmentInput) {
    return commitmentService.make(ctx, input);
  }

  @Mutation(() => CommitmentPayload)
  changeCommitmentStatus(@Ctx() ctx: Context, @Arg('input', () => ChangeCommitmentStatusInput) input: ChangeCommitmentStatusInput) {
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
    @Arg('role', () => CommitmentRole, { nullable: true, defaultValue: CommitmentRole.ANY }) role: CommitmentRole | null,
    @Arg('statuses', () => [CommitmentStatus], { nullable: true }) statuses: CommitmentStatus[] | null,
  ): Promise<Commitment[]> {
    return commitmentService.ofStakeholder(ctx, stakeholder, role, statuses);
  }
}
