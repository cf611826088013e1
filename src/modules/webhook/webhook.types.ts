import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Payload } from '../../shared/mutation';
import { Webhook, WebhookDelivery } from './webhook.entity';

@ObjectType()
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, 'WebhookDelivery') {}

@ObjectType()
export class WebhookPayload extends Payload(Webhook, 'webhook', 'WebhookPayload') {}

@ObjectType({ description: 'A webhook created or its secret rotated, with the signing secret: shown this once, never again.' })
export class WebhookSecretPayload extends Payload(Webhook, 'webhook', 'WebhookSecretPayload') {
  @Field(() => String, {
    nullable: true,
    description: 'The signing secret of X-Alliance-Signature. Shown only in this response (null on an idempotent replay and on errors): store it now.',
  })
  secret: string | null;
}
