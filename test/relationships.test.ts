import { Role } from '../src/access/viewer';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { ContractStatus } from '../src/modules/contract/contract.entity';
import { MemberRole, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { makeAffiliation } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { makeInteraction } from './support/interaction.factories';
import { makePartnership } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const make = (kind: StakeholderKind, name: string, fields: Partial<Stakeholder> = {}) =>
  makeStakeholder(app.db, kind, kind === StakeholderKind.PATIENT ? { pseudonym: name, ...fields } : { name, ...fields });

const STRONGEST = `
  query ($id: ID!, $first: Int, $from: DateTimeISO) {
    metrics(from: $from) {
      strongestRelationships(stakeholderId: $id, first: $first) {
        score interactions sharedPartnerships activeContracts stakeholder { name }
      }
    }
  }`;
interface Row {
  score: number;
  interactions: number;
  sharedPartnerships: number;
  activeContracts: number;
  stakeholder: { name: string };
}
const REACH = `
  query ($id: ID!, $hops: Int) {
    metrics { reach(stakeholderId: $id, hops: $hops) { byHop { hops stakeholders } total } }
  }`;
interface ReachOut {
  byHop: { hops: number; stakeholders: number }[];
  total: number;
}

const DAY = 86_400_000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);
const w = (days: number): number => Math.exp(-days / 180);

/** [name, score, interactions, sharedPartnerships, activeContracts] */
const rows = (list: Row[]) => list.map((r) => [r.stakeholder.name, r.score, r.interactions, r.sharedPartnerships, r.activeContracts]);
const expected = (list: [string, number, number, number, number][]) =>
  list.map(([name, score, ...rest]) => [name, expect.closeTo(score, 4) as unknown, ...rest]);

/**
 * Alpha's world (ADMIN's view):
 *   P1 (ALLIANCE): Alpha, Beta, Gamma, Quill (patient)     P3 (MEMBERS only): Alpha, Omega
 *   P4 (ALLIANCE): Alpha, and Delta who has left it
 *   contracts: Alpha–Beta ACTIVE, Alpha–Gamma TERMINATED, Alpha–Sigma ACTIVE
 *   interactions with Alpha: Beta 180 days ago (in P1); Gamma and Quill together 1 day ago;
 *     Omega 10 days ago (in P3); Delta 400 days ago; Zed (archived) 5 days ago
 *   affiliations: Gamma → Delta → Pony Org, Omega → Rho, Alpha → Zed (archived); Lone has none
 */
describe('Metrics.strongestRelationships and Metrics.reach', () => {
  let alpha: Stakeholder;
  let beta: Stakeholder;
  let gamma: Stakeholder;
  let quill: Stakeholder;
  let omega: Stakeholder;
  let lone: Stakeholder;

  beforeAll(async () => {
    alpha = await make(StakeholderKind.COMPANY, 'Alpha');
    beta = await make(StakeholderKind.COMPANY, 'Beta');
    gamma = await make(StakeholderKind.COMPANY, 'Gamma');
    const delta = await make(StakeholderKind.RESEARCH_ORGANISATION, 'Delta');
    const pony = await make(StakeholderKind.PATIENT_ORGANISATION, 'Pony Org');
    quill = await make(StakeholderKind.PATIENT, 'Quill');
    omega = await make(StakeholderKind.COMPANY, 'Omega');
    const rho = await make(StakeholderKind.COMPANY, 'Rho');
    const sigma = await make(StakeholderKind.COMPANY, 'Sigma');
    lone = await make(StakeholderKind.COMPANY, 'Lone');
    const zed = await make(StakeholderKind.COMPANY, 'Zed', { archivedAt: new Date() });

    const p1 = (
      await makePartnership(app.db, [{ stakeholder: alpha }, { stakeholder: beta }, { stakeholder: gamma }, { stakeholder: quill, role: MemberRole.PATIENT_PARTNER }])
    ).partnership;
    const p3 = (await makePartnership(app.db, [{ stakeholder: alpha }, { stakeholder: omega }], { visibility: PartnershipVisibility.MEMBERS })).partnership;
    await makePartnership(app.db, [{ stakeholder: alpha }, { stakeholder: delta, joinedAt: '2024-01-01', leftAt: '2024-06-01' }]);
    await makeContract(app.db, [{ stakeholder: alpha }, { stakeholder: beta }], { status: ContractStatus.ACTIVE });
    await makeContract(app.db, [{ stakeholder: alpha }, { stakeholder: gamma }], { status: ContractStatus.TERMINATED });
    await makeContract(app.db, [{ stakeholder: alpha }, { stakeholder: sigma }], { status: ContractStatus.ACTIVE });

    await makeInteraction(app.db, [alpha, beta], { occurredAt: daysAgo(180), partnershipId: p1.id });
    await makeInteraction(app.db, [alpha, gamma, quill], { occurredAt: daysAgo(1) });
    await makeInteraction(app.db, [alpha, omega], { occurredAt: daysAgo(10), partnershipId: p3.id });
    await makeInteraction(app.db, [alpha, delta], { occurredAt: daysAgo(400) });
    await makeInteraction(app.db, [alpha, zed], { occurredAt: daysAgo(5) });

    await makeAffiliation(app.db, gamma, delta, { kind: AffiliationKind.ADVISES });
    await makeAffiliation(app.db, delta, pony, { kind: AffiliationKind.ADVISES });
    await makeAffiliation(app.db, omega, rho, { kind: AffiliationKind.ADVISES });
    await makeAffiliation(app.db, alpha, zed);
  });

  describe('Metrics.strongestRelationships', () => {
    const strongest = async (id: string, viewer = admin(), vars: Record<string, unknown> = {}) =>
      dataOf<{ metrics: { strongestRelationships: Row[] } }>(await app.run(STRONGEST, { id, ...vars }, viewer)).metrics.strongestRelationships;

    it('ranks every partner by score, then interactions, partnerships, contracts and name (ADMIN)', async () => {
      expect(rows(await strongest(gid(alpha)))).toEqual(
        expected([
          ['Gamma', w(1), 1, 1, 0],
          ['Quill', w(1), 1, 1, 0],
          ['Omega', w(10), 1, 1, 0],
          ['Beta', w(180), 1, 1, 1],
          ['Delta', w(400), 1, 0, 0],
          ['Sigma', 0, 0, 0, 1],
        ]),
      );
    });

    it('returns the first N only', async () => {
      expect((await strongest(gid(alpha), admin(), { first: 2 })).map((r) => r.stakeholder.name)).toEqual(['Gamma', 'Quill']);
    });

    it('counts interactions within the period only; a partner left with nothing drops out', async () => {
      expect(rows(await strongest(gid(alpha), admin(), { from: daysAgo(200).toISOString() }))).toEqual(
        expected([
          ['Gamma', w(1), 1, 1, 0],
          ['Quill', w(1), 1, 1, 0],
          ['Omega', w(10), 1, 1, 0],
          ['Beta', w(180), 1, 1, 1],
          ['Sigma', 0, 0, 0, 1],
        ]),
      );
    });

    it('for ANALYST: no patient, nothing of the members-only partnership, no contracts', async () => {
      // Nor the interactions without a partnership (with Gamma and Quill, with Delta): only their
      // participants, their recorder and ADMIN see them, so Delta, left with nothing, drops out.
      expect(rows(await strongest(gid(alpha), viewerOf(Role.ANALYST)))).toEqual(
        expected([
          ['Beta', w(180), 1, 1, 0],
          ['Gamma', 0, 0, 1, 0],
        ]),
      );
    });

    it("scopes an ENGAGEMENT_MANAGER to records their organisation takes part in", async () => {
      expect(rows(await strongest(gid(alpha), viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: beta.id })))).toEqual(
        expected([
          ['Beta', w(180), 1, 1, 1],
          ['Gamma', 0, 0, 1, 0],
        ]),
      );
      expect(rows(await strongest(gid(alpha), viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: omega.id })))).toEqual(expected([['Omega', w(10), 1, 1, 0]]));
    });

    it("lists a patient's relationships to ADMIN only", async () => {
      expect(await strongest(gid(quill), viewerOf(Role.ANALYST))).toEqual([]);
      expect(rows(await strongest(gid(quill)))).toEqual(
        expected([
          ['Alpha', w(1), 1, 1, 0],
          ['Gamma', w(1), 1, 1, 0],
          ['Beta', 0, 0, 1, 0],
        ]),
      );
    });

    it('is empty for an unknown, malformed or unlinked stakeholder', async () => {
      expect(await strongest(gid({ id: '00000000-0000-4000-8000-000000000000' }))).toEqual([]);
      expect(await strongest('nonsense')).toEqual([]);
      expect(await strongest(gid(lone))).toEqual([]);
    });

    it('rejects a first outside 1..50', async () => {
      expect(errorCodes(await app.run(STRONGEST, { id: gid(alpha), first: 51 }, admin()))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await app.run(STRONGEST, { id: gid(alpha), first: 0 }, admin()))).toEqual(['BAD_USER_INPUT']);
    });

    it('costs one statement for the ranking and one for the stakeholders, however long the list', async () => {
      const two = await app.runCounted(STRONGEST, { id: gid(alpha), first: 2 }, admin());
      const six = await app.runCounted(STRONGEST, { id: gid(alpha), first: 6 }, admin());
      expect(six.statements).toHaveLength(2);
      expect(two.statements).toHaveLength(2);
      expect(two.statements.filter((s) => s.includes('interaction_participant'))).toHaveLength(1);
    });

    it('is for ADMIN, ANALYST and ENGAGEMENT_MANAGER only', async () => {
      expect(errorCodes(await app.run(STRONGEST, { id: gid(alpha) }, viewerOf(Role.PARTNER, { orgId: alpha.id })))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await app.run(STRONGEST, { id: gid(alpha) }, null))).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('Metrics.reach', () => {
    const reach = async (id: string, viewer = admin(), hops?: number) =>
      dataOf<{ metrics: { reach: ReachOut | null } }>(await app.run(REACH, { id, ...(hops ? { hops } : {}) }, viewer)).metrics.reach;

    it('counts the stakeholders first reached at each distance (ADMIN), not the archived one', async () => {
      expect(await reach(gid(alpha), admin(), 3)).toEqual({
        byHop: [
          { hops: 1, stakeholders: 5 },
          { hops: 2, stakeholders: 2 },
          { hops: 3, stakeholders: 1 },
        ],
        total: 8,
      });
    });

    it('walks only the links ANALYST may see: not the members-only partnership, not the contracts', async () => {
      expect(await reach(gid(alpha), viewerOf(Role.ANALYST), 3)).toEqual({
        byHop: [
          { hops: 1, stakeholders: 3 },
          { hops: 2, stakeholders: 1 },
          { hops: 3, stakeholders: 1 },
        ],
        total: 5,
      });
    });

    it('defaults to two hops', async () => {
      expect(await reach(gid(alpha), viewerOf(Role.ANALYST))).toEqual({
        byHop: [
          { hops: 1, stakeholders: 3 },
          { hops: 2, stakeholders: 1 },
        ],
        total: 4,
      });
    });

    it("scopes an ENGAGEMENT_MANAGER to the links of records their organisation takes part in", async () => {
      expect(await reach(gid(alpha), viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: omega.id }), 3)).toEqual({
        byHop: [
          { hops: 1, stakeholders: 1 },
          { hops: 2, stakeholders: 1 },
          { hops: 3, stakeholders: 0 },
        ],
        total: 2,
      });
    });

    it("gives a patient's reach to ADMIN only", async () => {
      expect(await reach(gid(quill), viewerOf(Role.ANALYST))).toBeNull();
      expect((await reach(gid(quill), admin(), 1))?.byHop).toEqual([{ hops: 1, stakeholders: 3 }]);
    });

    it('is zero for an unlinked stakeholder and null for an unknown one', async () => {
      expect(await reach(gid(lone), viewerOf(Role.ANALYST))).toEqual({
        byHop: [
          { hops: 1, stakeholders: 0 },
          { hops: 2, stakeholders: 0 },
        ],
        total: 0,
      });
      expect(await reach(gid({ id: '00000000-0000-4000-8000-000000000000' }))).toBeNull();
      expect(await reach('nonsense')).toBeNull();
    });

    it('is one statement', async () => {
      const counted = await app.runCounted(REACH, { id: gid(alpha), hops: 3 }, viewerOf(Role.ANALYST));
      expect(counted.statements).toHaveLength(1);
    });

    it('rejects hops outside 1..3', async () => {
      expect(errorCodes(await app.run(REACH, { id: gid(alpha), hops: 4 }, admin()))).toEqual(['BAD_USER_INPUT']);
    });
  });
});
