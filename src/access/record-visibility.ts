import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { fromGlobalId, type GlobalIdType } from '../graphql/global-id';
import { ConsentScope } from '../modules/consent/consent.entity';
import { CONSENT_HOLDER_ROLES } from './policy';
import { Role, type Viewer } from './viewer';

/**
 * The record rules of `policy.ts` (RECORDS) as SQL predicates, so that records a viewer may not
 * see never leave the database: lists, counts, loaders and traversals all add them. Each takes
 * the SQL alias (or expression) of the row and uses the named parameters in `params`
 * (`:vOrg`, `:vPatient`, `:vPurpose`), to be passed with TypeORM's `setParameters`.
 */
export interface RecordVisibility {
  /** True for ADMIN: no predicate is needed. */
  all: boolean;
  params: { vOrg: string | null; vPatient: string | null; vPurpose: string | null };
  /** The viewer holds the patient's active consent with `scope` for the request's purpose (or is the patient). */
  patientConsent(patientIdExpr: string, scope: ConsentScope): string;
  partnership(alias: string): string;
  /** A row's optional partnership (`partnershipIdExpr` may be NULL) is visible. */
  optionalPartnership(partnershipIdExpr: string): string;
  contract(alias: string): string;
  commitment(alias: string): string;
  interaction(alias: string): string;
  affiliation(alias: string): string;
  consent(alias: string): string;
}

/** "Us" as stakeholders: the viewer's organisation and, for a patient login, the patient. */
const US = '(:vOrg, :vPatient)';

export function recordVisibility(viewer: Viewer | null): RecordVisibility {
  const params = { vOrg: viewer?.orgId ?? null, vPatient: viewer?.patientId ?? null, vPurpose: viewer?.purpose ?? null };
  if (viewer?.role === Role.ADMIN) {
    const all = (): string => 'TRUE';
    return {
      all: true,
      params,
      patientConsent: all,
      partnership: all,
      optionalPartnership: all,
      contract: all,
      commitment: all,
      interaction: all,
      affiliation: all,
      consent: all,
    };
  }
  if (!viewer) {
    const none = (): string => 'FALSE';
    return {
      all: false,
      params,
      patientConsent: none,
      partnership: none,
      optionalPartnership: none,
      contract: none,
      commitment: none,
      interaction: none,
      affiliation: none,
      consent: none,
    };
  }
  const holdsConsent = CONSENT_HOLDER_ROLES.includes(viewer.role) && viewer.orgId !== null;
  const patientConsent = (patientIdExpr: string, scope: ConsentScope): string => {
    const own = `${patientIdExpr} = :vPatient`;
    if (!holdsConsent) return `(${own})`;
    return `(${own} OR EXISTS (SELECT 1 FROM consent v_c WHERE v_c.patient_id = ${patientIdExpr}
      AND (v_c.grantee_id = :vOrg OR v_c.grantee_id IS NULL) AND '${scope}' = ANY(v_c.scopes) AND :vPurpose = ANY(v_c.purposes)
      AND v_c.withdrawn_at IS NULL AND (v_c.expires_at IS NULL OR v_c.expires_at > now())))`;
  };
  const partnership = (alias: string): string =>
    `(${alias}.visibility = 'ALLIANCE' OR EXISTS (SELECT 1 FROM partnership_member v_m WHERE v_m.partnership_id = ${alias}.id
      AND v_m.left_at IS NULL AND v_m.stakeholder_id IN ${US}))`;
  const optionalPartnership = (expr: string): string =>
    `(${expr} IS NULL OR EXISTS (SELECT 1 FROM partnership v_p WHERE v_p.id = ${expr} AND ${partnership('v_p')}))`;
  return {
    all: false,
    params,
    patientConsent,
    partnership,
    optionalPartnership,
    contract: (alias) => `EXISTS (SELECT 1 FROM contract_party v_cp WHERE v_cp.contract_id = ${alias}.id AND v_cp.stakeholder_id IN ${US})`,
    commitment: (alias) =>
      `(${alias}.committer_id IN ${US} OR ${alias}.beneficiary_id IN ${US} OR ${optionalPartnership(`${alias}.partnership_id`)})`,
    interaction: (alias) =>
      `(${alias}.recorded_by_org_id = :vOrg OR EXISTS (SELECT 1 FROM interaction_participant v_ip WHERE v_ip.interaction_id = ${alias}.id
        AND v_ip.stakeholder_id IN ${US}) OR ${optionalPartnership(`${alias}.partnership_id`)})`,
    // A patient's affiliation to a patient organisation reveals a condition: PATIENT_HEALTH.
    affiliation: (alias) =>
      `(NOT EXISTS (SELECT 1 FROM stakeholder v_f JOIN stakeholder v_t ON v_t.id = ${alias}.to_id WHERE v_f.id = ${alias}.from_id
          AND ((v_f.kind = 'PATIENT' AND v_t.kind = 'PATIENT_ORGANISATION') OR (v_f.kind = 'PATIENT_ORGANISATION' AND v_t.kind = 'PATIENT')))
        OR ${patientConsent(`${alias}.from_id`, ConsentScope.HEALTH)} OR ${patientConsent(`${alias}.to_id`, ConsentScope.HEALTH)})`,
    consent: (alias) => `${alias}.patient_id = :vPatient`,
  };
}

/**
 * A record by global ID if the viewer may see it, read from the database (not the loaders, so
 * that a mutation works on fresh data); null for an unknown id and, identically, a hidden one.
 */
export function findVisible<E extends ObjectLiteral>(
  ctx: { db: DataSource; visibility: RecordVisibility },
  entity: EntityTarget<E>,
  type: GlobalIdType,
  rule: (alias: string) => string,
  globalId: string,
  manager: EntityManager = ctx.db.manager,
): Promise<E | null> {
  const id = fromGlobalId(globalId, type)?.id;
  if (!id) return Promise.resolve(null);
  return manager.getRepository(entity).createQueryBuilder('r').where('r.id = :id', { id }).andWhere(rule('r'), ctx.visibility.params).getOne();
}
