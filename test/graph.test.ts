import { redactedPatientId } from '../src/access/patient-ids';
import { Role } from '../src/access/viewer';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import type { Viewer } from '../src/access/viewer';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { ContractStatus } from '../src/modules/contract/contract.entity';
import { PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { aid, dayFromToday, makeAffiliation } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { ctid, makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, pid } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const make = (kind: StakeholderKind, name: string, fields: Partial<Stakeholder> = {}) =>
  makeStakeholder(app.db, kind, kind === StakeholderKind.PATIENT ? { pseudonym: name, ...fields } : { name, ...fields });

const NEIGHBOURS = `
  query ($id: ID!, $depth: Int, $kinds: [StakeholderKind!], $first: Int) {
    stakeholder(id: $id) { neighbours(depth: $depth, kinds: $kinds, first: $first) { distance stakeholder { id name kind } } }
  }`;
const PATH = `
  query ($from: ID!, $to: ID!, $maxDepth: Int) {
    shortestPath(from: $from, to: $to, maxDepth: $maxDepth) {
      length
      stakeholders { id }
      steps { relation from { id } to { id } via { __typename id } }
    }
  }`;
interface PathOut {
  shortestPath: {
    length: number;
    stakeholders: { id: string }[];
    steps: { relation: string; from: { id: string }; to: { id: string }; via: { __typename: string; id: string } }[];
  } | null;
}

/**
 * The world as ADMIN sees it, every link visible (names sort in this order in any collation):
 *
 *   Alpha ─affiliation─ Pony Org ─affiliation─ Quill (patient)
 *     └──partnership X── Beta Pharma ──contract K── Rho Lab ─affiliation─ Sigma HTA
 *
 * and links that must not be walked: an ended affiliation (Ended Co), a member who left
 * (Left Co), a terminated contract (Term Co), and an archived stakeholder (Zed, archived) that
 * alone leads to Wye.
 */
describe('the alliance graph', () => {
  let alpha: Stakeholder;
  let pony: Stakeholder;
  let quill: Stakeholder;
  let beta: Stakeholder;
  let rho: Stakeholder;
  let sigma: Stakeholder;
  let ended: Stakeholder;
  let left: Stakeholder;
  let term: Stakeholder;
  let wye: Stakeholder;
  let partnershipX: { id: string };
  let contractK: { id: string };
  let rhoSigma: { id: string };

  beforeAll(async () => {
    alpha = await make(StakeholderKind.COMPANY, 'Alpha');
    pony = await make(StakeholderKind.PATIENT_ORGANISATION, 'Pony Org');
    quill = await make(StakeholderKind.PATIENT, 'Quill');
    beta = await make(StakeholderKind.COMPANY, 'Beta Pharma');
    rho = await make(StakeholderKind.RESEARCH_ORGANISATION, 'Rho Lab');
    sigma = await make(StakeholderKind.HTA_BODY, 'Sigma HTA');
    ended = await make(StakeholderKind.COMPANY, 'Ended Co');
    left = await make(StakeholderKind.COMPANY, 'Left Co');
    term = await make(StakeholderKind.COMPANY, 'Term Co');
    const zed = await make(StakeholderKind.COMPANY, 'Zed', { archivedAt: new Date() });
    wye = await make(StakeholderKind.COMPANY, 'Wye');

    await makeAffiliation(app.db, alpha, pony, { kind: AffiliationKind.FUNDED_BY });
    await makeAffiliation(app.db, quill, pony, { kind: AffiliationKind.MEMBER_OF });
    partnershipX = (await makePartnership(app.db, [{ stakeholder: alpha }, { stakeholder: beta }])).partnership;
    contractK = await makeContract(app.db, [{ stakeholder: beta }, { stakeholder: rho }]);
    rhoSigma = await makeAffiliation(app.db, rho, sigma, { kind: AffiliationKind.ADVISES, until: dayFromToday(0) });

    await makeAffiliation(app.db, alpha, ended, { since: '2019-01-01', until: dayFromToday(-1) });
    await makePartnership(app.db, [
      { stakeholder: left, joinedAt: '2020-01-01' },
      { stakeholder: alpha, joinedAt: '2020-01-01', leftAt: '2021-01-01' },
    ]);
    await makeContract(app.db, [{ stakeholder: alpha }, { stakeholder: term }], { status: ContractStatus.TERMINATED });
    await makeAffiliation(app.db, alpha, zed);
    await makeAffiliation(app.db, zed, wye);
  });

  const neighbours = async (s: Stakeholder, vars: Record<string, unknown> = {}) =>
    dataOf<{ stakeholder: { neighbours: { distance: number; stakeholder: { id: string; name: string; kind: string } }[] } }>(
      await app.run(NEIGHBOURS, { id: gid(s), ...vars }, admin()),
    ).stakeholder.neighbours.map((n) => [n.stakeholder.name, n.distance]);
  const path = async (from: string, to: string, maxDepth?: number) =>
    dataOf<PathOut>(await app.run(PATH, { from, to, ...(maxDepth ? { maxDepth } : {}) }, admin())).shortestPath;

  describe('Stakeholder.neighbours', () => {
    it('finds the stakeholders one hop away by default, by distance then name', async () => {
      expect(await neighbours(alpha)).toEqual([
        ['Beta Pharma', 1],
        ['Pony Org', 1],
      ]);
    });

    it('widens with depth, never listing the stakeholder itself', async () => {
      expect(await neighbours(alpha, { depth: 2 })).toEqual([
        ['Beta Pharma', 1],
        ['Pony Org', 1],
        ['Quill', 2],
        ['Rho Lab', 2],
      ]);
      expect(await neighbours(alpha, { depth: 3 })).toEqual([
        ['Beta Pharma', 1],
        ['Pony Org', 1],
        ['Quill', 2],
        ['Rho Lab', 2],
        ['Sigma HTA', 3],
      ]);
      expect(await neighbours(quill, { depth: 3 })).toEqual([
        ['Pony Org', 1],
        ['Alpha', 2],
        ['Beta Pharma', 3],
      ]);
    });

    it('keeps only the asked kinds, walking through the others, and at most `first`', async () => {
      expect(await neighbours(alpha, { depth: 3, kinds: ['HTA_BODY', 'PATIENT'] })).toEqual([
        ['Quill', 2],
        ['Sigma HTA', 3],
      ]);
      expect(await neighbours(alpha, { depth: 3, first: 3 })).toEqual([
        ['Beta Pharma', 1],
        ['Pony Org', 1],
        ['Quill', 2],
      ]);
    });

    it('does not walk ended affiliations, former members, terminated contracts or archived stakeholders', async () => {
      const names = (await neighbours(alpha, { depth: 3 })).map(([name]) => name);
      for (const gone of [ended, left, term, wye]) expect(names).not.toContain(gone.name);
      expect(names).not.toContain('Zed');
      expect(await neighbours(ended, { depth: 3 })).toEqual([]);
      expect(await neighbours(left, { depth: 3 })).toEqual([]);
    });

    it('refuses a depth outside 1..3 and a page over 100', async () => {
      for (const vars of [{ depth: 0 }, { depth: 4 }, { first: 0 }, { first: 101 }]) {
        expect(errorCodes(await app.run(NEIGHBOURS, { id: gid(alpha), ...vars }, admin()))).toEqual(['BAD_USER_INPUT']);
      }
    });
  });

  describe('shortestPath', () => {
    it('returns the steps with the record behind each one', async () => {
      expect(await path(gid(alpha), gid(sigma))).toEqual({
        length: 3,
        stakeholders: [alpha, beta, rho, sigma].map((s) => ({ id: gid(s) })),
        steps: [
          { relation: 'PARTNERSHIP', from: { id: gid(alpha) }, to: { id: gid(beta) }, via: { __typename: 'Partnership', id: pid(partnershipX) } },
          { relation: 'CONTRACT', from: { id: gid(beta) }, to: { id: gid(rho) }, via: { __typename: 'Contract', id: ctid(contractK) } },
          { relation: 'AFFILIATION', from: { id: gid(rho) }, to: { id: gid(sigma) }, via: { __typename: 'Affiliation', id: aid(rhoSigma) } },
        ],
      });
    });

    it('walks affiliations against their direction too', async () => {
      expect(await path(gid(quill), gid(alpha))).toMatchObject({
        length: 2,
        stakeholders: [quill, pony, alpha].map((s) => ({ id: gid(s) })),
        steps: [{ relation: 'AFFILIATION' }, { relation: 'AFFILIATION' }],
      });
    });

    it('is a path of length 0 from a stakeholder to itself', async () => {
      expect(await path(gid(alpha), gid(alpha))).toEqual({ length: 0, stakeholders: [{ id: gid(alpha) }], steps: [] });
    });

    it('is null when no path is within maxDepth', async () => {
      expect(await path(gid(alpha), gid(sigma), 2)).toBeNull();
      expect((await path(gid(quill), gid(sigma), 5))?.length).toBe(5);
      expect(await path(gid(quill), gid(sigma), 4)).toBeNull();
    });

    it('is null across ended, left, terminated and archived links, and for ids that are not stakeholders', async () => {
      for (const gone of [ended, left, term, wye]) expect(await path(gid(alpha), gid(gone), 6)).toBeNull();
      expect(await path(gid(alpha), 'nonsense')).toBeNull();
      expect(await path(pid(partnershipX), gid(beta))).toBeNull();
      expect(await path(gid(alpha), gid({ id: '00000000-0000-0000-0000-000000000000' }))).toBeNull();
    });

    it('searches one level per statement, expanding each stakeholder once, and stops at the level that reaches `to`', async () => {
      const levels = async (from: string, to: string): Promise<number> => {
        const { statements } = await app.runCounted(PATH, { from, to, maxDepth: 6 }, admin());
        return statements.filter((sql) => sql.includes('e.source_id = ANY(')).length;
      };
      expect(await levels(gid(alpha), gid(beta))).toBe(1);
      expect(await levels(gid(alpha), gid(sigma))).toBe(3);
      expect(await levels(gid(alpha), gid(alpha))).toBe(0);
    });

    it('refuses a maxDepth outside 1..6', async () => {
      for (const maxDepth of [0, 7]) {
        expect(errorCodes(await app.run(PATH, { from: gid(alpha), to: gid(beta), maxDepth }, admin()))).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('is refused to an analyst', async () => {
      expect(errorCodes(await app.run(PATH, { from: gid(alpha), to: gid(beta) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
    });
  });
});

describe('shortestPath between equally short paths', () => {
  it('always goes through the stakeholder with the smallest id', async () => {
    const start = await make(StakeholderKind.COMPANY, 'Start');
    const end = await make(StakeholderKind.COMPANY, 'End');
    const middles = [await make(StakeholderKind.COMPANY, 'Mid one'), await make(StakeholderKind.COMPANY, 'Mid two'), await make(StakeholderKind.COMPANY, 'Mid three')];
    for (const m of middles) {
      await makeAffiliation(app.db, start, m);
      await makeAffiliation(app.db, m, end);
    }
    const smallest = [...middles].sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    for (let i = 0; i < 3; i += 1) {
      const found = dataOf<PathOut>(await app.run(PATH, { from: gid(start), to: gid(end) }, admin())).shortestPath;
      expect(found?.stakeholders).toEqual([start, smallest, end].map((s) => ({ id: gid(s) })));
    }
  });
});

describe('neighbours of a list of stakeholders', () => {
  it('costs the same number of statements for 2 or 6 stakeholders', async () => {
    const query = `
      query ($tag: String!) {
        stakeholders(first: 50, filter: { tags: [$tag] }) { nodes { name neighbours(depth: 2) { distance stakeholder { name } } } }
      }`;
    const world = async (tag: string, size: number) => {
      for (let i = 0; i < size; i += 1) {
        const s = await make(StakeholderKind.COMPANY, `${tag} ${i}`, { tags: [tag] });
        const near = await make(StakeholderKind.PATIENT_ORGANISATION, `${tag} near ${i}`);
        const far = await make(StakeholderKind.RESEARCH_ORGANISATION, `${tag} far ${i}`);
        await makeAffiliation(app.db, s, near);
        await makeContract(app.db, [{ stakeholder: near }, { stakeholder: far }]);
      }
    };
    await world('graph-two', 2);
    await world('graph-six', 6);
    type Out = { stakeholders: { nodes: { name: string; neighbours: { distance: number; stakeholder: { name: string } }[] }[] } };
    const two = await app.runCounted<Out>(query, { tag: 'graph-two' }, admin());
    const six = await app.runCounted<Out>(query, { tag: 'graph-six' }, admin());
    expect(dataOf(six.result).stakeholders.nodes).toHaveLength(6);
    expect(dataOf(six.result).stakeholders.nodes[5].neighbours).toEqual([
      { distance: 1, stakeholder: { name: 'graph-six near 5' } },
      { distance: 2, stakeholder: { name: 'graph-six far 5' } },
    ]);
    // The page, one recursive query for every stakeholder's neighbours, and the neighbours themselves.
    expect(two.statements.length).toBe(3);
    expect(six.statements.length).toBe(two.statements.length);
  });
});

describe('traversals walk only the links the viewer may see', () => {
  const partner = (org: Stakeholder): Viewer => viewerOf(Role.PARTNER, { orgId: org.id });
  /**
   * An id that opens `s` for `viewer`: for a patient the id sealed for the viewer (a patient's
   * real id opens nothing for a viewer who may not read its identity), else the global id.
   */
  const openingId = (viewer: Viewer, s: Stakeholder) => (s.kind === StakeholderKind.PATIENT ? redactedPatientId(viewer, s.id) : gid(s));
  const neighboursAs = async (viewer: Viewer, s: Stakeholder, depth = 1) =>
    dataOf<{ stakeholder: { neighbours: { distance: number; stakeholder: { id: string; name: string } }[] } }>(
      await app.run(NEIGHBOURS, { id: openingId(viewer, s), depth }, viewer),
    ).stakeholder.neighbours.map((n) => [n.stakeholder.name, n.distance]);
  const pathAs = async (viewer: Viewer, from: Stakeholder, to: Stakeholder, maxDepth = 4) =>
    dataOf<PathOut>(await app.run(PATH, { from: openingId(viewer, from), to: openingId(viewer, to), maxDepth }, viewer)).shortestPath;
  /** The id under which `viewer` sees `s`. */
  const idAs = async (viewer: Viewer, s: Stakeholder) =>
    dataOf<{ stakeholder: { id: string } }>(await app.run(`query ($id: ID!) { stakeholder(id: $id) { id } }`, { id: openingId(viewer, s) }, viewer))
      .stakeholder.id;

  it("crosses a members-only partnership only for its members' staff, else takes a longer visible route or none", async () => {
    const x = await make(StakeholderKind.COMPANY, 'Mo Start');
    const y = await make(StakeholderKind.COMPANY, 'Mo End');
    const mid = await make(StakeholderKind.COMPANY, 'Mo Middle');
    const z = await make(StakeholderKind.COMPANY, 'Mo Beyond');
    const outsider = await make(StakeholderKind.COMPANY, 'Mo Outsider');
    const { partnership: closed } = await makePartnership(app.db, [{ stakeholder: x }, { stakeholder: y }], { visibility: PartnershipVisibility.MEMBERS });
    await makePartnership(app.db, [{ stakeholder: y }, { stakeholder: z }], { visibility: PartnershipVisibility.MEMBERS });
    const xMid = await makeAffiliation(app.db, x, mid);
    const midY = await makeAffiliation(app.db, mid, y);

    expect(await neighboursAs(partner(outsider), x)).toEqual([['Mo Middle', 1]]);
    expect(await neighboursAs(partner(outsider), y)).toEqual([['Mo Middle', 1]]);
    expect(await pathAs(partner(outsider), x, y)).toEqual({
      length: 2,
      stakeholders: [x, mid, y].map((s) => ({ id: gid(s) })),
      steps: [
        { relation: 'AFFILIATION', from: { id: gid(x) }, to: { id: gid(mid) }, via: { __typename: 'Affiliation', id: aid(xMid) } },
        { relation: 'AFFILIATION', from: { id: gid(mid) }, to: { id: gid(y) }, via: { __typename: 'Affiliation', id: aid(midY) } },
      ],
    });
    expect(await pathAs(partner(outsider), x, z, 6)).toBeNull();

    // X is a member of the first partnership only; Y of both.
    expect(await neighboursAs(partner(x), x)).toEqual([
      ['Mo End', 1],
      ['Mo Middle', 1],
    ]);
    expect(await pathAs(partner(x), x, y)).toEqual({
      length: 1,
      stakeholders: [x, y].map((s) => ({ id: gid(s) })),
      steps: [{ relation: 'PARTNERSHIP', from: { id: gid(x) }, to: { id: gid(y) }, via: { __typename: 'Partnership', id: pid(closed) } }],
    });
    expect(await pathAs(partner(x), x, z, 6)).toBeNull();
    expect(await neighboursAs(partner(y), y)).toEqual([
      ['Mo Beyond', 1],
      ['Mo Middle', 1],
      ['Mo Start', 1],
    ]);
    expect((await pathAs(partner(y), x, z))?.stakeholders).toEqual([x, y, z].map((s) => ({ id: gid(s) })));
    expect((await pathAs(admin(), x, z))?.length).toBe(2);
  });

  it("crosses a contract only for its parties' staff and a patient party", async () => {
    const sponsor = await make(StakeholderKind.COMPANY, 'Ct Sponsor');
    const lab = await make(StakeholderKind.RESEARCH_ORGANISATION, 'Ct Lab');
    const patient = await make(StakeholderKind.PATIENT, 'Ct-Patient');
    const outsider = await make(StakeholderKind.COMPANY, 'Ct Outsider');
    const contract = await makeContract(app.db, [{ stakeholder: sponsor }, { stakeholder: lab }, { stakeholder: patient }]);

    expect(await neighboursAs(partner(outsider), sponsor)).toEqual([]);
    expect(await pathAs(partner(outsider), sponsor, lab)).toBeNull();
    // The lab holds no IDENTITY consent: the patient party is listed under the neutral label.
    expect(await neighboursAs(partner(lab), sponsor)).toEqual([
      ['Ct Lab', 1],
      ['Patient partner', 1],
    ]);
    expect(await pathAs(partner(lab), sponsor, lab)).toMatchObject({ length: 1, steps: [{ relation: 'CONTRACT', via: { __typename: 'Contract', id: ctid(contract) } }] });
    const self = viewerOf(Role.PATIENT, { patientId: patient.id });
    expect(await neighboursAs(self, patient)).toEqual([
      ['Ct Lab', 1],
      ['Ct Sponsor', 1],
    ]);
    // The patient party is on the path under the id the lab's staff know it by, never its real id.
    const found = await pathAs(partner(lab), patient, lab);
    expect(found?.stakeholders).toEqual([{ id: await idAs(partner(lab), patient) }, { id: gid(lab) }]);
    expect(found?.stakeholders[0].id).toMatch(/^rp_/);
  });

  it("crosses a patient's affiliation to a patient organisation only with the patient's active HEALTH consent for the viewer's purpose", async () => {
    const patient = await make(StakeholderKind.PATIENT, 'Hc-Patient');
    const po = await make(StakeholderKind.PATIENT_ORGANISATION, 'Hc Patients Org');
    const member = await make(StakeholderKind.COMPANY, 'Hc Member Co');
    const viewerOrg = await make(StakeholderKind.COMPANY, 'Hc Viewer Co');
    const link = await makeAffiliation(app.db, patient, po);
    await makeAffiliation(app.db, member, po);
    const asViewer = () => partner(viewerOrg);
    const hidden = async (viewer: Viewer) => {
      expect(await neighboursAs(viewer, po)).toEqual([['Hc Member Co', 1]]);
      expect(await neighboursAs(viewer, patient, 3)).toEqual([]);
      expect(await pathAs(viewer, patient, member)).toBeNull();
    };
    /** `patientName`: the patient's name for this viewer ('Patient partner' without IDENTITY consent for the purpose). */
    const visible = async (viewer: Viewer, patientName = 'Hc-Patient') => {
      expect(await neighboursAs(viewer, po)).toEqual([
        ['Hc Member Co', 1],
        [patientName, 1],
      ]);
      expect(await pathAs(viewer, patient, member)).toMatchObject({
        length: 2,
        stakeholders: [{ id: await idAs(viewer, patient) }, { id: gid(po) }, { id: gid(member) }],
        steps: [{ relation: 'AFFILIATION', via: { __typename: 'Affiliation', id: aid(link) } }, { relation: 'AFFILIATION' }],
      });
    };

    await hidden(asViewer());
    await hidden(partner(po)); // the patient organisation itself holds no consent either
    await visible(admin());
    await visible(viewerOf(Role.PATIENT, { patientId: patient.id }));

    // Consent for another purpose than the request's, or of another scope: still hidden.
    await makeConsent(app.db, patient, { granteeId: viewerOrg.id, scopes: [ConsentScope.HEALTH], purposes: [ConsentPurpose.RESEARCH_DESIGN] });
    await makeConsent(app.db, patient, { granteeId: viewerOrg.id, scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT] });
    await hidden(asViewer());
    // HEALTH is consented for RESEARCH_DESIGN, IDENTITY only for PARTNERSHIP_COORDINATION.
    await visible(viewerOf(Role.PARTNER, { orgId: viewerOrg.id, purpose: ConsentPurpose.RESEARCH_DESIGN }), 'Patient partner');

    const granted = await makeConsent(app.db, patient, { granteeId: viewerOrg.id, scopes: [ConsentScope.HEALTH] });
    await visible(asViewer());
    await hidden(partner(member)); // granted to the viewer's organisation, not to the alliance

    await app.db.query('UPDATE consent SET withdrawn_at = now() WHERE id = $1', [granted.id]);
    await hidden(asViewer());
    await makeConsent(app.db, patient, {
      granteeId: viewerOrg.id,
      scopes: [ConsentScope.HEALTH],
      grantedAt: new Date(Date.now() - 10 * 86_400_000),
      expiresAt: new Date(Date.now() - 86_400_000),
    });
    await hidden(asViewer());
  });
});
