import { redactedPatientId } from '../src/access/patient-ids';
import { Role } from '../src/access/viewer';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { consentId, makeConsent } from './support/consent.factories';
import { gid, makeStakeholder } from './support/factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const patient = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.PATIENT, fields);
const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const self = (p: Stakeholder) => viewerOf(Role.PATIENT, { patientId: p.id });
const DAY = 86_400_000;
const ZERO = '00000000-0000-0000-0000-000000000000';

async function consentRows(patientId: string): Promise<{ grantee_id: string | null; withdrawn: boolean; version: number }[]> {
  return app.db.query(
    `SELECT grantee_id, withdrawn_at IS NOT NULL AS withdrawn, version FROM consent WHERE patient_id = $1 ORDER BY created_at, id`,
    [patientId],
  );
}

const PATIENT_CONSENTS = `
  query ($id: ID!) {
    stakeholder(id: $id) {
      ... on Patient {
        redactedFields
        consents { id scopes purposes active expiresAt withdrawnAt patient { id } grantee { id name } }
      }
    }
  }`;

describe('Patient.consents', () => {
  it('shows the patient and ADMIN every consent with its grantee and whether it is active', async () => {
    const p = await patient();
    const pharma = await company({ name: 'Boreal Pharma' });
    const alliance = await makeConsent(app.db, p, { scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT], purposes: [ConsentPurpose.REPORTING] });
    const granted = await makeConsent(app.db, p, { granteeId: pharma.id, expiresAt: new Date(Date.now() + 30 * DAY) });
    const withdrawn = await makeConsent(app.db, p, { granteeId: pharma.id, withdrawnAt: new Date() });
    const expired = await makeConsent(app.db, p, { grantedAt: new Date(Date.now() - 10 * DAY), expiresAt: new Date(Date.now() - DAY) });
    for (const viewer of [self(p), admin()]) {
      const consents = dataOf<{ stakeholder: { consents: Record<string, unknown>[] } }>(await app.run(PATIENT_CONSENTS, { id: gid(p) }, viewer))
        .stakeholder.consents;
      expect(consents.map((c) => [c.id, c.active])).toEqual([
        [consentId(alliance), true],
        [consentId(granted), true],
        [consentId(withdrawn), false],
        [consentId(expired), false],
      ]);
      expect(consents[0]).toEqual({
        id: consentId(alliance),
        scopes: ['IDENTITY', 'CONTACT'],
        purposes: ['REPORTING'],
        active: true,
        expiresAt: null,
        withdrawnAt: null,
        patient: { id: gid(p) },
        grantee: null,
      });
      expect(consents[1]).toMatchObject({ grantee: { id: gid(pharma), name: 'Boreal Pharma' }, expiresAt: expect.any(String) });
    }
  });

  it('is empty for anyone else, without marking a redaction', async () => {
    const p = await patient();
    const pharma = await company();
    await makeConsent(app.db, p, { granteeId: pharma.id });
    const otherPatient = self(await patient());
    // Pharma holds the patient's IDENTITY consent and opens the real id; another patient may not
    // read the patient's identity and opens the patient only under the id sealed for them.
    for (const [viewer, id] of [
      [viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: pharma.id }), gid(p)],
      [viewerOf(Role.PARTNER, { orgId: pharma.id }), gid(p)],
      [otherPatient, redactedPatientId(otherPatient, p.id)],
    ] as const) {
      const out = dataOf<{ stakeholder: { consents: unknown[]; redactedFields: string[] } }>(await app.run(PATIENT_CONSENTS, { id }, viewer));
      expect(out.stakeholder.consents).toEqual([]);
      expect(out.stakeholder.redactedFields).not.toContain('consents');
    }
  });

  it('costs the same number of statements for 2 or 10 patients', async () => {
    const query = `
      query ($tag: String!) {
        stakeholders(first: 50, filter: { tags: [$tag] }) { nodes { ... on Patient { consents { active patient { name } grantee { name } } } } }
      }`;
    const world = async (tag: string, size: number) => {
      for (let i = 0; i < size; i += 1) {
        const p = await patient({ tags: [tag] });
        await makeConsent(app.db, p, { granteeId: (await company()).id });
        await makeConsent(app.db, p);
      }
    };
    await world('consent-two', 2);
    await world('consent-ten', 10);
    const two = await app.runCounted<{ stakeholders: { nodes: { consents: unknown[] }[] } }>(query, { tag: 'consent-two' }, admin());
    const ten = await app.runCounted<{ stakeholders: { nodes: { consents: unknown[] }[] } }>(query, { tag: 'consent-ten' }, admin());
    expect(dataOf(ten.result).stakeholders.nodes.map((n) => n.consents.length)).toEqual(Array(10).fill(2));
    expect(dataOf(two.result).stakeholders.nodes).toHaveLength(2);
    // The page, the consents of all its patients, and their patients and grantees.
    expect(two.statements.length).toBe(3);
    expect(ten.statements.length).toBe(two.statements.length);
  });
});

const CONSENTS = `
  query ($first: Int, $after: String, $filter: ConsentFilter) {
    consents(first: $first, after: $after, filter: $filter) { totalCount nodes { id } pageInfo { hasNextPage endCursor } }
  }`;
interface ConsentsOut {
  consents: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('consents', () => {
  let p: Stakeholder;
  let q: Stakeholder;
  let pharma: Stakeholder;
  let c1: { id: string };
  let c2: { id: string };
  let c3: { id: string };
  let c4: { id: string };
  const ids = (...cs: { id: string }[]) => cs.map((c) => ({ id: consentId(c) }));
  const list = async (filter: Record<string, unknown>, viewer = admin(), first = 20, after?: string) =>
    dataOf<ConsentsOut>(await app.run(CONSENTS, { filter, first, after }, viewer)).consents;

  beforeAll(async () => {
    p = await patient();
    q = await patient();
    pharma = await company();
    c1 = await makeConsent(app.db, p, { granteeId: pharma.id });
    c2 = await makeConsent(app.db, p, { withdrawnAt: new Date() });
    c3 = await makeConsent(app.db, p);
    c4 = await makeConsent(app.db, q, { granteeId: pharma.id });
  });

  it('lists newest first for ADMIN, filtered by patient, grantee and activity', async () => {
    expect(await list({ patientId: gid(p) })).toMatchObject({ totalCount: 3, nodes: ids(c3, c2, c1) });
    expect((await list({ granteeId: gid(pharma) })).nodes).toEqual(ids(c4, c1));
    expect((await list({ patientId: gid(p), active: true })).nodes).toEqual(ids(c3, c1));
    expect((await list({ patientId: gid(p), active: false })).nodes).toEqual(ids(c2));
    expect((await list({ patientId: 'nonsense' })).nodes).toEqual([]);
    expect((await list({ granteeId: gid({ id: ZERO }) })).nodes).toEqual([]);
  });

  it('pages with cursors', async () => {
    const page1 = await list({ patientId: gid(p) }, admin(), 2);
    expect(page1).toMatchObject({ totalCount: 3, nodes: ids(c3, c2), pageInfo: { hasNextPage: true } });
    const page2 = await list({ patientId: gid(p) }, admin(), 2, page1.pageInfo.endCursor as string);
    expect(page2).toMatchObject({ nodes: ids(c1), pageInfo: { hasNextPage: false } });
  });

  it("shows a patient only their own consents, whatever the filter asks", async () => {
    expect(await list({}, self(q))).toMatchObject({ totalCount: 1, nodes: ids(c4) });
    expect((await list({ patientId: gid(p) }, self(q))).nodes).toEqual([]);
    expect((await list({ granteeId: gid(pharma) }, self(p))).nodes).toEqual(ids(c1));
  });

  it('is FORBIDDEN to other roles', async () => {
    for (const viewer of [viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: pharma.id }), viewerOf(Role.PARTNER, { orgId: pharma.id }), viewerOf(Role.ANALYST)]) {
      expect(errorCodes(await app.run(CONSENTS, { filter: {} }, viewer))).toEqual(['FORBIDDEN']);
    }
  });
});

const GRANT = `
  mutation ($input: GrantConsentInput!) {
    grantConsent(input: $input) {
      consent { id scopes purposes active expiresAt version patient { id } grantee { id } }
      userErrors { field message code }
    }
  }`;
interface GrantOut {
  grantConsent: { consent: Record<string, unknown> | null; userErrors: { field: string | null; code: string }[] };
}

describe('grantConsent', () => {
  it('lets a patient grant an organisation, or the whole alliance', async () => {
    const p = await patient();
    const pharma = await company();
    const expiresAt = new Date(Date.now() + 90 * DAY).toISOString();
    const toPharma = dataOf<GrantOut>(
      await app.run(
        GRANT,
        { input: { patientId: gid(p), granteeId: gid(pharma), scopes: ['HEALTH', 'IDENTITY'], purposes: ['RESEARCH_DESIGN'], expiresAt } },
        self(p),
      ),
    ).grantConsent;
    expect(toPharma).toEqual({
      consent: {
        id: expect.any(String),
        scopes: ['HEALTH', 'IDENTITY'],
        purposes: ['RESEARCH_DESIGN'],
        active: true,
        expiresAt,
        version: 1,
        patient: { id: gid(p) },
        grantee: { id: gid(pharma) },
      },
      userErrors: [],
    });
    const toAll = dataOf<GrantOut>(
      await app.run(GRANT, { input: { patientId: gid(p), scopes: ['CONTACT'], purposes: ['REPORTING', 'REGULATORY_HTA'] } }, admin()),
    ).grantConsent;
    expect(toAll.consent).toMatchObject({ grantee: null, expiresAt: null, purposes: ['REPORTING', 'REGULATORY_HTA'] });
    expect(await consentRows(p.id)).toEqual([
      { grantee_id: pharma.id, withdrawn: false, version: 1 },
      { grantee_id: null, withdrawn: false, version: 1 },
    ]);
  });

  it('rejects empty or repeated scopes and purposes and a past expiry before anything runs', async () => {
    const p = await patient();
    const base = { patientId: gid(p), scopes: ['IDENTITY'], purposes: ['REPORTING'] };
    for (const input of [
      { ...base, scopes: [] },
      { ...base, purposes: [] },
      { ...base, scopes: ['IDENTITY', 'IDENTITY'] },
      { ...base, purposes: ['REPORTING', 'REPORTING'] },
      { ...base, expiresAt: new Date(Date.now() - 60_000).toISOString() },
      { ...base, scopes: ['EVERYTHING'] },
    ]) {
      expect(errorCodes(await app.run(GRANT, { input }, self(p)))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await consentRows(p.id)).toEqual([]);
  });

  it('refuses invalid references as userErrors and writes nothing', async () => {
    const p = await patient();
    const other = await patient();
    const org = await company();
    const archived = await company({ archivedAt: new Date() });
    const base = { scopes: ['IDENTITY'], purposes: ['REPORTING'] };
    const cases: [Record<string, unknown>, { field: string; code: string }][] = [
      [{ patientId: gid({ id: ZERO }) }, { field: 'input.patientId', code: 'NOT_FOUND' }],
      [{ patientId: 'nonsense' }, { field: 'input.patientId', code: 'NOT_FOUND' }],
      [{ patientId: gid(org) }, { field: 'input.patientId', code: 'NOT_FOUND' }],
      [{ patientId: gid(p), granteeId: gid(other) }, { field: 'input.granteeId', code: 'BAD_USER_INPUT' }],
      [{ patientId: gid(p), granteeId: gid(archived) }, { field: 'input.granteeId', code: 'BAD_USER_INPUT' }],
      [{ patientId: gid(p), granteeId: gid({ id: ZERO }) }, { field: 'input.granteeId', code: 'NOT_FOUND' }],
      [{ patientId: gid(p), granteeId: consentId({ id: ZERO }) }, { field: 'input.granteeId', code: 'NOT_FOUND' }],
    ];
    for (const [input, error] of cases) {
      expect(dataOf<GrantOut>(await app.run(GRANT, { input: { ...base, ...input } }, admin())).grantConsent).toEqual({
        consent: null,
        userErrors: [{ ...error, message: expect.any(String) }],
      });
    }
    expect(await consentRows(p.id)).toEqual([]);
  });

  it('replays an idempotent grant and refuses the key for another input', async () => {
    const p = await patient();
    const input = { patientId: gid(p), scopes: ['IDENTITY'], purposes: ['REPORTING'], idempotencyKey: 'consent-1' };
    const viewer = self(p);
    const first = dataOf<GrantOut>(await app.run(GRANT, { input }, viewer)).grantConsent;
    expect(first.userErrors).toEqual([]);
    expect(dataOf<GrantOut>(await app.run(GRANT, { input }, viewer)).grantConsent).toEqual(first);
    const other = dataOf<GrantOut>(await app.run(GRANT, { input: { ...input, scopes: ['HEALTH'] } }, viewer)).grantConsent;
    expect(other).toEqual({ consent: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT', message: expect.any(String) }] });
    expect(await consentRows(p.id)).toHaveLength(1);
  });

  it("is FORBIDDEN for another patient's record, and to engagement managers by role", async () => {
    const p = await patient();
    const org = await company();
    const input = { patientId: gid(p), granteeId: gid(org), scopes: ['IDENTITY'], purposes: ['REPORTING'] };
    // Another patient names the patient by the id they see (the real id opens nothing for them).
    const otherPatient = self(await patient());
    const asSeen = { ...input, patientId: redactedPatientId(otherPatient, p.id) };
    expect(errorCodes(await app.run(GRANT, { input: asSeen }, otherPatient))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(GRANT, { input }, viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id })))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(GRANT, { input }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await consentRows(p.id)).toEqual([]);
  });
});

const WITHDRAW = `
  mutation ($input: WithdrawConsentInput!) {
    withdrawConsent(input: $input) { consent { id active withdrawnAt version } userErrors { field message code } }
  }`;
interface WithdrawOut {
  withdrawConsent: { consent: { id: string; active: boolean; withdrawnAt: string | null; version: number } | null; userErrors: unknown[] };
}

describe('withdrawConsent', () => {
  it('withdraws for the patient, at once', async () => {
    const p = await patient();
    const c = await makeConsent(app.db, p);
    const out = dataOf<WithdrawOut>(await app.run(WITHDRAW, { input: { id: consentId(c), version: 1 } }, self(p))).withdrawConsent;
    expect(out).toEqual({ consent: { id: consentId(c), active: false, withdrawnAt: expect.any(String), version: 2 }, userErrors: [] });
    expect(await consentRows(p.id)).toEqual([{ grantee_id: null, withdrawn: true, version: 2 }]);
    const listed = dataOf<ConsentsOut>(await app.run(CONSENTS, { filter: { active: true } }, self(p))).consents;
    expect(listed.nodes).toEqual([]);
  });

  it('refuses an already withdrawn consent, a stale version and an unknown id', async () => {
    const p = await patient();
    const gone = await makeConsent(app.db, p, { withdrawnAt: new Date() });
    const live = await makeConsent(app.db, p);
    const cases: [Record<string, unknown>, { field: string; code: string }][] = [
      [{ id: consentId(gone), version: 1 }, { field: 'input.id', code: 'BAD_USER_INPUT' }],
      [{ id: consentId(live), version: 3 }, { field: 'input.version', code: 'CONFLICT' }],
      [{ id: consentId({ id: ZERO }), version: 1 }, { field: 'input.id', code: 'NOT_FOUND' }],
      [{ id: gid(p), version: 1 }, { field: 'input.id', code: 'NOT_FOUND' }],
    ];
    for (const [input, error] of cases) {
      expect(dataOf<WithdrawOut>(await app.run(WITHDRAW, { input }, admin())).withdrawConsent).toEqual({
        consent: null,
        userErrors: [{ ...error, message: expect.any(String) }],
      });
    }
    expect(await consentRows(p.id)).toEqual([
      { grantee_id: null, withdrawn: true, version: 1 },
      { grantee_id: null, withdrawn: false, version: 1 },
    ]);
  });

  it("answers another patient exactly as for an unknown consent (NOT_FOUND), other roles FORBIDDEN, and changes nothing", async () => {
    const p = await patient();
    const c = await makeConsent(app.db, p);
    const other = self(await patient());
    const unknown = dataOf<WithdrawOut>(await app.run(WITHDRAW, { input: { id: consentId({ id: ZERO }), version: 1 } }, other)).withdrawConsent;
    const hidden = dataOf<WithdrawOut>(await app.run(WITHDRAW, { input: { id: consentId(c), version: 1 } }, other)).withdrawConsent;
    expect(hidden).toEqual({ consent: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND', message: 'No such consent.' }] });
    expect(hidden).toEqual(unknown);
    expect(errorCodes(await app.run(WITHDRAW, { input: { id: consentId(c), version: 1 } }, viewerOf(Role.PARTNER, { orgId: p.id })))).toEqual([
      'FORBIDDEN',
    ]);
    expect(await consentRows(p.id)).toEqual([{ grantee_id: null, withdrawn: false, version: 1 }]);
  });
});
