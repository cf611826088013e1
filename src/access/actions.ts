import { forbidden, unauthenticated } from '../graphql/errors';
import type { StakeholderKind } from '../modules/stakeholder/stakeholder.entity';
import type { Scope } from './scope';
import { Role, type Viewer } from './viewer';

/**
 * Every write is a named action (DESIGN §3, CONVENTIONS 13): who may call its mutation at all
 * (`roles`, from which the shield rule of the mutation is derived) and who may perform it on this
 * record (`check`). Services call `authorize(scope, action, record)` before they write; a denial
 * is FORBIDDEN and changes nothing. This is where the audit of writes hooks in.
 */

/** Reference data (regulators, HTA bodies) is kept by the secretariat. */
const ADMIN_ONLY_KINDS: ReadonlySet<string> = new Set(['REGULATOR', 'HTA_BODY']);

/** What each action is decided on. Ids are database ids (null: a reference that did not open). */
export interface ActionRecords {
  'stakeholder:create': { kind: StakeholderKind };
  'stakeholder:update': { id: string; kind: StakeholderKind; erasedAt?: Date | null };
  'stakeholder:archive': { id: string };
  'partnership:propose': { memberIds: readonly (string | null)[] };
  'partnership:changeStatus': { partnershipId: string };
  'partnership:addMember': { partnershipId: string };
  'partnership:removeMember': { partnershipId: string };
  'partnership:assessQuality': { partnershipId: string };
  'commitment:make': { committerId: string | null; partnershipId: string | null };
  'commitment:changeStatus': { committerId: string; partnershipId: string | null };
  'contract:draft': { partyIds: readonly (string | null)[] };
  'contract:sign': { partyId: string };
  'contract:terminate': { partyIds: readonly string[] };
  'interaction:record': { participantIds: readonly (string | null)[] };
  'affiliation:add': { fromId: string; toId: string };
  'affiliation:end': { fromId: string; toId: string };
  'consent:grant': { patientId: string };
  'consent:withdraw': { patientId: string };
  'patient:erase': { patientId: string };
  'webhook:create': { organisationId: string | null };
  'webhook:rotateSecret': { organisationId: string };
  'webhook:delete': { organisationId: string };
  /** A bulk import as a whole; each row then asks the action of the mutation it stands for (src/modules/transfer/). */
  'transfer:import': Record<string, never>;
}
export type Action = keyof ActionRecords;

interface ActionRule<R> {
  /** The mutation that performs it. */
  mutation: string;
  /** Roles that may call the mutation at all (the shield rule of the mutation). */
  roles: Role[];
  /** Why this viewer may not act on this record, or null when they may. Runs after the role check. */
  check?: (scope: Scope, viewer: Viewer, record: R) => Promise<string | null> | string | null;
}

const isAdmin = (viewer: Viewer): boolean => viewer.role === Role.ADMIN;

/** ADMIN, or an engagement manager acting for one of `orgIds`. */
const actsForOneOf =
  (what: string) =>
  (viewer: Viewer, orgIds: readonly (string | null | undefined)[]): string | null =>
    isAdmin(viewer) || (viewer.role === Role.ENGAGEMENT_MANAGER && viewer.orgId !== null && orgIds.includes(viewer.orgId))
      ? null
      : `Only ADMIN or an engagement manager of ${what} may do this.`;

const ofPartnershipMember = actsForOneOf('a member organisation of this partnership');
const ofParty = actsForOneOf('a party of this contract');

/** ADMIN, or an engagement manager of a current member of the partnership. Read fresh, not through the loaders. */
async function actsForPartnership(scope: Scope, viewer: Viewer, partnershipId: string): Promise<string | null> {
  if (isAdmin(viewer)) return null;
  return ofPartnershipMember(viewer, await scope.currentMemberIds(partnershipId));
}

/** ADMIN, or an engagement manager of the committer or of a current member of its partnership. */
async function actsForCommitment(scope: Scope, viewer: Viewer, r: { committerId: string | null; partnershipId: string | null }) {
  const refused = actsForOneOf('the committing organisation or of a member of its partnership');
  if (isAdmin(viewer) || refused(viewer, [r.committerId]) === null) return null;
  return refused(viewer, r.partnershipId ? await scope.currentMemberIds(r.partnershipId) : []);
}

/**
 * A patient's affiliation to a patient organisation is health data: recording one needs the right
 * to see it (the affiliation's own record rule, asked of the link to be), or the answer (a
 * CONFLICT for an existing hidden one, a record one cannot see afterwards) would tell what the
 * viewer may not know.
 */
async function mayRecordAffiliation(scope: Scope, r: { fromId: string; toId: string }): Promise<string | null> {
  const [row] = await scope.sql<{ visible: boolean }>(
    `SELECT ${scope.rule('Affiliation', 'a')} AS visible
       FROM (SELECT affiliation_health_patient(CAST(:fromId AS uuid), CAST(:toId AS uuid)) AS health_patient_id) a`,
    r,
  );
  return row.visible ? null : "Recording a patient's affiliation to a patient organisation needs the patient's HEALTH consent for your organisation.";
}

/**
 * A quality assessment is a member's own view of the partnership (docs/metrics.md, "Quality"): an
 * engagement manager for their organisation, a patient for themself, each a current member. The
 * secretariat is no member and has no view of its own to give.
 */
async function assessesAsMember(scope: Scope, viewer: Viewer, partnershipId: string): Promise<string | null> {
  const assessor = viewer.role === Role.PATIENT ? viewer.patientId : viewer.role === Role.ENGAGEMENT_MANAGER ? viewer.orgId : null;
  if (assessor !== null && (await scope.currentMemberIds(partnershipId)).includes(assessor)) return null;
  return 'Only an engagement manager of a current member organisation, or a current patient member, may assess this partnership.';
}

const patientThemself = (viewer: Viewer, patientId: string): string | null =>
  isAdmin(viewer) || (viewer.role === Role.PATIENT && viewer.patientId === patientId) ? null : 'Only the patient themself or ADMIN may do this.';

const MANAGERS = [Role.ADMIN, Role.ENGAGEMENT_MANAGER];

const ownWebhook = (viewer: Viewer, organisationId: string | null): string | null =>
  viewer.orgId !== null && viewer.orgId === organisationId ? null : "Only an engagement manager of the webhook's organisation may do this.";

export const ACTIONS: { [A in Action]: ActionRule<ActionRecords[A]> } = {
  'stakeholder:create': {
    mutation: 'createStakeholder',
    roles: MANAGERS,
    check: (_s, viewer, r) => (!isAdmin(viewer) && ADMIN_ONLY_KINDS.has(r.kind) ? `Only ADMIN registers a ${r.kind}.` : null),
  },
  'stakeholder:update': {
    mutation: 'updateStakeholder',
    roles: [Role.ADMIN, Role.ENGAGEMENT_MANAGER, Role.PATIENT],
    check: (_s, viewer, r) => {
      // An erased patient is a tombstone (GDPR Art. 17): refilling it would undo the erasure.
      if (r.erasedAt) return 'This patient was erased: the record can no longer be changed.';
      if (isAdmin(viewer)) return null;
      if (ADMIN_ONLY_KINDS.has(r.kind)) return `Only ADMIN edits a ${r.kind}.`;
      if (viewer.role === Role.PATIENT && viewer.patientId === r.id) return null;
      return actsForOneOf('this organisation')(viewer, [r.id]);
    },
  },
  'stakeholder:archive': { mutation: 'archiveStakeholder', roles: [Role.ADMIN] },
  'partnership:propose': {
    mutation: 'proposePartnership',
    roles: MANAGERS,
    check: (_s, viewer, r) => actsForOneOf('one of the proposed members')(viewer, r.memberIds),
  },
  'partnership:changeStatus': { mutation: 'changePartnershipStatus', roles: MANAGERS, check: (s, v, r) => actsForPartnership(s, v, r.partnershipId) },
  'partnership:addMember': { mutation: 'addPartnershipMember', roles: MANAGERS, check: (s, v, r) => actsForPartnership(s, v, r.partnershipId) },
  'partnership:removeMember': { mutation: 'removePartnershipMember', roles: MANAGERS, check: (s, v, r) => actsForPartnership(s, v, r.partnershipId) },
  'partnership:assessQuality': {
    mutation: 'assessPartnershipQuality',
    roles: [Role.ENGAGEMENT_MANAGER, Role.PATIENT],
    check: (s, v, r) => assessesAsMember(s, v, r.partnershipId),
  },
  'commitment:make': { mutation: 'makeCommitment', roles: MANAGERS, check: actsForCommitment },
  'commitment:changeStatus': { mutation: 'changeCommitmentStatus', roles: MANAGERS, check: actsForCommitment },
  'contract:draft': { mutation: 'draftContract', roles: MANAGERS, check: (_s, viewer, r) => ofParty(viewer, r.partyIds) },
  'contract:sign': {
    mutation: 'signContract',
    // A patient party signs for themself.
    roles: [Role.ADMIN, Role.ENGAGEMENT_MANAGER, Role.PATIENT],
    check: (_s, viewer, r) =>
      isAdmin(viewer) ||
      (viewer.role === Role.ENGAGEMENT_MANAGER && viewer.orgId === r.partyId) ||
      (viewer.role === Role.PATIENT && viewer.patientId === r.partyId)
        ? null
        : 'An engagement manager signs only for their own organisation, a patient only for themself.',
  },
  'contract:terminate': { mutation: 'terminateContract', roles: MANAGERS, check: (_s, viewer, r) => ofParty(viewer, r.partyIds) },
  'interaction:record': {
    mutation: 'recordInteraction',
    roles: MANAGERS,
    check: (_s, viewer, r) => actsForOneOf('a participating organisation')(viewer, r.participantIds),
  },
  'affiliation:add': {
    mutation: 'addAffiliation',
    roles: MANAGERS,
    check: async (scope, viewer, r) => actsForOneOf('either stakeholder')(viewer, [r.fromId, r.toId]) ?? (await mayRecordAffiliation(scope, r)),
  },
  'affiliation:end': {
    mutation: 'endAffiliation',
    roles: MANAGERS,
    check: (_s, viewer, r) => actsForOneOf('either stakeholder')(viewer, [r.fromId, r.toId]),
  },
  'consent:grant': { mutation: 'grantConsent', roles: [Role.ADMIN, Role.PATIENT], check: (_s, viewer, r) => patientThemself(viewer, r.patientId) },
  'consent:withdraw': { mutation: 'withdrawConsent', roles: [Role.ADMIN, Role.PATIENT], check: (_s, viewer, r) => patientThemself(viewer, r.patientId) },
  // GDPR Art. 17: the secretariat, or the patient for themself.
  'patient:erase': { mutation: 'erasePatient', roles: [Role.ADMIN, Role.PATIENT], check: (_s, viewer, r) => patientThemself(viewer, r.patientId) },
  // Deliveries run as the organisation's engagement managers see the graph; ADMIN, who sees every
  // record unredacted, has no organisation to deliver to (README "Notifications").
  'webhook:create': { mutation: 'createWebhook', roles: [Role.ENGAGEMENT_MANAGER], check: (_s, viewer, r) => ownWebhook(viewer, r.organisationId) },
  'webhook:rotateSecret': {
    mutation: 'rotateWebhookSecret',
    roles: [Role.ENGAGEMENT_MANAGER],
    check: (_s, viewer, r) => ownWebhook(viewer, r.organisationId),
  },
  'webhook:delete': { mutation: 'deleteWebhook', roles: [Role.ENGAGEMENT_MANAGER], check: (_s, viewer, r) => ownWebhook(viewer, r.organisationId) },
  // Who may import at all; every row is then authorised as its own mutation (createStakeholder,
  // addAffiliation, proposePartnership, grantConsent …), so an import can do nothing the API would refuse.
  'transfer:import': { mutation: 'importRecords', roles: MANAGERS },
};

/** The record type an action's own record is (`<prefix>:…`). */
const ACTION_RECORD_TYPE: Record<string, string> = {
  stakeholder: 'Stakeholder',
  patient: 'Stakeholder',
  partnership: 'Partnership',
  commitment: 'Commitment',
  contract: 'Contract',
  interaction: 'Interaction',
  affiliation: 'Affiliation',
  consent: 'Consent',
  webhook: 'Webhook',
};

/** What a denied action was about: its record, else its partnership, else its patient. */
function deniedTarget(action: Action, record: object): { targetType: string | null; targetId: string | null; patientId: string | null } {
  const r = record as { id?: unknown; kind?: unknown; partnershipId?: unknown; patientId?: unknown };
  const patientId = typeof r.patientId === 'string' ? r.patientId : r.kind === 'PATIENT' && typeof r.id === 'string' ? r.id : null;
  if (typeof r.id === 'string') return { targetType: ACTION_RECORD_TYPE[action.split(':')[0]] ?? null, targetId: r.id, patientId };
  if (typeof r.partnershipId === 'string') return { targetType: 'Partnership', targetId: r.partnershipId, patientId };
  if (patientId) return { targetType: 'Stakeholder', targetId: patientId, patientId };
  return { targetType: null, targetId: null, patientId: null };
}

/**
 * May the request's viewer perform `action` on `record`? Throws UNAUTHENTICATED without a viewer
 * and FORBIDDEN (with the reason) when not; returns the acting viewer otherwise.
 */
export async function authorize<A extends Action>(scope: Scope, action: A, record: ActionRecords[A]): Promise<Viewer> {
  const viewer = scope.viewer;
  if (!viewer) throw unauthenticated();
  const rule = ACTIONS[action] as ActionRule<ActionRecords[A]>;
  const refused = rule.roles.includes(viewer.role)
    ? rule.check
      ? await rule.check(scope, viewer, record)
      : null
    : `This needs one of the roles ${rule.roles.join(', ')}.`;
  if (refused) {
    // A denial changes nothing; it is recorded after the response, naming what it was about.
    scope.audit.record({ action, outcome: 'denied', ...deniedTarget(action, record) });
    throw forbidden(refused);
  }
  return viewer;
}

/**
 * A request on behalf of a patient that is no mutation (the GDPR export, `exportMyData`): ADMIN,
 * or the patient themself (the shield rule `patientOrAdmin` has already refused other roles).
 * A refusal is recorded as denied, about the patient, and is FORBIDDEN.
 */
export function authorizeForPatient(scope: Scope, action: 'gdpr:export', patientId: string): Viewer {
  const viewer = scope.viewer;
  if (!viewer) throw unauthenticated();
  const refused = patientThemself(viewer, patientId);
  if (refused) {
    scope.audit.record({ action, outcome: 'denied', targetType: 'Stakeholder', targetId: patientId, patientId });
    throw forbidden(refused);
  }
  return viewer;
}
