import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { authorize, authorizeForPatient } from '../../access/actions';
import { decide } from '../../access/field-policy';
import { openStakeholderId } from '../../access/patient-ids';
import { MASKED_FIELDS, Sensitivity } from '../../access/policy';
import { activeConsentSql } from '../../access/record-rules';
import type { Context } from '../../graphql/context';
import { appError, badInput, ErrorCode } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { notFound, runMutation, type PayloadShape } from '../../shared/mutation';
import type { Contract } from '../contract/contract.entity';
import { Consent } from '../consent/consent.entity';
import { Stakeholder, StakeholderKind } from '../stakeholder/stakeholder.entity';
import type { ErasePatientInput } from './gdpr.inputs';
import { EXPORT_SECTIONS, type Json, type PatientDataExport, type Row } from './gdpr.types';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** How another patient appears in someone's export: by no name and no id. */
const OTHER_PATIENT = MASKED_FIELDS.Patient.name.masked;

/** A stakeholder named in an export: an organisation by id and name, another patient anonymously. */
function counterpart(row: { other_id: string | null; other_kind: string | null; other_name: string | null }): Json {
  if (row.other_id === null) return null;
  if (row.other_kind === StakeholderKind.PATIENT) return { kind: StakeholderKind.PATIENT, name: OTHER_PATIENT };
  return { id: toGlobalId('Stakeholder', row.other_id), kind: row.other_kind, name: row.other_name };
}

/**
 * What an erasure changes, by field name: its audit row names these (never values, never the
 * reason). Identity, contact, health and the free text of the profile are wiped; the pseudonym
 * and the name (which equal each other for a patient) become the tombstone label.
 */
const ERASED_FIELDS = [
  'pseudonym', 'name', 'displayName', 'email', 'phone', 'birthYear', 'conditions',
  'description', 'website', 'tags', 'languages', 'expertise', 'archivedAt', 'erasedAt',
] as const;

/** A patient's tombstone label: unique per patient (their pseudonym must be), and telling nothing about the person. */
export const tombstoneLabel = (patientId: string): string => `erased-${createHash('sha256').update(patientId).digest('hex').slice(0, 16)}`;

/** The patient a request names: a patient login's own record unless `patientId` names another one. */
async function patientOf(ctx: Context, patientId: string | null | undefined, field: string): Promise<Stakeholder | null> {
  const id = patientId != null ? await openStakeholderId(ctx, patientId) : (ctx.viewer?.patientId ?? null);
  if (patientId == null && id === null) throw badInput(`${field} is required: name the patient.`, field);
  const found = id ? await ctx.scope.visibleById(Stakeholder, id) : null;
  return found?.kind === StakeholderKind.PATIENT ? found : null;
}

/** The sections of the export, read in one snapshot through the viewer's record rules. */
async function sections(ctx: Context, tx: EntityManager, patient: Stakeholder): Promise<Omit<PatientDataExport, 'format' | 'formatVersion' | 'exportedAt' | 'patientId'>> {
  const s = ctx.scope;
  const p = { patientId: patient.id };
  const consents = await s.sql<{
    id: string; scopes: string[]; purposes: string[]; granted_at: Date; expires_at: Date | null; withdrawn_at: Date | null;
    updated_at: Date; status: string; other_id: string | null; other_kind: string | null; other_name: string | null;
  }>(
    `SELECT c.id, c.scopes, c.purposes, c.granted_at, c.expires_at, c.withdrawn_at, c.updated_at,
       CASE WHEN c.withdrawn_at IS NOT NULL THEN 'WITHDRAWN' WHEN ${activeConsentSql('c')} THEN 'ACTIVE' ELSE 'EXPIRED' END AS status,
       g.id AS other_id, g.kind AS other_kind, g.name AS other_name
     FROM consent c LEFT JOIN stakeholder g ON g.id = c.grantee_id AND ${s.rule('Stakeholder', 'g')}
     WHERE c.patient_id = :patientId AND ${s.rule('Consent', 'c')} ORDER BY c.granted_at, c.id`,
    p,
    tx,
  );
  const memberships = await s.sql<{
    id: string; role: string; joined_at: string; left_at: string | null; partnership_id: string; title: string; type: string; status: string;
  }>(
    `SELECT m.id, m.role, m.joined_at, m.left_at, pa.id AS partnership_id, pa.title, pa.type, pa.status
     FROM partnership_member m JOIN partnership pa ON pa.id = m.partnership_id AND ${s.rule('Partnership', 'pa')}
     WHERE m.stakeholder_id = :patientId AND ${s.rule('PartnershipMember', 'm')} ORDER BY m.joined_at, m.id`,
    p,
    tx,
  );
  const contracts = await s.sql<{
    id: string; title: string; kind: string; status: string; effective_from: string | null; effective_to: string | null;
    value_amount: number | null; value_currency: string | null; role: string; signed_at: Date | null;
  }>(
    `SELECT k.id, k.title, k.kind, k.status, k.effective_from, k.effective_to, k.value_amount, k.value_currency, cp.role, cp.signed_at
     FROM contract_party cp JOIN contract k ON k.id = cp.contract_id AND ${s.rule('Contract', 'k')}
     WHERE cp.stakeholder_id = :patientId AND ${s.rule('ContractParty', 'cp')} ORDER BY k.created_at, k.id`,
    p,
    tx,
  );
  // The contract's terms under their own class (CONTRACT_TERMS): the patient party and ADMIN read them.
  const mayReadValue = await Promise.all(contracts.map((k) => decide(ctx, 'Contract', Sensitivity.CONTRACT_TERMS, { id: k.id } as Contract)));
  // Never the notes or the recording user: they are the recording organisation's.
  const interactions = await s.sql<{
    id: string; kind: string; occurred_at: Date; duration_minutes: number | null; summary: string | null; partnership: string | null;
    other_id: string | null; other_kind: string | null; other_name: string | null;
  }>(
    `SELECT i.id, i.kind, i.occurred_at, i.duration_minutes, i.summary, pa.title AS partnership,
       o.id AS other_id, o.kind AS other_kind, o.name AS other_name
     FROM interaction_participant ip JOIN interaction i ON i.id = ip.interaction_id AND ${s.rule('Interaction', 'i')}
       LEFT JOIN partnership pa ON pa.id = i.partnership_id AND ${s.rule('Partnership', 'pa')}
       LEFT JOIN stakeholder o ON o.id = i.recorded_by_org_id AND ${s.rule('Stakeholder', 'o')}
     WHERE ip.stakeholder_id = :patientId AND ${s.rule('InteractionParticipant', 'ip')} ORDER BY i.occurred_at, i.id`,
    p,
    tx,
  );
  const commitments = await s.sql<{
    id: string; title: string; description: string | null; status: string; due_date: string | null; fulfilled_at: Date | null;
    evidence: string | null; role: string; partnership: string | null; other_id: string | null; other_kind: string | null; other_name: string | null;
  }>(
    `SELECT k.id, k.title, k.description, k.status, k.due_date, k.fulfilled_at, k.evidence,
       CASE WHEN k.committer_id = :patientId THEN 'COMMITTER' ELSE 'BENEFICIARY' END AS role, pa.title AS partnership,
       o.id AS other_id, o.kind AS other_kind, o.name AS other_name
     FROM commitment k
       LEFT JOIN partnership pa ON pa.id = k.partnership_id AND ${s.rule('Partnership', 'pa')}
       LEFT JOIN stakeholder o ON o.id = CASE WHEN k.committer_id = :patientId THEN k.beneficiary_id ELSE k.committer_id END
         AND ${s.rule('Stakeholder', 'o')}
     WHERE :patientId IN (k.committer_id, k.beneficiary_id) AND ${s.rule('Commitment', 'k')} ORDER BY k.created_at, k.id`,
    p,
    tx,
  );
  const affiliations = await s.sql<{
    id: string; kind: string; direction: string; since: string | null; until: string | null;
    other_id: string | null; other_kind: string | null; other_name: string | null;
  }>(
    `SELECT a.id, a.kind, CASE WHEN a.from_id = :patientId THEN 'FROM' ELSE 'TO' END AS direction, a.since, a.until,
       o.id AS other_id, o.kind AS other_kind, o.name AS other_name
     FROM affiliation a JOIN stakeholder o ON o.id = CASE WHEN a.from_id = :patientId THEN a.to_id ELSE a.from_id END
       AND ${s.rule('Stakeholder', 'o')}
     WHERE :patientId IN (a.from_id, a.to_id) AND ${s.rule('Affiliation', 'a')} ORDER BY a.created_at, a.id`,
    p,
    tx,
  );
  // The access log as the patient reads it (the AuditEvent rule): who else accessed the record, by organisation, never by staff member.
  const accessLog = await s.sql<{
    at: Date; role: string; purpose: string | null; action: string; outcome: string; fields: string[]; organisation: string | null;
  }>(
    `SELECT a.at, a.role, a.purpose, a.action, a.outcome, a.fields, o.name AS organisation
     FROM audit_event a LEFT JOIN stakeholder o ON o.id = a.organisation_id AND ${s.rule('Stakeholder', 'o')}
     WHERE a.patient_id = :patientId AND NOT (a.role = 'PATIENT' AND a.viewer_patient_id IS NOT DISTINCT FROM a.patient_id)
       AND ${s.rule('AuditEvent', 'a')} ORDER BY a.at, a.id`,
    p,
    tx,
  );

  // The patient's own assessments (their words in `evidence`), the history included.
  const assessments = await s.sql<{ partnership: string | null; created_at: Date; scores: { criterion: string; score: number; evidence: string | null }[] }>(
    `SELECT pa.title AS partnership, a.created_at,
       coalesce((SELECT json_agg(json_build_object('criterion', sc.criterion, 'score', sc.score, 'evidence', sc.evidence) ORDER BY sc.criterion)
                   FROM partnership_assessment_score sc WHERE sc.assessment_id = a.id), '[]') AS scores
     FROM partnership_assessment a LEFT JOIN partnership pa ON pa.id = a.partnership_id AND ${s.rule('Partnership', 'pa')}
     WHERE a.assessor_id = :patientId AND ${s.rule('PartnershipAssessment', 'a')} ORDER BY a.created_at, a.id`,
    p,
    tx,
  );

  return {
    profile: {
      id: toGlobalId('Stakeholder', patient.id),
      kind: patient.kind,
      name: patient.name,
      pseudonym: patient.pseudonym,
      displayName: patient.displayName,
      birthYear: patient.birthYear,
      email: patient.email,
      phone: patient.phone,
      conditions: patient.conditions,
      country: patient.country,
      languages: patient.languages,
      expertise: patient.expertise,
      description: patient.description,
      website: patient.website,
      tags: patient.tags,
      createdAt: iso(patient.createdAt),
      updatedAt: iso(patient.updatedAt),
      archivedAt: iso(patient.archivedAt),
      erasedAt: iso(patient.erasedAt),
      version: patient.version,
    },
    consents: consents.map(
      (c): Row => ({
        id: toGlobalId('Consent', c.id),
        grantee: counterpart(c),
        toWholeAlliance: c.other_id === null,
        scopes: c.scopes,
        purposes: c.purposes,
        status: c.status,
        grantedAt: iso(c.granted_at),
        expiresAt: iso(c.expires_at),
        withdrawnAt: iso(c.withdrawn_at),
        updatedAt: iso(c.updated_at),
      }),
    ),
    memberships: memberships.map(
      (m): Row => ({
        id: toGlobalId('PartnershipMember', m.id),
        partnership: { id: toGlobalId('Partnership', m.partnership_id), title: m.title, type: m.type, status: m.status },
        role: m.role,
        joinedAt: m.joined_at,
        leftAt: m.left_at,
      }),
    ),
    contracts: contracts.map(
      (k, i): Row => ({
        id: toGlobalId('Contract', k.id),
        title: k.title,
        kind: k.kind,
        status: k.status,
        effectiveFrom: k.effective_from,
        effectiveTo: k.effective_to,
        value: mayReadValue[i] && k.value_amount !== null ? { amount: k.value_amount, currency: k.value_currency } : null,
        role: k.role,
        signedAt: iso(k.signed_at),
      }),
    ),
    interactions: interactions.map(
      (i): Row => ({
        id: toGlobalId('Interaction', i.id),
        kind: i.kind,
        occurredAt: iso(i.occurred_at),
        durationMinutes: i.duration_minutes,
        summary: i.summary,
        partnership: i.partnership,
        recordedBy: counterpart(i),
      }),
    ),
    commitments: commitments.map(
      (k): Row => ({
        id: toGlobalId('Commitment', k.id),
        role: k.role,
        title: k.title,
        description: k.description,
        status: k.status,
        dueDate: k.due_date,
        fulfilledAt: iso(k.fulfilled_at),
        evidence: k.evidence,
        partnership: k.partnership,
        counterpart: counterpart(k),
      }),
    ),
    affiliations: affiliations.map(
      (a): Row => ({ id: toGlobalId('Affiliation', a.id), kind: a.kind, direction: a.direction, since: a.since, until: a.until, other: counterpart(a) }),
    ),
    qualityAssessments: assessments.map((a): Row => ({ partnership: a.partnership, assessedAt: iso(a.created_at), scores: a.scores })),
    accessLog: accessLog.map(
      (a): Row => ({
        at: iso(a.at),
        organisation: a.organisation,
        role: a.role,
        purpose: a.purpose,
        action: a.action,
        outcome: a.outcome,
        fields: a.fields,
      }),
    ),
  };
}

export const gdprService = {
  /**
   * GDPR Art. 15 and 20. A patient exports their own record; ADMIN names the patient. Another
   * patient's id that opens for the viewer (their own sealed id of that patient) is FORBIDDEN, one
   * that does not (e.g. a real id they may not use) NOT_FOUND, as for every other action on a patient.
   */
  async exportData(ctx: Context, patientId: string | null | undefined): Promise<PatientDataExport> {
    const patient = await patientOf(ctx, patientId, 'patientId');
    if (!patient) throw appError(ErrorCode.NOT_FOUND, 'No such patient.', { field: 'patientId' });
    authorizeForPatient(ctx.scope, 'gdpr:export', patient.id);
    const found = await ctx.scope.transaction(async (tx) => {
      // One snapshot: the sections agree with each other even while others write.
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const fresh = await ctx.scope.visibleById(Stakeholder, patient.id, tx);
      return fresh ? { exportedAt: new Date(), ...(await sections(ctx, tx, fresh)) } : null;
    });
    if (!found) throw appError(ErrorCode.NOT_FOUND, 'No such patient.', { field: 'patientId' });
    // Recorded with the request's reads (flushed after the response; no response without it).
    ctx.scope.audit.record({
      action: 'gdpr:export',
      outcome: 'allowed',
      targetType: 'Stakeholder',
      targetId: patient.id,
      patientId: patient.id,
      fields: EXPORT_SECTIONS,
    });
    const { exportedAt, ...rest } = found;
    return {
      format: 'alliance-graph/patient-data-export',
      formatVersion: 1,
      exportedAt: exportedAt.toISOString(),
      patientId: toGlobalId('Stakeholder', patient.id),
      ...rest,
    };
  },

  /**
   * GDPR Art. 17. The patient's row becomes a tombstone in one transaction with its audit rows:
   * personal fields wiped, pseudonym and name replaced by `tombstoneLabel`, archived, `erasedAt`
   * set; every active consent ends; the patient login's idempotency keys (which name its token
   * subject) go. Memberships, contract parties and interaction participations stay. The reason is
   * validated and then dropped (see ErasePatientInput). Erasing an erased patient changes nothing
   * (its audit row names no field).
   */
  async erase(ctx: Context, input: ErasePatientInput): Promise<PayloadShape<Stakeholder>> {
    const current = await patientOf(ctx, input.id, 'input.id');
    if (!current) return { record: null, userErrors: [notFound('patient', 'input.id')] };
    await authorize(ctx.scope, 'patient:erase', { patientId: current.id });
    const already = current.erasedAt !== null;
    return runMutation<Stakeholder>(ctx, {
      action: 'patient:erase',
      // What the audit row names: the erased fields (never `reason`), or none for a no-op.
      input: already ? {} : Object.fromEntries(ERASED_FIELDS.map((field) => [field, null])),
      run: async (tx) => {
        if (already) return { record: current, ids: {} };
        const label = tombstoneLabel(current.id);
        await tx
          .createQueryBuilder()
          .update(Stakeholder)
          .set({
            pseudonym: label,
            name: label,
            displayName: null,
            email: null,
            phone: null,
            birthYear: null,
            conditions: [],
            description: null,
            website: null,
            tags: [],
            languages: [],
            expertise: [],
            archivedAt: () => 'coalesce(archived_at, now())',
            erasedAt: () => 'now()',
            version: () => 'version + 1',
            updatedAt: () => 'now()',
          } as never)
          .where('id = :id AND erased_at IS NULL', { id: current.id })
          .execute();
        const ended = await tx
          .createQueryBuilder()
          .update(Consent)
          .set({ withdrawnAt: () => 'now()', version: () => 'version + 1', updatedAt: () => 'now()' } as never)
          .where(`patient_id = :id AND ${activeConsentSql('consent')}`, { id: current.id })
          .returning('id')
          .execute();
        await ctx.scope.audit.append(
          tx,
          (ended.raw as { id: string }[]).map((c) => ({
            action: 'patient:erase',
            outcome: 'allowed' as const,
            targetType: 'Consent',
            targetId: c.id,
            patientId: current.id,
            fields: ['withdrawnAt'],
          })),
        );
        // The patient's own words in their quality assessments go; the scores stay, by a tombstone.
        await tx.query(
          `UPDATE partnership_assessment_score SET evidence = NULL
            WHERE evidence IS NOT NULL AND assessment_id IN (SELECT id FROM partnership_assessment WHERE assessor_id = $1)`,
          [current.id],
        );
        // Keys of the patient's own requests (src/shared/mutation.ts, actingFor): they name the login's subject.
        await tx.query('DELETE FROM idempotency_key WHERE acting_for = $1', [`patient:${current.id}`]);
        return { record: await tx.getRepository(Stakeholder).findOneByOrFail({ id: current.id }), ids: {} };
      },
    });
  },
};
