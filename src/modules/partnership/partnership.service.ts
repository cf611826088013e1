import { IsNull, type EntityManager } from 'typeorm';
import { authorize } from '../../access/actions';
import { openStakeholderId, openStakeholderIds } from '../../access/patient-ids';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { loadByGlobalId } from '../../shared/loader';
import {
  notFound,
  runMutation,
  staleVersion,
  updateVersioned,
  userError,
  UserErrorCode,
  type PayloadShape,
  type UserError,
} from '../../shared/mutation';
import { violatedConstraint } from '../../shared/pg-errors';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import { escapeLike, resolveStakeholderRefs } from '../stakeholder/stakeholder.service';
import {
  MemberRole,
  Partnership,
  PartnershipMember,
  PartnershipStatus,
  PARTNERSHIP_TRANSITIONS,
} from './partnership.entity';
import {
  PartnershipOrderField,
  type AddPartnershipMemberInput,
  type ChangePartnershipStatusInput,
  type PartnershipFilter,
  type PartnershipOrder,
  type ProposePartnershipInput,
  type RemovePartnershipMemberInput,
} from './partnership.inputs';

/** A partnership is a collaboration of at least this many current members. */
const MIN_MEMBERS = 2;

function sortKey(field: PartnershipOrderField, direction: SortDirection): SortKey {
  switch (field) {
    case PartnershipOrderField.TITLE:
      return { expression: 'p.title', cast: 'text' };
    case PartnershipOrderField.CREATED_AT:
      return { expression: 'p.created_at', cast: 'timestamptz' };
    case PartnershipOrderField.START_DATE: {
      // Keyset pagination needs a NOT NULL key; the sentinel puts undated partnerships last either way.
      const none = direction === SortDirection.ASC ? 'infinity' : '-infinity';
      return { expression: `COALESCE(p.start_date, CAST('${none}' AS date))`, cast: 'date' };
    }
  }
}

/**
 * The partnership a global ID names, if the viewer may see it; null otherwise, exactly like an
 * unknown id. Reads the database (not the request's loaders), so that no loader caches a row a
 * mutation is about to change.
 */
function findVisiblePartnership(ctx: Context, globalId: string, manager?: EntityManager): Promise<Partnership | null> {
  return ctx.scope.findVisible(Partnership, 'Partnership', globalId, manager);
}

/**
 * The partnership a new record is to belong to: none when no id was given; NOT_FOUND for an
 * unknown id and, identically, for one the viewer may not see.
 */
export async function resolveVisiblePartnershipRef(
  ctx: Context,
  tx: EntityManager,
  globalId: string | null | undefined,
): Promise<{ partnership: Partnership | null } | { errors: UserError[] }> {
  if (globalId == null) return { partnership: null };
  const partnership = await findVisiblePartnership(ctx, globalId, tx);
  return partnership ? { partnership } : { errors: [notFound('partnership', 'input.partnershipId')] };
}

/** The current (not yet left) memberships of a partnership, in a mutation's transaction. */
export function currentMembers(tx: EntityManager, partnershipId: string): Promise<PartnershipMember[]> {
  return tx.getRepository(PartnershipMember).findBy({ partnershipId, leftAt: IsNull() });
}

/**
 * Locks the partnership row so that membership changes of one partnership run one at a time
 * (the minimum-members and last-LEAD rules read, then write). Also returns the database's today.
 */
async function lockPartnership(tx: EntityManager, id: string): Promise<{ status: PartnershipStatus; today: string }> {
  const [row] = (await tx.query(`SELECT status, CURRENT_DATE::text AS today FROM partnership WHERE id = $1 FOR UPDATE`, [id])) as {
    status: PartnershipStatus;
    today: string;
  }[];
  return row;
}

const concluded = (field: string): UserError =>
  userError(UserErrorCode.BAD_USER_INPUT, 'This partnership is concluded; its membership can no longer change.', field);

export const partnershipService = {
  async find(ctx: Context, globalId: string): Promise<Partnership | null> {
    return loadByGlobalId(ctx.loaders.partnership, 'Partnership', globalId);
  },

  async list(ctx: Context, page: PageArgs, filter?: PartnershipFilter | null, order?: PartnershipOrder | null): Promise<Page<Partnership>> {
    const qb = ctx.scope.list(Partnership, 'p');
    if (filter?.statuses?.length) qb.andWhere('p.status = ANY(:statuses)', { statuses: filter.statuses });
    if (filter?.types?.length) qb.andWhere('p.type = ANY(:types)', { types: filter.types });
    if (filter?.stages?.length) qb.andWhere('p.development_stage = ANY(:stages)', { stages: filter.stages });
    if (filter?.therapeuticAreas?.length) qb.andWhere('p.therapeutic_area = ANY(:areas)', { areas: filter.therapeuticAreas });
    if (filter?.memberId != null) {
      // An id that does not open (unknown, or sealed for another organisation) is a member of nothing.
      qb.andWhere(
        `EXISTS (SELECT 1 FROM partnership_member m WHERE m.partnership_id = p.id AND m.stakeholder_id = :memberId AND m.left_at IS NULL)`,
        { memberId: await openStakeholderId(ctx, filter.memberId) },
      );
    }
    if (filter?.search) qb.andWhere('p.title ILIKE :search', { search: `%${escapeLike(filter.search.trim())}%` });
    if (filter?.startFrom) qb.andWhere('p.start_date >= :startFrom', { startFrom: filter.startFrom });
    if (filter?.startTo) qb.andWhere('p.start_date <= :startTo', { startTo: filter.startTo });
    const direction = order?.direction ?? SortDirection.ASC;
    const sort = sortKey(order?.field ?? PartnershipOrderField.TITLE, direction);
    return paginate(qb, page, sort, direction);
  },

  /** current: true → current members, false → former members, null → everyone who ever was one. */
  async members(ctx: Context, partnership: Partnership, current: boolean | null): Promise<PartnershipMember[]> {
    const all = await ctx.loaders.membersByPartnership.load(partnership.id);
    return current == null ? all : all.filter((m) => (m.leftAt === null) === current);
  },

  async memberships(ctx: Context, stakeholder: Stakeholder): Promise<PartnershipMember[]> {
    return ctx.loaders.membershipsByStakeholder.load(stakeholder.id);
  },

  /** The partnerships a stakeholder currently belongs to. */
  async ofStakeholder(ctx: Context, stakeholder: Stakeholder, statuses: PartnershipStatus[] | null): Promise<Partnership[]> {
    const memberships = await ctx.loaders.membershipsByStakeholder.load(stakeholder.id);
    const partnerships = await Promise.all(
      memberships.filter((m) => m.leftAt === null).map((m) => ctx.loaders.partnership.load(m.partnershipId)),
    );
    return partnerships.filter((p): p is Partnership => p !== null && (!statuses?.length || statuses.includes(p.status)));
  },

  async partnershipOf(ctx: Context, member: PartnershipMember): Promise<Partnership | null> {
    return ctx.loaders.partnership.load(member.partnershipId);
  },

  async stakeholderOf(ctx: Context, member: PartnershipMember): Promise<Stakeholder | null> {
    return ctx.loaders.stakeholder.load(member.stakeholderId);
  },

  async propose(ctx: Context, input: ProposePartnershipInput): Promise<PayloadShape<Partnership>> {
    await authorize(ctx.scope, 'partnership:propose', { memberIds: await openStakeholderIds(ctx, input.members.map((m) => m.stakeholderId)) });
    return runMutation(ctx, {
      action: 'partnership:propose',
      input,
      replay: { entity: Partnership, id: 'partnership' },
      run: async (tx) => {
        if (input.startDate && input.endDate && input.endDate < input.startDate) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'endDate cannot be before startDate.', 'input.endDate')] };
        }
        const refs = await resolveStakeholderRefs(
          ctx,
          tx,
          input.members.map((m, i) => ({ globalId: m.stakeholderId, field: `input.members.${i}.stakeholderId` })),
        );
        if ('errors' in refs) return refs;
        if (new Set(refs.ids).size !== refs.ids.length) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'Each stakeholder can be listed once.', 'input.members')] };
        }
        if (!input.members.some((m) => m.role === MemberRole.LEAD)) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'A partnership needs at least one LEAD member.', 'input.members')] };
        }
        const inserted = await tx
          .getRepository(Partnership)
          .insert({
            title: input.title.trim(),
            description: input.description ?? null,
            type: input.type,
            status: PartnershipStatus.PROPOSED,
            visibility: input.visibility,
            developmentStage: input.developmentStage ?? null,
            therapeuticArea: input.therapeuticArea?.trim() ?? null,
            startDate: input.startDate ?? null,
            endDate: input.endDate ?? null,
          });
        const id = (inserted.identifiers[0] as { id: string }).id;
        await tx
          .getRepository(PartnershipMember)
          .insert(input.members.map((m, i) => ({ partnershipId: id, stakeholderId: refs.ids[i], role: m.role })));
        return { record: await tx.getRepository(Partnership).findOneByOrFail({ id }), ids: { partnership: id } };
      },
    });
  },

  async changeStatus(ctx: Context, input: ChangePartnershipStatusInput): Promise<PayloadShape<Partnership>> {
    const current = await findVisiblePartnership(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('partnership', 'input.id')] };
    await authorize(ctx.scope, 'partnership:changeStatus', { partnershipId: current.id });
    return runMutation(ctx, {
      action: 'partnership:changeStatus',
      input,
      run: async (tx) => {
        // Checked before the business rules, so that a stale client hears CONFLICT first.
        if (current.version !== input.version) return { errors: [staleVersion(input.version)] };
        if (!PARTNERSHIP_TRANSITIONS[current.status].includes(input.status)) {
          return {
            errors: [userError(UserErrorCode.BAD_USER_INPUT, `A ${current.status} partnership cannot become ${input.status}.`, 'input.status')],
          };
        }
        const set: Record<string, unknown> = { status: input.status };
        if (input.status === PartnershipStatus.ACTIVE && !current.startDate) set.startDate = () => 'CURRENT_DATE';
        if (input.status === PartnershipStatus.CONCLUDED && !current.endDate) set.endDate = () => 'CURRENT_DATE';
        try {
          return await updateVersioned(tx, Partnership, current.id, input.version, set);
        } catch (error) {
          // Today as the start or end date would fall outside the dates already planned.
          if (violatedConstraint(error)?.constraint === 'partnership_dates_check') {
            const message = `Today would fall ${set.startDate ? 'after the planned endDate' : 'before the planned startDate'}; correct the dates first.`;
            return { errors: [userError(UserErrorCode.BAD_USER_INPUT, message, 'input.status')] };
          }
          throw error;
        }
      },
    });
  },

  async addMember(ctx: Context, input: AddPartnershipMemberInput): Promise<PayloadShape<PartnershipMember>> {
    const partnership = await findVisiblePartnership(ctx, input.partnershipId);
    if (!partnership) {
      return { record: null, userErrors: [notFound('partnership', 'input.partnershipId')] };
    }
    await authorize(ctx.scope, 'partnership:addMember', { partnershipId: partnership.id });
    return runMutation(ctx, {
      action: 'partnership:addMember',
      input,
      replay: { entity: PartnershipMember, id: 'member' },
      run: async (tx) => {
        const locked = await lockPartnership(tx, partnership.id);
        if (locked.status === PartnershipStatus.CONCLUDED) return { errors: [concluded('input.partnershipId')] };
        const refs = await resolveStakeholderRefs(ctx, tx, [{ globalId: input.stakeholderId, field: 'input.stakeholderId' }]);
        if ('errors' in refs) return refs;
        const [stakeholderId] = refs.ids;
        const members = await currentMembers(tx, partnership.id);
        if (members.some((m) => m.stakeholderId === stakeholderId)) {
          return { errors: [userError(UserErrorCode.CONFLICT, 'This stakeholder is already a current member.', 'input.stakeholderId')] };
        }
        const inserted = await tx.getRepository(PartnershipMember).insert({
          partnershipId: partnership.id,
          stakeholderId,
          role: input.role,
          ...(input.joinedAt ? { joinedAt: input.joinedAt } : {}),
        });
        const id = (inserted.identifiers[0] as { id: string }).id;
        return { record: await tx.getRepository(PartnershipMember).findOneByOrFail({ id }), ids: { member: id } };
      },
    });
  },

  async removeMember(ctx: Context, input: RemovePartnershipMemberInput): Promise<PayloadShape<PartnershipMember>> {
    const member = await ctx.scope.findVisible(PartnershipMember, 'PartnershipMember', input.memberId);
    if (!member) return { record: null, userErrors: [notFound('membership', 'input.memberId')] };
    await authorize(ctx.scope, 'partnership:removeMember', { partnershipId: member.partnershipId });
    return runMutation<PartnershipMember>(ctx, {
      action: 'partnership:removeMember',
      input,
      run: async (tx) => {
        const locked = await lockPartnership(tx, member.partnershipId);
        if (locked.status === PartnershipStatus.CONCLUDED) return { errors: [concluded('input.memberId')] };
        const members = await currentMembers(tx, member.partnershipId);
        if (!members.some((m) => m.id === member.id)) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'This member has already left.', 'input.memberId')] };
        }
        const leftAt = input.leftAt ?? locked.today;
        // "Current" means left_at IS NULL: a future leaving date would end the membership today.
        if (leftAt > locked.today) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'leftAt cannot lie in the future.', 'input.leftAt')] };
        }
        if (leftAt < member.joinedAt) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, `leftAt cannot be before joinedAt (${member.joinedAt}).`, 'input.leftAt')] };
        }
        const remaining = members.filter((m) => m.id !== member.id);
        if (remaining.length < MIN_MEMBERS) {
          return {
            errors: [userError(UserErrorCode.BAD_USER_INPUT, `A partnership keeps at least ${MIN_MEMBERS} current members.`, 'input.memberId')],
          };
        }
        if (!remaining.some((m) => m.role === MemberRole.LEAD)) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'This is the last LEAD member; add another LEAD first.', 'input.memberId')] };
        }
        await tx.getRepository(PartnershipMember).update({ id: member.id }, { leftAt });
        return { record: await tx.getRepository(PartnershipMember).findOneByOrFail({ id: member.id }), ids: {} };
      },
    });
  },
};
