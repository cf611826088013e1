import Graph from 'graphology';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { Role } from '../src/access/viewer';
import { ConfigError, DEFAULT_BETWEENNESS_PIVOTS, loadConfig } from '../src/config';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { ContractStatus } from '../src/modules/contract/contract.entity';
import { MemberRole, PartnershipType, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { configureNetwork, stopNetworkWorker } from '../src/modules/metrics/network.service';
import { NetworkWorker, NetworkWorkerError } from '../src/modules/metrics/network.thread';
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
afterAll(async () => {
  await stopNetworkWorker();
  await app.close();
});

const make = (kind: StakeholderKind, name: string, fields: Partial<Stakeholder> = {}) =>
  makeStakeholder(app.db, kind, kind === StakeholderKind.PATIENT ? { pseudonym: name, ...fields } : { name, ...fields });

const NETWORK = `
  query ($filter: MetricsFilter, $first: Int) {
    metrics(filter: $filter) {
      network {
        nodes edges density components largestComponent communities betweennessSources
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
      betweennessSources: number;
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

    it('computes in the worker thread what graphology computes in process (exact below the pivot count)', async () => {
      const n = await network(admin(), { first: 100 });
      const links = (await app.db.query(
        `SELECT DISTINCT sa.name AS a, sb.name AS b FROM stakeholder_edge e
           JOIN stakeholder sa ON sa.id = e.source_id AND sa.archived_at IS NULL
           JOIN stakeholder sb ON sb.id = e.target_id AND sb.archived_at IS NULL
          WHERE e.source_id < e.target_id`,
      )) as { a: string; b: string }[];
      const graph = new Graph({ type: 'undirected' });
      for (const { a, b } of links) graph.mergeEdge(a, b);
      const exact = betweennessCentrality(graph, { getEdgeWeight: null });
      expect(n.betweennessSources).toBe(graph.order);
      expect([n.nodes, n.edges]).toEqual([graph.order, graph.size]);
      expect(Object.fromEntries(pairs(n.topByDegree))).toEqual(Object.fromEntries(graph.mapNodes((name) => [name, graph.degree(name)])));
      expect(n.topByBetweenness).toHaveLength(graph.order);
      for (const { stakeholder, value } of n.topByBetweenness) expect(value).toBeCloseTo(exact[stakeholder.name], 12);
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

/**
 * A graph with a clear hub structure (its own database): three hubs of six leaves each, joined in
 * a chain through two bridges, all in Norway:
 *
 *   leaves ─ Hub A ─ Bridge AB ─ Hub B ─ Bridge BC ─ Hub C ─ leaves
 *                                  │
 *                                leaves
 *
 * Exact betweenness (pairs of other stakeholders through it, of 231): Hub B 175, Hub A and Hub C
 * 111 each, the bridges 105 each, a leaf 0. Whatever sources are sampled, every hub and bridge
 * lies on some of their shortest paths and no leaf lies on any, so the top five are the same set.
 */
describe('Metrics.network above NETWORK_BETWEENNESS_PIVOTS: sampled betweenness in the worker thread', () => {
  let hubApp: TestApp;
  const HUB_NAMES = ['Hub A', 'Hub B', 'Hub C', 'Bridge AB', 'Bridge BC'];

  beforeAll(async () => {
    hubApp = await createTestApp();
    const make = (name: string) => makeStakeholder(hubApp.db, StakeholderKind.COMPANY, { name, country: 'NO' });
    const link = (a: Stakeholder, b: Stakeholder) => makeAffiliation(hubApp.db, a, b, { kind: AffiliationKind.ADVISES });
    const [hubA, hubB, hubC, bridgeAB, bridgeBC] = await Promise.all(HUB_NAMES.map(make));
    for (const [a, b] of [
      [hubA, bridgeAB],
      [bridgeAB, hubB],
      [hubB, bridgeBC],
      [bridgeBC, hubC],
    ]) {
      await link(a, b);
    }
    for (const [hub, letter] of [
      [hubA, 'A'],
      [hubB, 'B'],
      [hubC, 'C'],
    ] as const) {
      for (let i = 1; i <= 6; i++) await link(await make(`Leaf ${letter}${i}`), hub);
    }
  });
  afterAll(async () => {
    configureNetwork({ betweennessPivots: DEFAULT_BETWEENNESS_PIVOTS });
    await hubApp.close();
  });

  const hubNetwork = async (viewer = admin()) => dataOf<NetworkOut>(await hubApp.run(NETWORK, { first: 100 }, viewer)).metrics.network;

  it('estimates betweenness from k sampled sources: never empty, deterministic, the same leaders as the exact ranking', async () => {
    configureNetwork({ betweennessPivots: 500 });
    const exact = await hubNetwork();
    expect([exact.nodes, exact.edges, exact.betweennessSources]).toEqual([23, 22, 23]);
    expect(pairs(exact.topByBetweenness.slice(0, 5))).toEqual(
      [
        ['Hub B', 175],
        ['Hub A', 111],
        ['Hub C', 111],
        ['Bridge AB', 105],
        ['Bridge BC', 105],
      ].map(([name, pairsThrough]) => [name, expect.closeTo((pairsThrough as number) / 231, 12)]),
    );

    configureNetwork({ betweennessPivots: 4 });
    const sampled = await hubNetwork();
    expect(sampled.betweennessSources).toBe(4);
    expect([sampled.nodes, sampled.edges, sampled.components]).toEqual([23, 22, 1]);
    expect(sampled.topByBetweenness).toHaveLength(23);
    const top5 = sampled.topByBetweenness.slice(0, 5);
    expect(top5.map((r) => r.stakeholder.name).sort()).toEqual([...HUB_NAMES].sort());
    for (const r of top5) expect(r.value).toBeGreaterThan(0);
    for (const r of sampled.topByBetweenness.slice(5)) expect(r.value).toBe(0);

    // Another scope seeing the same graph computes afresh (its own cache entry) and gets the same estimate.
    const again = await hubNetwork(viewerOf(Role.ANALYST));
    expect(again.betweennessSources).toBe(4);
    expect(pairs(again.topByBetweenness)).toEqual(pairs(sampled.topByBetweenness));
  });

  it('fails a request clearly when the worker thread dies, and the next request starts a new one', async () => {
    // A heap far too small for the thread: it dies of it before answering.
    configureNetwork({ betweennessPivots: 4, workerResourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    const norway = { filter: { countries: ['NO'] } };
    const failed = await hubApp.run(NETWORK, norway, admin());
    expect(errorCodes(failed)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(failed.errors?.[0].path).toEqual(['metrics', 'network']);

    // The failure was not cached: the same scope, with a thread that can live, gets its figures.
    configureNetwork({ betweennessPivots: 4 });
    const n = dataOf<NetworkOut>(await hubApp.run(NETWORK, norway, admin())).metrics.network;
    expect([n.nodes, n.betweennessSources]).toEqual([23, 4]);
    expect(n.topByBetweenness.length).toBeGreaterThan(0);
  });
});

describe('NetworkWorker', () => {
  const triangle = () => ({ ids: ['a', 'b', 'c'], names: ['A', 'B', 'C'], patients: new Uint8Array(3), edges: Int32Array.from([0, 1, 1, 2, 0, 2]), pivots: 10 });

  it('rejects with a clear error when its thread crashes, and starts a new thread for the next computation', async () => {
    const doomed = new NetworkWorker({ resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    await expect(doomed.run(triangle())).rejects.toThrow(/^The network worker thread crashed: .*memory limit/);
    // Not a dead thread waited on forever: a new one, which dies the same way.
    await expect(doomed.run(triangle())).rejects.toBeInstanceOf(NetworkWorkerError);
  });

  it('rejects what waits when it is stopped, and computes again afterwards', async () => {
    const worker = new NetworkWorker();
    const cancelled = worker.run(triangle());
    await worker.stop();
    await expect(cancelled).rejects.toThrow('The network computation was cancelled: the server is stopping.');
    const out = await worker.run(triangle());
    expect([out.nodes, out.edges, out.components, out.betweennessSources]).toEqual([3, 3, 1, 3]);
    await worker.stop();
  });

  it('fails a computation that throws, without losing the thread', async () => {
    const worker = new NetworkWorker();
    // A link to a node that does not exist.
    await expect(worker.run({ ...triangle(), edges: Int32Array.from([0, 7]) })).rejects.toThrow(/^The network computation failed: /);
    expect((await worker.run(triangle())).nodes).toBe(3);
    await worker.stop();
  });
});

describe('NETWORK_BETWEENNESS_PIVOTS', () => {
  it.each([
    ['unset', undefined, DEFAULT_BETWEENNESS_PIVOTS],
    ['a count', '2000', 2000],
  ])('is read at start: %s', (_case, raw, expected) => {
    expect(loadConfig({ NODE_ENV: 'test', NETWORK_BETWEENNESS_PIVOTS: raw }).network.betweennessPivots).toBe(expected);
  });

  it.each(['0', '-5', '12.5', 'many'])('refuses %s', (raw) => {
    expect(() => loadConfig({ NODE_ENV: 'test', NETWORK_BETWEENNESS_PIVOTS: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', NETWORK_BETWEENNESS_PIVOTS: raw })).toThrow(/NETWORK_BETWEENNESS_PIVOTS must be an integer between 1 and 1000000/);
  });
});
