import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Node } from './node.interface';
import { MAX_NODES, nodeService } from './node.service';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any record by global ID; null when it does not exist.' })
  node(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Global ID of a record of any type.' }) id: string): Promise<Node | null> {
    return nodeService.find(ctx, id);
  }

  @Query(() => [Node], { nullable: 'items', description: `Records by global ID (at most ${MAX_NODES}), in order; null where one does not exist.` })
  nodes(@Ctx() ctx: Context, @Arg('ids', () => [ID], { description: `Global IDs of records of any type, at most ${MAX_NODES}.` }) ids: string[]): Promise<(Node | null)[]> {
    return nodeService.findMany(ctx, ids);
  }
}
