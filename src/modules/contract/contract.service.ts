import { authorize } from '../../access/actions';
import { openStakeholderId, openStakeholderIds } from '../../access/patient-ids';
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
  type UserError,
} from '../../shared/mutation';
import { resolveVisiblePartnershipRef } from '../partnership/partnership.service';
import { resolveStakeholderRefs } from '../stakeholder/stakeholder.service';
import { Contract, ContractParty, ContractStatus } from './contract.entity';
import {
  ContractOrderField,
  type ContractFilter,
  type ContractOrder,
  type DraftContractInput,
  type SignContractInput,
  type TerminateContractInput,
} from './contract.inputs';

const SORT: Record<ContractOrderField, SortKey> = {
  CREATED_AT: { expression: 'c.created_at', cast: 'timestamptz' },
  // Keyset pagination needs a key that is never NULL: an open start sorts after every date.
  EFFECTIVE_FROM: { expression: `COALESCE(c.effective_from, DATE 'infinity')`, cast: 'date' },
  TITLE: { expression: 'c.title', cast: 'text' },
};

/** Signatures are collected until every party has signed. */
const SIGNABLE: readonly ContractStatus[] = [ContractStatus.DRAFT, ContractStatus.AWAITING_SIGNATURES];
/** A draft bound nobody yet, so there is nothing to terminate; a finished contract stays finished. */
const TERMINABLE: readonly ContractStatus[] = [ContractStatus.AWAITING_SIGNATURES, ContractStatus.ACTIVE];

const findVisibleOf = (ctx: Context, globalId: string): Promise<Contract | null> => ctx.scope.findVisible(Contract, 'Contract', globalId);

export const contractService = {
  async find(ctx: Context, globalId: string): Promise<Contract | null> {
    return loadByGlobalId(ctx.loaders.contract, 'Contract', globalId);
  },

  async list(ctx: Context, page: PageArgs, filter?: ContractFilter | null, order?: ContractOrder | null): Promise<Page<Contract>> {
    // Only the contracts the viewer is a party of (all for ADMIN): filters, order and count see no other.
    const qb = ctx.scope.list(Contract, 'c');
    if (filter?.statuses?.length) qb.andWhere('c.status = ANY(:statuses)', { statuses: filter.statuses });
    if (filter?.kinds?.length) qb.andWhere('c.kind = ANY(:kinds)', { kinds: filter.kinds });
    // An id that does not decode (or a redacted id sealed for someone else) matches nothing, like an unknown one.
    if (filter?.partyId != null) {
      qb.andWhere('EXISTS (SELECT 1 FROM contract_party cp WHERE cp.contract_id = c.id AND cp.stakeholder_id = :partyId)', {
        partyId: await openStakeholderId(ctx, filter.partyId),
      });
    }
    if (filter?.partnershipId != null) {
      qb.andWhere('c.partnership_id = :partnershipId', { partnershipId: fromGlobalId(filter.partnershipId, 'Partnership')?.id ?? null });
    }
    if (filter?.disclosable != null) qb.andWhere('c.disclosable = :disclosable', { disclosable: filter.disclosable });
    // Overlap of the contract's term with the asked range; an open end is unbounded.
    if (filter?.effectiveFrom) qb.andWhere('(c.effective_to IS NULL OR c.effective_to >= :effectiveFrom)', { effectiveFrom: filter.effectiveFrom });
    if (filter?.effectiveTo) qb.andWhere('(c.effective_from IS NULL OR c.effective_from <= :effectiveTo)', { effectiveTo: filter.effectiveTo });
    const sort = SORT[order?.field ?? ContractOrderField.CREATED_AT];
    return paginate(qb, page, sort, order?.direction ?? SortDirection.DESC);
  },

  async draft(ctx: Context, input: DraftContractInput): Promise<PayloadShape<Contract>> {
    const partyIds = await openStakeholderIds(ctx, input.parties.map((party) => party.stakeholderId));
    await authorize(ctx.scope, 'contract:draft', { partyIds });
    return runMutation<Contract>(ctx, {
      action: 'contract:draft',
      input,
      replay: { entity: Contract, id: 'contract' },
      run: async (tx) => {
        const errors: UserError[] = [];
        const title = input.title.trim();
        if (!title) errors.push(userError(UserErrorCode.BAD_USER_INPUT, 'A contract needs a title.', 'input.title'));
        if (input.effectiveFrom && input.effectiveTo && input.effectiveTo < input.effectiveFrom) {
          errors.push(userError(UserErrorCode.BAD_USER_INPUT, 'effectiveTo is before effectiveFrom.', 'input.effectiveTo'));
        }
        const decoded = partyIds.filter((id) => id !== null);
        if (new Set(decoded).size !== decoded.length) {
          errors.push(userError(UserErrorCode.BAD_USER_INPUT, 'A stakeholder is a party only once.', 'input.parties'));
        }
        const parties = await resolveStakeholderRefs(
          ctx,
          tx,
          input.parties.map((party, i) => ({ globalId: party.stakeholderId, field: `input.parties.${i}.stakeholderId` })),
        );
        if ('errors' in parties) errors.push(...parties.errors);
        const partnershipRef = await resolveVisiblePartnershipRef(ctx, tx, input.partnershipId);
        if ('errors' in partnershipRef) errors.push(...partnershipRef.errors);
        if (errors.length || 'errors' in partnershipRef) return { errors };

        const inserted = await tx
          .createQueryBuilder()
          .insert()
          .into(Contract)
          .values({
            title,
            kind: input.kind,
            status: ContractStatus.DRAFT,
            partnershipId: partnershipRef.partnership?.id ?? null,
            effectiveFrom: input.effectiveFrom ?? null,
            effectiveTo: input.effectiveTo ?? null,
            valueAmount: input.value?.amount ?? null,
            valueCurrency: input.value?.currency ?? null,
            fairMarketValueAssessed: input.fairMarketValueAssessed,
            conflictOfInterestDeclared: input.conflictOfInterestDeclared,
            disclosable: input.disclosable,
          })
          .returning('id')
          .execute();
        const id = (inserted.raw as { id: string }[])[0].id;
        // Every party id was checked above, so none is null from here on.
        await tx
          .createQueryBuilder()
          .insert()
          .into(ContractParty)
          .values(input.parties.map((party, i) => ({ contractId: id, stakeholderId: partyIds[i] as string, role: party.role })))
          .execute();
        const record = await tx.getRepository(Contract).findOneByOrFail({ id });
        return { record, ids: { contract: id } };
      },
    });
  },

  /** Signs for one party; the contract awaits signatures after the first and is ACTIVE once every party signed. */
  async sign(ctx: Context, input: SignContractInput): Promise<PayloadShape<Contract>> {
    const contract = await findVisibleOf(ctx, input.id);
    if (!contract) return { record: null, userErrors: [notFound('contract', 'input.id')] };
    const partyId = await openStakeholderId(ctx, input.partyId);
    if (!partyId) return { record: null, userErrors: [notFound('stakeholder', 'input.partyId')] };
    await authorize(ctx.scope, 'contract:sign', { partyId });
    return runMutation<Contract>(ctx, {
      action: 'contract:sign',
      input,
      run: async (tx) => {
        // Checked before the business rules, so that a stale client hears CONFLICT first.
        if (contract.version !== input.version) return { errors: [staleVersion(input.version)] };
        if (!SIGNABLE.includes(contract.status)) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, `A ${contract.status} contract cannot be signed.`, 'input.id')] };
        }
        // Conditional on signed_at IS NULL so that two concurrent signatures of one party cannot both count.
        const signed = await tx
          .createQueryBuilder()
          .update(ContractParty)
          .set({ signedAt: () => 'now()' })
          .where('contract_id = :contractId AND stakeholder_id = :partyId AND signed_at IS NULL', { contractId: contract.id, partyId })
          .execute();
        if (!signed.affected) {
          const isParty = await tx.getRepository(ContractParty).existsBy({ contractId: contract.id, stakeholderId: partyId });
          return {
            errors: [
              isParty
                ? userError(UserErrorCode.BAD_USER_INPUT, 'This party has already signed.', 'input.partyId')
                : userError(UserErrorCode.NOT_FOUND, 'This stakeholder is not a party of the contract.', 'input.partyId'),
            ],
          };
        }
        const [{ unsigned }] = (await tx.query(
          `SELECT count(*)::int AS unsigned FROM contract_party WHERE contract_id = $1 AND signed_at IS NULL`,
          [contract.id],
        )) as { unsigned: number }[];
        // The version guard also serialises signatures: of two racing on one version, one gets CONFLICT.
        return updateVersioned(tx, Contract, contract.id, input.version, {
          status: unsigned === 0 ? ContractStatus.ACTIVE : ContractStatus.AWAITING_SIGNATURES,
        });
      },
    });
  },

  async terminate(ctx: Context, input: TerminateContractInput): Promise<PayloadShape<Contract>> {
    const contract = await findVisibleOf(ctx, input.id);
    if (!contract) return { record: null, userErrors: [notFound('contract', 'input.id')] };
    const parties = await ctx.scope.rows(ContractParty, 'p', { where: 'p.contract_id = :id', params: { id: contract.id } });
    await authorize(ctx.scope, 'contract:terminate', { partyIds: parties.map((party) => party.stakeholderId) });
    return runMutation<Contract>(ctx, {
      action: 'contract:terminate',
      input,
      run: async (tx) => {
        if (contract.version !== input.version) return { errors: [staleVersion(input.version)] };
        if (!TERMINABLE.includes(contract.status)) {
          return {
            errors: [userError(UserErrorCode.BAD_USER_INPUT, `A ${contract.status} contract cannot be terminated.`, 'input.id')],
          };
        }
        const reason = input.reason.trim();
        if (!reason) return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'Say why the contract ends.', 'input.reason')] };
        return updateVersioned(tx, Contract, contract.id, input.version, {
          status: ContractStatus.TERMINATED,
          terminatedAt: () => 'now()',
          terminationReason: reason,
        });
      },
    });
  },
};
