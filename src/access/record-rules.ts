import { ConsentScope } from '../modules/consent/consent.entity';
import { CONSENT_HOLDER_ROLES } from './policy';
import { Role, type Viewer } from './viewer';

/**
 * The record rules of DESIGN §3 as SQL predicates, one per record type, so that records a viewer
 * may not see never leave the database. Modules never write them: `Scope.select`/`list`/`query(Entity, alias)`
 * adds the rule of the entity, and `Scope.rule(type, alias)` gives it for a join or a raw
 * statement. Each predicate takes the SQL alias of the row and uses the named parameters
 * `:vOrg`, `:vPatient` and `:vPurpose` (see `ruleParams`).
 */
export type RecordType =
  | 'Stakeholder'
  | 'Partnership'
  | 'PartnershipMember'
  | 'PartnershipAssessment'
  | 'PartnershipAssessmentScore'
  | 'Contract'
  | 'ContractParty'
  | 'Commitment'
  | 'Interaction'
  | 'InteractionParticipant'
  | 'Affiliation'
  | 'Consent'
  | 'AuditEvent'
  | 'Webhook'
  | 'WebhookDelivery';

export interface RuleParams {
  vOrg: string | null;
  vPatient: string | null;
  vPurpose: string | null;
}

export const ruleParams = (viewer: Viewer | null): RuleParams => ({
  vOrg: viewer?.orgId ?? null,
  vPatient: viewer?.patientId ?? null,
  vPurpose: viewer?.purpose ?? null,
});

/**
 * The consent rule, the one SQL form of it: consent row `c` is active now and covers `scope` for
 * the request's purpose, granted to the viewer's organisation or to the whole alliance.
 * (`isActiveConsent` below is its JS form, for a consent already in memory.)
 */
export function consentCovers(c: string, scope: ConsentScope | string): string {
  return `((${c}.grantee_id = :vOrg OR ${c}.grantee_id IS NULL) AND ${scope} = ANY(${c}.scopes) AND :vPurpose = ANY(${c}.purposes)
    AND ${activeConsentSql(c)})`;
}

/** Consent row `c` is neither withdrawn nor expired. */
export const activeConsentSql = (c: string): string => `${c}.withdrawn_at IS NULL AND (${c}.expires_at IS NULL OR ${c}.expires_at > now())`;

/** "Us" as stakeholders: the viewer's organisation and, for a patient login, the patient. */
const US = '(:vOrg, :vPatient)';

export interface RecordRules {
  /** True for ADMIN: every rule is TRUE. */
  all: boolean;
  /** The viewer may read fields of `scope` about the patient `patientIdExpr` names (the patient themself, or their consent). */
  patientConsent(patientIdExpr: string, scope: ConsentScope): string;
  /** The rule of each record type over the row aliased `alias`. */
  of(type: RecordType, alias: string): string;
}

type RuleMap = Record<RecordType, (alias: string) => string>;

/** The rules for one viewer. ADMIN sees every record; no viewer sees none. */
export function recordRules(viewer: Viewer | null): RecordRules {
  if (!viewer || viewer.role === Role.ADMIN) {
    const all = viewer !== null;
    const constant = all ? 'TRUE' : 'FALSE';
    return { all, patientConsent: () => constant, of: () => constant };
  }
  const holdsConsent = CONSENT_HOLDER_ROLES.includes(viewer.role) && viewer.orgId !== null;
  const patientConsent = (patientIdExpr: string, scope: ConsentScope): string => {
    const own = `${patientIdExpr} = :vPatient`;
    if (!holdsConsent) return `(${own})`;
    return `(${own} OR EXISTS (SELECT 1 FROM consent v_c WHERE v_c.patient_id = ${patientIdExpr} AND ${consentCovers('v_c', `'${scope}'`)}))`;
  };
  const partnership = (alias: string): string =>
    `(${alias}.visibility = 'ALLIANCE' OR EXISTS (SELECT 1 FROM partnership_member v_m WHERE v_m.partnership_id = ${alias}.id
      AND v_m.left_at IS NULL AND v_m.stakeholder_id IN ${US}))`;
  /** A record in a partnership is visible with it; a record in none is not visible through this clause. */
  const inVisiblePartnership = (expr: string): string =>
    `(${expr} IS NOT NULL AND EXISTS (SELECT 1 FROM partnership v_p WHERE v_p.id = ${expr} AND ${partnership('v_p')}))`;
  const contract = (alias: string): string =>
    `EXISTS (SELECT 1 FROM contract_party v_cp WHERE v_cp.contract_id = ${alias}.id AND v_cp.stakeholder_id IN ${US})`;
  const interaction = (alias: string): string =>
    `(${alias}.recorded_by_org_id = :vOrg OR EXISTS (SELECT 1 FROM interaction_participant v_ip WHERE v_ip.interaction_id = ${alias}.id
      AND v_ip.stakeholder_id IN ${US}) OR ${inVisiblePartnership(`${alias}.partnership_id`)})`;
  // Webhooks deliver what the organisation's engagement managers see: theirs alone to read (and ADMIN's, above).
  const webhook = (alias: string): string => (viewer.role === Role.ENGAGEMENT_MANAGER ? `${alias}.organisation_id = :vOrg` : 'FALSE');
  const rules: RuleMap = {
    // Profiles are public to every authenticated viewer; what of a patient is shown is the field policy's.
    Stakeholder: () => 'TRUE',
    Partnership: partnership,
    PartnershipMember: (alias) => `EXISTS (SELECT 1 FROM partnership v_mp WHERE v_mp.id = ${alias}.partnership_id AND ${partnership('v_mp')})`,
    // A quality assessment (and its scores) is visible with its partnership, like a membership.
    PartnershipAssessment: (alias) => `EXISTS (SELECT 1 FROM partnership v_ap WHERE v_ap.id = ${alias}.partnership_id AND ${partnership('v_ap')})`,
    PartnershipAssessmentScore: (alias) =>
      `EXISTS (SELECT 1 FROM partnership_assessment v_as JOIN partnership v_asp ON v_asp.id = v_as.partnership_id
        WHERE v_as.id = ${alias}.assessment_id AND ${partnership('v_asp')})`,
    Contract: contract,
    ContractParty: (alias) => `EXISTS (SELECT 1 FROM contract_party v_cp WHERE v_cp.contract_id = ${alias}.contract_id AND v_cp.stakeholder_id IN ${US})`,
    // Without a partnership a commitment is its committer's and beneficiary's business only, and,
    // for a follow-up of an interaction, that interaction's participants' and recorder's.
    Commitment: (alias) =>
      `(${alias}.committer_id IN ${US} OR ${alias}.beneficiary_id IN ${US} OR ${inVisiblePartnership(`${alias}.partnership_id`)}
        OR (${alias}.partnership_id IS NULL AND ${alias}.interaction_id IS NOT NULL AND EXISTS (SELECT 1 FROM interaction v_fi WHERE v_fi.id = ${alias}.interaction_id
          AND (v_fi.recorded_by_org_id = :vOrg OR EXISTS (SELECT 1 FROM interaction_participant v_fp WHERE v_fp.interaction_id = v_fi.id
            AND v_fp.stakeholder_id IN ${US})))))`,
    // Without a partnership an interaction is its participants' and recorder's business only: a
    // patient's presence at a disease-specific meeting is health data.
    Interaction: interaction,
    InteractionParticipant: (alias) => `EXISTS (SELECT 1 FROM interaction v_i WHERE v_i.id = ${alias}.interaction_id AND ${interaction('v_i')})`,
    // A patient's affiliation to a patient organisation reveals a condition: PATIENT_HEALTH of
    // the patient it names (`health_patient_id`, kept by a trigger from the ends' kinds).
    Affiliation: (alias) => `(${alias}.health_patient_id IS NULL OR ${patientConsent(`${alias}.health_patient_id`, ConsentScope.HEALTH)})`,
    Consent: (alias) => `${alias}.patient_id = :vPatient`,
    // A patient reads who accessed their record (not their own reads); everyone else but ADMIN nothing.
    AuditEvent: (alias) =>
      `(${alias}.patient_id = :vPatient AND NOT (${alias}.role = 'PATIENT' AND ${alias}.viewer_patient_id IS NOT DISTINCT FROM ${alias}.patient_id))`,
    Webhook: webhook,
    WebhookDelivery: (alias) => `EXISTS (SELECT 1 FROM webhook v_w WHERE v_w.id = ${alias}.webhook_id AND ${webhook('v_w')})`,
  };
  return { all: false, patientConsent, of: (type, alias) => rules[type](alias) };
}

/** The JS form of `activeConsentSql`, for a consent already read: neither withdrawn nor expired at `now`. */
export function isActiveConsent(consent: { withdrawnAt: Date | null; expiresAt: Date | null }, now = new Date()): boolean {
  return consent.withdrawnAt === null && (consent.expiresAt === null || consent.expiresAt > now);
}

/** The record types of the change feed: the records its events are about. */
export const FEED_RECORD_TYPES = ['Stakeholder', 'Partnership', 'Commitment', 'Contract', 'Interaction', 'Affiliation'] as const;
export type FeedRecordType = (typeof FEED_RECORD_TYPES)[number];

/**
 * The record rules of an engagement manager (`recordRules(viewer).of`) as a set: for the record
 * of `type` whose id is the SQL expression `idExpr`, a statement of rows (org, purpose) such
 * that an engagement manager of organisation O under purpose P may see the record exactly when
 * a row has org O or NULL (every organisation) and purpose P or NULL (any purpose). No row: no
 * organisation may (or the record is gone).
 *
 * The change feed's fan-out matches webhooks to these rows by organisation, where testing the
 * rule once per (event, webhook) cost about 3 µs a pair. The two forms must say the same:
 * test/record-audience.test.ts compares them on every record of generated data for every
 * organisation and purpose; a change to a rule above that it does not follow fails there.
 */
export function organisationAudience(type: FeedRecordType, idExpr: string): string {
  const every = (from: string): string => `SELECT NULL::uuid AS org, NULL::text AS purpose FROM ${from}`;
  const some = (column: string, from: string): string => `SELECT ${column} AS org, NULL::text AS purpose FROM ${from} AND ${column} IS NOT NULL`;
  const partnership = (pid: string): string[] => [
    every(`partnership a_p WHERE a_p.id = ${pid} AND a_p.visibility = 'ALLIANCE'`),
    some('a_m.stakeholder_id', `partnership_member a_m WHERE a_m.partnership_id = ${pid} AND a_m.left_at IS NULL`),
  ];
  const interaction = (iid: string): string[] => [
    some('a_i.recorded_by_org_id', `interaction a_i WHERE a_i.id = ${iid}`),
    some('a_ip.stakeholder_id', `interaction_participant a_ip WHERE a_ip.interaction_id = ${iid}`),
  ];
  const branches: Record<FeedRecordType, () => string[]> = {
    Stakeholder: () => [every(`stakeholder a_s WHERE a_s.id = ${idExpr}`)],
    Partnership: () => partnership(idExpr),
    Contract: () => [some('a_cp.stakeholder_id', `contract_party a_cp WHERE a_cp.contract_id = ${idExpr}`)],
    Interaction: () => [...interaction(idExpr), ...partnership(`(SELECT a_ix.partnership_id FROM interaction a_ix WHERE a_ix.id = ${idExpr})`)],
    Commitment: () => [
      some('a_c.committer_id', `commitment a_c WHERE a_c.id = ${idExpr}`),
      some('a_c.beneficiary_id', `commitment a_c WHERE a_c.id = ${idExpr}`),
      ...partnership(`(SELECT a_cx.partnership_id FROM commitment a_cx WHERE a_cx.id = ${idExpr})`),
      // A follow-up of an interaction, in no partnership: that interaction's recorder and participants.
      ...interaction(`(SELECT a_cf.interaction_id FROM commitment a_cf WHERE a_cf.id = ${idExpr} AND a_cf.partnership_id IS NULL)`),
    ],
    Affiliation: () => [
      every(`affiliation a_a WHERE a_a.id = ${idExpr} AND a_a.health_patient_id IS NULL`),
      // A patient's health link: whom their active HEALTH consents name (NULL: the whole alliance), for each purpose.
      `SELECT a_co.grantee_id AS org, a_pu.purpose FROM affiliation a_a JOIN consent a_co ON a_co.patient_id = a_a.health_patient_id
         CROSS JOIN unnest(a_co.purposes) AS a_pu(purpose)
        WHERE a_a.id = ${idExpr} AND '${ConsentScope.HEALTH}' = ANY(a_co.scopes) AND ${activeConsentSql('a_co')}`,
    ],
  };
  return branches[type]().join('\n UNION ALL ');
}
