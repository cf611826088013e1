import { Role } from '../src/access/viewer';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { ContractStatus } from '../src/modules/contract/contract.entity';
import { MemberRole, PartnershipType, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
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

const NETWORK = `
  query ($filter: MetricsFilter, $first: Int) {
    metrics(filter: $filter) {
      network {
        nodes edges density components largestComponent communities
        topByDegree(first: $first) { value stakeholder { name } }
        topByBetweenness(first: $first) { value stakeholder { name } }
      }
    }
  }`;
interface NetworkOut {
  metrics: {
    network: {
      nodes: number;
      edges: number;
      density: number;
      components: number;
      largestComponent: number;
      communities: number;
      topByDegree: { value: number; stakeholder: { name: string } }[];
      topByBetweenness: { value: number; stakeholder: { name: string } }[];
    };
  };
}
const STRENGTH = `
  query ($a: ID!, $b: ID!, $from: DateTimeISO) {
    metrics(from: $from) { relationshipStrength(a: $a, b: $b) { interactions lastInteractionAt score sharedPartnerships activeContracts } }
  }`;
interface StrengthOut {
  metrics: {
    relationshipStrength: { interactions: number; lastInteractionAt: string | null; score: number; sharedPartnerships: number; activeContracts: number } | null;
  };
}

const DAY = 86_400_000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);
const pairs = (list: { value: number; stakeholder: { name: string } }[]) => list.map((r) => [r.stakeholder.name, r.value]);

/**
 * The world as ADMIN sees it (a link = one undirected edge, however many records make it):
 *
 *   Alpha ─┬─ Beta         partnership P1 (ALLIANCE): Alpha, Beta, Gamma; and an ACTIVE contract Alpha–Beta
 *          └─ Gamma ─┘
 *   Gamma ─ Delta ─ Pony Org      affiliations
 *   Pony Org, Quill (patient), Omega    partnership P2 (PATIENT_PANEL, ALLIANCE)
 *   Beta ─ Omega                  partnership P3, MEMBERS only (hidden from outsiders)
 *
 * Not links: an affiliation to an archived stakeholder (Zed), a TERMINATED contract Alpha–Beta.
 *
 * ANALYST (no organisation) sees 8 links: the chain triangle {Alpha, Beta, Gamma} – Delta –
 * triangle {Pony Org, Quill, Omega}; ADMIN sees 9 (plus Beta–Omega).
 */
describe('Metrics.network and Metrics.relationshipStrength', () => {
  let alpha: Stakeholder;
  let beta: Stakeholder;
  let gamma: Stakeholder;
  let delta: Stakeholder;
  let pony: Stakeholder;
  let quill: Stakeholder;
  let omega: Stakeholder;
  let p3: { id: string };

  beforeAll(async () => {
    alpha = await make(StakeholderKind.COMPANY, 'Alpha');
    beta = await make(StakeholderKind.COMPANY, 'Beta');
    gamma = await make(StakeholderKind.COMPANY, 'Gamma');
    delta = await make(StakeholderKind.RESEARCH_ORGANISATION, 'Delta');
    pony = await make(StakeholderKind.PATIENT_ORGANISATION, 'Pony Org');
    quill = await make(StakeholderKind.PATIENT, 'Quill');
    omega = await make(StakeholderKind.COMPANY, 'Omega');
    const zed = await make(StakeholderKind.COMPANY, 'Zed', { archivedAt: new Date() });

    const p1 = (await makePartnership(app.db, [{ stakeholder: alpha }, { stakeholder: beta }, { stakeholder: gamma }])).partnership;
    await makeContract(app.db, [{ stakeholder: alpha }, { stakeholder: beta }], { status: ContractStatus.ACTIVE });
    await makeContract(app.db, [{ stakeholder: alpha }, { stakeholder: beta }], { status: ContractStatus.TERMINATED });
    await makeAffiliation(app.db, delta, gamma, { kind: AffiliationKind.ADVISES });
    await makeAffiliation(app.db, delta, pony, { kind: AffiliationKind.ADVISES });
    await makePartnership(app.db, [{ stakeholder: pony }, { stakeholder: quill, role: MemberRole.PATIENT_PARTNER }, { stakeholder: omega }], {
      type: PartnershipType.PATIENT_PANEL,
    });
    p3 = (await makePartnership(app.db, [{ stakeholder: beta }, { stakeholder: omega }], { visibility: PartnershipVisibility.MEMBERS })).partnership;
    await makeAffiliation(app.db, alpha, zed);

    // Alpha and Beta: one interaction in P1 everyone sees, one in no partnership (its participants' only),
    // one in the members-only P3, and one Beta is not in.
    await makeInteraction(app.db, [alpha, beta], { occurredAt: daysAgo(180), partnershipId: p1.id });
    await makeInteraction(app.db, [alpha, beta, gamma], { occurredAt: daysAgo(360) });
    await makeInteraction(app.db, [alpha, beta], { occurredAt: daysAgo(10), partnershipId: p3.id });
    await makeInteraction(app.db, [alpha, gamma], { occurredAt: daysAgo(1) });
  });

  const network = async (viewer = viewerOf(Role.ANALYST), vars: Record<string, unknown> = {}) =>
    dataOf<NetworkOut>(await app.run(NETWORK, vars, viewer)).metrics.network;

  describe('Metrics.network', () => {
    it('measures the graph ANALYST may see: members-only links, archived stakeholders and ended contracts left out', async () => {
      const n = await network();
      expect([n.nodes, n.edges, n.components, n.largestComponent]).toEqual([7, 8, 1, 7]);
      expect(n.density).toBeCloseTo(8 / 21, 10);
    });

    it('ranks by degree, then name, and never lists a patient for ANALYST', async () => {
      expect(pairs((await network()).topByDegree)).toEqual([
        ['Gamma', 3],
        ['Pony Org', 3],
        ['Alpha', 2],
        ['Beta', 2],
        ['Delta', 2],
        ['Omega', 2],
      ]);
      expect(pairs((await network(viewerOf(Role.ANALYST), { first: 2 })).topByDegree)).toEqual([
        ['Gamma', 3],
        ['Pony Org', 3],
      ]);
    });

    it('scores the bridges by betweenness: Delta lies on the paths of 9 of the 15 pairs of other stakeholders', async () => {
      const top = (await network()).topByBetweenness;
      expect(top.map((r) => r.stakeholder.name)).toEqual(['Delta', 'Gamma', 'Pony Org', 'Alpha', 'Beta', 'Omega']);
      expect(top.map((r) => r.value)).toEqual([9 / 15, 8 / 15, 8 / 15, 0, 0, 0].map((v) => expect.closeTo(v, 10)));
    });

    it('counts the members-only partnership and lists the patient for ADMIN', async () => {
      const n = await network(admin());
      expect([n.nodes, n.edges, n.components, n.largestComponent]).toEqual([7, 9, 1, 7]);
      expect(n.density).toBeCloseTo(9 / 21, 10);
      expect(pairs(n.topByDegree)).toEqual([
        ['Beta', 3],
        ['Gamma', 3],
        ['Omega', 3],
        ['Pony Org', 3],
        ['Alpha', 2],
        ['Delta', 2],
        ['Quill', 2],
      ]);
    });

    it('finds the same communities every time (seeded Louvain)', async () => {
      const n = await network();
      expect(n.communities).toBeGreaterThanOrEqual(2);
      expect(n.communities).toBeLessThanOrEqual(3);
      // A fresh computation (another scope) of the same graph gives the same count.
      const again = await network(viewerOf(Role.ANALYST, { orgId: delta.id }));
      expect(again.edges).toBe(8);
      expect(again.communities).toBe(n.communities);
    });

    it('scopes an ENGAGEMENT_MANAGER to the links their organisation takes part in', async () => {
      const n = await network(viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: beta.id }));
      // P1 (Alpha–Beta, Alpha–Gamma, Beta–Gamma), the contract Alpha–Beta, and P3 (Beta–Omega).
      expect([n.nodes, n.edges, n.components]).toEqual([4, 4, 1]);
      expect(pairs(n.topByDegree)).toEqual([
        ['Beta', 3],
        ['Alpha', 2],
        ['Gamma', 2],
        ['Omega', 1],
      ]);
      const outsider = await network(viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: gamma.id }));
      // P1 and Gamma's affiliation with Delta; never Beta–Omega.
      expect([outsider.nodes, outsider.edges]).toEqual([4, 4]);
      expect(pairs(outsider.topByDegree).map(([name]) => name)).toEqual(['Gamma', 'Alpha', 'Beta', 'Delta']);
    });

    it('applies the filter: kinds and countries to both ends, partnership types to partnership links', async () => {
      const companies = await network(viewerOf(Role.ANALYST), { filter: { stakeholderKinds: ['COMPANY'] } });
      expect([companies.nodes, companies.edges]).toEqual([3, 3]);
      const panels = await network(viewerOf(Role.ANALYST), { filter: { partnershipTypes: ['PATIENT_PANEL'] } });
      // P1 drops out; the affiliations Gamma–Delta–Pony Org and P2's triangle stay.
      expect([panels.nodes, panels.edges, panels.components]).toEqual([5, 5, 1]);
      const nowhere = await network(viewerOf(Role.ANALYST), { filter: { countries: ['FR'] } });
      expect([nowhere.nodes, nowhere.edges, nowhere.density, nowhere.components, nowhere.communities]).toEqual([0, 0, 0, 0, 0]);
    });

    it('is computed once per data version: a repeat costs one cheap statement, a new link is seen at once', async () => {
      const viewer = viewerOf(Role.ANALYST);
      await app.run(NETWORK, {}, viewer);
      const repeat = await app.runCounted<NetworkOut>(NETWORK, {}, viewer);
      expect(dataOf(repeat.result).metrics.network.edges).toBe(8);
      expect(repeat.statements.filter((s) => s.includes('stakeholder_edge'))).toEqual([]);

      const link = await makeAffiliation(app.db, alpha, delta, { kind: AffiliationKind.ADVISES });
      const changed = await app.runCounted<NetworkOut>(NETWORK, {}, viewer);
      expect(dataOf(changed.result).metrics.network.edges).toBe(9);
      expect(changed.statements.filter((s) => s.includes('stakeholder_edge'))).toHaveLength(1);
      await app.db.query('DELETE FROM affiliation WHERE id = $1', [link.id]);
      expect((await network(viewer)).edges).toBe(8);
    });

    it('keeps the statement count of the top lists independent of their length', async () => {
      const viewer = admin();
      await app.run(NETWORK, {}, viewer);
      const two = await app.runCounted(NETWORK, { first: 2 }, viewer);
      const seven = await app.runCounted(NETWORK, { first: 7 }, viewer);
      expect(seven.statements.length).toBe(two.statements.length);
    });

    it('rejects a first outside 1..100', async () => {
      expect(errorCodes(await app.run(NETWORK, { first: 0 }, admin()))).toEqual(['BAD_USER_INPUT']);
    });

    it('is for ADMIN, ANALYST and ENGAGEMENT_MANAGER only', async () => {
      expect(errorCodes(await app.run(NETWORK, {}, viewerOf(Role.PARTNER, { orgId: alpha.id })))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await app.run(NETWORK, {}, null))).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('Metrics.relationshipStrength', () => {
    const strength = async (a: string, b: string, viewer = admin(), from?: Date) =>
      dataOf<StrengthOut>(await app.run(STRENGTH, { a, b, ...(from ? { from: from.toISOString() } : {}) }, viewer)).metrics.relationshipStrength;

    it('counts shared interactions, recency-weighted, shared partnerships and active contracts (ADMIN)', async () => {
      const s = await strength(gid(alpha), gid(beta));
      expect(s).toMatchObject({ interactions: 3, sharedPartnerships: 1, activeContracts: 1 });
      expect(s?.score).toBeCloseTo(Math.exp(-1) + Math.exp(-2) + Math.exp(-10 / 180), 4);
      expect(Date.parse(s?.lastInteractionAt ?? '')).toBeGreaterThan(daysAgo(11).getTime());
      expect(Date.parse(s?.lastInteractionAt ?? '')).toBeLessThan(daysAgo(9).getTime());
    });

    it('counts only what ANALYST may see: not the members-only interaction, not the contract', async () => {
      // Nor the interaction without a partnership (360 days ago): only its participants, its recorder and ADMIN see it.
      const s = await strength(gid(alpha), gid(beta), viewerOf(Role.ANALYST));
      expect(s).toMatchObject({ interactions: 1, sharedPartnerships: 1, activeContracts: 0 });
      expect(s?.score).toBeCloseTo(Math.exp(-1), 4);
    });

    it('counts interactions within the period only', async () => {
      const s = await strength(gid(beta), gid(alpha), admin(), daysAgo(200));
      expect(s).toMatchObject({ interactions: 2, sharedPartnerships: 1, activeContracts: 1 });
      expect(s?.score).toBeCloseTo(Math.exp(-1) + Math.exp(-10 / 180), 4);
    });

    it('is zero for stakeholders that share nothing', async () => {
      expect(await strength(gid(beta), gid(delta))).toEqual({
        interactions: 0,
        lastInteractionAt: null,
        score: 0,
        sharedPartnerships: 0,
        activeContracts: 0,
      });
    });

    it("never shows a patient's relationships to anyone but ADMIN", async () => {
      expect(await strength(gid(quill), gid(pony), viewerOf(Role.ANALYST))).toBeNull();
      expect(await strength(gid(quill), gid(pony))).toMatchObject({ sharedPartnerships: 1 });
    });

    it('is null for an unknown or malformed id', async () => {
      expect(await strength(gid(alpha), gid({ id: '00000000-0000-4000-8000-000000000000' }))).toBeNull();
      expect(await strength(gid(alpha), 'nonsense')).toBeNull();
      expect(await strength(gid(alpha), gid(alpha))).toBeNull();
    });
  });
});
