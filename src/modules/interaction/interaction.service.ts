import { authorize } from '../../access/actions';
import { openStakeholderId, openStakeholderIds } from '../../access/patient-ids';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { fromGlobalId } from '../../graphql/global-id';
import { loadByGlobalId } from '../../shared/loader';
import { runMutation, userError, UserErrorCode, type PayloadShape, type UserError } from '../../shared/mutation';
import { Commitment, CommitmentStatus } from '../commitment/commitment.entity';
import { currentMembers, resolveVisiblePartnershipRef } from '../partnership/partnership.service';
import { resolveStakeholderRefs, type StakeholderRef } from '../stakeholder/stakeholder.service';
import { Interaction, InteractionParticipant } from './interaction.entity';
import { InteractionOrderField, type InteractionFilter, type InteractionOrder, type RecordInteractionInput } from './interaction.inputs';

const SORT: Record<InteractionOrderField, SortKey> = {
  OCCURRED_AT: { expression: 'i.occurred_at', cast: 'timestamptz' },
  CREATED_AT: { expression: 'i.created_at', cast: 'timestamptz' },
};

/** Free text as stored: trimmed, and null when blank. */
const trimmed = (text: string | null | undefined): string | null => text?.trim() || null;

export const interactionService = {
  async find(ctx: Context, globalId: string): Promise<Interaction | null> {
    return loadByGlobalId(ctx.loaders.interaction, 'Interaction', globalId);
  },

  async list(ctx: Context, page: PageArgs, filter?: InteractionFilter | null, order?: InteractionOrder | null): Promise<Page<Interaction>> {
    // Only the interactions the viewer may see: filters, order and count see no other.
    const qb = ctx.scope.list(Interaction, 'i');
    if (filter?.kinds?.length) qb.andWhere('i.kind = ANY(:kinds)', { kinds: filter.kinds });
    // An id that does not decode (or a redacted id sealed for someone else) matches nothing, like an unknown one.
    if (filter?.participantId != null) {
      qb.andWhere('EXISTS (SELECT 1 FROM interaction_participant ip WHERE ip.interaction_id = i.id AND ip.stakeholder_id = :participantId)', {
        participantId: await openStakeholderId(ctx, filter.participantId),
      });
    }
    if (filter?.partnershipId != null) {
      qb.andWhere('i.partnership_id = :partnershipId', { partnershipId: fromGlobalId(filter.partnershipId, 'Partnership')?.id ?? null });
    }
    if (filter?.recordedByOrgId != null) {
      qb.andWhere('i.recorded_by_org_id = :recordedByOrgId', { recordedByOrgId: await openStakeholderId(ctx, filter.recordedByOrgId) });
    }
    if (filter?.from) qb.andWhere('i.occurred_at >= :from', { from: filter.from });
    if (filter?.to) qb.andWhere('i.occurred_at < :to', { to: filter.to });
    const sort = SORT[order?.field ?? InteractionOrderField.OCCURRED_AT];
    return paginate(qb, page, sort, order?.direction ?? SortDirection.DESC);
  },

  /** Records the interaction, its participants and its follow-up commitments: all or nothing. */
  async record(ctx: Context, input: RecordInteractionInput): Promise<PayloadShape<Interaction>> {
    // Ids as the viewer was shown them: a redacted patient's id opens only for the viewer's organisation.
    const named = [...input.participantIds, ...input.followUps.flatMap((f) => [f.committerId, f.beneficiaryId ?? null])];
    const opened = new Map((await openStakeholderIds(ctx, named)).map((id, i) => [named[i], id]));
    const stakeholderId = (id: string | null | undefined): string | null => (id == null ? null : (opened.get(id) ?? null));
    const viewer = await authorize(ctx.scope, 'interaction:record', { participantIds: input.participantIds.map(stakeholderId) });
    return runMutation<Interaction>(ctx, {
      action: 'interaction:record',
      input,
      replay: { entity: Interaction, id: 'interaction' },
      run: async (tx) => {
        const errors: UserError[] = [];
        const participantIds = input.participantIds.map(stakeholderId);
        const decoded = participantIds.filter((id) => id !== null);
        if (new Set(decoded).size !== decoded.length) {
          errors.push(userError(UserErrorCode.BAD_USER_INPUT, 'A stakeholder takes part only once.', 'input.participantIds'));
        }
        input.followUps.forEach((followUp, i) => {
          if (!followUp.title.trim()) errors.push(userError(UserErrorCode.BAD_USER_INPUT, 'A follow-up needs a title.', `input.followUps.${i}.title`));
          const beneficiary = stakeholderId(followUp.beneficiaryId);
          if (beneficiary !== null && beneficiary === stakeholderId(followUp.committerId)) {
            errors.push(userError(UserErrorCode.BAD_USER_INPUT, 'A stakeholder cannot commit to itself.', `input.followUps.${i}.beneficiaryId`));
          }
        });
        const refs: StakeholderRef[] = [
          ...input.participantIds.map((globalId, i) => ({ globalId, field: `input.participantIds.${i}` })),
          ...input.followUps.flatMap((followUp, i) => [
            { globalId: followUp.committerId, field: `input.followUps.${i}.committerId` },
            ...(followUp.beneficiaryId != null ? [{ globalId: followUp.beneficiaryId, field: `input.followUps.${i}.beneficiaryId` }] : []),
          ]),
        ];
        const stakeholders = await resolveStakeholderRefs(ctx, tx, refs);
        if ('errors' in stakeholders) errors.push(...stakeholders.errors);
        const partnershipRef = await resolveVisiblePartnershipRef(ctx, tx, input.partnershipId);
        if ('errors' in partnershipRef) errors.push(...partnershipRef.errors);
        if (errors.length || 'errors' in partnershipRef) return { errors };
        const inPartnership = partnershipRef.partnership?.id ?? null;
        if (inPartnership && input.followUps.length) {
          // Follow-ups belong to the interaction's partnership: as with makeCommitment, only its current members commit.
          const members = new Set((await currentMembers(tx, inPartnership)).map((m) => m.stakeholderId));
          const outsiders = input.followUps.flatMap((followUp, i) =>
            members.has(stakeholderId(followUp.committerId) as string)
              ? []
              : [userError(UserErrorCode.BAD_USER_INPUT, 'The committer is not a current member of this partnership.', `input.followUps.${i}.committerId`)],
          );
          if (outsiders.length) return { errors: outsiders };
        }

        const inserted = await tx
          .createQueryBuilder()
          .insert()
          .into(Interaction)
          .values({
            kind: input.kind,
            occurredAt: input.occurredAt,
            durationMinutes: input.durationMinutes ?? null,
            partnershipId: inPartnership,
            summary: trimmed(input.summary),
            notes: trimmed(input.notes),
            recordedByUser: viewer.userId,
            recordedByOrgId: viewer.orgId,
          })
          .returning('id')
          .execute();
        const id = (inserted.raw as { id: string }[])[0].id;
        // Every id was checked above, so none is null from here on.
        await tx
          .createQueryBuilder()
          .insert()
          .into(InteractionParticipant)
          .values(participantIds.map((participant) => ({ interactionId: id, stakeholderId: participant as string })))
          .execute();
        if (input.followUps.length) {
          await tx
            .createQueryBuilder()
            .insert()
            .into(Commitment)
            .values(
              input.followUps.map((followUp) => ({
                title: followUp.title.trim(),
                committerId: stakeholderId(followUp.committerId) as string,
                beneficiaryId: stakeholderId(followUp.beneficiaryId),
                dueDate: followUp.dueDate ?? null,
                status: CommitmentStatus.OPEN,
                partnershipId: inPartnership,
                interactionId: id,
              })),
            )
            .execute();
        }
        const record = await tx.getRepository(Interaction).findOneByOrFail({ id });
        return { record, ids: { interaction: id } };
      },
    });
  },
};
