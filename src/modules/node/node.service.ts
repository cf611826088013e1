import type DataLoader from 'dataloader';
import { openStakeholderId } from '../../access/patient-ids';
import type { Context } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId, type GlobalIdType } from '../../graphql/global-id';
import { inIdOrder } from '../../shared/loader';
import { ContractParty } from '../contract/contract.entity';
import { PartnershipMember } from '../partnership/partnership.entity';
import { Webhook, WebhookDelivery } from '../webhook/webhook.entity';
import type { Node } from './node.interface';

export const MAX_NODES = 100;

type Fetch = (ctx: Context, ids: readonly string[]) => Promise<(Node | null)[]>;

/** Every loader fetches only what the viewer may see, so a hidden record is null like a missing one. */
const viaLoader =
  (loader: (ctx: Context) => DataLoader<string, Node | null>): Fetch =>
  (ctx, ids) =>
    Promise.all(ids.map((id) => loader(ctx).load(id)));

/** How to load the records of each global-ID type, many at once. */
const FETCH: Record<GlobalIdType, Fetch> = {
  Stakeholder: viaLoader((ctx) => ctx.loaders.stakeholder),
  Affiliation: viaLoader((ctx) => ctx.loaders.affiliation),
  Partnership: viaLoader((ctx) => ctx.loaders.partnership),
  // A membership is visible with its partnership, a party with its contract: one query each.
  PartnershipMember: async (ctx, ids) => inIdOrder(ids, await ctx.scope.rows(PartnershipMember, 'm', { where: 'm.id = ANY(:ids)', params: { ids } })),
  ContractParty: async (ctx, ids) => inIdOrder(ids, await ctx.scope.rows(ContractParty, 'cp', { where: 'cp.id = ANY(:ids)', params: { ids } })),
  Commitment: viaLoader((ctx) => ctx.loaders.commitment),
  Contract: viaLoader((ctx) => ctx.loaders.contract),
  Interaction: viaLoader((ctx) => ctx.loaders.interaction),
  Consent: viaLoader((ctx) => ctx.loaders.consent),
  Webhook: async (ctx, ids) => inIdOrder(ids, await ctx.scope.rows(Webhook, 'w', { where: 'w.id = ANY(:ids)', params: { ids } })),
  WebhookDelivery: async (ctx, ids) => inIdOrder(ids, await ctx.scope.rows(WebhookDelivery, 'd', { where: 'd.id = ANY(:ids)', params: { ids } })),
};

/**
 * The type and database id a global ID names. A stakeholder id opens as `openStakeholderId` says:
 * a redacted patient's id only for the organisation it was shown to, a patient's real id only for
 * viewers who may read who the patient is (null otherwise, like an unknown id).
 */
async function decode(ctx: Context, globalId: string): Promise<{ type: GlobalIdType; id: string } | null> {
  const decoded = fromGlobalId(globalId);
  if (decoded && decoded.type !== 'Stakeholder') return decoded;
  const id = await openStakeholderId(ctx, globalId);
  return id ? { type: 'Stakeholder', id } : null;
}

export const nodeService = {
  /** Records of one type by database id, in order, null where missing (or hidden from the viewer). */
  load(ctx: Context, type: GlobalIdType, ids: readonly string[]): Promise<(Node | null)[]> {
    return ids.length ? FETCH[type](ctx, ids) : Promise.resolve([]);
  },

  /** Records by global ID, in order; null for an unknown, malformed or hidden one. One fetch per type. */
  async findMany(ctx: Context, globalIds: readonly string[]): Promise<(Node | null)[]> {
    if (globalIds.length > MAX_NODES) throw badInput(`nodes takes at most ${MAX_NODES} ids.`, 'ids');
    const decoded = await Promise.all(globalIds.map((id) => decode(ctx, id)));
    const byType = new Map<GlobalIdType, string[]>();
    for (const d of decoded) if (d) byType.set(d.type, [...(byType.get(d.type) ?? []), d.id]);
    const found = new Map<string, Node | null>();
    await Promise.all(
      [...byType].map(async ([type, ids]) => {
        const records = await nodeService.load(ctx, type, ids);
        ids.forEach((id, i) => found.set(`${type}:${id}`, records[i]));
      }),
    );
    return decoded.map((d) => (d ? (found.get(`${d.type}:${d.id}`) ?? null) : null));
  },

  async find(ctx: Context, globalId: string): Promise<Node | null> {
    const [node] = await nodeService.findMany(ctx, [globalId]);
    return node;
  },
};
