import { readsWebhooks } from '../../access/rules';

export const webhookRules = {
  Query: { webhooks: readsWebhooks, webhookDeliveries: readsWebhooks },
  Webhook: readsWebhooks,
  WebhookDelivery: readsWebhooks,
  WebhookDeliveryConnection: readsWebhooks,
  WebhookDeliveryEdge: readsWebhooks,
  WebhookPayload: readsWebhooks,
  WebhookSecretPayload: readsWebhooks,
};
