import { redactedPatientId } from '../src/access/patient-ids';
import { Role, type Viewer } from '../src/access/viewer';
import { toGlobalId, type GlobalIdType } from '../src/graphql/global-id';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { makeAffiliation } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { makeConsent } from './support/consent.factories';
import { makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { makeInteraction } from './support/interaction.factories';
import { makePartnership } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const ZERO = '00000000-0000-0000-0000-000000000000';
const TYPE_OF_KIND: Record<StakeholderKind, string> = {
  PATIENT: 'Patient',
  PATIENT_ORGANISATION: 'PatientOrganisation',
  COMPANY: 'Company',
  HTA_BODY: 'HtaBody',
  REGULATOR: 'Regulator',
  RESEARCH_ORGANISATION: 'ResearchOrganisation',
};

const NODE = `
  query ($id: ID!) {
    node(id: $id) {
      __typename id
      ... on Stakeholder { name }
      ... on Partnership { title }
      ... on Consent { active }
    }
  }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

/** One record of every type with a global id, as [GraphQL type, global id]. */
async function everyType(): Promise<[string, string][]> {
  const records: [string, string][] = [];
  for (const kind of Object.values(StakeholderKind)) records.push([TYPE_OF_KIND[kind], gid(await makeStakeholder(app.db, kind))]);
  const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
  const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
  const org = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
  const add = (type: GlobalIdType, id: string) => records.push([type, toGlobalId(type, id)]);
  add('Affiliation', (await makeAffiliation(app.db, patient, org)).id);
  const { partnership, members } = await makePartnership(app.db, [{ stakeholder: company }, { stakeholder: org }]);
  add('Partnership', partnership.id);
  add('PartnershipMember', members[1].id);
  add('Commitment', (await makeCommitment(app.db, company, { partnershipId: partnership.id })).id);
  const contract = await makeContract(app.db, [{ stakeholder: company }, { stakeholder: patient }]);
  add('Contract', contract.id);
  const [party] = (await app.db.query('SELECT id FROM contract_party WHERE contract_id = $1 ORDER BY id LIMIT 1', [contract.id])) as { id: string }[];
  add('ContractParty', party.id);
  add('Interaction', (await makeInteraction(app.db, [company, org])).id);
  add('Consent', (await makeConsent(app.db, patient, { granteeId: company.id })).id);
  return records;
}

describe('node(id)', () => {
  it('returns every type of record by its global id, as its concrete type', async () => {
    const records = await everyType();
    expect(records).toHaveLength(14);
    for (const [type, id] of records) {
      const node = dataOf<{ node: { __typename: string; id: string } | null }>(await app.run(NODE, { id }, admin())).node;
      expect(node).toMatchObject({ __typename: type, id });
    }
  });

  it('exposes the fields of the concrete type', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Node Org' });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: org }], { title: 'Node panel' });
    expect(dataOf(await app.run(NODE, { id: gid(org) }, admin())).node).toEqual({ __typename: 'PatientOrganisation', id: gid(org), name: 'Node Org' });
    const pid = toGlobalId('Partnership', partnership.id);
    expect(dataOf(await app.run(NODE, { id: pid }, admin())).node).toEqual({ __typename: 'Partnership', id: pid, title: 'Node panel' });
  });

  it('is null for an unknown, malformed or foreign-type id', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    for (const id of [
      gid({ id: ZERO }),
      toGlobalId('Contract', ZERO),
      toGlobalId('Partnership', company.id), // a stakeholder's uuid under another type
      'nonsense',
      '',
      Buffer.from(`Unknown:${company.id}`).toString('base64url'),
      Buffer.from(`Stakeholder:not-a-uuid`).toString('base64url'),
    ]) {
      expect(dataOf(await app.run(NODE, { id }, admin())).node).toBeNull();
    }
  });

  it("shows a consent only to its patient and ADMIN, like a missing record to anyone else", async () => {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const id = toGlobalId('Consent', (await makeConsent(app.db, patient, { granteeId: company.id })).id);
    const own = dataOf(await app.run(NODE, { id }, viewerOf(Role.PATIENT, { patientId: patient.id })));
    expect(own.node).toEqual({ __typename: 'Consent', id, active: true });
    for (const viewer of [viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: company.id }), viewerOf(Role.PATIENT, { patientId: company.id })]) {
      expect(dataOf(await app.run(NODE, { id }, viewer)).node).toBeNull();
      expect(dataOf<{ nodes: unknown[] }>(await app.run(NODES, { ids: [id] }, viewer)).nodes).toEqual([null]);
    }
  });

  it('is refused to an analyst and without a token', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    expect(errorCodes(await app.run(NODE, { id: gid(company) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(NODE, { id: gid(company) }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('nodes(ids)', () => {
  it('keeps the order of the ids, with null for the unknown and malformed ones', async () => {
    const records = await everyType();
    const ids = records.map(([, id]) => id).reverse();
    const asked = [ids[0], 'nonsense', ...ids.slice(1, 5), gid({ id: ZERO }), ids[0], ...ids.slice(5)];
    const nodes = dataOf<{ nodes: ({ id: string } | null)[] }>(await app.run(NODES, { ids: asked }, admin())).nodes;
    expect(nodes.map((n) => n?.id ?? null)).toEqual(asked.map((id) => (id === 'nonsense' || id === gid({ id: ZERO }) ? null : id)));
  });

  it('fetches each type once, however many ids', async () => {
    const few = [await makeStakeholder(app.db, StakeholderKind.COMPANY)];
    const many = [];
    for (let i = 0; i < 12; i += 1) many.push(await makeStakeholder(app.db, StakeholderKind.COMPANY));
    const org = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const affiliations = [await makeAffiliation(app.db, few[0], org), await makeAffiliation(app.db, many[0], org)];
    const one = await app.runCounted(NODES, { ids: few.map(gid) }, admin());
    const twelve = await app.runCounted(NODES, { ids: many.map(gid) }, admin());
    expect(one.statements).toHaveLength(1);
    expect(twelve.statements).toHaveLength(1);
    const mixed = await app.runCounted<{ nodes: unknown[] }>(NODES, { ids: [...many.map(gid), ...affiliations.map((a) => toGlobalId('Affiliation', a.id))] }, admin());
    expect(dataOf(mixed.result).nodes).toHaveLength(14);
    expect(mixed.statements).toHaveLength(2);
  });

  it('takes at most 100 ids', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    expect(dataOf<{ nodes: unknown[] }>(await app.run(NODES, { ids: Array(100).fill(gid(company)) }, admin())).nodes).toHaveLength(100);
    expect(errorCodes(await app.run(NODES, { ids: Array(101).fill(gid(company)) }, admin()))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('node(id) and records the viewer may not see', () => {
  const partner = (org: Stakeholder): Viewer => viewerOf(Role.PARTNER, { orgId: org.id });
  const node = async (id: string, viewer: Viewer) => dataOf<{ node: { __typename: string; id: string } | null }>(await app.run(NODE, { id }, viewer)).node;

  it('is null for a members-only partnership, its memberships, a contract and its parties, and a health affiliation, as for a missing id', async () => {
    const [a, b, outsider] = [
      await makeStakeholder(app.db, StakeholderKind.COMPANY),
      await makeStakeholder(app.db, StakeholderKind.COMPANY),
      await makeStakeholder(app.db, StakeholderKind.COMPANY),
    ];
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const po = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const { partnership, members } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { visibility: PartnershipVisibility.MEMBERS });
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const [party] = (await app.db.query('SELECT id FROM contract_party WHERE contract_id = $1 ORDER BY id LIMIT 1', [contract.id])) as { id: string }[];
    const affiliation = await makeAffiliation(app.db, patient, po);
    const hiddenFromOutsider = [
      ['Partnership', toGlobalId('Partnership', partnership.id)],
      ['PartnershipMember', toGlobalId('PartnershipMember', members[1].id)],
      ['Contract', toGlobalId('Contract', contract.id)],
      ['ContractParty', toGlobalId('ContractParty', party.id)],
      ['Affiliation', toGlobalId('Affiliation', affiliation.id)],
    ] as const;
    for (const [, id] of hiddenFromOutsider) {
      expect(await node(id, partner(outsider))).toBeNull();
      expect(await node(id, viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: outsider.id }))).toBeNull();
      expect(await node(id, admin())).not.toBeNull();
    }
    expect(dataOf<{ nodes: unknown[] }>(await app.run(NODES, { ids: hiddenFromOutsider.map(([, id]) => id) }, partner(outsider))).nodes).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    // The members and parties see theirs; the health affiliation needs the patient's HEALTH consent.
    for (const [type, id] of hiddenFromOutsider.slice(0, 4)) expect(await node(id, partner(b))).toEqual(expect.objectContaining({ __typename: type, id }));
    const affiliationId = hiddenFromOutsider[4][1];
    expect(await node(affiliationId, partner(po))).toBeNull();
    expect(await node(affiliationId, viewerOf(Role.PATIENT, { patientId: patient.id }))).toEqual({ __typename: 'Affiliation', id: affiliationId });
    await makeConsent(app.db, patient, { granteeId: po.id, scopes: [ConsentScope.HEALTH] });
    expect(await node(affiliationId, partner(po))).toEqual({ __typename: 'Affiliation', id: affiliationId });
  });
});

describe('redacted patient ids', () => {
  const partner = (org: Stakeholder): Viewer => viewerOf(Role.PARTNER, { orgId: org.id });
  const PATIENT = `
    query ($id: ID!) { node(id: $id) { __typename id ... on Patient { pseudonym displayName redactedFields } } }`;
  type Out = { node: { __typename: string; id: string; pseudonym: string; displayName: string | null; redactedFields: string[] } | null };
  const seen = async (id: string, viewer: Viewer) => dataOf<Out>(await app.run(PATIENT, { id }, viewer)).node;

  it("differ per organisation, open through node(id) only for that organisation, and never reveal the patient's id", async () => {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const [orgA, orgB] = [await makeStakeholder(app.db, StakeholderKind.COMPANY), await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION)];
    const realId = gid(patient);

    // The real id opens nothing for an organisation that may not see who the patient is; its own sealed id does.
    expect(await seen(realId, partner(orgA))).toBeNull();
    expect(await seen(realId, partner(orgB))).toBeNull();
    const byA = await seen(redactedPatientId(partner(orgA), patient.id), partner(orgA));
    const byB = await seen(redactedPatientId(partner(orgB), patient.id), partner(orgB));
    expect(byA).toEqual({ __typename: 'Patient', id: expect.stringMatching(/^rp_/), pseudonym: null, displayName: null, redactedFields: expect.arrayContaining(['pseudonym', 'displayName']) });
    expect(byB?.id).toMatch(/^rp_/);
    expect(byB?.id).not.toBe(byA?.id);
    const idA = byA?.id as string;
    const idB = byB?.id as string;

    // Each opens for its own organisation (any of its viewers), showing the same id again.
    expect(await seen(idA, partner(orgA))).toEqual(byA);
    expect(await seen(idA, viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: orgA.id }))).toEqual(byA);
    expect(await seen(idB, partner(orgB))).toEqual(byB);
    // ... and for no one else, exactly like an unknown id.
    expect(await seen(idA, partner(orgB))).toBeNull();
    expect(await seen(idB, partner(orgA))).toBeNull();
    expect(await seen(idA, viewerOf(Role.PATIENT, { patientId: patient.id }))).toBeNull();
    expect(await seen(idA, admin())).toBeNull();
    expect(await seen(`${idA.slice(0, -2)}xx`, partner(orgA))).toBeNull();
    expect(dataOf<{ nodes: unknown[] }>(await app.run(NODES, { ids: [idA, idB, 'rp_nonsense'] }, partner(orgA))).nodes).toEqual([
      { __typename: 'Patient', id: idA },
      null,
      null,
    ]);

    // Whoever may see who the patient is sees the real id.
    expect((await seen(realId, admin()))?.id).toBe(realId);
    expect((await seen(realId, viewerOf(Role.PATIENT, { patientId: patient.id })))?.id).toBe(realId);
    await makeConsent(app.db, patient, { granteeId: orgA.id, scopes: [ConsentScope.IDENTITY] });
    expect((await seen(realId, partner(orgA)))?.id).toBe(realId);
    expect(await seen(realId, partner(orgB))).toBeNull();
    expect((await seen(idB, partner(orgB)))?.id).toBe(idB);

    // Nothing in a redacted answer carries the patient's database id or global id.
    const raw = JSON.stringify(await app.run(PATIENT, { id: idB }, partner(orgB)));
    expect(raw).not.toContain(patient.id);
    expect(raw).not.toContain(realId);
  });
});
