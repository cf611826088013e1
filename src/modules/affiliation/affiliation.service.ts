import { authorize } from '../../access/actions';
import { openStakeholderId } from '../../access/patient-ids';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { loadByGlobalId } from '../../shared/loader';
import { notFound, runMutation, staleVersion, updateVersioned, userError, UserErrorCode, type PayloadShape } from '../../shared/mutation';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import { resolveStakeholderRefs } from '../stakeholder/stakeholder.service';
import { Affiliation, type AffiliationKind } from './affiliation.entity';
import {
  AffiliationDirection,
  AffiliationOrderField,
  type AddAffiliationInput,
  type AffiliationFilter,
  type AffiliationOrder,
  type EndAffiliationInput,
} from './affiliation.inputs';

/** Today as an ISO calendar date (UTC), the day `current` is judged on. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

const isCurrent = (a: Affiliation, day: string): boolean => a.until === null || a.until >= day;

const SORT: Record<AffiliationOrderField, SortKey> = {
  CREATED_AT: { expression: 'a.created_at', cast: 'timestamptz' },
  // An undated affiliation sorts by the (UTC) day it was recorded, so the key is never NULL.
  SINCE: {
    expression: `COALESCE(a.since, (a.created_at AT TIME ZONE 'UTC')::date)`,
    cast: 'date',
  },
};

export interface StakeholderAffiliationArgs {
  kinds?: AffiliationKind[] | null;
  direction: AffiliationDirection;
  current?: boolean | null;
}

const findVisibleOf = (ctx: Context, globalId: string): Promise<Affiliation | null> => ctx.scope.findVisible(Affiliation, 'Affiliation', globalId);

export const affiliationService = {
  async find(ctx: Context, globalId: string): Promise<Affiliation | null> {
    return loadByGlobalId(ctx.loaders.affiliation, 'Affiliation', globalId);
  },

  async list(ctx: Context, page: PageArgs, filter?: AffiliationFilter | null, order?: AffiliationOrder | null): Promise<Page<Affiliation>> {
    const qb = ctx.scope.list(Affiliation, 'a');
    if (filter?.kinds?.length) qb.andWhere('a.kind = ANY(:kinds)', { kinds: filter.kinds });
    // An id that does not open (malformed, or sealed for another organisation) matches nothing, exactly like an unknown one.
    for (const [key, condition] of [
      ['fromId', 'a.from_id = :fromId'],
      ['toId', 'a.to_id = :toId'],
      ['stakeholderId', '(a.from_id = :stakeholderId OR a.to_id = :stakeholderId)'],
    ] as const) {
      const value = filter?.[key];
      if (value == null) continue;
      const id = await openStakeholderId(ctx, value);
      qb.andWhere(id ? condition : 'FALSE', { [key]: id });
    }
    if (filter?.current != null) {
      qb.andWhere(filter.current ? '(a.until IS NULL OR a.until >= :today)' : 'a.until < :today', { today: today() });
    }
    if (filter?.activeOn) {
      qb.andWhere('(a.since IS NULL OR a.since <= :day) AND (a.until IS NULL OR a.until >= :day)', { day: filter.activeOn });
    }
    const sort = SORT[order?.field ?? AffiliationOrderField.CREATED_AT];
    return paginate(qb, page, sort, order?.direction ?? SortDirection.ASC);
  },

  /** A stakeholder's affiliations: one batched query for all stakeholders of the response, filtered here. */
  async forStakeholder(ctx: Context, stakeholder: Stakeholder, args: StakeholderAffiliationArgs): Promise<Affiliation[]> {
    const all = await ctx.loaders.affiliationsByStakeholder.load(stakeholder.id);
    const day = today();
    return all.filter(
      (a) =>
        (!args.kinds?.length || args.kinds.includes(a.kind)) &&
        (args.direction !== AffiliationDirection.OUTGOING || a.fromId === stakeholder.id) &&
        (args.direction !== AffiliationDirection.INCOMING || a.toId === stakeholder.id) &&
        (args.current == null || isCurrent(a, day) === args.current),
    );
  },

  async add(ctx: Context, input: AddAffiliationInput): Promise<PayloadShape<Affiliation>> {
    const from = await openStakeholderId(ctx, input.fromId);
    const to = await openStakeholderId(ctx, input.toId);
    const badIds = [...(from ? [] : [notFound('stakeholder', 'input.fromId')]), ...(to ? [] : [notFound('stakeholder', 'input.toId')])];
    if (!from || !to) return { record: null, userErrors: badIds };
    await authorize(ctx.scope, 'affiliation:add', { fromId: from, toId: to });
    return runMutation<Affiliation>(ctx, {
      action: 'affiliation:add',
      input,
      replay: { entity: Affiliation, id: 'affiliation' },
      run: async (tx) => {
        if (from === to) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'A stakeholder cannot be affiliated to itself.', 'input.toId')] };
        }
        const ends = await resolveStakeholderRefs(ctx, tx, [
          { globalId: input.fromId, field: 'input.fromId' },
          { globalId: input.toId, field: 'input.toId' },
        ]);
        if ('errors' in ends) return ends;
        const since = input.since ?? null;
        const until = input.until ?? null;
        if (since && until && until < since) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'until must not be before since.', 'input.until')] };
        }
        const day = today();
        if (until === null || until >= day) {
          // No unique index can say "current" (it depends on today): serialise adds of the same link instead.
          await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`affiliation:${input.kind}:${from}:${to}`]);
          const duplicate = await tx
            .getRepository(Affiliation)
            .createQueryBuilder('a')
            .where('a.kind = :kind AND a.from_id = :from AND a.to_id = :to', { kind: input.kind, from, to })
            .andWhere('(a.until IS NULL OR a.until >= :day)', { day })
            .getExists();
          if (duplicate) {
            return { errors: [userError(UserErrorCode.CONFLICT, `These stakeholders already have a current ${input.kind} affiliation.`, 'input.kind')] };
          }
        }
        const inserted = await tx
          .createQueryBuilder()
          .insert()
          .into(Affiliation)
          .values({ kind: input.kind, fromId: from, toId: to, since, until })
          .returning('id')
          .execute();
        const id = (inserted.raw as { id: string }[])[0].id;
        return { record: await tx.getRepository(Affiliation).findOneByOrFail({ id }), ids: { affiliation: id } };
      },
    });
  },

  async end(ctx: Context, input: EndAffiliationInput): Promise<PayloadShape<Affiliation>> {
    const current = await findVisibleOf(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('affiliation', 'input.id')] };
    await authorize(ctx.scope, 'affiliation:end', current);
    return runMutation(ctx, {
      action: 'affiliation:end',
      input,
      run: async (tx) => {
        // Checked before the business rules, so that a stale client hears CONFLICT first.
        if (current.version !== input.version) return { errors: [staleVersion(input.version)] };
        const day = today();
        if (!isCurrent(current, day)) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, `This affiliation already ended on ${current.until}.`, 'input.id')] };
        }
        const until = input.until ?? day;
        if (current.since && until < current.since) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, `until must not be before since (${current.since}).`, 'input.until')] };
        }
        return updateVersioned(tx, Affiliation, current.id, input.version, { until });
      },
    });
  },
};
