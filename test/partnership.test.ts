import { redactedPatientId } from '../src/access/patient-ids';
import { Role, type Viewer } from '../src/access/viewer';
import { toGlobalId } from '../src/graphql/global-id';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { DevelopmentStage, MemberRole, PartnershipStatus, PartnershipType, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, mid, pid } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const patientOrg = () => makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
const em = (org: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
const uniq = () => `u${Math.random().toString(36).slice(2, 10)}`;

async function today(): Promise<string> {
  const [{ d }] = (await app.db.query('SELECT CURRENT_DATE::text AS d')) as { d: string }[];
  return d;
}
async function count(table: string): Promise<number> {
  const [{ n }] = (await app.db.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
  return n;
}

interface UserErrorOut {
  field: string | null;
  code: string;
}

const PARTNERSHIP = `
  query ($id: ID!) {
    partnership(id: $id) {
      id title description type status visibility developmentStage therapeuticArea startDate endDate version
      members { id role joinedAt leftAt stakeholder { id name } partnership { id } }
      former: members(current: false) { stakeholder { name } leftAt }
      everyone: members(current: null) { stakeholder { name } }
      commitments { title status }
    }
  }`;

describe('partnership(id)', () => {
  it('returns the partnership with its current and former members and its commitments', async () => {
    const lead = await company({ name: 'Lead Pharma' });
    const po = await patientOrg();
    const gone = await company({ name: 'Gone Co' });
    const { partnership, members } = await makePartnership(
      app.db,
      [
        { stakeholder: lead, joinedAt: '2024-01-01' },
        { stakeholder: po, role: MemberRole.PATIENT_PARTNER, joinedAt: '2024-02-01' },
        { stakeholder: gone, joinedAt: '2024-01-15', leftAt: '2024-03-01' },
      ],
      {
        title: 'Asthma protocol panel',
        description: 'Patients shape the protocol.',
        type: PartnershipType.PATIENT_PANEL,
        developmentStage: DevelopmentStage.PROTOCOL_DESIGN,
        therapeuticArea: 'respiratory',
        startDate: '2024-01-01',
      },
    );
    await makeCommitment(app.db, lead, { title: 'Share the draft protocol', partnershipId: partnership.id, dueDate: '2024-05-01' });
    const data = dataOf<{ partnership: unknown }>(await app.run(PARTNERSHIP, { id: pid(partnership) }, viewerOf(Role.PARTNER, { orgId: po.id })));
    expect(data.partnership).toEqual({
      id: pid(partnership),
      title: 'Asthma protocol panel',
      description: 'Patients shape the protocol.',
      type: 'PATIENT_PANEL',
      status: 'PROPOSED',
      visibility: 'ALLIANCE',
      developmentStage: 'PROTOCOL_DESIGN',
      therapeuticArea: 'respiratory',
      startDate: '2024-01-01',
      endDate: null,
      version: 1,
      members: [
        { id: mid(members[0]), role: 'LEAD', joinedAt: '2024-01-01', leftAt: null, stakeholder: { id: gid(lead), name: 'Lead Pharma' }, partnership: { id: pid(partnership) } },
        { id: mid(members[1]), role: 'PATIENT_PARTNER', joinedAt: '2024-02-01', leftAt: null, stakeholder: { id: gid(po), name: po.name }, partnership: { id: pid(partnership) } },
      ],
      former: [{ stakeholder: { name: 'Gone Co' }, leftAt: '2024-03-01' }],
      everyone: [{ stakeholder: { name: 'Lead Pharma' } }, { stakeholder: { name: 'Gone Co' } }, { stakeholder: { name: po.name } }],
      commitments: [{ title: 'Share the draft protocol', status: 'OPEN' }],
    });
  });

  it('is null for an unknown, malformed or foreign-type id', async () => {
    const org = await company();
    for (const id of [pid({ id: '00000000-0000-0000-0000-000000000000' }), 'nonsense', gid(org)]) {
      expect(dataOf<{ partnership: unknown }>(await app.run(PARTNERSHIP, { id }, admin())).partnership).toBeNull();
    }
  });

  it('is refused to analysts and to anonymous callers', async () => {
    const { partnership } = await makePartnership(app.db, [{ stakeholder: await company() }, { stakeholder: await company() }]);
    expect(errorCodes(await app.run(PARTNERSHIP, { id: pid(partnership) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(PARTNERSHIP, { id: pid(partnership) }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('partnerships(...)', () => {
  const LIST = `
    query ($first: Int, $after: String, $filter: PartnershipFilter, $orderBy: PartnershipOrder) {
      partnerships(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        edges { cursor node { title } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
  type List = { partnerships: { totalCount: number; edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const titles = async (variables: Record<string, unknown>) => {
    const data = dataOf<List>(await app.run(LIST, variables, admin()));
    return data.partnerships.edges.map((e) => e.node.title);
  };

  it('filters by status, type, stage, therapeutic area, current member, title search and start dates', async () => {
    const tag = uniq();
    const [a, b, c, former] = [await company(), await company(), await company(), await company()];
    await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], {
      title: `${tag} one`,
      status: PartnershipStatus.ACTIVE,
      type: PartnershipType.ADVISORY_BOARD,
      developmentStage: DevelopmentStage.DISCOVERY,
      therapeuticArea: 'oncology',
      startDate: '2024-03-01',
    });
    await makePartnership(app.db, [{ stakeholder: b }, { stakeholder: c }, { stakeholder: former, leftAt: '2024-12-01', joinedAt: '2024-01-01' }], {
      title: `${tag} two`,
      type: PartnershipType.CONSORTIUM,
      developmentStage: DevelopmentStage.HTA_APPRAISAL,
      therapeuticArea: 'rare diseases',
      startDate: '2024-06-01',
    });
    await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: c }], { title: `${tag} 100%_three`, status: PartnershipStatus.CONCLUDED });

    expect(await titles({ filter: { search: tag } })).toEqual([`${tag} 100%_three`, `${tag} one`, `${tag} two`]);
    expect(await titles({ filter: { search: tag, statuses: ['ACTIVE', 'CONCLUDED'] } })).toEqual([`${tag} 100%_three`, `${tag} one`]);
    expect(await titles({ filter: { search: tag, types: ['CONSORTIUM'] } })).toEqual([`${tag} two`]);
    expect(await titles({ filter: { search: tag, stages: ['DISCOVERY', 'POST_LAUNCH'] } })).toEqual([`${tag} one`]);
    expect(await titles({ filter: { search: tag, therapeuticAreas: ['rare diseases'] } })).toEqual([`${tag} two`]);
    expect(await titles({ filter: { memberId: gid(a) } })).toEqual([`${tag} 100%_three`, `${tag} one`]);
    expect(await titles({ filter: { memberId: gid(former) } })).toEqual([]);
    expect(await titles({ filter: { memberId: 'not-an-id' } })).toEqual([]);
    expect(await titles({ filter: { search: tag, startFrom: '2024-04-01' } })).toEqual([`${tag} two`]);
    expect(await titles({ filter: { search: tag, startFrom: '2024-03-01', startTo: '2024-05-31' } })).toEqual([`${tag} one`]);
    // LIKE wildcards in the search text are literal.
    expect(await titles({ filter: { search: `${tag} 100%_` } })).toEqual([`${tag} 100%_three`]);
    expect(await titles({ filter: { search: `${tag}%one` } })).toEqual([]);
  });

  it('orders by title, creation and start date (undated last both ways) and pages with cursors', async () => {
    const tag = uniq();
    const members = [{ stakeholder: await company() }, { stakeholder: await company() }];
    for (const [title, startDate] of [['d', '2024-01-01'], ['a', null], ['c', '2023-05-01'], ['b', '2025-02-01'], ['e', null]] as const) {
      await makePartnership(app.db, members, { title: `${tag} ${title}`, startDate });
    }
    const t = (names: string) => names.split('').map((n) => `${tag} ${n}`);
    expect(await titles({ filter: { search: tag }, orderBy: { field: 'TITLE', direction: 'DESC' } })).toEqual(t('edcba'));
    expect(await titles({ filter: { search: tag }, orderBy: { field: 'CREATED_AT', direction: 'ASC' } })).toEqual(t('dacbe'));

    for (const [direction, expected] of [['ASC', 'cdbae'], ['DESC', 'bdcae']] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 5; guard++) {
        const page: List = dataOf<List>(await app.run(LIST, { first: 2, after, filter: { search: tag }, orderBy: { field: 'START_DATE', direction } }, admin()));
        expect(page.partnerships.totalCount).toBe(5);
        seen.push(...page.partnerships.edges.map((e) => e.node.title));
        if (!page.partnerships.pageInfo.hasNextPage) break;
        after = page.partnerships.pageInfo.endCursor;
      }
      // The two undated ones tie on the sort key and follow their ids.
      expect([...seen.slice(0, 3), ...seen.slice(3).sort()]).toEqual(t(expected));
    }
  });

  it('refuses a foreign cursor and a page above 100, and hides the list from analysts', async () => {
    expect(errorCodes(await app.run(LIST, { after: 'garbage' }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(LIST, { first: 101 }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(LIST, {}, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
  });

  // Each loader is reached by one path only: two paths to one loader at the same depth may or may not
  // share a batch, depending on timing, which would make the count flaky.
  it('loads members, their stakeholders and commitments in a number of statements that does not grow with the list', async () => {
    const NESTED = `
      query ($search: String) {
        partnerships(first: 50, filter: { search: $search }) {
          nodes {
            title
            members { role stakeholder { name ... on Company { partnerships { title } memberships { role } } } }
            commitments { title status }
          }
        }
      }`;
    const build = async (size: number) => {
      const tag = uniq();
      for (let i = 0; i < size; i++) {
        const [x, y] = [await company(), await patientOrg()];
        const { partnership } = await makePartnership(app.db, [{ stakeholder: x }, { stakeholder: y }], { title: `${tag} ${i}` });
        await makeCommitment(app.db, x, { partnershipId: partnership.id });
      }
      return tag;
    };
    const small = await app.runCounted<{ partnerships: { nodes: unknown[] } }>(NESTED, { search: await build(2) }, admin());
    const large = await app.runCounted<{ partnerships: { nodes: unknown[] } }>(NESTED, { search: await build(10) }, admin());
    expect(dataOf(small.result).partnerships.nodes).toHaveLength(2);
    expect(dataOf(large.result).partnerships.nodes).toHaveLength(10);
    expect(large.statements.length).toBe(small.statements.length);
  });
});

describe('Stakeholder.partnerships and Stakeholder.memberships', () => {
  it('lists current partnerships (by status) and every membership', async () => {
    const org = await company();
    const other = await company();
    const { partnership: active } = await makePartnership(app.db, [{ stakeholder: org }, { stakeholder: other }], {
      title: 'active one',
      status: PartnershipStatus.ACTIVE,
    });
    const { partnership: proposed } = await makePartnership(app.db, [{ stakeholder: other }, { stakeholder: org, role: MemberRole.ADVISOR }], {
      title: 'proposed one',
    });
    await makePartnership(app.db, [{ stakeholder: other }, { stakeholder: org, joinedAt: '2023-01-01', leftAt: '2023-06-01' }], { title: 'left one' });
    const QUERY = `
      query ($id: ID!) {
        stakeholder(id: $id) {
          all: partnerships { id title }
          active: partnerships(statuses: [ACTIVE]) { title }
          memberships { role leftAt partnership { title } }
        }
      }`;
    const data = dataOf<{ stakeholder: { all: { id: string; title: string }[]; active: unknown[]; memberships: { role: string; leftAt: string | null; partnership: { title: string } }[] } }>(
      await app.run(QUERY, { id: gid(org) }, admin()),
    );
    expect(data.stakeholder.all.map((p) => p.id).sort()).toEqual([pid(active), pid(proposed)].sort());
    expect(data.stakeholder.active).toEqual([{ title: 'active one' }]);
    expect(data.stakeholder.memberships).toHaveLength(3);
    expect(data.stakeholder.memberships).toEqual(
      expect.arrayContaining([
        { role: 'LEAD', leftAt: null, partnership: { title: 'active one' } },
        { role: 'ADVISOR', leftAt: null, partnership: { title: 'proposed one' } },
        { role: 'MEMBER', leftAt: '2023-06-01', partnership: { title: 'left one' } },
      ]),
    );
  });
});

const PROPOSE = `
  mutation ($input: ProposePartnershipInput!) {
    proposePartnership(input: $input) {
      partnership { id title status visibility type developmentStage therapeuticArea startDate endDate version members { role stakeholder { id } } }
      userErrors { field code message }
    }
  }`;
type Proposed = {
  proposePartnership: {
    partnership: { id: string; title: string; status: string; version: number; members: { role: string; stakeholder: { id: string } }[] } | null;
    userErrors: UserErrorOut[];
  };
};

describe('proposePartnership', () => {
  it('creates a PROPOSED partnership with its members for an engagement manager of a member', async () => {
    const [lead, po] = [await company(), await patientOrg()];
    const input = {
      title: '  Early dialogue on endpoints ',
      type: 'EARLY_DIALOGUE',
      developmentStage: 'PROTOCOL_DESIGN',
      therapeuticArea: 'cardiology',
      startDate: '2025-01-01',
      endDate: '2025-12-31',
      members: [
        { stakeholderId: gid(lead), role: 'LEAD' },
        { stakeholderId: gid(po), role: 'PATIENT_PARTNER' },
      ],
    };
    const data = dataOf<Proposed>(await app.run(PROPOSE, { input }, em(po)));
    expect(data.proposePartnership.userErrors).toEqual([]);
    expect(data.proposePartnership.partnership).toMatchObject({
      title: 'Early dialogue on endpoints',
      status: 'PROPOSED',
      visibility: 'ALLIANCE',
      type: 'EARLY_DIALOGUE',
      developmentStage: 'PROTOCOL_DESIGN',
      therapeuticArea: 'cardiology',
      startDate: '2025-01-01',
      endDate: '2025-12-31',
      version: 1,
    });
    // Members who joined the same day follow their ids.
    expect(data.proposePartnership.partnership?.members).toHaveLength(2);
    expect(data.proposePartnership.partnership?.members).toEqual(
      expect.arrayContaining([
        { role: 'LEAD', stakeholder: { id: gid(lead) } },
        { role: 'PATIENT_PARTNER', stakeholder: { id: gid(po) } },
      ]),
    );
    const rows = await app.db.query(
      `SELECT m.role, m.left_at FROM partnership_member m JOIN partnership p ON p.id = m.partnership_id WHERE p.title = $1 ORDER BY m.role`,
      ['Early dialogue on endpoints'],
    );
    expect(rows).toEqual([
      { role: 'LEAD', left_at: null },
      { role: 'PATIENT_PARTNER', left_at: null },
    ]);
  });

  it('refuses bad references, duplicates, a missing LEAD and reversed dates as userErrors, writing nothing', async () => {
    const [a, b] = [await company(), await company()];
    const archived = await company({ archivedAt: new Date() });
    const base = { title: 'Refused', type: 'ALLIANCE' };
    const cases: [Record<string, unknown>, UserErrorOut[]][] = [
      [
        { members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid({ id: '00000000-0000-0000-0000-000000000000' }), role: 'MEMBER' }] },
        [{ field: 'input.members.1.stakeholderId', code: 'NOT_FOUND' }],
      ],
      [
        { members: [{ stakeholderId: 'garbage', role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }] },
        [{ field: 'input.members.0.stakeholderId', code: 'NOT_FOUND' }],
      ],
      [
        { members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(archived), role: 'MEMBER' }] },
        [{ field: 'input.members.1.stakeholderId', code: 'BAD_USER_INPUT' }],
      ],
      [{ members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(a), role: 'MEMBER' }] }, [{ field: 'input.members', code: 'BAD_USER_INPUT' }]],
      [{ members: [{ stakeholderId: gid(a), role: 'MEMBER' }, { stakeholderId: gid(b), role: 'OBSERVER' }] }, [{ field: 'input.members', code: 'BAD_USER_INPUT' }]],
      [
        { startDate: '2025-02-01', endDate: '2025-01-31', members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }] },
        [{ field: 'input.endDate', code: 'BAD_USER_INPUT' }],
      ],
    ];
    const before = [await count('partnership'), await count('partnership_member')];
    for (const [fields, errors] of cases) {
      const data = dataOf<Proposed>(await app.run(PROPOSE, { input: { ...base, ...fields } }, admin()));
      expect(data.proposePartnership.partnership).toBeNull();
      expect(data.proposePartnership.userErrors.map(({ field, code }) => ({ field, code }))).toEqual(errors);
    }
    expect([await count('partnership'), await count('partnership_member')]).toEqual(before);
  });

  it('rejects invalid input before anything runs (BAD_USER_INPUT)', async () => {
    const [a, b] = [await company(), await company()];
    const members = [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }];
    const before = await count('partnership');
    for (const input of [
      { title: 'One member', type: 'ALLIANCE', members: members.slice(0, 1) },
      { title: '   ', type: 'ALLIANCE', members },
      { title: 'x'.repeat(201), type: 'ALLIANCE', members },
      { title: 'Bad date', type: 'ALLIANCE', startDate: '2025-02-30', members },
      { title: 'Bad role', type: 'ALLIANCE', members: [members[0], { ...members[1], role: 'BOSS' }] },
    ]) {
      expect(errorCodes(await app.run(PROPOSE, { input }, admin()))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await count('partnership')).toBe(before);
  });

  it('forbids an engagement manager whose organisation is not among the members, and partners altogether', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const input = { title: 'Not yours', type: 'ALLIANCE', members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }] };
    const before = await count('partnership');
    expect(errorCodes(await app.run(PROPOSE, { input }, em(outsider)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(PROPOSE, { input }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(PROPOSE, { input }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await count('partnership')).toBe(before);
  });

  it('replays an idempotent proposal and refuses the key with another payload', async () => {
    const [a, b] = [await company(), await company()];
    const viewer = em(a);
    const input = { title: 'Idempotent one', type: 'CONSORTIUM', members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }], idempotencyKey: 'p-1' };
    const first = dataOf<Proposed>(await app.run(PROPOSE, { input }, viewer));
    const again = dataOf<Proposed>(await app.run(PROPOSE, { input }, viewer));
    expect(again.proposePartnership).toEqual({ partnership: first.proposePartnership.partnership, userErrors: [] });
    const other = dataOf<Proposed>(await app.run(PROPOSE, { input: { ...input, title: 'Idempotent two' } }, viewer));
    expect(other.proposePartnership.partnership).toBeNull();
    expect(other.proposePartnership.userErrors.map(({ field, code }) => ({ field, code }))).toEqual([{ field: 'input.idempotencyKey', code: 'CONFLICT' }]);
    const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM partnership WHERE title LIKE 'Idempotent %'`);
    expect(n).toBe(1);
  });
});

const CHANGE_STATUS = `
  mutation ($input: ChangePartnershipStatusInput!) {
    changePartnershipStatus(input: $input) { partnership { status startDate endDate version } userErrors { field code } }
  }`;
type StatusChanged = { changePartnershipStatus: { partnership: { status: string; startDate: string | null; endDate: string | null; version: number } | null; userErrors: UserErrorOut[] } };

describe('changePartnershipStatus', () => {
  it('follows the lifecycle, dating the start and the end when they are empty', async () => {
    const [lead, member] = [await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: lead }, { stakeholder: member }]);
    const viewer = em(member);
    const change = async (version: number, status: string) =>
      dataOf<StatusChanged>(await app.run(CHANGE_STATUS, { input: { id: pid(partnership), version, status } }, viewer)).changePartnershipStatus;
    const d = await today();
    expect(await change(1, 'ACTIVE')).toEqual({ partnership: { status: 'ACTIVE', startDate: d, endDate: null, version: 2 }, userErrors: [] });
    expect(await change(2, 'SUSPENDED')).toEqual({ partnership: { status: 'SUSPENDED', startDate: d, endDate: null, version: 3 }, userErrors: [] });
    expect(await change(3, 'ACTIVE')).toEqual({ partnership: { status: 'ACTIVE', startDate: d, endDate: null, version: 4 }, userErrors: [] });
    expect(await change(4, 'CONCLUDED')).toEqual({ partnership: { status: 'CONCLUDED', startDate: d, endDate: d, version: 5 }, userErrors: [] });
    expect(await change(5, 'ACTIVE')).toEqual({ partnership: null, userErrors: [{ field: 'input.status', code: 'BAD_USER_INPUT' }] });
  });

  it('keeps planned dates, refuses illegal moves, a stale version, dates that would cross, and unknown ids', async () => {
    const [a, b] = [await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { startDate: '2020-01-01', endDate: '2020-12-31' });
    const run = async (input: Record<string, unknown>) =>
      dataOf<StatusChanged>(await app.run(CHANGE_STATUS, { input: { id: pid(partnership), version: 1, ...input } }, admin())).changePartnershipStatus;
    expect(await run({ status: 'SUSPENDED' })).toEqual({ partnership: null, userErrors: [{ field: 'input.status', code: 'BAD_USER_INPUT' }] });
    expect(await run({ status: 'PROPOSED' })).toEqual({ partnership: null, userErrors: [{ field: 'input.status', code: 'BAD_USER_INPUT' }] });
    expect(await run({ status: 'ACTIVE', version: 7 })).toEqual({ partnership: null, userErrors: [{ field: 'input.version', code: 'CONFLICT' }] });
    expect(await run({ status: 'CONCLUDED' })).toEqual({
      partnership: { status: 'CONCLUDED', startDate: '2020-01-01', endDate: '2020-12-31', version: 2 },
      userErrors: [],
    });
    // Activating today a partnership whose planned end has passed would put its start after its end.
    const { partnership: ended } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { endDate: '2020-12-31' });
    const crossed = dataOf<StatusChanged>(await app.run(CHANGE_STATUS, { input: { id: pid(ended), version: 1, status: 'ACTIVE' } }, admin()));
    expect(crossed.changePartnershipStatus).toEqual({ partnership: null, userErrors: [{ field: 'input.status', code: 'BAD_USER_INPUT' }] });
    const [row] = await app.db.query('SELECT status, start_date, version FROM partnership WHERE id = $1', [ended.id]);
    expect(row).toEqual({ status: 'PROPOSED', start_date: null, version: 1 });
    for (const id of ['garbage', gid(a)]) {
      const missing = dataOf<StatusChanged>(await app.run(CHANGE_STATUS, { input: { id, version: 1, status: 'ACTIVE' } }, admin()));
      expect(missing.changePartnershipStatus).toEqual({ partnership: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND' }] });
    }
  });

  it('forbids engagement managers of non-members and of former members, and changes nothing', async () => {
    const [a, b, former, outsider] = [await company(), await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }, { stakeholder: former, joinedAt: '2024-01-01', leftAt: '2024-02-01' }]);
    const input = { id: pid(partnership), version: 1, status: 'ACTIVE' };
    expect(errorCodes(await app.run(CHANGE_STATUS, { input }, em(outsider)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(CHANGE_STATUS, { input }, em(former)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(CHANGE_STATUS, { input }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    const [row] = await app.db.query('SELECT status, version FROM partnership WHERE id = $1', [partnership.id]);
    expect(row).toEqual({ status: 'PROPOSED', version: 1 });
  });
});

const ADD = `
  mutation ($input: AddPartnershipMemberInput!) {
    addPartnershipMember(input: $input) { member { id role joinedAt leftAt stakeholder { id } partnership { id } } userErrors { field code } }
  }`;
type Added = { addPartnershipMember: { member: { id: string; role: string; joinedAt: string; leftAt: string | null } | null; userErrors: UserErrorOut[] } };

describe('addPartnershipMember', () => {
  it('adds a member (today by default) and lets a former member re-join', async () => {
    const [a, b, newcomer] = [await company(), await company(), await patientOrg()];
    const { partnership } = await makePartnership(app.db, [
      { stakeholder: a },
      { stakeholder: b },
      { stakeholder: newcomer, joinedAt: '2023-01-01', leftAt: '2023-02-01' },
    ]);
    const data = dataOf<Added>(await app.run(ADD, { input: { partnershipId: pid(partnership), stakeholderId: gid(newcomer), role: 'PATIENT_PARTNER' } }, em(a)));
    expect(data.addPartnershipMember).toEqual({
      member: {
        id: expect.any(String),
        role: 'PATIENT_PARTNER',
        joinedAt: await today(),
        leftAt: null,
        stakeholder: { id: gid(newcomer) },
        partnership: { id: pid(partnership) },
      },
      userErrors: [],
    });
    const dated = dataOf<Added>(
      await app.run(ADD, { input: { partnershipId: pid(partnership), stakeholderId: gid(await company()), role: 'OBSERVER', joinedAt: '2024-09-01' } }, admin()),
    );
    expect(dated.addPartnershipMember.member).toMatchObject({ role: 'OBSERVER', joinedAt: '2024-09-01' });
    const [{ n }] = await app.db.query('SELECT count(*)::int AS n FROM partnership_member WHERE partnership_id = $1 AND left_at IS NULL', [partnership.id]);
    expect(n).toBe(4);
    const [{ version }] = await app.db.query('SELECT version FROM partnership WHERE id = $1', [partnership.id]);
    expect(version).toBe(1);
  });

  it('refuses a current member (CONFLICT), unknown or archived stakeholders, unknown and concluded partnerships', async () => {
    const [a, b] = [await company(), await company()];
    const archived = await company({ archivedAt: new Date() });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const { partnership: done } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { status: PartnershipStatus.CONCLUDED });
    const before = await count('partnership_member');
    const cases: [Record<string, unknown>, UserErrorOut][] = [
      [{ stakeholderId: gid(b) }, { field: 'input.stakeholderId', code: 'CONFLICT' }],
      [{ stakeholderId: gid(archived) }, { field: 'input.stakeholderId', code: 'BAD_USER_INPUT' }],
      [{ stakeholderId: pid(partnership) }, { field: 'input.stakeholderId', code: 'NOT_FOUND' }],
      [{ stakeholderId: gid(await company()), partnershipId: gid(a) }, { field: 'input.partnershipId', code: 'NOT_FOUND' }],
      [{ stakeholderId: gid(await company()), partnershipId: pid(done) }, { field: 'input.partnershipId', code: 'BAD_USER_INPUT' }],
    ];
    for (const [fields, error] of cases) {
      const data = dataOf<Added>(await app.run(ADD, { input: { partnershipId: pid(partnership), role: 'MEMBER', ...fields } }, admin()));
      expect(data.addPartnershipMember).toEqual({ member: null, userErrors: [error] });
    }
    expect(await count('partnership_member')).toBe(before);
  });

  it('forbids an engagement manager of a non-member, and changes nothing', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const before = await count('partnership_member');
    const result = await app.run(ADD, { input: { partnershipId: pid(partnership), stakeholderId: gid(outsider), role: 'MEMBER' } }, em(outsider));
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await count('partnership_member')).toBe(before);
  });

  it('replays an idempotent add and refuses the key with another payload', async () => {
    const [a, b, c] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const viewer = em(a);
    const input = { partnershipId: pid(partnership), stakeholderId: gid(c), role: 'ADVISOR', idempotencyKey: 'add-1' };
    const first = dataOf<Added>(await app.run(ADD, { input }, viewer));
    const again = dataOf<Added>(await app.run(ADD, { input }, viewer));
    expect(again.addPartnershipMember).toEqual({ member: first.addPartnershipMember.member, userErrors: [] });
    const other = dataOf<Added>(await app.run(ADD, { input: { ...input, role: 'OBSERVER' } }, viewer));
    expect(other.addPartnershipMember).toEqual({ member: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT' }] });
    const [{ n }] = await app.db.query('SELECT count(*)::int AS n FROM partnership_member WHERE partnership_id = $1', [partnership.id]);
    expect(n).toBe(3);
  });
});

const REMOVE = `
  mutation ($input: RemovePartnershipMemberInput!) {
    removePartnershipMember(input: $input) { member { id leftAt } userErrors { field code } }
  }`;
type Removed = { removePartnershipMember: { member: { id: string; leftAt: string } | null; userErrors: UserErrorOut[] } };

describe('removePartnershipMember', () => {
  it('ends a membership, which then leaves the current members', async () => {
    const [a, b, c] = [await company(), await company(), await company()];
    const { partnership, members } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }, { stakeholder: c, joinedAt: '2024-01-01' }]);
    const data = dataOf<Removed>(await app.run(REMOVE, { input: { memberId: mid(members[2]) } }, em(c)));
    expect(data.removePartnershipMember).toEqual({ member: { id: mid(members[2]), leftAt: await today() }, userErrors: [] });
    const after = dataOf<{ partnership: { members: { stakeholder: { id: string } }[] } }>(
      await app.run(`query ($id: ID!) { partnership(id: $id) { members { stakeholder { id } } } }`, { id: pid(partnership) }, admin()),
    );
    expect(after.partnership.members.map((m) => m.stakeholder.id).sort()).toEqual([gid(a), gid(b)].sort());
  });

  it('keeps two current members and a LEAD, and refuses bad dates, a second removal and unknown ids', async () => {
    const [a, b, c] = [await company(), await company(), await company()];
    const { members } = await makePartnership(app.db, [
      { stakeholder: a, joinedAt: '2024-01-01' },
      { stakeholder: b, joinedAt: '2024-01-01' },
      { stakeholder: c, joinedAt: '2024-01-01' },
    ]);
    const run = async (input: Record<string, unknown>) => dataOf<Removed>(await app.run(REMOVE, { input }, admin())).removePartnershipMember;
    expect(await run({ memberId: mid(members[0]) })).toEqual({ member: null, userErrors: [{ field: 'input.memberId', code: 'BAD_USER_INPUT' }] });
    expect(await run({ memberId: mid(members[1]), leftAt: '2099-01-01' })).toEqual({ member: null, userErrors: [{ field: 'input.leftAt', code: 'BAD_USER_INPUT' }] });
    expect(await run({ memberId: mid(members[1]), leftAt: '2023-12-31' })).toEqual({ member: null, userErrors: [{ field: 'input.leftAt', code: 'BAD_USER_INPUT' }] });
    expect(await run({ memberId: mid(members[1]), leftAt: '2024-06-30' })).toEqual({ member: { id: mid(members[1]), leftAt: '2024-06-30' }, userErrors: [] });
    expect(await run({ memberId: mid(members[1]) })).toEqual({ member: null, userErrors: [{ field: 'input.memberId', code: 'BAD_USER_INPUT' }] });
    // Two current members left: neither may go.
    expect(await run({ memberId: mid(members[2]) })).toEqual({ member: null, userErrors: [{ field: 'input.memberId', code: 'BAD_USER_INPUT' }] });
    for (const memberId of ['garbage', gid(a)]) {
      expect(await run({ memberId })).toEqual({ member: null, userErrors: [{ field: 'input.memberId', code: 'NOT_FOUND' }] });
    }
    const rows = await app.db.query('SELECT left_at FROM partnership_member WHERE id = ANY($1) ORDER BY stakeholder_id = $2 DESC, stakeholder_id = $3 DESC', [
      members.map((m) => m.id),
      a.id,
      b.id,
    ]);
    expect(rows).toEqual([{ left_at: null }, { left_at: '2024-06-30' }, { left_at: null }]);
  });

  it('refuses changes to a concluded partnership, and forbids engagement managers of non-members', async () => {
    const [a, b, c, outsider] = [await company(), await company(), await company(), await company()];
    const { members: done } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }, { stakeholder: c }], { status: PartnershipStatus.CONCLUDED });
    const concluded = dataOf<Removed>(await app.run(REMOVE, { input: { memberId: mid(done[2]) } }, admin()));
    expect(concluded.removePartnershipMember).toEqual({ member: null, userErrors: [{ field: 'input.memberId', code: 'BAD_USER_INPUT' }] });
    const { members } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }, { stakeholder: c }]);
    expect(errorCodes(await app.run(REMOVE, { input: { memberId: mid(members[2]) } }, em(outsider)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(REMOVE, { input: { memberId: mid(members[2]) } }, viewerOf(Role.PATIENT, { patientId: c.id })))).toEqual(['FORBIDDEN']);
    const rows = await app.db.query('SELECT left_at FROM partnership_member WHERE id = ANY($1)', [[done[2].id, members[2].id]]);
    expect(rows).toEqual([{ left_at: null }, { left_at: null }]);
  });
});

describe('Partnership.commitments', () => {
  it('lists the commitments of each partnership, soonest due first', async () => {
    const [a, b] = [await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    await makeCommitment(app.db, a, { title: 'undated', partnershipId: partnership.id });
    await makeCommitment(app.db, b, { title: 'later', partnershipId: partnership.id, dueDate: '2025-06-01' });
    await makeCommitment(app.db, a, { title: 'sooner', partnershipId: partnership.id, dueDate: '2025-01-01', status: CommitmentStatus.FULFILLED, fulfilledAt: new Date() });
    await makeCommitment(app.db, a, { title: 'elsewhere' });
    const data = dataOf<{ partnership: { commitments: { title: string }[] } }>(
      await app.run(`query ($id: ID!) { partnership(id: $id) { commitments { title } } }`, { id: pid(partnership) }, admin()),
    );
    expect(data.partnership.commitments.map((c) => c.title)).toEqual(['sooner', 'later', 'undated']);
  });
});

describe('members-only partnerships', () => {
  const partner = (org: Stakeholder): Viewer => viewerOf(Role.PARTNER, { orgId: org.id });
  const patientLogin = (p: Stakeholder): Viewer => viewerOf(Role.PATIENT, { patientId: p.id });
  const ZERO = '00000000-0000-0000-0000-000000000000';
  let tag: string;
  let lead: Stakeholder;
  let po: Stakeholder;
  let patient: Stakeholder;
  let former: Stakeholder;
  let outsider: Stakeholder;
  let closed: { id: string };
  let closedMembers: { id: string }[];
  let open: { id: string };

  beforeAll(async () => {
    tag = uniq();
    [lead, po, outsider, former] = [await company(), await patientOrg(), await company(), await company()];
    patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const made = await makePartnership(
      app.db,
      [
        { stakeholder: lead },
        { stakeholder: po },
        { stakeholder: patient, role: MemberRole.PATIENT_PARTNER },
        { stakeholder: former, joinedAt: '2024-01-01', leftAt: '2024-02-01' },
      ],
      { title: `${tag} closed`, visibility: PartnershipVisibility.MEMBERS },
    );
    closed = made.partnership;
    closedMembers = made.members;
    open = (await makePartnership(app.db, [{ stakeholder: lead }, { stakeholder: outsider }], { title: `${tag} open` })).partnership;
  });

  const byIdOf = async (p: { id: string }, viewer: Viewer) =>
    dataOf<{ partnership: { title: string } | null }>(await app.run(`query ($id: ID!) { partnership(id: $id) { title } }`, { id: pid(p) }, viewer)).partnership;
  const byId = (viewer: Viewer) => byIdOf(closed, viewer);
  const LIST = `
    query ($filter: PartnershipFilter) { partnerships(first: 10, filter: $filter) { totalCount nodes { title } } }`;
  const list = async (viewer: Viewer, filter: Record<string, unknown>) => {
    const out = dataOf<{ partnerships: { totalCount: number; nodes: { title: string }[] } }>(await app.run(LIST, { filter }, viewer)).partnerships;
    return { totalCount: out.totalCount, titles: out.nodes.map((n) => n.title) };
  };
  const SIDE = `
    query ($id: ID!) { stakeholder(id: $id) { partnerships { title } memberships { partnership { title } } } }`;
  const side = async (viewer: Viewer, s: Stakeholder) => {
    const out = dataOf<{ stakeholder: { partnerships: { title: string }[]; memberships: { partnership: { title: string } }[] } }>(
      await app.run(SIDE, { id: gid(s) }, viewer),
    ).stakeholder;
    return { partnerships: out.partnerships.map((p) => p.title).sort(), memberships: out.memberships.map((m) => m.partnership.title).sort() };
  };
  const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

  it("is null by id, absent from lists, counts and member filters for outsiders and former members' staff", async () => {
    for (const viewer of [partner(outsider), em(outsider), em(former), patientLogin(await makeStakeholder(app.db, StakeholderKind.PATIENT))]) {
      expect(await byId(viewer)).toBeNull();
      expect(await list(viewer, { search: tag })).toEqual({ totalCount: 1, titles: [`${tag} open`] });
      expect(await list(viewer, { search: tag, statuses: ['PROPOSED'] })).toEqual({ totalCount: 1, titles: [`${tag} open`] });
      expect(await list(viewer, { memberId: gid(po) })).toEqual({ totalCount: 0, titles: [] });
      expect(await list(viewer, { memberId: gid(lead) })).toEqual({ totalCount: 1, titles: [`${tag} open`] });
      expect(await side(viewer, lead)).toEqual({ partnerships: [`${tag} open`], memberships: [`${tag} open`] });
      expect(await side(viewer, po)).toEqual({ partnerships: [], memberships: [] });
      expect(await side(viewer, former)).toEqual({ partnerships: [], memberships: [] });
      const nodes = dataOf<{ nodes: unknown[] }>(await app.run(NODES, { ids: [pid(closed), mid(closedMembers[1]), pid(open)] }, viewer)).nodes;
      expect(nodes).toEqual([null, null, { __typename: 'Partnership', id: pid(open) }]);
    }
  });

  it("is visible to its current members' staff, to a patient member and to ADMIN, with its members", async () => {
    for (const viewer of [partner(lead), em(lead), partner(po), patientLogin(patient), admin()]) {
      expect(await byId(viewer)).toEqual({ title: `${tag} closed` });
      expect(await list(viewer, { search: tag })).toEqual({ totalCount: 2, titles: [`${tag} closed`, `${tag} open`] });
      expect(await list(viewer, { memberId: gid(po) })).toEqual({ totalCount: 1, titles: [`${tag} closed`] });
      expect(await side(viewer, lead)).toEqual({ partnerships: [`${tag} closed`, `${tag} open`], memberships: [`${tag} closed`, `${tag} open`] });
      expect(await side(viewer, former)).toEqual({ partnerships: [], memberships: [`${tag} closed`] });
      const nodes = dataOf<{ nodes: unknown[] }>(await app.run(NODES, { ids: [pid(closed), mid(closedMembers[1])] }, viewer)).nodes;
      expect(nodes).toEqual([
        { __typename: 'Partnership', id: pid(closed) },
        { __typename: 'PartnershipMember', id: mid(closedMembers[1]) },
      ]);
    }
  });

  it("lists a patient member under an id of the viewer's organisation unless the viewer may see who the patient is", async () => {
    const members = async (viewer: Viewer) =>
      dataOf<{ partnership: { members: { role: string; stakeholder: { id: string } }[] } }>(
        await app.run(`query ($id: ID!) { partnership(id: $id) { members { role stakeholder { id } } } }`, { id: pid(closed) }, viewer),
      ).partnership.members.find((m) => m.role === 'PATIENT_PARTNER')?.stakeholder.id;
    const leadSees = await members(partner(lead));
    expect(leadSees).toMatch(/^rp_/);
    expect(await members(em(lead))).toBe(leadSees); // the same organisation, the same id
    const poSees = await members(partner(po));
    expect(poSees).toMatch(/^rp_/);
    expect(poSees).not.toBe(leadSees);
    expect(await members(patientLogin(patient))).toBe(gid(patient));
    expect(await members(admin())).toBe(gid(patient));
    // The organisation's id for the patient works as a filter for that organisation only.
    expect(await list(partner(lead), { memberId: leadSees })).toEqual({ totalCount: 1, titles: [`${tag} closed`] });
    expect(await list(partner(po), { memberId: leadSees })).toEqual({ totalCount: 0, titles: [] });
  });

  it('answers a mutation on it exactly as for an unknown id (NOT_FOUND), and changes nothing', async () => {
    const newcomer = await company();
    const before = await app.db.query('SELECT status, version FROM partnership WHERE id = $1', [closed.id]);
    const memberRows = await count('partnership_member');
    for (const viewer of [em(outsider), em(former)]) {
      for (const [query, input, unknownInput] of [
        [CHANGE_STATUS, { id: pid(closed), version: 1, status: 'ACTIVE' }, { id: pid({ id: ZERO }), version: 1, status: 'ACTIVE' }],
        [ADD, { partnershipId: pid(closed), stakeholderId: gid(newcomer), role: 'MEMBER' }, { partnershipId: pid({ id: ZERO }), stakeholderId: gid(newcomer), role: 'MEMBER' }],
        [REMOVE, { memberId: mid(closedMembers[1]) }, { memberId: mid({ id: ZERO }) }],
      ] as const) {
        const hidden = await app.run(query, { input }, viewer);
        const unknown = await app.run(query, { input: unknownInput }, viewer);
        expect(hidden.errors).toBeUndefined();
        expect(hidden).toEqual(unknown);
        expect(Object.values(dataOf(hidden))[0]).toMatchObject({ userErrors: [{ code: 'NOT_FOUND' }] });
      }
    }
    expect(await app.db.query('SELECT status, version FROM partnership WHERE id = $1', [closed.id])).toEqual(before);
    expect(await count('partnership_member')).toBe(memberRows);
    // A member's engagement manager acts on it.
    const changed = dataOf<StatusChanged>(await app.run(CHANGE_STATUS, { input: { id: pid(closed), version: 1, status: 'ACTIVE' } }, em(po)));
    expect(changed.changePartnershipStatus).toMatchObject({ partnership: { status: 'ACTIVE', version: 2 }, userErrors: [] });
  });

  it("lets a member's engagement manager leave it; the payload then shows no partnership it may no longer see", async () => {
    const [a, b, c] = [await company(), await company(), await company()];
    const { partnership, members } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }, { stakeholder: c }], {
      visibility: PartnershipVisibility.MEMBERS,
    });
    const LEAVE = `
      mutation ($input: RemovePartnershipMemberInput!) {
        removePartnershipMember(input: $input) { member { id leftAt partnership { id } } userErrors { field code } }
      }`;
    const left = dataOf(await app.run(LEAVE, { input: { memberId: mid(members[2]) } }, em(c)));
    expect(left.removePartnershipMember).toEqual({ member: { id: mid(members[2]), leftAt: await today(), partnership: null }, userErrors: [] });
    expect(await byIdOf(partnership, em(c))).toBeNull();
    expect(await byIdOf(partnership, em(b))).toEqual({ title: partnership.title });
  });

  it('is proposed by a member and then visible to the members only', async () => {
    const PROPOSED_MEMBERS = `query ($id: ID!) { partnership(id: $id) { visibility members { stakeholder { id } } } }`;
    const [a, b] = [await company(), await company()];
    const input = { title: `${tag} proposed closed`, type: 'ADVISORY_BOARD', visibility: 'MEMBERS', members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }] };
    const proposed = dataOf<Proposed>(await app.run(PROPOSE, { input }, em(a))).proposePartnership;
    expect(proposed.partnership).toMatchObject({ visibility: 'MEMBERS' });
    const id = proposed.partnership?.id as string;
    expect(dataOf<{ partnership: unknown }>(await app.run(PROPOSED_MEMBERS, { id }, em(b))).partnership).toMatchObject({ visibility: 'MEMBERS' });
    expect(dataOf<{ partnership: unknown }>(await app.run(PROPOSED_MEMBERS, { id }, em(outsider))).partnership).toBeNull();
  });
});

describe('redacted patient ids in partnership mutations and filters', () => {
  const STAKEHOLDER_ID = `query ($id: ID!) { stakeholder(id: $id) { id } }`;
  /**
   * The id under which `viewer` sees the patient. A search by name no longer finds a patient whose identity the viewer may not
   * read, so it is computed, and the API must open it and show the patient under it.
   */
  const idFor = async (viewer: Viewer, p: Stakeholder) => {
    const id = redactedPatientId(viewer, p.id);
    expect(dataOf<{ stakeholder: { id: string } | null }>(await app.run(STAKEHOLDER_ID, { id }, viewer)).stakeholder).toEqual({ id });
    return id;
  };

  it('lets an engagement manager add a patient by the id it was given; the id opens for its own organisation only', async () => {
    const [a, b, other] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const { partnership: othersOwn } = await makePartnership(app.db, [{ stakeholder: other }, { stakeholder: b }]);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const given = await idFor(em(a), patient);
    expect(given).toMatch(/^rp_/);
    expect(given).not.toBe(gid(patient));

    // Another organisation cannot use it: it is no id of theirs (NOT_FOUND, exactly like an unknown id).
    const foreign = dataOf<Added>(await app.run(ADD, { input: { partnershipId: pid(othersOwn), stakeholderId: given, role: 'PATIENT_PARTNER' } }, em(other)));
    const unknown = dataOf<Added>(await app.run(ADD, { input: { partnershipId: pid(othersOwn), stakeholderId: gid({ id: '00000000-0000-0000-0000-000000000000' }), role: 'PATIENT_PARTNER' } }, em(other)));
    expect(foreign).toEqual(unknown);
    expect(foreign.addPartnershipMember).toEqual({ member: null, userErrors: [{ field: 'input.stakeholderId', code: 'NOT_FOUND' }] });

    const added = dataOf<Added>(await app.run(ADD, { input: { partnershipId: pid(partnership), stakeholderId: given, role: 'PATIENT_PARTNER' } }, em(a)));
    expect(added.addPartnershipMember).toMatchObject({ member: { role: 'PATIENT_PARTNER', stakeholder: { id: given } }, userErrors: [] });
    const rows = await app.db.query('SELECT stakeholder_id FROM partnership_member WHERE partnership_id = $1 AND role = $2', [partnership.id, 'PATIENT_PARTNER']);
    expect(rows).toEqual([{ stakeholder_id: patient.id }]);

    // As a filter: the organisation's own id for the patient finds the partnership, another's finds nothing.
    const titles = async (viewer: Viewer, memberId: string) =>
      dataOf<{ partnerships: { nodes: { title: string }[] } }>(
        await app.run(`query ($m: ID!) { partnerships(filter: { memberId: $m }) { nodes { title } } }`, { m: memberId }, viewer),
      ).partnerships.nodes.map((n) => n.title);
    expect(await titles(em(a), given)).toEqual([partnership.title]);
    expect(await titles(em(other), given)).toEqual([]);
    expect(await titles(em(other), await idFor(em(other), patient))).toEqual([partnership.title]);
    expect(await titles(admin(), toGlobalId('Stakeholder', patient.id))).toEqual([partnership.title]);
  });
});
