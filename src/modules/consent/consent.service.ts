import { authorize } from '../../access/actions';
import { openStakeholderId } from '../../access/patient-ids';
import { activeConsentSql } from '../../access/record-rules';
import { paginate, SortDirection, type Page, type PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { notFound, runMutation, staleVersion, updateVersioned, userError, UserErrorCode, type PayloadShape } from '../../shared/mutation';
import { violatedConstraint } from '../../shared/pg-errors';
import { StakeholderKind, type Stakeholder } from '../stakeholder/stakeholder.entity';
import { resolveStakeholderRefs, type StakeholderRef } from '../stakeholder/stakeholder.service';
import { Consent } from './consent.entity';
import type { ConsentFilter, GrantConsentInput, WithdrawConsentInput } from './consent.inputs';

const NEWEST_FIRST = { expression: 'c.created_at', cast: 'timestamptz' as const };


/** A consent is about a patient: a stakeholder of another kind is no patient at all. */
const patientRef = (globalId: string): StakeholderRef => ({
  globalId,
  field: 'input.patientId',
  what: 'patient',
  check: (s) => (s.kind === StakeholderKind.PATIENT ? null : notFound('patient', 'input.patientId')),
});

const granteeRef = (globalId: string): StakeholderRef => ({
  globalId,
  field: 'input.granteeId',
  what: 'organisation',
  check: (s) =>
    s.kind === StakeholderKind.PATIENT
      ? userError(UserErrorCode.BAD_USER_INPUT, 'Consent is granted to an organisation, not to a patient.', 'input.granteeId')
      : null,
});

export const consentService = {
  async list(ctx: Context, page: PageArgs, filter?: ConsentFilter | null): Promise<Page<Consent>> {
    // Anyone but ADMIN sees their own consents only, whatever the filter asks.
    const qb = ctx.scope.list(Consent, 'c');
    for (const [key, column] of [
      ['patientId', 'c.patient_id'],
      ['granteeId', 'c.grantee_id'],
    ] as const) {
      const value = filter?.[key];
      if (value == null) continue;
      const id = await openStakeholderId(ctx, value);
      qb.andWhere(id ? `${column} = :${key}` : 'FALSE', { [key]: id });
    }
    if (filter?.active != null) {
      const active = activeConsentSql('c');
      qb.andWhere(filter.active ? `(${active})` : `NOT (${active})`);
    }
    return paginate(qb, page, NEWEST_FIRST, SortDirection.DESC);
  },

  /** A patient's consents, [] for a viewer who may not see them (hidden, not redacted: nothing to mark). */
  async forPatient(ctx: Context, patient: Stakeholder): Promise<Consent[]> {
    return ctx.loaders.consentsByPatient.load(patient.id);
  },

  async grant(ctx: Context, input: GrantConsentInput): Promise<PayloadShape<Consent>> {
    const patientId = await openStakeholderId(ctx, input.patientId);
    if (!patientId) return { record: null, userErrors: [notFound('patient', 'input.patientId')] };
    await authorize(ctx.scope, 'consent:grant', { patientId });
    const granteeId = await openStakeholderId(ctx, input.granteeId);
    if (input.granteeId != null && !granteeId) return { record: null, userErrors: [notFound('organisation', 'input.granteeId')] };
    return runMutation<Consent>(ctx, {
      action: 'consent:grant',
      input,
      replay: { entity: Consent, id: 'consent' },
      run: async (tx) => {
        const refs = await resolveStakeholderRefs(ctx, tx, [patientRef(input.patientId), ...(input.granteeId != null ? [granteeRef(input.granteeId)] : [])]);
        if ('errors' in refs) return refs;
        try {
          const inserted = await tx
            .createQueryBuilder()
            .insert()
            .into(Consent)
            .values({
              patientId,
              granteeId,
              scopes: input.scopes,
              purposes: input.purposes,
              expiresAt: input.expiresAt ?? null,
            })
            .returning('id')
            .execute();
          const id = (inserted.raw as { id: string }[])[0].id;
          return { record: await tx.getRepository(Consent).findOneByOrFail({ id }), ids: { consent: id } };
        } catch (error) {
          // Validation saw expiresAt in the future; the clock may have passed it before the insert.
          if (violatedConstraint(error)?.constraint === 'consent_expiry_check') {
            return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'expiresAt must be in the future.', 'input.expiresAt')] };
          }
          throw error;
        }
      },
    });
  },

  async withdraw(ctx: Context, input: WithdrawConsentInput): Promise<PayloadShape<Consent>> {
    // A consent the viewer may not see is NOT_FOUND, exactly like an unknown id.
    const current = await ctx.scope.findVisible(Consent, 'Consent', input.id);
    if (!current) return { record: null, userErrors: [notFound('consent', 'input.id')] };
    await authorize(ctx.scope, 'consent:withdraw', current);
    return runMutation(ctx, {
      action: 'consent:withdraw',
      input,
      run: async (tx) => {
        // Checked before the business rules, so that a stale client hears CONFLICT first.
        if (current.version !== input.version) return { errors: [staleVersion(input.version)] };
        if (current.withdrawnAt) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'This consent is already withdrawn.', 'input.id')] };
        }
        return updateVersioned(tx, Consent, current.id, input.version, { withdrawnAt: () => 'now()' });
      },
    });
  },
};
