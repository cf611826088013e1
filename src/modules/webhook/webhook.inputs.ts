import { ArrayMaxSize, ArrayMinSize, ArrayUnique, Length } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ChangeEventType } from '../../shared/outbox';
import { WebhookDeliveryStatus } from './webhook.entity';

@InputType({ description: "A new webhook of your organisation (engagement managers)." })
export class CreateWebhookInput {
  @Field(() => String, {
    description: 'Where deliveries are POSTed: https, to a public address, in production (http://127.0.0.1 is accepted only in development and tests).',
  })
  @Length(1, 2048)
  url: string;

  @Field(() => [ChangeEventType], { description: 'The events to deliver; at least one, no repeats.' })
  @ArrayMinSize(1)
  @ArrayUnique()
  @ArrayMaxSize(50)
  events: ChangeEventType[];

  @Field(() => String, {
    description:
      'GraphQL fragment definitions, one on the record type of each event (or one on Node), e.g. `fragment Seen on Interaction { id occurredAt participants { name } }`. Each delivery carries the record read through them as your organisation sees it then.',
  })
  @Length(1, 10_000)
  selection: string;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result (without the secret).' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'Replace the signing secret of a webhook; the old one stays valid alongside for 24 hours.' })
export class RotateWebhookSecretInput {
  @Field(() => ID, { description: 'Global ID of the webhook.' })
  id: string;

  @Field(() => Int, { description: 'The version you last read (optimistic concurrency).' })
  version: number;
}

@InputType({ description: 'Delete a webhook; its pending deliveries are dropped.' })
export class DeleteWebhookInput {
  @Field(() => ID, { description: 'Global ID of the webhook.' })
  id: string;
}

@InputType({ description: 'Narrows a list of webhook deliveries.' })
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true, description: "Only this webhook's deliveries (on `webhookDeliveries`)." })
  webhookId?: string | null;

  @Field(() => [WebhookDeliveryStatus], { nullable: true, description: 'Only deliveries in these states.' })
  statuses?: WebhookDeliveryStatus[] | null;
}
