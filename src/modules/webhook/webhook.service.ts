import type { GraphQLSchema } from 'graphql';
import { authorize } from '../../access/actions';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../../config';
import { paginate, SortDirection, type Page, type PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { fromGlobalId } from '../../graphql/global-id';
import { runMutation, staleVersion, userError, UserErrorCode, type PayloadShape } from '../../shared/mutation';
import { Webhook, WebhookDelivery } from './webhook.entity';
import type { CreateWebhookInput, DeleteWebhookInput, RotateWebhookSecretInput, WebhookDeliveryFilter } from './webhook.inputs';
import { compileSelection } from './webhook.selection';
import { newWebhookSecret } from './webhook.signature';
import { refusedWebhookUrl } from './webhook.url';

/** How long deliveries are signed with both the old and the new secret after a rotation. */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

interface WebhookSettings {
  /** Production: https to public addresses only (webhook.url.ts). */
  production: boolean;
  limits: QueryLimits;
}
let settings: WebhookSettings = { production: false, limits: DEFAULT_QUERY_LIMITS };

/** Set once at boot from the config (http/server.ts). */
export function configureWebhooks(next: WebhookSettings): void {
  settings = next;
}
export const webhookSettings = (): WebhookSettings => settings;

type SecretPayload = PayloadShape<Webhook> & { secret: string | null };

export const webhookService = {
  /** The viewer's organisation's webhooks (an engagement manager's; nobody else has any). */
  list(ctx: Context): Promise<Webhook[]> {
    return ctx.scope.rows(Webhook, 'w', { orderBy: 'w.created_at, w.id' });
  },

  async find(ctx: Context, globalId: string): Promise<Webhook | null> {
    const id = fromGlobalId(globalId, 'Webhook')?.id;
    return id ? ((await ctx.scope.rows(Webhook, 'w', { where: 'w.id = :id', params: { id } }))[0] ?? null) : null;
  },

  /** Deliveries of `webhook` (or of every webhook the viewer may see, narrowed by `filter.webhookId`), newest first. */
  deliveries(ctx: Context, webhook: Webhook | null, page: PageArgs, filter: WebhookDeliveryFilter | null): Promise<Page<WebhookDelivery>> {
    const list = ctx.scope.list(WebhookDelivery, 'd');
    if (webhook) list.andWhere('d.webhook_id = :webhookId', { webhookId: webhook.id });
    else if (filter?.webhookId != null) list.andWhere('d.webhook_id = :webhookId', { webhookId: fromGlobalId(filter.webhookId, 'Webhook')?.id ?? null });
    if (filter?.statuses?.length) list.andWhere('d.status = ANY(:statuses)', { statuses: filter.statuses });
    return paginate(list, page, { expression: 'd.created_at', cast: 'timestamptz' }, SortDirection.DESC);
  },

  async create(ctx: Context, schema: GraphQLSchema, input: CreateWebhookInput): Promise<SecretPayload> {
    const viewer = await authorize(ctx.scope, 'webhook:create', { organisationId: ctx.scope.viewer?.orgId ?? null });
    const compiled = compileSelection(schema, input.selection, input.events, settings.limits);
    if ('error' in compiled) return { record: null, secret: null, userErrors: [userError(UserErrorCode.BAD_USER_INPUT, compiled.error, 'input.selection')] };
    const refused = await refusedWebhookUrl(input.url, settings.production);
    if (refused) return { record: null, secret: null, userErrors: [userError(UserErrorCode.BAD_USER_INPUT, refused, 'input.url')] };
    const secret = newWebhookSecret();
    let created = false;
    const payload = await runMutation<Webhook>(ctx, {
      action: 'webhook:create',
      input,
      replay: { entity: Webhook, id: 'webhook' },
      run: async (tx) => {
        const [row] = (await tx.query(
          `INSERT INTO webhook (organisation_id, url, events, selection, purpose, secret, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [viewer.orgId, input.url, input.events, input.selection, viewer.purpose, secret, viewer.userId],
        )) as { id: string }[];
        created = true;
        return { record: await tx.getRepository(Webhook).findOneByOrFail({ id: row.id }), ids: { webhook: row.id } };
      },
    });
    // The secret is shown when it was made, never on a replay.
    return { ...payload, secret: created && payload.record ? secret : null };
  },

  async rotateSecret(ctx: Context, input: RotateWebhookSecretInput): Promise<SecretPayload> {
    const webhook = await this.find(ctx, input.id);
    if (!webhook) return { record: null, secret: null, userErrors: [userError(UserErrorCode.NOT_FOUND, 'No such webhook.', 'input.id')] };
    await authorize(ctx.scope, 'webhook:rotateSecret', { organisationId: webhook.organisationId });
    const secret = newWebhookSecret();
    const payload = await runMutation<Webhook>(ctx, {
      action: 'webhook:rotateSecret',
      input,
      run: async (tx) => {
        const rows = (await tx.query(
          `UPDATE webhook SET previous_secret = secret, previous_secret_until = now() + $4 * interval '1 millisecond', secret = $3,
             version = version + 1, updated_at = now()
           WHERE id = $1 AND version = $2 RETURNING id`,
          [webhook.id, input.version, secret, ROTATION_GRACE_MS],
        )) as [{ id: string }[], number];
        if (rows[1] === 0) return { errors: [staleVersion(input.version)] };
        return { record: await tx.getRepository(Webhook).findOneByOrFail({ id: webhook.id }), ids: {} };
      },
    });
    return { ...payload, secret: payload.record ? secret : null };
  },

  async delete(ctx: Context, input: DeleteWebhookInput): Promise<PayloadShape<Webhook>> {
    const webhook = await this.find(ctx, input.id);
    if (!webhook) return { record: null, userErrors: [userError(UserErrorCode.NOT_FOUND, 'No such webhook.', 'input.id')] };
    await authorize(ctx.scope, 'webhook:delete', { organisationId: webhook.organisationId });
    return runMutation<Webhook>(ctx, {
      action: 'webhook:delete',
      input,
      run: async (tx) => {
        await tx.query(`DELETE FROM webhook WHERE id = $1`, [webhook.id]);
        return { record: webhook, ids: {} };
      },
    });
  },
};
