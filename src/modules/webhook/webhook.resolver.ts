import { Arg, Args, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Webhook } from './webhook.entity';
import { CreateWebhookInput, DeleteWebhookInput, RotateWebhookSecretInput, WebhookDeliveryFilter } from './webhook.inputs';
import { webhookService } from './webhook.service';
import { WebhookDeliveryConnection, WebhookPayload, WebhookSecretPayload } from './webhook.types';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], { description: "Your organisation's webhooks (engagement managers); every organisation's for ADMIN." })
  webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    return webhookService.list(ctx);
  }

  @Query(() => WebhookDeliveryConnection, {
    description: "Deliveries of your organisation's webhooks, newest first: status, attempts, last HTTP status and last error (dead letters included).",
  })
  async webhookDeliveries(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true, description: 'Only these deliveries; all when omitted.' })
    filter: WebhookDeliveryFilter | null,
  ): Promise<WebhookDeliveryConnection> {
    return new WebhookDeliveryConnection(await webhookService.deliveries(ctx, null, page, filter));
  }

  @Mutation(() => WebhookSecretPayload, {
    description:
      'Registers a webhook for your organisation: each subscribed event is POSTed to `url`, signed (X-Alliance-Signature), with `selection` read as your organisation sees the record at delivery time. The signing secret is in this response only.',
  })
  createWebhook(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('input', () => CreateWebhookInput, { description: 'URL, events and selection.' }) input: CreateWebhookInput,
  ) {
    return webhookService.create(ctx, info.schema, input);
  }

  @Mutation(() => WebhookSecretPayload, {
    description: 'Replaces the signing secret; for 24 hours deliveries carry a signature with the old secret too. The new secret is in this response only.',
  })
  rotateWebhookSecret(@Ctx() ctx: Context, @Arg('input', () => RotateWebhookSecretInput, { description: 'The webhook and its version.' }) input: RotateWebhookSecretInput) {
    return webhookService.rotateSecret(ctx, input);
  }

  @Mutation(() => WebhookPayload, { description: 'Deletes a webhook and drops its pending deliveries.' })
  deleteWebhook(@Ctx() ctx: Context, @Arg('input', () => DeleteWebhookInput, { description: 'The webhook.' }) input: DeleteWebhookInput) {
    return webhookService.delete(ctx, input);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its deliveries, newest first: status, attempts, last error (dead letters included).' })
  async deliveries(
    @Root() webhook: Webhook,
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true, description: 'Only deliveries in these states; all when omitted.' })
    filter: WebhookDeliveryFilter | null,
  ): Promise<WebhookDeliveryConnection> {
    return new WebhookDeliveryConnection(await webhookService.deliveries(ctx, webhook, page, filter));
  }
}
