import { Arg, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { ChangeEventType } from '../../shared/outbox';
import { Node } from '../node/node.interface';
import { nodeService } from '../node/node.service';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Change } from './notification.types';

@Resolver(() => Change)
export class ChangeResolver {
  @Subscription(() => Change, {
    description:
      'Live change events over graphql-ws (`graphql-transport-ws` at /graphql, the bearer token in `connection_init` as `{ "authorization": "Bearer …" }`). ' +
      'Each event is read as you may see it when it arrives; a record you may not see is not sent. See README "Notifications".',
    // The socket server (http/subscriptions.ts) feeds this field from the change feed and executes
    // each event in a fresh context; graphql-js's own subscribe never runs it.
    subscribe: () => {
      throw new Error('Subscription.changes is served by the graphql-ws server');
    },
  })
  changes(
    @Root() event: Change,
    @Arg('types', () => [ChangeEventType], { nullable: true, description: 'Only events of these types; all when omitted.' })
    _types: ChangeEventType[] | null,
  ): Change {
    return event;
  }

  @FieldResolver(() => Node, { nullable: true, description: 'The changed record, as you may see it now (a patient you may not identify is redacted).' })
  async record(@Root() event: Change, @Ctx() ctx: Context): Promise<Node | null> {
    const [record] = await nodeService.load(ctx, event.recordType, [event.recordId]);
    return record;
  }

  @FieldResolver(() => Stakeholder, { nullable: true, description: 'The organisation whose user made the change; null for ADMIN and patients.' })
  async actingOrganisation(@Root() event: Change, @Ctx() ctx: Context): Promise<Stakeholder | null> {
    return event.actingOrgId ? ctx.loaders.stakeholder.load(event.actingOrgId) : null;
  }
}
