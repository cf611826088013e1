import { redactedPatientId } from '../src/access/patient-ids';
import { Role, type Viewer } from '../src/access/viewer';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { aid, dayFromToday, makeAffiliation } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { gid, makeStakeholder } from './support/factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const org = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, fields);
const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const em = (s: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: s.id });
const TODAY = dayFromToday(0);

async function affiliationRows(where = 'TRUE', params: unknown[] = []): Promise<{ kind: string; until: string | null; version: number }[]> {
  return app.db.query(`SELECT kind, until, version FROM affiliation WHERE ${where} ORDER BY created_at, id`, params);
}

const AFFILIATION = `
  query ($id: ID!) {
    affiliation(id: $id) { id kind since until version from { id name } to { id name } }
  }`;

describe('affiliation(id)', () => {
  it('returns the affiliation with both ends', async () => {
    const member = await company({ name: 'Aster Pharma' });
    const federation = await org({ name: 'EU Lung Federation' });
    const a = await makeAffiliation(app.db, member, federation, { kind: AffiliationKind.FUNDED_BY, since: '2023-04-01', until: '2030-01-01' });
    const data = dataOf(await app.run(AFFILIATION, { id: aid(a) }, viewerOf(Role.PARTNER, { orgId: member.id })));
    expect(data.affiliation).toEqual({
      id: aid(a),
      kind: 'FUNDED_BY',
      since: '2023-04-01',
      until: '2030-01-01',
      version: 1,
      from: { id: gid(member), name: 'Aster Pharma' },
      to: { id: gid(federation), name: 'EU Lung Federation' },
    });
  });

  it('is null for an unknown, malformed or foreign-type id', async () => {
    const member = await company();
    for (const id of [aid({ id: '00000000-0000-0000-0000-000000000000' }), 'nonsense', gid(member)]) {
      expect(dataOf(await app.run(AFFILIATION, { id }, admin())).affiliation).toBeNull();
    }
  });

  it('is refused to an analyst (FORBIDDEN) and without a token (UNAUTHENTICATED)', async () => {
    const a = await makeAffiliation(app.db, await company(), await org());
    expect(errorCodes(await app.run(AFFILIATION, { id: aid(a) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(AFFILIATION, { id: aid(a) }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

const AFFILIATIONS = `
  query ($first: Int, $after: String, $filter: AffiliationFilter, $orderBy: AffiliationOrder) {
    affiliations(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      nodes { id }
      pageInfo { hasNextPage endCursor }
    }
  }`;
interface ListOut {
  affiliations: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('affiliations', () => {
  let hub: Stakeholder;
  let other: Stakeholder;
  let a1: { id: string };
  let a2: { id: string };
  let a3: { id: string };
  let a4: { id: string };
  const list = async (filter: Record<string, unknown>, orderBy?: Record<string, unknown>, first = 20, after?: string) =>
    dataOf<ListOut>(await app.run(AFFILIATIONS, { filter, orderBy, first, after }, admin())).affiliations;
  const ids = (...as: { id: string }[]) => as.map((a) => ({ id: aid(a) }));

  beforeAll(async () => {
    hub = await org({ name: 'Hub' });
    other = await org({ name: 'Other' });
    const c1 = await company();
    const c2 = await company();
    // Created in this order; `since` deliberately out of that order, and a4 undated.
    a1 = await makeAffiliation(app.db, c1, hub, { kind: AffiliationKind.MEMBER_OF, since: '2022-01-01' });
    a2 = await makeAffiliation(app.db, hub, other, { kind: AffiliationKind.MEMBER_OF, since: '2020-01-01', until: '2021-06-30' });
    a3 = await makeAffiliation(app.db, c2, hub, { kind: AffiliationKind.FUNDED_BY, since: '2021-01-01', until: dayFromToday(30) });
    a4 = await makeAffiliation(app.db, hub, c2, { kind: AffiliationKind.ADVISES });
    await makeAffiliation(app.db, c1, other); // not the hub's
  });

  it('filters by either end, and by from, to and kind', async () => {
    expect(await list({ stakeholderId: gid(hub) })).toMatchObject({ totalCount: 4, nodes: ids(a1, a2, a3, a4) });
    expect((await list({ fromId: gid(hub) })).nodes).toEqual(ids(a2, a4));
    expect((await list({ toId: gid(hub) })).nodes).toEqual(ids(a1, a3));
    expect((await list({ stakeholderId: gid(hub), kinds: ['FUNDED_BY', 'ADVISES'] })).nodes).toEqual(ids(a3, a4));
  });

  it('filters current ones, ended ones, and those that held on a day', async () => {
    expect((await list({ stakeholderId: gid(hub), current: true })).nodes).toEqual(ids(a1, a3, a4));
    expect((await list({ stakeholderId: gid(hub), current: false })).nodes).toEqual(ids(a2));
    expect((await list({ stakeholderId: gid(hub), activeOn: '2021-03-01' })).nodes).toEqual(ids(a2, a3, a4));
    expect((await list({ stakeholderId: gid(hub), activeOn: '2019-03-01' })).nodes).toEqual(ids(a4));
  });

  it('matches nothing for an unknown or malformed stakeholder id', async () => {
    expect(await list({ stakeholderId: 'nonsense' })).toMatchObject({ totalCount: 0, nodes: [] });
    expect((await list({ fromId: gid({ id: '00000000-0000-0000-0000-000000000000' }) })).nodes).toEqual([]);
    expect((await list({ toId: aid(a1) })).nodes).toEqual([]);
  });

  it('orders by since (undated by the day it was recorded) both ways', async () => {
    const asc = await list({ stakeholderId: gid(hub) }, { field: 'SINCE', direction: 'ASC' });
    expect(asc.nodes).toEqual(ids(a2, a3, a1, a4));
    const desc = await list({ stakeholderId: gid(hub) }, { field: 'SINCE', direction: 'DESC' });
    expect(desc.nodes).toEqual(ids(a4, a1, a3, a2));
    expect((await list({ stakeholderId: gid(hub) }, { field: 'CREATED_AT', direction: 'DESC' })).nodes).toEqual(ids(a4, a3, a2, a1));
  });

  it('pages with cursors, keeping totalCount', async () => {
    const order = { field: 'SINCE', direction: 'ASC' };
    const page1 = await list({ stakeholderId: gid(hub) }, order, 3);
    expect(page1).toMatchObject({ totalCount: 4, nodes: ids(a2, a3, a1), pageInfo: { hasNextPage: true } });
    const page2 = await list({ stakeholderId: gid(hub) }, order, 3, page1.pageInfo.endCursor as string);
    expect(page2).toMatchObject({ totalCount: 4, nodes: ids(a4), pageInfo: { hasNextPage: false } });
    const bad = await app.run(AFFILIATIONS, { filter: {}, after: 'garbage' }, admin());
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

const STAKEHOLDER_AFFILIATIONS = `
  query ($id: ID!, $kinds: [AffiliationKind!], $direction: AffiliationDirection, $current: Boolean) {
    stakeholder(id: $id) {
      ... on Stakeholder {
        default: affiliations { id }
        asked: affiliations(kinds: $kinds, direction: $direction, current: $current) { id }
      }
    }
  }`;

describe('Stakeholder.affiliations', () => {
  it('lists current ones both ways by default, and filters by kind, direction and currency', async () => {
    const me = await org();
    const parent = await org();
    const member = await company();
    const funder = await company();
    const up = await makeAffiliation(app.db, me, parent, { kind: AffiliationKind.MEMBER_OF });
    const down = await makeAffiliation(app.db, member, me, { kind: AffiliationKind.MEMBER_OF });
    const funded = await makeAffiliation(app.db, me, funder, { kind: AffiliationKind.FUNDED_BY, until: dayFromToday(0) });
    const old = await makeAffiliation(app.db, me, funder, { kind: AffiliationKind.FUNDED_BY, since: '2019-01-01', until: '2020-01-01' });
    const run = async (vars: Record<string, unknown>) =>
      dataOf<{ stakeholder: { default: { id: string }[]; asked: { id: string }[] } }>(
        await app.run(STAKEHOLDER_AFFILIATIONS, { id: gid(me), ...vars }, viewerOf(Role.PARTNER, { orgId: me.id })),
      ).stakeholder;
    const ids = (...as: { id: string }[]) => as.map((a) => ({ id: aid(a) }));
    expect((await run({})).default).toEqual(ids(up, down, funded));
    expect((await run({ direction: 'OUTGOING' })).asked).toEqual(ids(up, funded));
    expect((await run({ direction: 'INCOMING' })).asked).toEqual(ids(down));
    expect((await run({ kinds: ['FUNDED_BY'] })).asked).toEqual(ids(funded));
    expect((await run({ current: false })).asked).toEqual(ids(old));
    expect((await run({ current: null, kinds: ['FUNDED_BY'], direction: 'OUTGOING' })).asked).toEqual(ids(funded, old));
  });

  it('costs the same number of statements for 2 or 10 stakeholders', async () => {
    const query = `
      query ($tag: String!) {
        stakeholders(first: 50, filter: { tags: [$tag] }) { nodes { name affiliations(current: null) { kind from { name } to { name } } } }
      }`;
    const world = async (tag: string, size: number) => {
      const hub = await org({ tags: [] });
      for (let i = 0; i < size; i += 1) {
        const s = await company({ tags: [tag] });
        await makeAffiliation(app.db, s, hub);
        await makeAffiliation(app.db, hub, s, { kind: AffiliationKind.ADVISES, until: '2020-01-01', since: '2019-01-01' });
      }
    };
    await world('aff-two', 2);
    await world('aff-ten', 10);
    const two = await app.runCounted<{ stakeholders: { nodes: { affiliations: unknown[] }[] } }>(query, { tag: 'aff-two' }, admin());
    const ten = await app.runCounted<{ stakeholders: { nodes: { affiliations: unknown[] }[] } }>(query, { tag: 'aff-ten' }, admin());
    expect(dataOf(two.result).stakeholders.nodes).toHaveLength(2);
    expect(dataOf(ten.result).stakeholders.nodes).toHaveLength(10);
    expect(dataOf(ten.result).stakeholders.nodes.every((n) => n.affiliations.length === 2)).toBe(true);
    expect(ten.statements.length).toBe(two.statements.length);
    // The page, the affiliations of all its stakeholders, and both ends of all of them.
    expect(two.statements.length).toBe(3);
  });
});

const ADD = `
  mutation ($input: AddAffiliationInput!) {
    addAffiliation(input: $input) {
      affiliation { id kind since until version from { id } to { id } }
      userErrors { field message code }
    }
  }`;
interface AddOut {
  addAffiliation: {
    affiliation: { id: string; kind: string; since: string | null; until: string | null; version: number; from: { id: string }; to: { id: string } } | null;
    userErrors: { field: string | null; code: string }[];
  };
}

describe('addAffiliation', () => {
  it('records an affiliation for an engagement manager of one end', async () => {
    const member = await company();
    const po = await org();
    const out = dataOf<AddOut>(
      await app.run(ADD, { input: { kind: 'MEMBER_OF', fromId: gid(member), toId: gid(po), since: '2024-01-01' } }, em(po)),
    ).addAffiliation;
    expect(out.userErrors).toEqual([]);
    expect(out.affiliation).toEqual({
      id: expect.any(String),
      kind: 'MEMBER_OF',
      since: '2024-01-01',
      until: null,
      version: 1,
      from: { id: gid(member) },
      to: { id: gid(po) },
    });
    expect(await affiliationRows('from_id = $1', [member.id])).toEqual([{ kind: 'MEMBER_OF', until: null, version: 1 }]);
  });

  it("records a patient's affiliation to a patient organisation only with the patient's HEALTH consent (else FORBIDDEN, nothing written)", async () => {
    const po = await org();
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    // Named by the id the organisation is shown (it may not read the patient's identity: the real id would be NOT_FOUND).
    const input = { kind: 'MEMBER_OF', fromId: redactedPatientId(em(po), patient.id), toId: gid(po) };
    // An existing hidden membership must not show through as a CONFLICT either.
    await makeAffiliation(app.db, patient, po);
    const before = await affiliationRows('from_id = $1', [patient.id]);
    const refused = await app.run(ADD, { input: { ...input, since: '2025-01-01' } }, em(po));
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(await affiliationRows('from_id = $1', [patient.id])).toEqual(before);
    await makeConsent(app.db, patient, { granteeId: po.id, scopes: [ConsentScope.HEALTH] });
    const allowed = dataOf<AddOut>(await app.run(ADD, { input }, em(po))).addAffiliation;
    expect(allowed.userErrors.map((e) => e.code)).toEqual(['CONFLICT']); // now it may know: the membership exists
  });

  it('refuses invalid references as userErrors and writes nothing', async () => {
    const a = await company();
    const b = await org();
    const archived = await org({ archivedAt: new Date() });
    const cases: [Record<string, unknown>, { field: string; code: string }[]][] = [
      [{ fromId: gid(a), toId: gid(a) }, [{ field: 'input.toId', code: 'BAD_USER_INPUT' }]],
      [{ fromId: gid(a), toId: gid({ id: '00000000-0000-0000-0000-000000000000' }) }, [{ field: 'input.toId', code: 'NOT_FOUND' }]],
      [{ fromId: 'nonsense', toId: aid(a) }, [{ field: 'input.fromId', code: 'NOT_FOUND' }, { field: 'input.toId', code: 'NOT_FOUND' }]],
      [{ fromId: gid(a), toId: gid(archived) }, [{ field: 'input.toId', code: 'BAD_USER_INPUT' }]],
      [{ fromId: gid(a), toId: gid(b), since: '2024-05-01', until: '2024-04-30' }, [{ field: 'input.until', code: 'BAD_USER_INPUT' }]],
    ];
    for (const [input, errors] of cases) {
      const out = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'ADVISES', ...input } }, admin())).addAffiliation;
      expect(out).toEqual({ affiliation: null, userErrors: errors.map((e) => ({ ...e, message: expect.any(String) })) });
    }
    expect(await affiliationRows('from_id = $1 OR to_id = $1', [a.id])).toEqual([]);
  });

  it('rejects malformed input before anything runs', async () => {
    const a = await company();
    const b = await org();
    for (const input of [
      { kind: 'FRIENDS_WITH', fromId: gid(a), toId: gid(b) },
      { kind: 'MEMBER_OF', fromId: gid(a), toId: gid(b), since: '2024-02-30' },
      { kind: 'MEMBER_OF', fromId: gid(a), toId: gid(b), idempotencyKey: '' },
    ]) {
      expect(errorCodes(await app.run(ADD, { input }, admin()))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await affiliationRows('from_id = $1', [a.id])).toEqual([]);
  });

  it('refuses a second current affiliation of the same kind between the same stakeholders (CONFLICT), not a past one', async () => {
    const a = await company();
    const b = await org();
    await makeAffiliation(app.db, a, b, { kind: AffiliationKind.MEMBER_OF, until: dayFromToday(10) });
    const dup = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'MEMBER_OF', fromId: gid(a), toId: gid(b) } }, admin())).addAffiliation;
    expect(dup).toEqual({ affiliation: null, userErrors: [{ field: 'input.kind', code: 'CONFLICT', message: expect.any(String) }] });
    const past = dataOf<AddOut>(
      await app.run(ADD, { input: { kind: 'MEMBER_OF', fromId: gid(a), toId: gid(b), since: '2010-01-01', until: '2012-01-01' } }, admin()),
    ).addAffiliation;
    expect(past.userErrors).toEqual([]);
    const otherKind = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'ADVISES', fromId: gid(a), toId: gid(b) } }, admin())).addAffiliation;
    expect(otherKind.userErrors).toEqual([]);
    const reverse = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'MEMBER_OF', fromId: gid(b), toId: gid(a) } }, admin())).addAffiliation;
    expect(reverse.userErrors).toEqual([]);
    expect(await affiliationRows('from_id = $1 OR to_id = $1', [a.id])).toHaveLength(4);
  });

  it('allows a new one once the old one has ended', async () => {
    const a = await company();
    const b = await org();
    await makeAffiliation(app.db, a, b, { kind: AffiliationKind.MEMBER_OF, until: dayFromToday(-1) });
    const again = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'MEMBER_OF', fromId: gid(a), toId: gid(b) } }, admin())).addAffiliation;
    expect(again.userErrors).toEqual([]);
  });

  it('replays an idempotent create and refuses the key for another input', async () => {
    const a = await company();
    const b = await org();
    const viewer = em(a);
    const input = { kind: 'REPRESENTS', fromId: gid(a), toId: gid(b), idempotencyKey: 'aff-key-1' };
    const first = dataOf<AddOut>(await app.run(ADD, { input }, viewer)).addAffiliation;
    const replay = dataOf<AddOut>(await app.run(ADD, { input }, viewer)).addAffiliation;
    expect(first.userErrors).toEqual([]);
    expect(replay).toEqual(first);
    const other = dataOf<AddOut>(await app.run(ADD, { input: { ...input, kind: 'ADVISES' } }, viewer)).addAffiliation;
    expect(other).toEqual({ affiliation: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT', message: expect.any(String) }] });
    expect(await affiliationRows('from_id = $1', [a.id])).toEqual([{ kind: 'REPRESENTS', until: null, version: 1 }]);
  });

  it('is FORBIDDEN to an engagement manager of neither end, and to partners and patients by role', async () => {
    const a = await company();
    const b = await org();
    const input = { kind: 'MEMBER_OF', fromId: gid(a), toId: gid(b) };
    expect(errorCodes(await app.run(ADD, { input }, em(await company())))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(ADD, { input }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    expect(errorCodes(await app.run(ADD, { input }, viewerOf(Role.PATIENT, { patientId: patient.id })))).toEqual(['FORBIDDEN']);
    expect(await affiliationRows('from_id = $1', [a.id])).toEqual([]);
  });
});

const END = `
  mutation ($input: EndAffiliationInput!) {
    endAffiliation(input: $input) { affiliation { id until version } userErrors { field message code } }
  }`;
interface EndOut {
  endAffiliation: { affiliation: { id: string; until: string; version: number } | null; userErrors: { field: string | null; code: string }[] };
}

describe('endAffiliation', () => {
  it('ends today by default, or on the given day', async () => {
    const a = await company();
    const b = await org();
    const x = await makeAffiliation(app.db, a, b);
    const y = await makeAffiliation(app.db, a, b, { kind: AffiliationKind.ADVISES, since: '2024-01-01' });
    const ended = dataOf<EndOut>(await app.run(END, { input: { id: aid(x), version: 1 } }, em(b))).endAffiliation;
    expect(ended).toEqual({ affiliation: { id: aid(x), until: TODAY, version: 2 }, userErrors: [] });
    const later = dataOf<EndOut>(await app.run(END, { input: { id: aid(y), version: 1, until: '2099-12-31' } }, em(a))).endAffiliation;
    expect(later).toEqual({ affiliation: { id: aid(y), until: '2099-12-31', version: 2 }, userErrors: [] });
  });

  it('refuses an end before the start, an affiliation that already ended, a stale version and an unknown id', async () => {
    const a = await company();
    const b = await org();
    const x = await makeAffiliation(app.db, a, b, { since: '2024-06-01' });
    const gone = await makeAffiliation(app.db, a, b, { kind: AffiliationKind.ADVISES, since: '2020-01-01', until: '2021-01-01' });
    const cases: [Record<string, unknown>, { field: string; code: string }][] = [
      [{ id: aid(x), version: 1, until: '2024-05-31' }, { field: 'input.until', code: 'BAD_USER_INPUT' }],
      [{ id: aid(gone), version: 1 }, { field: 'input.id', code: 'BAD_USER_INPUT' }],
      [{ id: aid(x), version: 7 }, { field: 'input.version', code: 'CONFLICT' }],
      [{ id: gid(a), version: 1 }, { field: 'input.id', code: 'NOT_FOUND' }],
      [{ id: aid({ id: '00000000-0000-0000-0000-000000000000' }), version: 1 }, { field: 'input.id', code: 'NOT_FOUND' }],
    ];
    for (const [input, error] of cases) {
      expect(dataOf<EndOut>(await app.run(END, { input }, admin())).endAffiliation).toEqual({
        affiliation: null,
        userErrors: [{ ...error, message: expect.any(String) }],
      });
    }
    expect(await affiliationRows('from_id = $1', [a.id])).toEqual([
      { kind: 'MEMBER_OF', until: null, version: 1 },
      { kind: 'ADVISES', until: '2021-01-01', version: 1 },
    ]);
  });

  it('is FORBIDDEN to an engagement manager of neither end, and changes nothing', async () => {
    const a = await company();
    const b = await org();
    const x = await makeAffiliation(app.db, a, b);
    expect(errorCodes(await app.run(END, { input: { id: aid(x), version: 1 } }, em(await company())))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(END, { input: { id: aid(x), version: 1 } }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    expect(await affiliationRows('id = $1', [x.id])).toEqual([{ kind: 'MEMBER_OF', until: null, version: 1 }]);
  });
});

describe("a patient's affiliations to patient organisations (health data)", () => {
  const DAY = 86_400_000;
  const partner = (s: Stakeholder): Viewer => viewerOf(Role.PARTNER, { orgId: s.id });
  const SEEN = `
    query ($patient: ID!, $po: ID!, $ids: [ID!]!) {
      ofPatient: affiliations(filter: { stakeholderId: $patient }) { totalCount nodes { id } }
      ofPo: affiliations(filter: { toId: $po, kinds: [MEMBER_OF] }) { totalCount nodes { id } }
      patient: stakeholder(id: $patient) { affiliations(current: null) { id } }
      po: stakeholder(id: $po) { affiliations(current: null) { id } neighbours { stakeholder { name } } }
      nodes(ids: $ids) { id }
    }`;
  type Seen = {
    ofPatient: { totalCount: number; nodes: { id: string }[] };
    ofPo: { totalCount: number; nodes: { id: string }[] };
    patient: { affiliations: { id: string }[] };
    po: { affiliations: { id: string }[]; neighbours: { stakeholder: { name: string } }[] };
    nodes: ({ id: string } | null)[];
  };

  it('is hidden without the patient\'s active HEALTH consent for the viewer\'s organisation and purpose, everywhere', async () => {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: `hp-${Date.now()}` });
    const po = await org({ name: 'Health Org' });
    const sponsor = await company({ name: 'Health Sponsor' });
    const viewerOrg = await company();
    const joined = await makeAffiliation(app.db, patient, po, { kind: AffiliationKind.MEMBER_OF });
    const represented = await makeAffiliation(app.db, po, patient, { kind: AffiliationKind.REPRESENTS });
    const advises = await makeAffiliation(app.db, patient, sponsor, { kind: AffiliationKind.ADVISES });
    const backs = await makeAffiliation(app.db, sponsor, po, { kind: AffiliationKind.MEMBER_OF });
    const ids = (...as: { id: string }[]) => as.map((a) => ({ id: aid(a) }));
    // Each viewer names the patient by the id it is shown: the real one only for ADMIN and the patient themself, else its own sealed one.
    const patientIdFor = (viewer: Viewer) => (viewer.role === Role.ADMIN || viewer.patientId === patient.id ? gid(patient) : redactedPatientId(viewer, patient.id));
    const seen = async (viewer: Viewer) =>
      dataOf<Seen>(await app.run(SEEN, { patient: patientIdFor(viewer), po: gid(po), ids: [aid(joined), aid(represented), aid(advises)] }, viewer));
    const HIDDEN: Seen = {
      ofPatient: { totalCount: 1, nodes: ids(advises) },
      ofPo: { totalCount: 1, nodes: ids(backs) },
      patient: { affiliations: ids(advises) },
      po: { affiliations: ids(backs), neighbours: [{ stakeholder: { name: 'Health Sponsor' } }] },
      nodes: [null, null, { id: aid(advises) }],
    };
    // The patient's name as the viewer is shown it: the pseudonym with the patient's identity, else the neutral label.
    const visible = (patientName: string): Seen => ({
      ofPatient: { totalCount: 3, nodes: ids(joined, represented, advises) },
      ofPo: { totalCount: 2, nodes: ids(joined, backs) },
      patient: { affiliations: ids(joined, represented, advises) },
      po: { affiliations: ids(joined, represented, backs), neighbours: [{ stakeholder: { name: 'Health Sponsor' } }, { stakeholder: { name: patientName } }] },
      nodes: [{ id: aid(joined) }, { id: aid(represented) }, { id: aid(advises) }],
    });
    const VISIBLE = visible(patient.name);
    const VISIBLE_WITHOUT_IDENTITY = visible('Patient partner');

    expect(await seen(partner(viewerOrg))).toEqual(HIDDEN);
    expect(await seen(em(po))).toEqual(HIDDEN); // the organisation itself holds no consent either
    expect(await seen(viewerOf(Role.PATIENT, { patientId: (await makeStakeholder(app.db, StakeholderKind.PATIENT)).id }))).toEqual(HIDDEN);
    expect(await seen(viewerOf(Role.PATIENT, { patientId: patient.id }))).toEqual(VISIBLE);
    expect(await seen(admin())).toEqual(VISIBLE);

    // Consent of other scopes, or for another purpose than the request's, does not show it.
    await makeConsent(app.db, patient, { granteeId: viewerOrg.id, scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT] });
    await makeConsent(app.db, patient, { granteeId: viewerOrg.id, scopes: [ConsentScope.HEALTH], purposes: [ConsentPurpose.RESEARCH_DESIGN] });
    expect(await seen(partner(viewerOrg))).toEqual(HIDDEN);
    // (Its IDENTITY consent is for PARTNERSHIP_COORDINATION only.)
    expect(await seen(viewerOf(Role.PARTNER, { orgId: viewerOrg.id, purpose: ConsentPurpose.RESEARCH_DESIGN }))).toEqual(VISIBLE_WITHOUT_IDENTITY);

    const granted = await makeConsent(app.db, patient, { granteeId: viewerOrg.id, scopes: [ConsentScope.HEALTH] });
    expect(await seen(partner(viewerOrg))).toEqual(VISIBLE);
    expect(await seen(em(viewerOrg))).toEqual(VISIBLE);
    expect(await seen(partner(sponsor))).toEqual(HIDDEN); // granted to one organisation, not to the alliance

    // Withdrawal counts from the next request on; an expired consent shows nothing either.
    await app.db.query('UPDATE consent SET withdrawn_at = now() WHERE id = $1', [granted.id]);
    expect(await seen(partner(viewerOrg))).toEqual(HIDDEN);
    await makeConsent(app.db, patient, {
      granteeId: viewerOrg.id,
      scopes: [ConsentScope.HEALTH],
      grantedAt: new Date(Date.now() - 10 * DAY),
      expiresAt: new Date(Date.now() - DAY),
    });
    expect(await seen(partner(viewerOrg))).toEqual(HIDDEN);

    // Consent to the whole alliance shows it to every organisation.
    await makeConsent(app.db, patient, { scopes: [ConsentScope.HEALTH] });
    expect(await seen(partner(viewerOrg))).toEqual(VISIBLE);
    expect(await seen(partner(sponsor))).toEqual(VISIBLE_WITHOUT_IDENTITY); // HEALTH, not IDENTITY: the patient stays unnamed
  });

  it('cannot be ended by one who may not see it: NOT_FOUND exactly like an unknown id, nothing changes', async () => {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const po = await org();
    const joined = await makeAffiliation(app.db, patient, po);
    const end = async (id: string) => dataOf<EndOut>(await app.run(END, { input: { id, version: 1 } }, em(po))).endAffiliation;
    const hidden = await end(aid(joined));
    expect(hidden).toEqual({ affiliation: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND', message: 'No such affiliation.' }] });
    expect(hidden).toEqual(await end(aid({ id: '00000000-0000-0000-0000-000000000000' })));
    expect(await affiliationRows('id = $1', [joined.id])).toEqual([{ kind: 'MEMBER_OF', until: null, version: 1 }]);
    await makeConsent(app.db, patient, { granteeId: po.id, scopes: [ConsentScope.HEALTH] });
    expect(await end(aid(joined))).toEqual({ affiliation: { id: aid(joined), until: TODAY, version: 2 }, userErrors: [] });
  });
});

describe('redacted patient ids in affiliations', () => {
  it("shows a patient end under the viewer's organisation's id, which works as a filter and a reference for that organisation only", async () => {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const sponsor = await company();
    const other = await company();
    const ID = `query ($id: ID!) { stakeholder(id: $id) { id } }`;
    const shownAs = async (viewer: Viewer, id: string) => dataOf<{ stakeholder: { id: string } | null }>(await app.run(ID, { id }, viewer)).stakeholder?.id;
    // The real id opens nothing for an organisation that may not read the patient's identity; its own sealed id opens the patient, who is shown under it.
    const idFor = async (viewer: Viewer) => {
      expect(await shownAs(viewer, gid(patient))).toBeUndefined();
      const id = redactedPatientId(viewer, patient.id);
      expect(await shownAs(viewer, id)).toBe(id);
      return id;
    };
    const given = await idFor(em(sponsor));
    expect(given).toMatch(/^rp_/);
    expect(await idFor(em(other))).not.toBe(given);
    expect(await shownAs(admin(), gid(patient))).toBe(gid(patient));

    const added = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'ADVISES', fromId: given, toId: gid(sponsor) } }, em(sponsor))).addAffiliation;
    expect(added).toMatchObject({ affiliation: { kind: 'ADVISES', from: { id: given }, to: { id: gid(sponsor) } }, userErrors: [] });
    expect(await affiliationRows('from_id = $1', [patient.id])).toEqual([{ kind: 'ADVISES', until: null, version: 1 }]);

    const ofPatient = async (viewer: Viewer, id: string) =>
      dataOf<ListOut>(await app.run(AFFILIATIONS, { filter: { fromId: id } }, viewer)).affiliations.totalCount;
    expect(await ofPatient(viewerOf(Role.PARTNER, { orgId: sponsor.id }), given)).toBe(1);
    expect(await ofPatient(viewerOf(Role.PARTNER, { orgId: other.id }), given)).toBe(0);
    expect(await ofPatient(viewerOf(Role.PARTNER, { orgId: other.id }), await idFor(em(other)))).toBe(1);
    // Sealed for the sponsor, the id is no id at all for another organisation's reference.
    const refused = dataOf<AddOut>(await app.run(ADD, { input: { kind: 'ADVISES', fromId: given, toId: gid(other) } }, em(other))).addAffiliation;
    expect(refused).toEqual({ affiliation: null, userErrors: [{ field: 'input.fromId', code: 'NOT_FOUND', message: expect.any(String) }] });
  });
});
