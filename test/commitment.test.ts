import { Role } from '../src/access/viewer';
import { toGlobalId } from '../src/graphql/global-id';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { PartnershipStatus, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { cid, makeCommitment } from './support/commitment.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, pid } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const em = (org: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
const UNKNOWN_COMMITMENT = cid({ id: '00000000-0000-0000-0000-000000000000' });
const UNKNOWN_PARTNERSHIP = toGlobalId('Partnership', '00000000-0000-0000-0000-000000000000');
/** A partnership only its current members see. */
const closedPartnership = (members: Stakeholder[]) =>
  makePartnership(app.db, members.map((stakeholder) => ({ stakeholder })), { visibility: PartnershipVisibility.MEMBERS });

async function today(): Promise<string> {
  const [{ d }] = (await app.db.query('SELECT CURRENT_DATE::text AS d')) as { d: string }[];
  return d;
}
async function shiftedDay(days: number): Promise<string> {
  const [{ d }] = (await app.db.query('SELECT (CURRENT_DATE + $1::int)::text AS d', [days])) as { d: string }[];
  return d;
}
async function countCommitments(): Promise<number> {
  const [{ n }] = (await app.db.query('SELECT count(*)::int AS n FROM commitment')) as { n: number }[];
  return n;
}

interface UserErrorOut {
  field: string | null;
  code: string;
}

const COMMITMENT = `
  query ($id: ID!) {
    commitment(id: $id) {
      id title description dueDate status fulfilledAt evidence version
      committer { id name } beneficiary { id name } partnership { id title }
    }
  }`;

describe('commitment(id)', () => {
  it('returns a commitment with its committer, beneficiary and partnership', async () => {
    const [pharma, po] = [await company({ name: 'Pharma A' }), await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'PO B' })];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: pharma }, { stakeholder: po }], { title: 'Panel' });
    const commitment = await makeCommitment(app.db, pharma, {
      title: 'Publish lay summary',
      description: 'In plain language.',
      beneficiaryId: po.id,
      partnershipId: partnership.id,
      dueDate: '2025-03-31',
    });
    const data = dataOf<{ commitment: unknown }>(await app.run(COMMITMENT, { id: cid(commitment) }, viewerOf(Role.PARTNER, { orgId: po.id })));
    expect(data.commitment).toEqual({
      id: cid(commitment),
      title: 'Publish lay summary',
      description: 'In plain language.',
      dueDate: '2025-03-31',
      status: 'OPEN',
      fulfilledAt: null,
      evidence: null,
      version: 1,
      committer: { id: gid(pharma), name: 'Pharma A' },
      beneficiary: { id: gid(po), name: 'PO B' },
      partnership: { id: pid(partnership), title: 'Panel' },
    });
    const bare = await makeCommitment(app.db, pharma);
    const bareData = dataOf<{ commitment: { beneficiary: unknown; partnership: unknown } }>(await app.run(COMMITMENT, { id: cid(bare) }, admin()));
    expect(bareData.commitment).toMatchObject({ beneficiary: null, partnership: null });
  });

  it('is null for an unknown, malformed or foreign-type id, and refused to analysts and anonymous callers', async () => {
    const org = await company();
    for (const id of [cid({ id: '00000000-0000-0000-0000-000000000000' }), 'nonsense', gid(org)]) {
      expect(dataOf<{ commitment: unknown }>(await app.run(COMMITMENT, { id }, admin())).commitment).toBeNull();
    }
    const commitment = await makeCommitment(app.db, org);
    expect(errorCodes(await app.run(COMMITMENT, { id: cid(commitment) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(COMMITMENT, { id: cid(commitment) }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('commitments(...)', () => {
  const LIST = `
    query ($first: Int, $after: String, $filter: CommitmentFilter, $orderBy: CommitmentOrder) {
      commitments(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        edges { cursor node { title } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
  type List = { commitments: { totalCount: number; edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const titles = async (filter: Record<string, unknown>, orderBy?: Record<string, unknown>) => {
    const data = dataOf<List>(await app.run(LIST, { filter, orderBy }, admin()));
    return data.commitments.edges.map((e) => e.node.title);
  };

  it('filters by status, committer, beneficiary, partnership, due dates and overdue', async () => {
    const [committer, beneficiary, other] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: committer }, { stakeholder: beneficiary }]);
    const [yesterday, tomorrow] = [await shiftedDay(-1), await shiftedDay(1)];
    await makeCommitment(app.db, committer, { title: 'late', dueDate: yesterday, beneficiaryId: beneficiary.id, partnershipId: partnership.id });
    await makeCommitment(app.db, committer, { title: 'late but working', dueDate: yesterday, status: CommitmentStatus.IN_PROGRESS });
    await makeCommitment(app.db, committer, { title: 'kept late', dueDate: yesterday, status: CommitmentStatus.FULFILLED, fulfilledAt: new Date() });
    await makeCommitment(app.db, committer, { title: 'upcoming', dueDate: tomorrow, partnershipId: partnership.id });
    await makeCommitment(app.db, committer, { title: 'undated', beneficiaryId: beneficiary.id });
    await makeCommitment(app.db, other, { title: 'not ours', beneficiaryId: beneficiary.id, dueDate: yesterday });
    const mine = { committerId: gid(committer) };

    expect((await titles(mine)).sort()).toEqual(['kept late', 'late', 'late but working', 'undated', 'upcoming']);
    expect((await titles({ ...mine, statuses: ['IN_PROGRESS', 'FULFILLED'] })).sort()).toEqual(['kept late', 'late but working']);
    expect(await titles({ beneficiaryId: gid(beneficiary) })).toEqual(expect.arrayContaining(['late', 'undated', 'not ours']));
    expect((await titles({ ...mine, beneficiaryId: gid(beneficiary) })).sort()).toEqual(['late', 'undated']);
    expect(await titles({ partnershipId: pid(partnership) })).toEqual(['late', 'upcoming']);
    expect(await titles({ ...mine, dueFrom: await today() })).toEqual(['upcoming']);
    expect((await titles({ ...mine, dueTo: yesterday })).sort()).toEqual(['kept late', 'late', 'late but working']);
    expect((await titles({ ...mine, overdue: true })).sort()).toEqual(['late', 'late but working']);
    expect((await titles({ ...mine, overdue: false })).sort()).toEqual(['kept late', 'undated', 'upcoming']);
    // Ids that do not decode name nothing.
    for (const filter of [{ committerId: 'garbage' }, { beneficiaryId: pid(partnership) }, { partnershipId: gid(committer) }]) {
      expect(await titles(filter)).toEqual([]);
    }
  });

  it('orders by due date (undated last both ways) and creation, and pages with cursors', async () => {
    const committer = await company();
    for (const [title, dueDate] of [['b', '2025-02-01'], ['x', null], ['a', '2025-01-01'], ['c', '2025-03-01'], ['y', null]] as const) {
      await makeCommitment(app.db, committer, { title, dueDate });
    }
    const filter = { committerId: gid(committer) };
    expect(await titles(filter, { field: 'CREATED_AT', direction: 'DESC' })).toEqual(['y', 'c', 'a', 'x', 'b']);
    for (const [direction, expected] of [['ASC', ['a', 'b', 'c']], ['DESC', ['c', 'b', 'a']]] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 5; guard++) {
        const page: List = dataOf<List>(await app.run(LIST, { first: 2, after, filter, orderBy: { field: 'DUE_DATE', direction } }, admin()));
        expect(page.commitments.totalCount).toBe(5);
        seen.push(...page.commitments.edges.map((e) => e.node.title));
        if (!page.commitments.pageInfo.hasNextPage) break;
        after = page.commitments.pageInfo.endCursor;
      }
      // The two undated ones tie on the sort key and follow their ids.
      expect([...seen.slice(0, 3), ...seen.slice(3).sort()]).toEqual([...expected, 'x', 'y']);
    }
  });

  it('refuses a foreign cursor, and hides the list from analysts', async () => {
    expect(errorCodes(await app.run(LIST, { after: 'garbage' }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(LIST, {}, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
  });

  it('loads committers, beneficiaries and partnerships in a number of statements that does not grow with the list', async () => {
    const NESTED = `
      query ($committerId: ID!) {
        commitments(first: 50, filter: { committerId: $committerId }) {
          nodes { title committer { name } beneficiary { name } partnership { title } }
        }
      }`;
    const build = async (size: number) => {
      const committer = await company();
      for (let i = 0; i < size; i++) {
        const beneficiary = await company();
        const { partnership } = await makePartnership(app.db, [{ stakeholder: committer }, { stakeholder: beneficiary }]);
        await makeCommitment(app.db, committer, { beneficiaryId: beneficiary.id, partnershipId: partnership.id });
      }
      return gid(committer);
    };
    // A partner of another organisation: the visibility predicates run on every row.
    const viewer = viewerOf(Role.PARTNER, { orgId: (await company()).id });
    const small = await app.runCounted<{ commitments: { nodes: unknown[] } }>(NESTED, { committerId: await build(2) }, viewer);
    const large = await app.runCounted<{ commitments: { nodes: unknown[] } }>(NESTED, { committerId: await build(10) }, viewer);
    expect(dataOf(small.result).commitments.nodes).toHaveLength(2);
    expect(dataOf(large.result).commitments.nodes).toHaveLength(10);
    expect(large.statements.length).toBe(small.statements.length);
  });
});

describe('Stakeholder.commitments', () => {
  it('lists what a stakeholder committed to and benefits from, by role and status', async () => {
    const [org, partner] = [await company(), await company()];
    await makeCommitment(app.db, org, { title: 'made, open', dueDate: '2025-01-01' });
    await makeCommitment(app.db, org, { title: 'made, kept', dueDate: '2025-02-01', status: CommitmentStatus.FULFILLED, fulfilledAt: new Date() });
    await makeCommitment(app.db, partner, { title: 'received', dueDate: '2025-03-01', beneficiaryId: org.id });
    await makeCommitment(app.db, partner, { title: 'unrelated' });
    const QUERY = `
      query ($id: ID!) {
        stakeholder(id: $id) {
          any: commitments { title }
          made: commitments(role: COMMITTER) { title }
          received: commitments(role: BENEFICIARY) { title }
          open: commitments(statuses: [OPEN, IN_PROGRESS]) { title }
        }
      }`;
    const data = dataOf<{ stakeholder: Record<string, { title: string }[]> }>(await app.run(QUERY, { id: gid(org) }, admin()));
    const t = (list: { title: string }[]) => list.map((c) => c.title);
    expect(t(data.stakeholder.any)).toEqual(['made, open', 'made, kept', 'received']);
    expect(t(data.stakeholder.made)).toEqual(['made, open', 'made, kept']);
    expect(t(data.stakeholder.received)).toEqual(['received']);
    expect(t(data.stakeholder.open)).toEqual(['made, open', 'received']);
  });

  it('loads the commitments of many stakeholders in a number of statements that does not grow with the list', async () => {
    const NESTED = `
      query ($partnershipId: ID!) {
        partnership(id: $partnershipId) {
          members { stakeholder { commitments { title partnership { title } } } }
        }
      }`;
    const build = async (size: number) => {
      const orgs: Stakeholder[] = [];
      for (let i = 0; i < size; i++) orgs.push(await company());
      const { partnership } = await closedPartnership(orgs);
      for (const org of orgs) await makeCommitment(app.db, org, { partnershipId: partnership.id, beneficiaryId: orgs[0] === org ? orgs[1].id : orgs[0].id });
      // A member's engagement manager: the visibility predicates run on every row.
      return { partnershipId: pid(partnership), viewer: em(orgs[0]) };
    };
    type Nested = { partnership: { members: { stakeholder: { commitments: unknown[] } }[] } };
    const counted = async (size: number) => {
      const { partnershipId, viewer } = await build(size);
      const { result, statements } = await app.runCounted<Nested>(NESTED, { partnershipId }, viewer);
      // Each member made one commitment and the first benefits from all others (and the second from the first's).
      const seen = dataOf(result).partnership.members.map((m) => m.stakeholder.commitments.length);
      expect(seen.sort((x, y) => y - x)).toEqual([size, 2, ...Array(size - 2).fill(1)]);
      return statements.length;
    };
    expect(await counted(10)).toBe(await counted(2));
  });
});

describe('who sees a commitment', () => {
  const SEEN = `
    query ($id: ID!, $partnershipId: ID!, $committerId: ID!) {
      commitment(id: $id) { id }
      node(id: $id) { id }
      inPartnership: commitments(first: 10, filter: { partnershipId: $partnershipId }) { totalCount nodes { title } }
      byCommitter: commitments(first: 10, filter: { committerId: $committerId }) { totalCount nodes { title } }
      committer: stakeholder(id: $committerId) { commitments { title } }
    }`;

  it("of a MEMBERS-only partnership: its members', the committer's and the beneficiary's only (and ADMIN's)", async () => {
    const [lead, member, beneficiary, outsider] = [await company(), await company(), await company(), await company()];
    const { partnership } = await closedPartnership([lead, member]);
    const closed = await makeCommitment(app.db, lead, { title: 'closed', partnershipId: partnership.id, dueDate: '2025-01-01' });
    await makeCommitment(app.db, lead, { title: 'to beneficiary', partnershipId: partnership.id, beneficiaryId: beneficiary.id, dueDate: '2025-02-01' });
    // In an ALLIANCE partnership a commitment is every reader's (a test of its own below); here it shows the lists are not simply empty.
    const { partnership: alliance } = await makePartnership(app.db, [{ stakeholder: lead }], { visibility: PartnershipVisibility.ALLIANCE });
    await makeCommitment(app.db, lead, { title: 'in alliance', partnershipId: alliance.id, dueDate: '2025-03-01' });
    const variables = { id: cid(closed), partnershipId: pid(partnership), committerId: gid(lead) };
    const all = (titles: string[]) => ({ totalCount: titles.length, nodes: titles.map((title) => ({ title })) });
    const member_ = {
      commitment: { id: cid(closed) },
      node: { id: cid(closed) },
      inPartnership: all(['closed', 'to beneficiary']),
      byCommitter: all(['closed', 'to beneficiary', 'in alliance']),
      committer: { commitments: [{ title: 'closed' }, { title: 'to beneficiary' }, { title: 'in alliance' }] },
    };
    const beneficiary_ = {
      commitment: null,
      node: null,
      inPartnership: all(['to beneficiary']),
      byCommitter: all(['to beneficiary', 'in alliance']),
      committer: { commitments: [{ title: 'to beneficiary' }, { title: 'in alliance' }] },
    };
    const outsider_ = {
      commitment: null,
      node: null,
      inPartnership: all([]),
      byCommitter: all(['in alliance']),
      committer: { commitments: [{ title: 'in alliance' }] },
    };
    const cases = [
      ['ADMIN', admin(), member_],
      ["the committer's engagement manager", em(lead), member_],
      ["another member's partner", viewerOf(Role.PARTNER, { orgId: member.id }), member_],
      ["the beneficiary's partner", viewerOf(Role.PARTNER, { orgId: beneficiary.id }), beneficiary_],
      ["an outsider's engagement manager", em(outsider), outsider_],
    ] as const;
    for (const [who, viewer, expected] of cases) {
      expect({ who, ...dataOf(await app.run(SEEN, variables, viewer)) }).toEqual({ who, ...expected });
    }
    // The beneficiary sees the commitment made to it, but not the partnership it was made in.
    const toBeneficiary = `query ($filter: CommitmentFilter) { commitments(first: 1, filter: $filter) { nodes { title partnership { id } } } }`;
    const filter = { beneficiaryId: gid(beneficiary) };
    expect(dataOf(await app.run(toBeneficiary, { filter }, em(beneficiary)))).toEqual({ commitments: { nodes: [{ title: 'to beneficiary', partnership: null }] } });
    expect(dataOf(await app.run(toBeneficiary, { filter }, em(lead)))).toEqual({
      commitments: { nodes: [{ title: 'to beneficiary', partnership: { id: pid(partnership) } }] },
    });
  });

  it('goes with the membership: a member who left no longer sees it, a committer who is no member still does', async () => {
    const [lead, leaver, committer] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(
      app.db,
      [{ stakeholder: lead }, { stakeholder: leaver, joinedAt: '2025-01-01', leftAt: '2025-01-31' }],
      { visibility: PartnershipVisibility.MEMBERS },
    );
    const commitment = await makeCommitment(app.db, committer, { partnershipId: partnership.id });
    const query = `query ($id: ID!) { commitment(id: $id) { id } }`;
    expect(dataOf(await app.run(query, { id: cid(commitment) }, em(lead))).commitment).toEqual({ id: cid(commitment) });
    expect(dataOf(await app.run(query, { id: cid(commitment) }, em(leaver))).commitment).toBeNull();
    expect(dataOf(await app.run(query, { id: cid(commitment) }, em(committer))).commitment).toEqual({ id: cid(commitment) });
  });

  it("of an ALLIANCE partnership: every reader; of none: the committer's and the beneficiary's only (and ADMIN's)", async () => {
    const [a, b, reader] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const inAlliance = await makeCommitment(app.db, a, { partnershipId: partnership.id });
    const standalone = await makeCommitment(app.db, a, { beneficiaryId: b.id });
    const query = `query ($a: ID!, $b: ID!) { a: commitment(id: $a) { id } b: commitment(id: $b) { id } }`;
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    for (const viewer of [em(reader), viewerOf(Role.PARTNER, { orgId: reader.id }), viewerOf(Role.PATIENT, { patientId: patient.id })]) {
      expect(dataOf(await app.run(query, { a: cid(inAlliance), b: cid(standalone) }, viewer))).toEqual({ a: { id: cid(inAlliance) }, b: null });
    }
    for (const viewer of [em(a), viewerOf(Role.PARTNER, { orgId: b.id }), admin()]) {
      expect(dataOf(await app.run(query, { a: cid(inAlliance), b: cid(standalone) }, viewer))).toEqual({ a: { id: cid(inAlliance) }, b: { id: cid(standalone) } });
    }
  });

  it("filters by a patient committer's redacted id, which opens only for the organisation it was shown to", async () => {
    const [org, other] = [await company(), await company()];
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const commitment = await makeCommitment(app.db, patient, { title: 'patient pledge', beneficiaryId: org.id });
    const SHOWN = `query ($id: ID!) { commitment(id: $id) { committer { id } beneficiary { id } } }`;
    const shown = dataOf<{ commitment: { committer: { id: string }; beneficiary: { id: string } } }>(
      await app.run(SHOWN, { id: cid(commitment) }, em(org)),
    ).commitment;
    expect(shown.committer.id).toMatch(/^rp_/);
    expect(shown.beneficiary.id).toBe(gid(org));
    const LIST = `query ($filter: CommitmentFilter) { commitments(first: 10, filter: $filter) { nodes { title } } }`;
    const titles = async (filter: Record<string, unknown>, viewer: ReturnType<typeof em>) =>
      dataOf<{ commitments: { nodes: { title: string }[] } }>(await app.run(LIST, { filter }, viewer)).commitments.nodes.map((n) => n.title);
    expect(await titles({ committerId: shown.committer.id }, em(org))).toEqual(['patient pledge']);
    expect(await titles({ committerId: shown.committer.id }, em(other))).toEqual([]);
    expect(await titles({ committerId: gid(patient) }, admin())).toEqual(['patient pledge']);
  });
});

const MAKE = `
  mutation ($input: MakeCommitmentInput!) {
    makeCommitment(input: $input) {
      commitment { id title status dueDate version committer { id } beneficiary { id } partnership { id } }
      userErrors { field code }
    }
  }`;
type Made = { makeCommitment: { commitment: { id: string; title: string } | null; userErrors: UserErrorOut[] } };

describe('makeCommitment', () => {
  it('records an OPEN commitment for the committer, inside a partnership', async () => {
    const [committer, beneficiary] = [await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: committer }, { stakeholder: beneficiary }]);
    const input = { title: ' Fund travel ', committerId: gid(committer), beneficiaryId: gid(beneficiary), partnershipId: pid(partnership), dueDate: '2025-09-30' };
    const data = dataOf<Made>(await app.run(MAKE, { input }, em(committer)));
    expect(data.makeCommitment).toEqual({
      commitment: {
        id: expect.any(String),
        title: 'Fund travel',
        status: 'OPEN',
        dueDate: '2025-09-30',
        version: 1,
        committer: { id: gid(committer) },
        beneficiary: { id: gid(beneficiary) },
        partnership: { id: pid(partnership) },
      },
      userErrors: [],
    });
    const [row] = await app.db.query('SELECT committer_id, beneficiary_id, partnership_id, status FROM commitment WHERE title = $1', ['Fund travel']);
    expect(row).toEqual({ committer_id: committer.id, beneficiary_id: beneficiary.id, partnership_id: partnership.id, status: 'OPEN' });
  });

  it("lets an engagement manager of a partnership member record another member's commitment, and ADMIN anyone's", async () => {
    const [a, b] = [await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const byMember = dataOf<Made>(await app.run(MAKE, { input: { title: 'b pledges', committerId: gid(b), partnershipId: pid(partnership) } }, em(a)));
    expect(byMember.makeCommitment.userErrors).toEqual([]);
    const byAdmin = dataOf<Made>(await app.run(MAKE, { input: { title: 'standalone', committerId: gid(b) } }, admin()));
    expect(byAdmin.makeCommitment.commitment?.title).toBe('standalone');
  });

  it('refuses bad references, self-commitment, non-members and concluded partnerships as userErrors, writing nothing', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const archived = await company({ archivedAt: new Date() });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const { partnership: done } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { status: PartnershipStatus.CONCLUDED });
    const cases: [Record<string, unknown>, UserErrorOut[]][] = [
      [{ committerId: cid({ id: '00000000-0000-0000-0000-000000000000' }) }, [{ field: 'input.committerId', code: 'NOT_FOUND' }]],
      [{ committerId: gid(archived) }, [{ field: 'input.committerId', code: 'BAD_USER_INPUT' }]],
      [{ beneficiaryId: 'garbage' }, [{ field: 'input.beneficiaryId', code: 'NOT_FOUND' }]],
      [{ beneficiaryId: gid(archived) }, [{ field: 'input.beneficiaryId', code: 'BAD_USER_INPUT' }]],
      [{ beneficiaryId: gid(a) }, [{ field: 'input.beneficiaryId', code: 'BAD_USER_INPUT' }]],
      [{ partnershipId: gid(a) }, [{ field: 'input.partnershipId', code: 'NOT_FOUND' }]],
      [{ partnershipId: pid(done) }, [{ field: 'input.partnershipId', code: 'BAD_USER_INPUT' }]],
      [{ committerId: gid(outsider), partnershipId: pid(partnership) }, [{ field: 'input.committerId', code: 'BAD_USER_INPUT' }]],
    ];
    const before = await countCommitments();
    for (const [fields, errors] of cases) {
      const data = dataOf<Made>(await app.run(MAKE, { input: { title: 'refused', committerId: gid(a), ...fields } }, admin()));
      expect(data.makeCommitment).toEqual({ commitment: null, userErrors: errors });
    }
    expect(await countCommitments()).toBe(before);
  });

  it('is NOT_FOUND for a partnership the viewer may not see, exactly as for an unknown one', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const { partnership } = await closedPartnership([a, b]);
    const make = async (partnershipId: string) =>
      dataOf<Made>(await app.run(MAKE, { input: { title: 'pledge', committerId: gid(outsider), partnershipId } }, em(outsider))).makeCommitment;
    const before = await countCommitments();
    const unknown = await make(UNKNOWN_PARTNERSHIP);
    expect(await make(pid(partnership))).toEqual(unknown);
    expect(unknown).toEqual({ commitment: null, userErrors: [{ field: 'input.partnershipId', code: 'NOT_FOUND' }] });
    expect(await countCommitments()).toBe(before);
  });

  it('rejects invalid input before anything runs (BAD_USER_INPUT)', async () => {
    const a = await company();
    const before = await countCommitments();
    for (const input of [
      { title: '  ', committerId: gid(a) },
      { title: 'x'.repeat(201), committerId: gid(a) },
      { title: 'bad date', committerId: gid(a), dueDate: '31/12/2025' },
    ]) {
      expect(errorCodes(await app.run(MAKE, { input }, admin()))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await countCommitments()).toBe(before);
  });

  it('forbids an engagement manager of neither the committer nor a partnership member, and partners altogether', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const before = await countCommitments();
    expect(errorCodes(await app.run(MAKE, { input: { title: 'x', committerId: gid(a) } }, em(b)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(MAKE, { input: { title: 'x', committerId: gid(a), partnershipId: pid(partnership) } }, em(outsider)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(MAKE, { input: { title: 'x', committerId: gid(a) } }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(MAKE, { input: { title: 'x', committerId: gid(a) } }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await countCommitments()).toBe(before);
  });

  it('replays an idempotent commitment and refuses the key with another payload', async () => {
    const a = await company();
    const viewer = em(a);
    const input = { title: 'idempotent pledge', committerId: gid(a), idempotencyKey: 'c-1' };
    const first = dataOf<Made>(await app.run(MAKE, { input }, viewer));
    const again = dataOf<Made>(await app.run(MAKE, { input }, viewer));
    expect(again.makeCommitment).toEqual({ commitment: first.makeCommitment.commitment, userErrors: [] });
    const other = dataOf<Made>(await app.run(MAKE, { input: { ...input, dueDate: '2025-01-01' } }, viewer));
    expect(other.makeCommitment).toEqual({ commitment: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT' }] });
    const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM commitment WHERE title = 'idempotent pledge'`);
    expect(n).toBe(1);
  });
});

const CHANGE = `
  mutation ($input: ChangeCommitmentStatusInput!) {
    changeCommitmentStatus(input: $input) { commitment { status fulfilledAt evidence version } userErrors { field code } }
  }`;
type Changed = {
  changeCommitmentStatus: { commitment: { status: string; fulfilledAt: string | null; evidence: string | null; version: number } | null; userErrors: UserErrorOut[] };
};

describe('changeCommitmentStatus', () => {
  it('moves OPEN → IN_PROGRESS → FULFILLED, recording when and the evidence', async () => {
    const org = await company();
    const commitment = await makeCommitment(app.db, org);
    const change = async (input: Record<string, unknown>) =>
      dataOf<Changed>(await app.run(CHANGE, { input: { id: cid(commitment), ...input } }, em(org))).changeCommitmentStatus;
    expect(await change({ version: 1, status: 'IN_PROGRESS' })).toEqual({
      commitment: { status: 'IN_PROGRESS', fulfilledAt: null, evidence: null, version: 2 },
      userErrors: [],
    });
    const started = Date.now();
    const fulfilled = await change({ version: 2, status: 'FULFILLED', evidence: 'https://example.org/minutes' });
    expect(fulfilled.commitment).toMatchObject({ status: 'FULFILLED', evidence: 'https://example.org/minutes', version: 3 });
    expect(Math.abs(new Date(fulfilled.commitment?.fulfilledAt as string).getTime() - started)).toBeLessThan(60_000);
    expect(await change({ version: 3, status: 'OPEN' })).toEqual({ commitment: null, userErrors: [{ field: 'input.status', code: 'BAD_USER_INPUT' }] });
  });

  it('refuses illegal moves, evidence without fulfilment, a stale version and unknown ids, changing nothing', async () => {
    const org = await company();
    const commitment = await makeCommitment(app.db, org);
    const withdrawn = await makeCommitment(app.db, org, { status: CommitmentStatus.WITHDRAWN });
    const run = async (input: Record<string, unknown>) => dataOf<Changed>(await app.run(CHANGE, { input }, admin())).changeCommitmentStatus;
    const cases: [Record<string, unknown>, UserErrorOut][] = [
      [{ id: cid(commitment), version: 1, status: 'OPEN' }, { field: 'input.status', code: 'BAD_USER_INPUT' }],
      [{ id: cid(withdrawn), version: 1, status: 'IN_PROGRESS' }, { field: 'input.status', code: 'BAD_USER_INPUT' }],
      [{ id: cid(commitment), version: 1, status: 'MISSED', evidence: 'we tried' }, { field: 'input.evidence', code: 'BAD_USER_INPUT' }],
      [{ id: cid(commitment), version: 2, status: 'MISSED' }, { field: 'input.version', code: 'CONFLICT' }],
      [{ id: 'garbage', version: 1, status: 'MISSED' }, { field: 'input.id', code: 'NOT_FOUND' }],
      [{ id: gid(org), version: 1, status: 'MISSED' }, { field: 'input.id', code: 'NOT_FOUND' }],
    ];
    for (const [input, error] of cases) expect(await run(input)).toEqual({ commitment: null, userErrors: [error] });
    expect(errorCodes(await app.run(CHANGE, { input: { id: cid(commitment), version: 1, status: 'FULFILLED', evidence: ' ' } }, admin()))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const rows = await app.db.query('SELECT status, version, evidence FROM commitment WHERE id = ANY($1) ORDER BY status', [[commitment.id, withdrawn.id]]);
    expect(rows).toEqual([
      { status: 'OPEN', version: 1, evidence: null },
      { status: 'WITHDRAWN', version: 1, evidence: null },
    ]);
  });

  it('is NOT_FOUND, exactly as an unknown id, for a commitment the viewer may not see; nothing changes', async () => {
    const [committer, member, outsider] = [await company(), await company(), await company()];
    const { partnership } = await closedPartnership([committer, member]);
    const hidden = await makeCommitment(app.db, committer, { partnershipId: partnership.id });
    const change = async (id: string) =>
      dataOf<Changed>(await app.run(CHANGE, { input: { id, version: 1, status: 'MISSED' } }, em(outsider))).changeCommitmentStatus;
    const unknown = await change(UNKNOWN_COMMITMENT);
    expect(await change(cid(hidden))).toEqual(unknown);
    expect(unknown).toEqual({ commitment: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND' }] });
    const [row] = await app.db.query('SELECT status, version FROM commitment WHERE id = $1', [hidden.id]);
    expect(row).toEqual({ status: 'OPEN', version: 1 });
    // A member sees it and may act on it.
    expect((await app.run(CHANGE, { input: { id: cid(hidden), version: 1, status: 'MISSED' } }, em(member))).data).toEqual({
      changeCommitmentStatus: { commitment: { status: 'MISSED', fulfilledAt: null, evidence: null, version: 2 }, userErrors: [] },
    });
  });

  it('lets an engagement manager of a partnership member act, and forbids others without changing anything', async () => {
    const [committer, member, outsider] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: committer }, { stakeholder: member }]);
    const inside = await makeCommitment(app.db, committer, { partnershipId: partnership.id });
    // Outside the shared partnership, yet visible to every reader (a commitment in none is its committer's only).
    const { partnership: own } = await makePartnership(app.db, [{ stakeholder: committer }], { visibility: PartnershipVisibility.ALLIANCE });
    const alone = await makeCommitment(app.db, committer, { partnershipId: own.id });
    const ok = dataOf<Changed>(await app.run(CHANGE, { input: { id: cid(inside), version: 1, status: 'MISSED' } }, em(member)));
    expect(ok.changeCommitmentStatus.commitment?.status).toBe('MISSED');
    expect(errorCodes(await app.run(CHANGE, { input: { id: cid(alone), version: 1, status: 'MISSED' } }, em(member)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(CHANGE, { input: { id: cid(alone), version: 1, status: 'MISSED' } }, em(outsider)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(CHANGE, { input: { id: cid(alone), version: 1, status: 'MISSED' } }, viewerOf(Role.PARTNER, { orgId: committer.id })))).toEqual([
      'FORBIDDEN',
    ]);
    const [row] = await app.db.query('SELECT status, version FROM commitment WHERE id = $1', [alone.id]);
    expect(row).toEqual({ status: 'OPEN', version: 1 });
  });
});
