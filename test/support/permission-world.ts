import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role, type Viewer } from '../../src/access/viewer';
import type { Affiliation } from '../../src/modules/affiliation/affiliation.entity';
import type { Commitment } from '../../src/modules/commitment/commitment.entity';
import { ConsentPurpose, ConsentScope } from '../../src/modules/consent/consent.entity';
import { ContractPartyRole, type Contract } from '../../src/modules/contract/contract.entity';
import type { Interaction } from '../../src/modules/interaction/interaction.entity';
import { MemberRole, PartnershipVisibility, type Partnership } from '../../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';
import { makeAffiliation } from './affiliation.factories';
import { viewerOf } from './app';
import { makeCommitment } from './commitment.factories';
import { makeConsent } from './consent.factories';
import { makeContract } from './contract.factories';
import { makeStakeholder } from './factories';
import { makeInteraction } from './interaction.factories';
import { makePartnership } from './partnership.factories';

/** What P1's sensitive fields hold; a viewer sees these values or null. */
export const P1_SECRETS = {
  displayName: 'Ada Quist',
  birthYear: 1984,
  email: 'ada.quist@example.org',
  phone: '+44 20 7946 0958',
  conditions: ['cystic fibrosis'],
} as const;

export const K_VALUE = { amount: 36_000_000, currency: 'EUR' } as const;
export const I_NOTES = 'secret notes';

/** Every viewer of the permission tables: role, organisation (or patient) and purpose of use. */
export type ViewerName =
  | 'ADMIN'
  | 'HelixCo EM'
  | 'HelixCo PARTNER'
  | 'HelixCo EM (RESEARCH_DESIGN)'
  | 'HelixCo PARTNER (RESEARCH_DESIGN)'
  | 'CFNet EM'
  | 'CFNet PARTNER'
  | 'NorthCo EM'
  | 'NorthCo PARTNER'
  | 'PATIENT P1'
  | 'PATIENT P2'
  | 'ANALYST';

export interface PermissionWorld {
  helix: Stakeholder;
  north: Stakeholder;
  cfnet: Stakeholder;
  /** The subject of the tables. */
  p1: Stakeholder;
  p2: Stakeholder;
  /** P1 MEMBER_OF CFNet: reveals P1's condition. */
  affiliation: Affiliation;
  /** ALLIANCE partnership of HelixCo (LEAD), CFNet and P1 (PATIENT_PARTNER). */
  pa: Partnership;
  /** MEMBERS partnership of NorthCo (LEAD) and P2. */
  pm: Partnership;
  /** HelixCo (SPONSOR) and P1 (RECIPIENT), worth K_VALUE. */
  k: Contract;
  /** Recorded by HelixCo, with HelixCo and P1, notes I_NOTES; in no partnership. */
  i: Interaction;
  /** NorthCo's commitment in PM. */
  c: Commitment;
  viewers: Record<ViewerName, Viewer>;
}

/**
 * The fixture world of the permission tables (DESIGN §3), straight through the repositories:
 * companies HelixCo and NorthCo, patient organisation CFNet, patients P1 and P2, P1's consents
 * (HelixCo: IDENTITY+CONTACT, CFNet: IDENTITY+CONTACT+HEALTH, both for PARTNERSHIP_COORDINATION;
 * none to NorthCo), and the records above. Names carry a random tag so that searches find only
 * this world's rows.
 */
export async function buildPermissionWorld(db: DataSource): Promise<PermissionWorld> {
  const tag = randomBytes(3).toString('hex');
  const helix = await makeStakeholder(db, StakeholderKind.COMPANY, { name: `HelixCo ${tag}` });
  const north = await makeStakeholder(db, StakeholderKind.COMPANY, { name: `NorthCo ${tag}` });
  const cfnet = await makeStakeholder(db, StakeholderKind.PATIENT_ORGANISATION, { name: `CFNet ${tag}` });
  const p1 = await makeStakeholder(db, StakeholderKind.PATIENT, {
    pseudonym: `subject-${tag}`,
    displayName: P1_SECRETS.displayName,
    birthYear: P1_SECRETS.birthYear,
    email: P1_SECRETS.email,
    phone: P1_SECRETS.phone,
    conditions: [...P1_SECRETS.conditions],
  });
  const p2 = await makeStakeholder(db, StakeholderKind.PATIENT, {
    pseudonym: `second-${tag}`,
    displayName: 'Bo Second',
    email: 'bo.second@example.org',
    conditions: ['asthma'],
  });

  const coordination = [ConsentPurpose.PARTNERSHIP_COORDINATION];
  await makeConsent(db, p1, { granteeId: helix.id, scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT], purposes: coordination });
  await makeConsent(db, p1, {
    granteeId: cfnet.id,
    scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT, ConsentScope.HEALTH],
    purposes: coordination,
  });
  const affiliation = await makeAffiliation(db, p1, cfnet);

  const { partnership: pa } = await makePartnership(
    db,
    [{ stakeholder: helix, role: MemberRole.LEAD }, { stakeholder: cfnet }, { stakeholder: p1, role: MemberRole.PATIENT_PARTNER }],
    { title: `Alliance-wide panel ${tag}`, visibility: PartnershipVisibility.ALLIANCE },
  );
  const { partnership: pm } = await makePartnership(
    db,
    [{ stakeholder: north, role: MemberRole.LEAD }, { stakeholder: p2, role: MemberRole.PATIENT_PARTNER }],
    { title: `Members-only board ${tag}`, visibility: PartnershipVisibility.MEMBERS },
  );
  const k = await makeContract(
    db,
    [
      { stakeholder: helix, role: ContractPartyRole.SPONSOR },
      { stakeholder: p1, role: ContractPartyRole.RECIPIENT },
    ],
    { title: `Advisory fees ${tag}`, valueAmount: K_VALUE.amount, valueCurrency: K_VALUE.currency },
  );
  const i = await makeInteraction(db, [helix, p1], { recordedByOrgId: helix.id, notes: I_NOTES, summary: 'Kick-off' });
  const c = await makeCommitment(db, north, { partnershipId: pm.id, title: `NorthCo pledge ${tag}` });

  const research = ConsentPurpose.RESEARCH_DESIGN;
  const viewers: Record<ViewerName, Viewer> = {
    ADMIN: viewerOf(Role.ADMIN),
    'HelixCo EM': viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: helix.id }),
    'HelixCo PARTNER': viewerOf(Role.PARTNER, { orgId: helix.id }),
    'HelixCo EM (RESEARCH_DESIGN)': viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: helix.id, purpose: research }),
    'HelixCo PARTNER (RESEARCH_DESIGN)': viewerOf(Role.PARTNER, { orgId: helix.id, purpose: research }),
    'CFNet EM': viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: cfnet.id }),
    'CFNet PARTNER': viewerOf(Role.PARTNER, { orgId: cfnet.id }),
    'NorthCo EM': viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: north.id }),
    'NorthCo PARTNER': viewerOf(Role.PARTNER, { orgId: north.id }),
    'PATIENT P1': viewerOf(Role.PATIENT, { patientId: p1.id }),
    'PATIENT P2': viewerOf(Role.PATIENT, { patientId: p2.id }),
    ANALYST: viewerOf(Role.ANALYST),
  };
  return { helix, north, cfnet, p1, p2, affiliation, pa, pm, k, i, c, viewers };
}
