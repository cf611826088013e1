import { Max, Min } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { ReportedStakeholder } from './reporting.types';
import { Metrics } from './metrics.types';
import { networkService, type NetworkFigures } from './network.service';

@ObjectType('RankedStakeholder', { description: 'A stakeholder and its value of a network measure.' })
export class RankedStakeholder {
  @Field(() => ReportedStakeholder, { description: 'The stakeholder, by name.' })
  stakeholder: ReportedStakeholder;

  @Field(() => Float, { description: 'Its value of the measure the list ranks by (degree or betweenness).' })
  value: number;
}

@ObjectType('NetworkMetrics', {
  description:
    'Measures of the undirected graph of current links (affiliations, partnership co-membership, contract co-parties) the viewer may see, between stakeholders that are not archived; a stakeholder without any such link is not part of it.',
})
export class NetworkMetrics {
  /** Not fields: the cached figures the field resolvers read. */
  figures: NetworkFigures;
}

@ArgsType()
export class TopArgs {
  @Field(() => Int, { defaultValue: 10, description: 'At most this many, 1 to 100.' })
  @Min(1)
  @Max(100)
  first: number;
}

@ObjectType('RelationshipStrength', { description: 'How closely two stakeholders work together, over the records the viewer may see.' })
export class RelationshipStrength {
  @Field(() => Int, { description: 'Interactions both took part in, within the period.' })
  interactions: number;

  @Field(() => Date, { nullable: true, description: 'When the latest of those interactions occurred; null when there is none.' })
  lastInteractionAt: Date | null;

  @Field(() => Float, { description: 'Sum over those interactions of exp(-age in days / 180).' })
  score: number;

  @Field(() => Int, { description: 'Partnerships both are current members of.' })
  sharedPartnerships: number;

  @Field(() => Int, { description: 'ACTIVE contracts both are parties to.' })
  activeContracts: number;
}

@Resolver(() => Metrics)
export class MetricsNetworkResolver {
  @FieldResolver(() => NetworkMetrics, { description: 'Network measures: a snapshot of the current links (the period does not apply).' })
  network(@Root() metrics: Metrics, @Ctx() ctx: Context): Promise<NetworkMetrics> {
    return networkService.network(ctx, metrics);
  }

  @FieldResolver(() => RelationshipStrength, {
    nullable: true,
    description: 'Null when either stakeholder is unknown or archived, or (for everyone but ADMIN) a patient.',
  })
  relationshipStrength(
    @Root() metrics: Metrics,
    @Ctx() ctx: Context,
    @Arg('a', () => ID, { description: 'Global ID of one stakeholder.' }) a: string,
    @Arg('b', () => ID, { description: 'Global ID of the other stakeholder.' }) b: string,
  ): Promise<RelationshipStrength | null> {
    return networkService.relationshipStrength(ctx, metrics, a, b);
  }
}

@Resolver(() => NetworkMetrics)
export class NetworkMetricsResolver {
  @FieldResolver(() => Int, { description: 'Stakeholders with at least one link.' })
  nodes(@Root() network: NetworkMetrics): number {
    return network.figures.nodes;
  }

  @FieldResolver(() => Int, { description: 'Linked pairs of stakeholders (however many records link a pair).' })
  edges(@Root() network: NetworkMetrics): number {
    return network.figures.edges;
  }

  @FieldResolver(() => Float, { description: 'edges / (nodes × (nodes − 1) / 2); 0 below two nodes.' })
  density(@Root() network: NetworkMetrics): number {
    return network.figures.density;
  }

  @FieldResolver(() => Int, { description: 'Connected components.' })
  components(@Root() network: NetworkMetrics): number {
    return network.figures.components;
  }

  @FieldResolver(() => Int, { description: 'Stakeholders in the largest connected component.' })
  largestComponent(@Root() network: NetworkMetrics): number {
    return network.figures.largestComponent;
  }

  @FieldResolver(() => Int, { description: 'Communities found by Louvain (fixed seed: the same graph gives the same count).' })
  communities(@Root() network: NetworkMetrics): number {
    return network.figures.communities;
  }

  @FieldResolver(() => Int, {
    description: 'Stakeholders betweenness was computed from: all of them (nodes) when exact, NETWORK_BETWEENNESS_PIVOTS sampled ones when estimated.',
  })
  betweennessSources(@Root() network: NetworkMetrics): number {
    return network.figures.betweennessSources;
  }

  @FieldResolver(() => [RankedStakeholder], { description: 'Most linked stakeholders (value: degree), then by name; patients only for ADMIN.' })
  topByDegree(@Root() network: NetworkMetrics, @Ctx() ctx: Context, @Args(() => TopArgs) args: TopArgs): Promise<RankedStakeholder[]> {
    return networkService.top(ctx, network.figures, network.figures.byDegree, args.first);
  }

  @FieldResolver(() => [RankedStakeholder], {
    description:
      'Stakeholders who bridge the most (value: betweenness, the share of pairs of other stakeholders whose shortest paths run through it, 0 to 1), then by name; patients only for ADMIN. Exact up to NETWORK_BETWEENNESS_PIVOTS stakeholders (default 500), an unbiased estimate from that many sampled sources above (docs/metrics.md, Network).',
  })
  topByBetweenness(@Root() network: NetworkMetrics, @Ctx() ctx: Context, @Args(() => TopArgs) args: TopArgs): Promise<RankedStakeholder[]> {
    return networkService.top(ctx, network.figures, network.figures.byBetweenness, args.first);
  }
}
