import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { presentedStakeholderId } from '../../access/patient-ids';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Stakeholder } from './stakeholder.entity';
import {
  ArchiveStakeholderInput,
  CreateStakeholderInput,
  StakeholderFilter,
  StakeholderOrder,
  UpdateStakeholderInput,
} from './stakeholder.inputs';
import { stakeholderService } from './stakeholder.service';

@ObjectType()
export class StakeholderConnection extends Connection(Stakeholder, 'Stakeholder') {}
@ObjectType()
export class StakeholderPayload extends Payload(Stakeholder as never, 'stakeholder', 'StakeholderPayload') {}

@Resolver(() => Stakeholder)
export class StakeholderResolver {
  @FieldResolver(() => ID, {
    name: 'id',
    description: "Opaque global ID. A patient whose identity you may not read has an id of your organisation's own: another organisation sees another id.",
  })
  presentedId(@Root() stakeholder: Stakeholder, @Ctx() ctx: Context): string | Promise<string> {
    return presentedStakeholderId(ctx, stakeholder);
  }

  @Query(() => Stakeholder, { nullable: true, description: 'A stakeholder by global ID; null when it does not exist.' })
  stakeholder(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Stakeholder | null> {
    return stakeholderService.find(ctx, id);
  }

  @Query(() => StakeholderConnection)
  async stakeholders(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => StakeholderFilter, { nullable: true }) filter: StakeholderFilter | null,
    @Arg('orderBy', () => StakeholderOrder, { nullable: true }) orderBy: StakeholderOrder | null,
  ): Promise<StakeholderConnection> {
    return new StakeholderConnection(await stakeholderService.list(ctx, page, filter, orderBy));
  }

  @Mutation(() => StakeholderPayload)
  createStakeholder(@Ctx() ctx: Context, @Arg('input', () => CreateStakeholderInput) input: CreateStakeholderInput) {
    return stakeholderService.create(ctx, input);
  }

  @Mutation(() => StakeholderPayload)
  updateStakeholder(@Ctx() ctx: Context, @Arg('input', () => UpdateStakeholderInput) input: UpdateStakeholderInput) {
    return stakeholderService.update(ctx, input);
  }

  @Mutation(() => StakeholderPayload, { description: 'Archived stakeholders leave lists (unless asked for) but keep their history.' })
  archiveStakeholder(@Ctx() ctx: Context, @Arg('input', () => ArchiveStakeholderInput) input: ArchiveStakeholderInput) {
    return stakeholderService.archive(ctx, input);
  }
}
