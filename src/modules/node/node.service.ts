import type DataLoader from 'dataloader';
import { In, type EntityTarget } from 'typeorm';
import type { Context } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId, type GlobalIdType } from '../../graphql/global-id';
import { inIdOrder } from '../../shared/loader';
import { maySeeConsentsOf } from '../consent/consent.service';
import { ContractParty } from '../contract/contract.entity';
import { PartnershipMember } from '../partnership/partnership.entity';
import type { Node } from './node.interface';

export const MAX_NODES = 100;

type Fetch = (ctx: Context, ids: readonly string[]) => Promise<(Node | null)[]>;

const viaLoader =
  (loader: (ctx: Context) => DataLoader<string, Node | null>): Fetch =>
  (ctx, ids) =>
    Promise.all(ids.map((id) => loader(ctx).load(id)));

/** For types whose module has no by-id loader: one query for all ids of the type. */
const viaRepository =
  (entity: EntityTarget<Node & { id: string }>): Fetch =>
  async (ctx, ids) =>
    inIdOrder(ids, await ctx.db.getRepository(entity).findBy({ id: In([...ids]) }));

/** How to load the records of each global-ID type, many at once. */
const FETCH: Record<GlobalIdType, Fetch> = {
  Stakeholder: viaLoader((ctx) => ctx.loaders.stakeholder),
  Affiliation: viaLoader((ctx) => ctx.loaders.affiliation),
  Partnership: viaLoader((ctx) => ctx.loaders.partnership),
  PartnershipMember: viaRepository(PartnershipMember),
  Commitment: viaLoader((ctx) => ctx.loaders.commitment),
  Contract: viaLoader((ctx) => ctx.loaders.contract),
  ContractParty: viaRepository(ContractParty),
  Interaction: viaLoader((ctx) => ctx.loaders.interaction),
  // Consents are the patient's and ADMIN's only (as in `consents` and `Patient.consents`).
  Consent: async (ctx, ids) => {
    const consents = await Promise.all(ids.map((id) => ctx.loaders.consent.load(id)));
    return consents.map((c) => (c && maySeeConsentsOf(ctx.viewer, c.patientId) ? c : null));
  },
};

export const nodeService = {
  /** Records of one type by database id, in order, null where missing (or hidden from the viewer). */
  load(ctx: Context, type: GlobalIdType, ids: readonly string[]): Promise<(Node | null)[]> {
    return ids.length ? FETCH[type](ctx, ids) : Promise.resolve([]);
  },

  /** Records by global ID, in order; null for an unknown or malformed ID. One fetch per type. */
  async findMany(ctx: Context, globalIds: readonly string[]): Promise<(Node | null)[]> {
    if (globalIds.length > MAX_NODES) throw badInput(`nodes takes at most ${MAX_NODES} ids.`, 'ids');
    const decoded = globalIds.map((id) => fromGlobalId(id));
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
