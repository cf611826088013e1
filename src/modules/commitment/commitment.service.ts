import { authorize } from '../../access/actions';
import { openStakeholderId } from '../../access/patient-ids';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { fromGlobalId } from '../../graphql/global-id';
import { loadByGlobalId } from '../../shared/loader';
import {
  notFound,
  runMutation,
  staleVersion,
  updateVersioned,
  userError,
  UserErrorCode,
  type PayloadShape,
} from '../../shared/mutation';
import { Partnership, PartnershipStatus } from '../partnership/partnership.entity';
import { currentMembers, resolveVisiblePartnershipRef } from '../partnership/partnership.service';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import { resolveStakeholderRefs } from '../stakeholder/stakeholder.service';
import { Commitment, CommitmentStatus, COMMITMENT_TRANSITIONS } from './commitment.entity';
import {
  CommitmentOrderField,
  CommitmentRole,
  type ChangeCommitmentStatusInput,
  type CommitmentFilter,
  type CommitmentOrder,
  type MakeCommitmentInput,
} from './commitment.inputs';

/** Statuses of a commitment that is still to be kept. */
const PENDING = [CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS];

function sortKey(field: CommitmentOrderField, direction: SortDirection): SortKey {
  switch (field) {
    case CommitmentOrderField.DUE_DATE: {
      // Keyset pagination needs a NOT NULL key; the sentinel puts undated commitments last either way.
      const none = direction === SortDirection.ASC ? 'infinity' : '-infinity';
      return { expression: `COALESCE(c.due_date, CAST('${none}' AS date))`, cast: 'date' };
    }
    case CommitmentOrderField.CREATED_AT:
      return { expression: 'c.created_at', cast: 'timestamptz' };
  }
}

const findVisibleOf = (ctx: Context, globalId: string): Promise<Commitment | null> => ctx.scope.findVisible(Commitment, 'Commitment', globalId);

export const commitmentService = {
  async find(ctx: Context, globalId: string): Promise<Commitment | null> {
    return loadByGlobalId(ctx.loaders.commitment, 'Commitment', globalId);
  },

  async list(ctx: Context, page: PageArgs, filter?: CommitmentFilter | null, order?: CommitmentOrder | null): Promise<Page<Commitment>> {
    // Only the commitments the viewer may see: filters, order and count see no other.
    const qb = ctx.scope.list(Commitment, 'c');
    if (filter?.statuses?.length) qb.andWhere('c.status = ANY(:statuses)', { statuses: filter.statuses });
    // An id that does not decode names a record that does not exist: it matches nothing (NULL never equals).
    if (filter?.committerId != null) {
      qb.andWhere('c.committer_id = :committerId', { committerId: await openStakeholderId(ctx, filter.committerId) });
    }
    if (filter?.beneficiaryId != null) {
      qb.andWhere('c.beneficiary_id = :beneficiaryId', { beneficiaryId: await openStakeholderId(ctx, filter.beneficiaryId) });
    }
    if (filter?.partnershipId != null) {
      qb.andWhere('c.partnership_id = :partnershipId', { partnershipId: fromGlobalId(filter.partnershipId, 'Partnership')?.id ?? null });
    }
    if (filter?.dueFrom) qb.andWhere('c.due_date >= :dueFrom', { dueFrom: filter.dueFrom });
    if (filter?.dueTo) qb.andWhere('c.due_date <= :dueTo', { dueTo: filter.dueTo });
    if (filter?.overdue != null) {
      const overdue = 'c.due_date < CURRENT_DATE AND c.status = ANY(:pending)';
      qb.andWhere(filter.overdue ? overdue : `NOT COALESCE(${overdue}, false)`, { pending: PENDING });
    }
    const direction = order?.direction ?? SortDirection.ASC;
    const sort = sortKey(order?.field ?? CommitmentOrderField.DUE_DATE, direction);
    return paginate(qb, page, sort, direction);
  },

  async ofPartnership(ctx: Context, partnership: Partnership): Promise<Commitment[]> {
    return ctx.loaders.commitmentsByPartnership.load(partnership.id);
  },

  async ofStakeholder(ctx: Context, stakeholder: Stakeholder, role: CommitmentRole | null, statuses: CommitmentStatus[] | null): Promise<Commitment[]> {
    const all = await ctx.loaders.commitmentsByStakeholder.load(stakeholder.id);
    return all.filter(
      (c) =>
        (role !== CommitmentRole.COMMITTER || c.committerId === stakeholder.id) &&
        (role !== CommitmentRole.BENEFICIARY || c.beneficiaryId === stakeholder.id) &&
        (!statuses?.length || statuses.includes(c.status)),
    );
  },

  async committerOf(ctx: Context, commitment: Commitment): Promise<Stakeholder | null> {
    return ctx.loaders.stakeholder.load(commitment.committerId);
  },

  async beneficiaryOf(ctx: Context, commitment: Commitment): Promise<Stakeholder | null> {
    return commitment.beneficiaryId ? ctx.loaders.stakeholder.load(commitment.beneficiaryId) : null;
  },

  async partnershipOf(ctx: Context, commitment: Commitment): Promise<Partnership | null> {
    return commitment.partnershipId ? ctx.loaders.partnership.load(commitment.partnershipId) : null;
  },

  async make(ctx: Context, input: MakeCommitmentInput): Promise<PayloadShape<Commitment>> {
    const partnershipId = input.partnershipId != null ? (fromGlobalId(input.partnershipId, 'Partnership')?.id ?? null) : null;
    await authorize(ctx.scope, 'commitment:make', { committerId: await openStakeholderId(ctx, input.committerId), partnershipId });
    return runMutation(ctx, {
      action: 'commitment:make',
      input,
      replay: { entity: Commitment, id: 'commitment' },
      run: async (tx) => {
        const refs = await resolveStakeholderRefs(ctx, tx, [
          { globalId: input.committerId, field: 'input.committerId' },
          ...(input.beneficiaryId != null ? [{ globalId: input.beneficiaryId, field: 'input.beneficiaryId' }] : []),
        ]);
        if ('errors' in refs) return refs;
        const [committerId, beneficiaryId = null] = refs.ids;
        if (beneficiaryId === committerId) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'A stakeholder cannot commit to itself.', 'input.beneficiaryId')] };
        }
        const partnershipRef = await resolveVisiblePartnershipRef(ctx, tx, input.partnershipId);
        if ('errors' in partnershipRef) return partnershipRef;
        const { partnership } = partnershipRef;
        if (partnership) {
          if (partnership.status === PartnershipStatus.CONCLUDED) {
            return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'This partnership is concluded.', 'input.partnershipId')] };
          }
          const members = await currentMembers(tx, partnership.id);
          if (!members.some((m) => m.stakeholderId === committerId)) {
            return {
              errors: [userError(UserErrorCode.BAD_USER_INPUT, 'The committer is not a current member of this partnership.', 'input.committerId')],
            };
          }
        }
        const inserted = await tx.getRepository(Commitment).insert({
          title: input.title.trim(),
          description: input.description ?? null,
          committerId,
          beneficiaryId,
          partnershipId,
          dueDate: input.dueDate ?? null,
        });
        const id = (inserted.identifiers[0] as { id: string }).id;
        return { record: await tx.getRepository(Commitment).findOneByOrFail({ id }), ids: { commitment: id } };
      },
    });
  },

  async changeStatus(ctx: Context, input: ChangeCommitmentStatusInput): Promise<PayloadShape<Commitment>> {
    const current = await findVisibleOf(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('commitment', 'input.id')] };
    await authorize(ctx.scope, 'commitment:changeStatus', current);
    return runMutation(ctx, {
      action: 'commitment:changeStatus',
      input,
      run: async (tx) => {
        if (current.version !== input.version) return { errors: [staleVersion(input.version)] };
        if (!COMMITMENT_TRANSITIONS[current.status].includes(input.status)) {
          return {
            errors: [userError(UserErrorCode.BAD_USER_INPUT, `A ${current.status} commitment cannot become ${input.status}.`, 'input.status')],
          };
        }
        const fulfilled = input.status === CommitmentStatus.FULFILLED;
        if (input.evidence != null && !fulfilled) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'Evidence is recorded only when fulfilling.', 'input.evidence')] };
        }
        const set: Record<string, unknown> = { status: input.status };
        if (fulfilled) set.fulfilledAt = () => 'now()';
        if (input.evidence != null) set.evidence = input.evidence.trim();
        return updateVersioned(tx, Commitment, current.id, input.version, set);
      },
    });
  },
};
