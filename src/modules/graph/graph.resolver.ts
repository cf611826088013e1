import { Args, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Node } from '../node/node.interface';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { NeighboursArgs, RelationKind, ShortestPathArgs } from './graph.inputs';
import { graphService } from './graph.service';

@ObjectType({ description: 'A stakeholder within reach of another.' })
export class Neighbour {
  @Field(() => Stakeholder, { description: 'The stakeholder reached.' })
  stakeholder: Stakeholder;

  @Field(() => Int, { description: 'Fewest hops between the two.' })
  distance: number;
}

@ObjectType({ description: 'One hop of a path: two stakeholders and the record that links them.' })
export class PathStep {
  @Field(() => Stakeholder, { description: 'The stakeholder on the side of the start of the path.' })
  from: Stakeholder;

  @Field(() => Stakeholder, { description: 'The stakeholder on the side of the end of the path.' })
  to: Stakeholder;

  @Field(() => RelationKind, { description: 'The kind of record that links the two.' })
  relation: RelationKind;

  @Field(() => Node, { description: 'The affiliation, partnership or contract behind this hop.' })
  via: Node;
}

@ObjectType({ description: 'A chain of current links between two stakeholders (none archived), over records you may see.' })
export class Path {
  @Field(() => Int, { description: 'Number of steps.' })
  length: number;

  @Field(() => [Stakeholder], { description: 'From the first stakeholder to the last, in order.' })
  stakeholders: Stakeholder[];

  @Field(() => [PathStep], { description: 'The hops, in order from the first stakeholder to the last.' })
  steps: PathStep[];
}

@Resolver()
export class GraphResolver {
  @Query(() => Path, { nullable: true, description: 'A shortest path between two stakeholders; null when none is within maxDepth.' })
  shortestPath(@Ctx() ctx: Context, @Args(() => ShortestPathArgs) args: ShortestPathArgs): Promise<Path | null> {
    return graphService.shortestPath(ctx, args);
  }
}

@Resolver(() => Stakeholder)
export class StakeholderNeighboursResolver {
  @FieldResolver(() => [Neighbour], { description: 'Stakeholders within `depth` hops (not archived, not this one), nearest first, then by name.' })
  neighbours(@Root() stakeholder: Stakeholder, @Ctx() ctx: Context, @Args(() => NeighboursArgs) args: NeighboursArgs): Promise<Neighbour[]> {
    return graphService.neighbours(ctx, stakeholder, args);
  }
}
