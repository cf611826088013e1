import { redactedPatientId } from '../src/access/patient-ids';
import { Role } from '../src/access/viewer';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const STAKEHOLDER = `
  query ($id: ID!) {
    stakeholder(id: $id) {
      id kind name country tags version
      ... on Company { companyType therapeuticAreas efpiaMember }
      ... on Patient { pseudonym displayName email conditions redactedFields }
    }
  }`;

describe('stakeholder(id)', () => {
  it('returns a company with its kind-specific fields', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY, {
      name: 'Helix Bio',
      country: 'DE',
      companyType: 'BIOTECH' as never,
      therapeuticAreas: ['oncology'],
      efpiaMember: true,
    });
    const data = dataOf(await app.run(STAKEHOLDER, { id: gid(company) }, admin()));
    expect(data.stakeholder).toEqual({
      id: gid(company),
      kind: 'COMPANY',
      name: 'Helix Bio',
      country: 'DE',
      tags: [],
      version: 1,
      companyType: 'BIOTECH',
      therapeuticAreas: ['oncology'],
      efpiaMember: true,
    });
  });

  it('is null for an unknown, malformed or foreign-type id', async () => {
    for (const id of ['U3Rha2Vob2xkZXI6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw', 'nonsense', Buffer.from('Partnership:00000000-0000-0000-0000-000000000000').toString('base64url')]) {
      const data = dataOf(await app.run(STAKEHOLDER, { id }, admin()));
      expect(data.stakeholder).toBeNull();
    }
  });

  it('answers UNAUTHENTICATED without a token and changes nothing', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const result = await app.run(STAKEHOLDER, { id: gid(company) }, null);
    expect(result.data?.stakeholder ?? null).toBeNull();
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it("redacts a patient's identity, contact and health fields for a partner, without an error", async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'blue-heron', email: 'heron@example.org' });
    // The partner opens the patient by the id sealed for its organisation (the real id opens nothing for it).
    const partner = viewerOf(Role.PARTNER, { orgId: org.id });
    const result = await app.run(STAKEHOLDER, { id: redactedPatientId(partner, patient.id) }, partner);
    expect(result.errors).toBeUndefined();
    expect(result.data?.stakeholder).toMatchObject({
      kind: 'PATIENT',
      name: 'Patient partner',
      pseudonym: null,
      displayName: null,
      email: null,
      conditions: null,
      redactedFields: ['pseudonym', 'displayName', 'birthYear', 'email', 'phone', 'conditions'],
    });
    const own = dataOf(await app.run(STAKEHOLDER, { id: gid(patient) }, viewerOf(Role.PATIENT, { patientId: patient.id })));
    expect(own.stakeholder).toMatchObject({ email: 'heron@example.org', conditions: ['asthma'], redactedFields: [] });
  });
});

const CREATE = `
  mutation ($input: CreateStakeholderInput!) {
    createStakeholder(input: $input) {
      stakeholder { id kind name version ... on Patient { pseudonym email } ... on Company { companyType } }
      userErrors { field message code }
    }
  }`;
const UPDATE = `
  mutation ($input: UpdateStakeholderInput!) {
    updateStakeholder(input: $input) { stakeholder { id name version country } userErrors { field code } }
  }`;
const ARCHIVE = `
  mutation ($input: ArchiveStakeholderInput!) {
    archiveStakeholder(input: $input) { stakeholder { id archivedAt version } userErrors { field code } }
  }`;

async function countStakeholders(): Promise<number> {
  const [{ n }] = (await app.db.query('SELECT count(*)::int AS n FROM stakeholder')) as { n: number }[];
  return n;
}

describe('createStakeholder', () => {
  it('creates a company for an engagement manager', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const result = dataOf<{ createStakeholder: { stakeholder: { id: string; kind: string; name: string; companyType: string; version: number }; userErrors: unknown[] } }>(
      await app.run(CREATE, { input: { kind: 'COMPANY', name: ' Nova Pharma ', companyType: 'PHARMA', country: 'FR' } }, viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id })),
    );
    expect(result.createStakeholder.userErrors).toEqual([]);
    expect(result.createStakeholder.stakeholder).toMatchObject({ kind: 'COMPANY', name: 'Nova Pharma', companyType: 'PHARMA', version: 1 });
    const [row] = await app.db.query('SELECT kind, name, country FROM stakeholder WHERE name = $1', ['Nova Pharma']);
    expect(row).toEqual({ kind: 'COMPANY', name: 'Nova Pharma', country: 'FR' });
  });

  it('names a patient by the pseudonym and refuses a separate name', async () => {
    const ok = dataOf<{ createStakeholder: { stakeholder: { name: string; pseudonym: string; email: string | null } } }>(
      await app.run(CREATE, { input: { kind: 'PATIENT', pseudonym: 'amber-fox', email: 'fox@example.org' } }, admin()),
    );
    expect(ok.createStakeholder.stakeholder).toMatchObject({ name: 'amber-fox', pseudonym: 'amber-fox', email: 'fox@example.org' });
    const before = await countStakeholders();
    const bad = dataOf<{ createStakeholder: { stakeholder: null; userErrors: { field: string; code: string }[] } }>(
      await app.run(CREATE, { input: { kind: 'PATIENT', pseudonym: 'grey-owl', name: 'Jane Doe' } }, admin()),
    );
    expect(bad.createStakeholder).toEqual({ stakeholder: null, userErrors: [{ field: 'input.name', code: 'BAD_USER_INPUT', message: expect.any(String) }] });
    expect(await countStakeholders()).toBe(before);
  });

  it('refuses fields of another kind, a missing name and a duplicate pseudonym as userErrors', async () => {
    const before = await countStakeholders();
    const wrongKind = dataOf<{ createStakeholder: { userErrors: { field: string; code: string }[] } }>(
      await app.run(CREATE, { input: { kind: 'COMPANY', name: 'X', diseaseAreas: ['asthma'] } }, admin()),
    );
    expect(wrongKind.createStakeholder.userErrors).toEqual([{ field: 'input.diseaseAreas', code: 'BAD_USER_INPUT', message: expect.any(String) }]);
    const noName = dataOf<{ createStakeholder: { userErrors: { field: string }[] } }>(await app.run(CREATE, { input: { kind: 'COMPANY' } }, admin()));
    expect(noName.createStakeholder.userErrors.map((e) => e.field)).toEqual(['input.name']);
    await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'taken-name' });
    const dup = dataOf<{ createStakeholder: { userErrors: { field: string; code: string }[] } }>(
      await app.run(CREATE, { input: { kind: 'PATIENT', pseudonym: 'taken-name' } }, admin()),
    );
    expect(dup.createStakeholder.userErrors).toEqual([{ field: 'input.pseudonym', code: 'CONFLICT', message: expect.any(String) }]);
    expect(await countStakeholders()).toBe(before + 1);
  });

  it('rejects invalid input before anything runs (BAD_USER_INPUT)', async () => {
    const before = await countStakeholders();
    for (const input of [
      { kind: 'COMPANY', name: 'X', country: 'Germany' },
      { kind: 'COMPANY', name: 'X', website: 'not a url' },
      { kind: 'PATIENT', pseudonym: 'p-1', email: 'not-an-email' },
      { kind: 'PATIENT', pseudonym: 'p-2', birthYear: 1700 },
      { kind: 'COMPANY', name: 'x'.repeat(201) },
      { kind: 'NOT_A_KIND', name: 'X' },
    ]) {
      const result = await app.run(CREATE, { input }, admin());
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await countStakeholders()).toBe(before);
  });

  it('replays an idempotent create and refuses the key with another payload', async () => {
    const viewer = admin();
    const input = { kind: 'RESEARCH_ORGANISATION', name: 'Leiden Lab', researchKind: 'ACADEMIC', idempotencyKey: 'k-1' };
    const first = dataOf<{ createStakeholder: { stakeholder: { id: string } } }>(await app.run(CREATE, { input }, viewer));
    const again = dataOf<{ createStakeholder: { stakeholder: { id: string }; userErrors: unknown[] } }>(await app.run(CREATE, { input }, viewer));
    expect(again.createStakeholder.stakeholder.id).toBe(first.createStakeholder.stakeholder.id);
    expect(again.createStakeholder.userErrors).toEqual([]);
    const other = dataOf<{ createStakeholder: { stakeholder: null; userErrors: { field: string; code: string }[] } }>(
      await app.run(CREATE, { input: { ...input, name: 'Other Lab' } }, viewer),
    );
    expect(other.createStakeholder).toEqual({ stakeholder: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT', message: expect.any(String) }] });
    const rows = await app.db.query(`SELECT count(*)::int AS n FROM stakeholder WHERE name IN ('Leiden Lab', 'Other Lab')`);
    expect(rows[0].n).toBe(1);
  });

  it('keeps reference data (regulators) to ADMIN and mutations away from partners', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const before = await countStakeholders();
    const em = await app.run(CREATE, { input: { kind: 'REGULATOR', name: 'EMA-2' } }, viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id }));
    expect(errorCodes(em)).toEqual(['FORBIDDEN']);
    const partner = await app.run(CREATE, { input: { kind: 'COMPANY', name: 'P' } }, viewerOf(Role.PARTNER, { orgId: org.id }));
    expect(errorCodes(partner)).toEqual(['FORBIDDEN']);
    const anonymous = await app.run(CREATE, { input: { kind: 'COMPANY', name: 'P' } }, null);
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(await countStakeholders()).toBe(before);
  });
});

describe('updateStakeholder and archiveStakeholder', () => {
  it('updates with the current version and fails with CONFLICT on a stale one', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Old Name' });
    const em = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
    const ok = dataOf<{ updateStakeholder: { stakeholder: { name: string; version: number; country: string } } }>(
      await app.run(UPDATE, { input: { id: gid(org), version: 1, name: 'New Name', country: 'BE' } }, em),
    );
    expect(ok.updateStakeholder.stakeholder).toMatchObject({ name: 'New Name', version: 2, country: 'BE' });
    const stale = dataOf<{ updateStakeholder: { stakeholder: null; userErrors: { field: string; code: string }[] } }>(
      await app.run(UPDATE, { input: { id: gid(org), version: 1, name: 'Stale Write' } }, em),
    );
    expect(stale.updateStakeholder).toEqual({ stakeholder: null, userErrors: [{ field: 'input.version', code: 'CONFLICT' }] });
    const [row] = await app.db.query('SELECT name, version FROM stakeholder WHERE id = $1', [org.id]);
    expect(row).toEqual({ name: 'New Name', version: 2 });
  });

  it("forbids an engagement manager to edit another organisation, and changes nothing", async () => {
    const mine = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const theirs = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Theirs' });
    const result = await app.run(UPDATE, { input: { id: gid(theirs), version: 1, name: 'Hijacked' } }, viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: mine.id }));
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    const [row] = await app.db.query('SELECT name, version FROM stakeholder WHERE id = $1', [theirs.id]);
    expect(row).toEqual({ name: 'Theirs', version: 1 });
  });

  it('archives once, hides the archived stakeholder from lists, and refuses archiving twice', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Archivable Co', tags: ['arch-test'] });
    const first = dataOf<{ archiveStakeholder: { stakeholder: { archivedAt: string; version: number } } }>(
      await app.run(ARCHIVE, { input: { id: gid(org), version: 1 } }, admin()),
    );
    expect(first.archiveStakeholder.stakeholder.archivedAt).toEqual(expect.any(String));
    expect(first.archiveStakeholder.stakeholder.version).toBe(2);
    const twice = dataOf<{ archiveStakeholder: { userErrors: { code: string }[] } }>(await app.run(ARCHIVE, { input: { id: gid(org), version: 2 } }, admin()));
    expect(twice.archiveStakeholder.userErrors.map((e) => e.code)).toEqual(['BAD_USER_INPUT']);
    const listed = dataOf<{ a: { totalCount: number }; b: { totalCount: number } }>(
      await app.run(
        `{ a: stakeholders(filter: { tags: ["arch-test"] }) { totalCount } b: stakeholders(filter: { tags: ["arch-test"], includeArchived: true }) { totalCount } }`,
        {},
        admin(),
      ),
    );
    expect(listed).toEqual({ a: { totalCount: 0 }, b: { totalCount: 1 } });
  });

  it('gives NOT_FOUND for an unknown id', async () => {
    const result = dataOf<{ updateStakeholder: { userErrors: { field: string; code: string }[] } }>(
      await app.run(UPDATE, { input: { id: 'bm9wZQ', version: 1, name: 'X' } }, admin()),
    );
    expect(result.updateStakeholder.userErrors).toEqual([{ field: 'input.id', code: 'NOT_FOUND' }]);
  });
});

describe('stakeholders(...)', () => {
  const LIST = `
    query ($first: Int, $after: String, $filter: StakeholderFilter, $orderBy: StakeholderOrder) {
      stakeholders(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        edges { cursor node { name } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
  type List = { stakeholders: { totalCount: number; edges: { cursor: string; node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };

  it('filters by kinds, countries, tags and search, and pages with keyset cursors', async () => {
    const tag = 'list-world';
    for (const [name, country] of [['Alpha Care', 'DE'], ['Beta Care', 'DE'], ['Gamma Cure', 'FR'], ['Delta Care', 'DE'], ['Eps_ilon%', 'DE']] as const) {
      await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name, country, tags: [tag] });
    }
    await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Care Corp', country: 'DE', tags: [tag] });
    const filter = { kinds: ['PATIENT_ORGANISATION'], countries: ['DE'], tags: [tag], search: 'care' };
    const page1 = dataOf<List>(await app.run(LIST, { first: 2, filter }, admin()));
    expect(page1.stakeholders.totalCount).toBe(3);
    expect(page1.stakeholders.edges.map((e) => e.node.name)).toEqual(['Alpha Care', 'Beta Care']);
    expect(page1.stakeholders.pageInfo.hasNextPage).toBe(true);
    const page2 = dataOf<List>(await app.run(LIST, { first: 2, after: page1.stakeholders.pageInfo.endCursor, filter }, admin()));
    expect(page2.stakeholders.edges.map((e) => e.node.name)).toEqual(['Delta Care']);
    expect(page2.stakeholders.pageInfo.hasNextPage).toBe(false);
    const desc = dataOf<List>(await app.run(LIST, { filter, orderBy: { field: 'NAME', direction: 'DESC' } }, admin()));
    expect(desc.stakeholders.edges.map((e) => e.node.name)).toEqual(['Delta Care', 'Beta Care', 'Alpha Care']);
    // LIKE wildcards in the search text are literal.
    const literal = dataOf<List>(await app.run(LIST, { filter: { tags: [tag], search: '_ilon%' } }, admin()));
    expect(literal.stakeholders.edges.map((e) => e.node.name)).toEqual(['Eps_ilon%']);
    const percent = dataOf<List>(await app.run(LIST, { filter: { tags: [tag], search: '%' } }, admin()));
    expect(percent.stakeholders.totalCount).toBe(1);
  });

  it('pages by creation time without skipping or repeating rows', async () => {
    const tag = 'created-order';
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      names.push((await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: `c${i}`, tags: [tag] })).name);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page: List = dataOf<List>(await app.run(LIST, { first: 3, after, filter: { tags: [tag] }, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }, admin()));
      seen.push(...page.stakeholders.edges.map((e) => e.node.name));
      if (!page.stakeholders.pageInfo.hasNextPage) break;
      after = page.stakeholders.pageInfo.endCursor;
    }
    expect(seen).toEqual(names);
  });

  it('refuses first above 100, a foreign cursor, and hides lists from analysts', async () => {
    expect(errorCodes(await app.run(LIST, { first: 101 }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(LIST, { first: 0 }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(LIST, { after: 'garbage' }, admin()))).toEqual(['BAD_USER_INPUT']);
    // A cursor of another list (or another ordering) does not open here.
    const source = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'cursor source', tags: ['cursor-source'] });
    const other = dataOf<List>(await app.run(LIST, { first: 1, filter: { tags: ['cursor-source'] }, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }, admin()));
    expect(errorCodes(await app.run(LIST, { after: other.stakeholders.pageInfo.endCursor }, admin()))).toEqual(['BAD_USER_INPUT']);
    // Cursors are sealed: neither the id nor the sort value can be read out of one.
    const raw = Buffer.from(other.stakeholders.pageInfo.endCursor, 'base64url').toString('latin1');
    expect(raw).not.toContain(source.id);
    expect(raw).not.toContain(source.createdAt.toISOString());
    // An explicit null for a defaulted non-null argument is the client's mistake, not an internal error.
    expect(errorCodes(await app.run('{ stakeholders(first: null) { totalCount } }', {}, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(LIST, {}, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
  });

  it("lets an analyst see its own organisation's profile but not walk its relationships", async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.RESEARCH_ORGANISATION, { name: 'Stats Institute' });
    const analyst = viewerOf(Role.ANALYST, { orgId: org.id });
    const profile = dataOf<{ viewer: { organisation: { name: string } } }>(await app.run('{ viewer { organisation { name } } }', {}, analyst));
    expect(profile.viewer.organisation.name).toBe('Stats Institute');
    for (const field of ['affiliations { kind }', 'partnerships { title }', 'memberships { role }', 'commitments { title }', 'contracts { title }', 'interactions { kind }', 'neighbours { distance }']) {
      const result = await app.run(`{ viewer { organisation { name ${field} } } }`, {}, analyst);
      expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('stakeholders(filter: { conditions })', () => {
  const LIST = `
    query ($filter: StakeholderFilter) { stakeholders(first: 20, filter: $filter) { totalCount nodes { name } } }`;
  type List = { stakeholders: { totalCount: number; nodes: { name: string }[] } };

  it('lists the patients having any of the conditions, for ADMIN', async () => {
    const tag = 'conditions-world';
    await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'cond-a', conditions: ['asthma', 'copd'], tags: [tag] });
    await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'cond-b', conditions: ['Crohn disease'], tags: [tag] });
    await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'cond-c', conditions: [], tags: [tag] });
    await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'cond-org', tags: [tag] });
    const run = async (conditions: string[]) => dataOf<List>(await app.run(LIST, { filter: { tags: [tag], conditions } }, admin())).stakeholders;
    expect(await run(['copd', 'Crohn disease'])).toEqual({ totalCount: 2, nodes: [{ name: 'cond-a' }, { name: 'cond-b' }] });
    expect(await run(['asthma'])).toEqual({ totalCount: 1, nodes: [{ name: 'cond-a' }] });
    expect(await run(['crohn disease'])).toEqual({ totalCount: 0, nodes: [] });
    expect(await run([])).toEqual({ totalCount: 4, nodes: [{ name: 'cond-a' }, { name: 'cond-b' }, { name: 'cond-c' }, { name: 'cond-org' }] });
    expect(errorCodes(await app.run(LIST, { filter: { conditions: [''] } }, admin()))).toEqual(['BAD_USER_INPUT']);
  });

  it('is refused with FORBIDDEN to anyone who may not read conditions, and nothing runs', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { conditions: ['asthma'] });
    for (const viewer of [
      viewerOf(Role.PARTNER, { orgId: org.id }),
      viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id }),
      viewerOf(Role.PATIENT, { patientId: patient.id }),
    ]) {
      for (const conditions of [['asthma'], []]) {
        const { result, statements } = await app.runCounted(LIST, { filter: { conditions } }, viewer);
        expect(errorCodes(result)).toEqual(['FORBIDDEN']);
        expect(result.data ?? null).toBeNull();
        expect(statements).toEqual([]);
      }
    }
  });
});

describe('stakeholder(id) with a redacted patient id', () => {
  it("finds the patient for the organisation the id was made for only, under that same id", async () => {
    const tag = `redacted-id-${Date.now()}`;
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { tags: [tag] });
    const [a, b] = [await makeStakeholder(app.db, StakeholderKind.COMPANY), await makeStakeholder(app.db, StakeholderKind.COMPANY)];
    const Q = `query ($id: ID!) { stakeholder(id: $id) { id name } }`;
    const as = (org: { id: string }) => viewerOf(Role.PARTNER, { orgId: org.id });
    // The id the API gives organisation A for the patient (its real id opens nothing for A).
    const listed = dataOf<{ stakeholders: { nodes: { id: string }[] } }>(
      await app.run(`query ($tag: String!) { stakeholders(first: 5, filter: { tags: [$tag] }) { nodes { id } } }`, { tag }, as(a)),
    ).stakeholders.nodes;
    expect(listed).toHaveLength(1);
    const given = listed[0].id;
    expect(given).toMatch(/^rp_/);
    expect(dataOf(await app.run(Q, { id: gid(patient) }, as(a))).stakeholder).toBeNull();
    expect(dataOf(await app.run(Q, { id: given }, as(a))).stakeholder).toEqual({ id: given, name: 'Patient partner' });
    expect(dataOf(await app.run(Q, { id: given }, as(b))).stakeholder).toBeNull();
    expect(dataOf(await app.run(Q, { id: given }, admin())).stakeholder).toBeNull();
  });
});
