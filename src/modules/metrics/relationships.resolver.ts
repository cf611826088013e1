import { Max, Min } from 'class-validator';
import { Args, ArgsType, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { ReportedStakeholder } from './reporting.types';
import { Metrics } from './metrics.types';
import { relationshipsService } from './relationships.service';

@ObjectType('RelationshipScore', { description: "One of a stakeholder's relationships, measured as in `relationshipStrength`." })
export class RelationshipScore {
  @Field(() => ReportedStakeholder, { description: 'The other stakeholder, by name.' })
  stakeholder: ReportedStakeholder;

  @Field(() => Float, { description: 'Sum over the shared interactions within the period of exp(-age in days / 180).' })
  score: number;

  @Field(() => Int, { description: 'Interactions both took part in, within the period.' })
  interactions: number;

  @Field(() => Int, { description: 'Partnerships both are current members of.' })
  sharedPartnerships: number;

  @Field(() => Int, { description: 'ACTIVE contracts both are parties to.' })
  activeContracts: number;
}

@ObjectType('ReachHop', { description: 'Stakeholders whose shortest path from the subject has this many links.' })
export class ReachHop {
  @Field(() => Int, { description: 'The distance, in links.' })
  hops: number;

  @Field(() => Int, { description: 'Stakeholders at exactly this distance.' })
  stakeholders: number;
}

@ObjectType('Reach', { description: 'How many stakeholders a stakeholder reaches over the links the viewer may see (counts only).' })
export class Reach {
  @Field(() => [ReachHop], { description: 'One entry per distance, 1 to `hops`.' })
  byHop: ReachHop[];

  @Field(() => Int, { description: 'Stakeholders within `hops` links, the subject not included.' })
  total: number;
}

@ArgsType()
export class StrongestArgs {
  @Field(() => ID, { description: 'Global ID of the stakeholder whose relationships are ranked.' })
  stakeholderId: string;

  @Field(() => Int, { defaultValue: 10, description: 'At most this many, 1 to 50.' })
  @Min(1)
  @Max(50)
  first: number;
}

@ArgsType()
export class ReachArgs {
  @Field(() => ID, { description: 'Global ID of the stakeholder to measure from.' })
  stakeholderId: string;

  @Field(() => Int, { defaultValue: 2, description: 'Largest distance in links, 1 to 3.' })
  @Min(1)
  @Max(3)
  hops: number;
}

@Resolver(() => Metrics)
export class MetricsRelationshipsResolver {
  @FieldResolver(() => [RelationshipScore], {
    description:
      "The stakeholder's strongest relationships: by score, then interactions, shared partnerships, active contracts, name. Empty for an unknown or archived stakeholder and (for everyone but ADMIN) a patient; patients are listed only for ADMIN.",
  })
  strongestRelationships(@Root() metrics: Metrics, @Ctx() ctx: Context, @Args(() => StrongestArgs) args: StrongestArgs): Promise<RelationshipScore[]> {
    return relationshipsService.strongestRelationships(ctx, metrics, args.stakeholderId, args.first);
  }

  @FieldResolver(() => Reach, {
    nullable: true,
    description:
      'k-hop reach over the current links the viewer may see (a snapshot: the period and filter do not apply). Null for an unknown or archived stakeholder and (for everyone but ADMIN) a patient.',
  })
  reach(@Ctx() ctx: Context, @Args(() => ReachArgs) args: ReachArgs): Promise<Reach | null> {
    return relationshipsService.reach(ctx, args.stakeholderId, args.hops);
  }
}
