import { authorize } from '../../access/actions';
import { UserErrorCode } from '../../shared/mutation';
import { GrantConsentInput } from '../consent/consent.inputs';
import { StakeholderKind } from '../stakeholder/stakeholder.entity';
import { csvCell } from './transfer.formats';
import { isRejection, resolveReferences, type Wanted } from './transfer.refs';
import {
  allowed,
  coerceAs,
  externalIdOf,
  fieldsOf,
  firstOccurrences,
  referenceOf,
  reject,
  validateAs,
  type ImportHandler,
  type Plan,
  type Rejection,
  type StakeholderReference,
  ownedBy,
} from './transfer.rows';
import { insertRows, sameValue, type ColumnSpec } from './transfer.sql';

const COLUMNS: readonly ColumnSpec[] = [
  { prop: 'patientId', column: 'patient_id', type: 'uuid' },
  { prop: 'granteeId', column: 'grantee_id', type: 'uuid' },
  { prop: 'scopes', column: 'scopes', type: 'text[]' },
  { prop: 'purposes', column: 'purposes', type: 'text[]' },
  { prop: 'expiresAt', column: 'expires_at', type: 'timestamptz' },
  { prop: 'evidenceReference', column: 'evidence_reference', type: 'text' },
];

/** The columns of a consent file. */
export const CONSENT_IMPORT_COLUMNS = [
  'externalId',
  'patientExternalId',
  'patientId',
  'granteeExternalId',
  'granteeId',
  'scopes',
  'purposes',
  'expiresAt',
  'evidenceReference',
];

interface Write {
  externalId: string;
  values: Record<string, unknown>;
}

/**
 * The reference of the patient's own evidence of a consent recorded on their behalf: the signed
 * form's number, the e-consent record's id, a document URL. Required, since only the patient
 * grants consent (grantConsent is the patient's, or ADMIN's on their behalf), and 1 to 500
 * characters with something visible (the column's CHECK says the same).
 */
function evidenceOf(row: number, value: unknown): { evidence: string } | { rejection: Rejection } {
  if (typeof value !== 'string' || value.trim() === '') {
    return {
      rejection: reject(row, UserErrorCode.BAD_USER_INPUT, "A consent needs the reference of the patient's own evidence of it (evidenceReference).", 'evidenceReference'),
    };
  }
  if (value.trim().length > 500) return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'evidenceReference is longer than 500 characters.', 'evidenceReference') };
  return { evidence: value.trim() };
}

/** A row that passed the checks needing no database. */
type Prepared = { row: number; externalId: string; input: GrantConsentInput; evidence: string; patient: StakeholderReference; grantee: StakeholderReference | null };

/**
 * Consents, as grantConsent grants them (the patient themself, or ADMIN on their behalf), each
 * with its evidence reference. A consent's terms never change (a patient withdraws one and grants
 * another): a known external id with other terms is refused, with the same terms it is unchanged.
 */
export const consentImport: ImportHandler<Prepared, Write> = {
  recordType: 'Consent',
  fromCsv: (values) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k === 'scopes' || k === 'purposes' ? csvCell.list(v) : csvCell.text(v)])),

  async prepare(run, batch) {
    const { schema } = run;
    const rejections: Rejection[] = [];
    const valid: Prepared[] = [];
    for (const { row, values } of batch) {
      const id = externalIdOf(row, values);
      if ('rejection' in id) {
        rejections.push(id.rejection);
        continue;
      }
      const patient = referenceOf(row, values, 'patient');
      const grantee = referenceOf(row, values, 'grantee');
      if ('rejection' in patient || 'rejection' in grantee) {
        rejections.push('rejection' in patient ? patient.rejection : (grantee as { rejection: Rejection }).rejection);
        continue;
      }
      if (!patient.ref) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'A consent names its patient (patientExternalId or patientId).', 'patientId'));
        continue;
      }
      const evidence = evidenceOf(row, values.evidenceReference);
      if ('rejection' in evidence) {
        rejections.push(evidence.rejection);
        continue;
      }
      const fields = fieldsOf(values, ['patientExternalId', 'patientId', 'granteeExternalId', 'granteeId', 'evidenceReference', 'idempotencyKey']);
      const coerced = coerceAs<GrantConsentInput>(schema, 'GrantConsentInput', row, { ...fields, patientId: '-' });
      if ('rejection' in coerced) {
        rejections.push(coerced.rejection);
        continue;
      }
      const invalid = await validateAs(Object.assign(new GrantConsentInput(), coerced.value), row);
      if (invalid) {
        rejections.push(invalid);
        continue;
      }
      valid.push({ row, externalId: id.externalId, input: coerced.value, evidence: evidence.evidence, patient: patient.ref, grantee: grantee.ref });
    }
    return { prepared: firstOccurrences(valid, rejections), rejections };
  },

  async resolve(run, rows) {
    const { ctx, tx, owner } = run;
    const rejections: Rejection[] = [];
    const wanted: Wanted[] = rows.flatMap((r) => [
      { row: r.row, column: 'externalId' in r.patient ? 'patientExternalId' : 'patientId', ref: r.patient },
      ...(r.grantee ? [{ row: r.row, column: 'externalId' in r.grantee ? 'granteeExternalId' : 'granteeId', ref: r.grantee }] : []),
    ]);
    const found = await resolveReferences(run, wanted);
    const stored = rows.length
      ? await ctx.scope.sql<Record<string, unknown> & { id: string; external_id: string }>(
          `SELECT c.id, c.external_id, ${COLUMNS.map((col) => `c.${col.column}`).join(', ')} FROM consent c
            WHERE ${ctx.scope.rule('Consent', 'c')} AND ${ownedBy('c', owner)} AND c.external_id = ANY(:ids)`,
          { owner, ids: rows.map((r) => r.externalId) },
          tx,
        )
      : [];
    const byExternalId = new Map(stored.map((s) => [s.external_id, s]));
    const plans: Plan<Write>[] = [];
    let next = 0;
    for (const r of rows) {
      const patient = found[next];
      const grantee = r.grantee ? found[next + 1] : null;
      next += r.grantee ? 2 : 1;
      if (isRejection(patient)) {
        rejections.push(patient);
        continue;
      }
      if (grantee && isRejection(grantee)) {
        rejections.push(grantee);
        continue;
      }
      // grantConsent's references: a patient, granting an organisation (or the alliance).
      if (patient.kind !== StakeholderKind.PATIENT) {
        rejections.push(reject(r.row, UserErrorCode.NOT_FOUND, 'No such patient.', 'externalId' in r.patient ? 'patientExternalId' : 'patientId'));
        continue;
      }
      if (grantee?.kind === StakeholderKind.PATIENT) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'Consent is granted to an organisation, not to a patient.', 'granteeId'));
        continue;
      }
      const denied = await allowed(r.row, () => authorize(ctx.scope, 'consent:grant', { patientId: patient.id }));
      if (denied) {
        rejections.push(denied);
        continue;
      }
      const values: Record<string, unknown> = {
        patientId: patient.id,
        granteeId: grantee?.id ?? null,
        scopes: r.input.scopes,
        purposes: r.input.purposes,
        expiresAt: r.input.expiresAt ?? null,
        evidenceReference: r.evidence,
      };
      const existing = byExternalId.get(r.externalId);
      if (!existing) {
        plans.push({ row: r.row, op: 'create', write: { externalId: r.externalId, values } });
        continue;
      }
      if (COLUMNS.some((c) => !sameValue(existing[c.column], values[c.prop]))) {
        rejections.push(
          reject(r.row, UserErrorCode.BAD_USER_INPUT, "A consent's terms do not change: withdraw it (withdrawConsent) and import the new one under a new externalId.", 'externalId'),
        );
        continue;
      }
      plans.push({ row: r.row, op: 'unchanged', write: { externalId: r.externalId, values } });
    }
    return { plans, rejections };
  },

  async write(run, plans) {
    const ids = await insertRows(run.tx, 'consent', COLUMNS, plans.map((p) => ({ ...p.write.values, externalId: p.write.externalId })), run.owner);
    const rejections: Rejection[] = [];
    const audit = [];
    for (const p of plans) {
      const id = ids.get(p.write.externalId);
      if (!id) {
        rejections.push(reject(p.row, UserErrorCode.CONFLICT, 'This externalId is already used by another consent.', 'externalId'));
        continue;
      }
      const patientId = p.write.values.patientId as string;
      audit.push({ action: 'transfer:import', outcome: 'allowed' as const, targetType: 'Consent', targetId: id, patientId, fields: COLUMNS.map((c) => c.prop) });
    }
    return { rejections, audit };
  },
};
