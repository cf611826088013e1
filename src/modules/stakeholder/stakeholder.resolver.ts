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
  stakeholder(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Global ID of the stakeholder, as you were shown it (a redacted patient has an id of your own).' }) id: string,
  ): Promise<Stakeholder | null> {
    return stakeholderService.find(ctx, id);
  }

  @Query(() => StakeholderConnection, { description: 'The stakeholders of the alliance, a page at a time; archived ones only when the filter asks for them.' })
  async stakeholders(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => StakeholderFilter, { nullable: true, description: 'Criteria every listed stakeholder meets; all current stakeholders when omitted.' })
    filter: StakeholderFilter | null,
    @Arg('orderBy', () => StakeholderOrder, { nullable: true, description: 'The order of the list; by name, ascending, when omitted.' })
    orderBy: StakeholderOrder | null,
  ): Promise<StakeholderConnection> {
    return new StakeholderConnection(await stakeholderService.list(ctx, page, filter, orderBy));
  }

  @Mutation(() => StakeholderPayload, {
    description: 'Registers a patient or an organisation. ADMIN or an engagement manager; only ADMIN registers an HTA body or a regulator.',
  })
  createStakeholder(
    @Ctx() ctx: Context,
    @Arg('input', () => CreateStakeholderInput, { description: "The new stakeholder's kind and fields." }) input: CreateStakeholderInput,
  ) {
    return stakeholderService.create(ctx, input);
  }

  @Mutation(() => StakeholderPayload, {
    description:
      "Changes a stakeholder's profile. ADMIN; an engagement manager for their own organisation; a patient for themself. " +
      'HTA bodies and regulators are changed by ADMIN only; an erased patient cannot be changed.',
  })
  updateStakeholder(
    @Ctx() ctx: Context,
    @Arg('input', () => UpdateStakeholderInput, { description: 'The stakeholder, the version you read and the fields to change.' }) input: UpdateStakeholderInput,
  ) {
    return stakeholderService.update(ctx, input);
  }

  @Mutation(() => StakeholderPayload, { description: 'Archived stakeholders leave lists (unless asked for) but keep their history. ADMIN only.' })
  archiveStakeholder(
    @Ctx() ctx: Context,
    @Arg('input', () => ArchiveStakeholderInput, { description: 'The stakeholder and the version you read.' }) input: ArchiveStakeholderInput,
  ) {
    return stakeholderService.archive(ctx, input);
  }
}
