import { randomBytes } from 'node:crypto';
import { redactedPatientId } from '../src/access/patient-ids';
import { Role, type Viewer } from '../src/access/viewer';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { gid, makeStakeholder } from './support/factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const patient = () => makeStakeholder(app.db, StakeholderKind.PATIENT);
const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const self = (p: Stakeholder): Viewer => viewerOf(Role.PATIENT, { patientId: p.id });
const unique = (): string => randomBytes(4).toString('hex');

const READ_IDENTITY = `query ($id: ID!) { stakeholder(id: $id) { ... on Patient { displayName } } }`;
const READ_EMAIL = `query ($id: ID!) { stakeholder(id: $id) { ... on Patient { email } } }`;
const GRANT = `
  mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } userErrors { code } } }`;

const EVENTS = `
  query ($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id at requestId subject role organisationId organisationName viewerPatientId purpose
        action targetType targetId patientId fields outcome
      }
    }
  }`;
interface EventNode {
  id: string;
  at: string;
  requestId: string;
  subject: string;
  role: string;
  organisationId: string | null;
  organisationName: string | null;
  viewerPatientId: string | null;
  purpose: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  patientId: string | null;
  fields: string[];
  outcome: string;
}
interface EventsOut {
  auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: EventNode[] };
}
const events = async (filter: Record<string, unknown>, first = 100, after: string | null = null) =>
  dataOf<EventsOut>(await app.run<EventsOut>(EVENTS, { filter, first, after }, admin())).auditEvents;

const ACCESS_LOG_FIELDS = 'totalCount pageInfo { hasNextPage endCursor } nodes { at organisationName role purpose action fields outcome }';
const OWN_ACCESS_LOG = `query ($first: Int, $after: String) { viewer { patient { accessLog(first: $first, after: $after) { ${ACCESS_LOG_FIELDS} } } } }`;
const ACCESS_LOG_OF = `query ($id: ID!) { stakeholder(id: $id) { ... on Patient { accessLog { ${ACCESS_LOG_FIELDS} } } } }`;
interface LogEntry {
  at: string;
  organisationName: string | null;
  role: string;
  purpose: string | null;
  action: string;
  fields: string[];
  outcome: string;
}
interface LogPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: LogEntry[];
}

/** Appends synthetic events straight through audit_append (as the server does), with explicit times. */
async function appendEvents(rows: Record<string, unknown>[]): Promise<void> {
  const full = rows.map((r) => ({ requestId: `synthetic-${unique()}`, subject: 'synthetic', role: 'ADMIN', action: 'read', outcome: 'allowed', fields: [], ...r }));
  await app.db.query('SELECT audit_append($1::jsonb)', [JSON.stringify(full)]);
}

/** The audit:read rows of the last request. */
const auditReadsOfLastRequest = async (): Promise<{ subject: string; patient_id: string | null; outcome: string }[]> =>
  app.db.query(`SELECT subject, patient_id, outcome FROM audit_event WHERE request_id = $1 AND action = 'audit:read'`, [app.lastRequestId]);

/** A patient, an organisation holding the patient's IDENTITY consent, and a partner of it who read the patient's displayName. */
async function readWorld() {
  const p = await patient();
  const pharma = await company({ name: `Audit Pharma ${unique()}` });
  await makeConsent(app.db, p, { granteeId: pharma.id, scopes: [ConsentScope.IDENTITY] });
  const partner = viewerOf(Role.PARTNER, { orgId: pharma.id });
  const read = dataOf<{ stakeholder: { displayName: string } }>(await app.run(READ_IDENTITY, { id: gid(p) }, partner));
  expect(read.stakeholder.displayName).toBe(p.displayName);
  return { p, pharma, partner, readRequest: app.lastRequestId };
}

describe('auditEvents (ADMIN)', () => {
  it('shows the reads of sensitive fields, with the organisation by name and the ids as global ids', async () => {
    const { p, pharma, partner, readRequest } = await readWorld();
    const found = await events({ targetId: gid(p) });
    expect(found.totalCount).toBe(1);
    expect(found.nodes[0]).toEqual({
      id: expect.stringMatching(/^[0-9]+$/),
      at: expect.any(String),
      requestId: readRequest,
      subject: partner.userId,
      role: 'PARTNER',
      organisationId: gid(pharma),
      organisationName: pharma.name,
      viewerPatientId: null,
      purpose: 'PARTNERSHIP_COORDINATION',
      action: 'read',
      targetType: 'Stakeholder',
      targetId: gid(p),
      patientId: gid(p),
      fields: ['displayName'],
      outcome: 'ALLOWED',
    });
  });

  it('shows writes and denials, and filters by subject, action and outcome', async () => {
    const p = await patient();
    const pharma = await company();
    const patientViewer = self(p);
    const input = { patientId: gid(p), granteeId: gid(pharma), scopes: ['IDENTITY'], purposes: ['PARTNERSHIP_COORDINATION'] };
    const granted = dataOf<{ grantConsent: { consent: { id: string } } }>(await app.run(GRANT, { input }, patientViewer)).grantConsent.consent;
    const partner = viewerOf(Role.PARTNER, { orgId: pharma.id });
    expect(errorCodes(await app.run(GRANT, { input }, partner))).toEqual(['FORBIDDEN']);

    const bySubject = await events({ subject: patientViewer.userId });
    expect(bySubject.nodes.map((e) => [e.action, e.outcome, e.targetType, e.targetId, e.patientId, e.viewerPatientId])).toEqual([
      ['consent:grant', 'ALLOWED', 'Consent', granted.id, gid(p), gid(p)],
    ]);
    expect(bySubject.nodes[0].fields).toEqual(['granteeId', 'patientId', 'purposes', 'scopes']);
    expect(bySubject.nodes[0].organisationName).toBeNull();
    expect((await events({ targetId: granted.id, action: 'consent:grant' })).nodes.map((e) => e.subject)).toEqual([patientViewer.userId]);

    const denied = await events({ subject: partner.userId, outcome: 'DENIED' });
    expect(denied.nodes.map((e) => [e.action, e.outcome, e.role, e.organisationId])).toEqual([['consent:grant', 'DENIED', 'PARTNER', gid(pharma)]]);
    expect((await events({ subject: partner.userId, outcome: 'ALLOWED' })).totalCount).toBe(0);
    expect((await events({ subject: partner.userId, action: 'read' })).totalCount).toBe(0);
    expect((await events({ organisationId: gid(pharma), outcome: 'DENIED' })).nodes.map((e) => e.subject)).toEqual([partner.userId]);
  });

  it('filters by time (from inclusive, to exclusive) and pages newest first without duplicates or gaps', async () => {
    const subject = `pager-${unique()}`;
    const base = Date.now() - 3 * 86_400_000;
    // Groups of three share an instant: the id breaks the tie.
    await appendEvents(Array.from({ length: 23 }, (_, i) => ({ subject, at: new Date(base + Math.floor(i / 3) * 1000).toISOString() })));
    const expected = ((await app.db.query(`SELECT id::text AS id FROM audit_event WHERE subject = $1 ORDER BY at DESC, id DESC`, [subject])) as { id: string }[]).map(
      (r) => r.id,
    );
    expect(expected).toHaveLength(23);

    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo += 1) {
      const page = await events({ subject }, 5, after);
      expect(page.totalCount).toBe(23);
      seen.push(...page.nodes.map((e) => e.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);

    const window = await events({ subject, from: new Date(base + 2000).toISOString(), to: new Date(base + 5000).toISOString() });
    expect(window.nodes.map((e) => e.id)).toEqual(expected.slice(23 - 15, 23 - 6));
    expect(window.nodes.every((e) => Date.parse(e.at) >= base + 2000 && Date.parse(e.at) < base + 5000)).toBe(true);
  });

  it('refuses a cursor that is not one of its own', async () => {
    const result = await app.run(EVENTS, { filter: {}, first: 1, after: 'not-a-cursor' }, admin());
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('records its own reading as audit:read', async () => {
    const reader = admin();
    dataOf(await app.run(EVENTS, { filter: { action: 'read' }, first: 1 }, reader));
    expect(await auditReadsOfLastRequest()).toEqual([{ subject: reader.userId, patient_id: null, outcome: 'allowed' }]);
  });

  it.each([Role.ENGAGEMENT_MANAGER, Role.PARTNER, Role.ANALYST, Role.PATIENT])('is FORBIDDEN to %s', async (role) => {
    const org = await company();
    const p = await patient();
    const viewer = viewerOf(role, { orgId: role === Role.PATIENT ? null : org.id, patientId: role === Role.PATIENT ? p.id : null });
    const result = await app.run(EVENTS, { filter: {}, first: 10 }, viewer);
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.data ?? null).toBeNull();
    expect(await auditReadsOfLastRequest()).toEqual([]);
  });

  it('is refused without a token', async () => {
    expect(errorCodes(await app.run(EVENTS, { filter: {}, first: 10 }, null))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('Patient.accessLog', () => {
  it("shows the patient which organisation read which of their fields, without their own reads or any staff member", async () => {
    const { p, pharma, partner } = await readWorld();
    const secretariat = admin();
    dataOf(await app.run(READ_EMAIL, { id: gid(p) }, secretariat));
    // The patient's own reads are not shown to them.
    const patientViewer = self(p);
    dataOf(await app.run(READ_IDENTITY, { id: gid(p) }, patientViewer));

    const result = await app.run<{ viewer: { patient: { accessLog: LogPage } } }>(OWN_ACCESS_LOG, { first: 10 }, patientViewer);
    const log = dataOf(result).viewer.patient.accessLog;
    expect(log.totalCount).toBe(2);
    expect(log.nodes).toEqual([
      { at: expect.any(String), organisationName: null, role: 'ADMIN', purpose: 'PARTNERSHIP_COORDINATION', action: 'read', fields: ['email'], outcome: 'ALLOWED' },
      {
        at: expect.any(String),
        organisationName: pharma.name,
        role: 'PARTNER',
        purpose: 'PARTNERSHIP_COORDINATION',
        action: 'read',
        fields: ['displayName'],
        outcome: 'ALLOWED',
      },
    ]);
    expect(Date.parse(log.nodes[0].at)).toBeGreaterThanOrEqual(Date.parse(log.nodes[1].at));
    const body = JSON.stringify(result);
    for (const staff of [partner.userId, secretariat.userId]) expect(body).not.toContain(staff);

    // Reading the log is itself recorded, and, being the patient's own, not shown to them.
    expect(await auditReadsOfLastRequest()).toEqual([{ subject: patientViewer.userId, patient_id: p.id, outcome: 'allowed' }]);
    expect(dataOf(await app.run<{ viewer: { patient: { accessLog: LogPage } } }>(OWN_ACCESS_LOG, { first: 10 }, patientViewer)).viewer.patient.accessLog.totalCount).toBe(2);
  });

  it('pages newest first', async () => {
    const { p } = await readWorld();
    for (let i = 0; i < 2; i += 1) dataOf(await app.run(READ_EMAIL, { id: gid(p) }, admin()));
    const patientViewer = self(p);
    const seen: LogEntry[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 5; pageNo += 1) {
      const page: LogPage = dataOf(await app.run<{ viewer: { patient: { accessLog: LogPage } } }>(OWN_ACCESS_LOG, { first: 1, after }, patientViewer)).viewer
        .patient.accessLog;
      seen.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.map((e) => e.role)).toEqual(['ADMIN', 'ADMIN', 'PARTNER']);
  });

  it("gives ADMIN every row about that patient, the patient's own reads included, and only that patient's", async () => {
    const { p } = await readWorld();
    await readWorld(); // another patient's rows stay out
    dataOf(await app.run(READ_IDENTITY, { id: gid(p) }, self(p)));
    const log = dataOf(await app.run<{ stakeholder: { accessLog: LogPage } }>(ACCESS_LOG_OF, { id: gid(p) }, admin())).stakeholder.accessLog;
    expect(log.nodes.map((e) => [e.role, e.fields])).toEqual([
      ['PATIENT', ['displayName']],
      ['PARTNER', ['displayName']],
    ]);
    const [{ count }] = (await app.db.query(`SELECT count(*)::int AS count FROM audit_event WHERE patient_id = $1`, [p.id])) as { count: number }[];
    expect(log.totalCount).toBe(count - 1); // all but this read's own audit:read row, written after the response
  });

  it('is empty for another patient and for the viewers of an organisation, and records nothing then', async () => {
    const { p, pharma } = await readWorld();
    const otherPatient = self(await patient());
    const strangerStaff = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: (await company()).id });
    // Whoever may not read the patient's identity reaches the patient only under the id sealed for them.
    for (const [viewer, id] of [
      [otherPatient, redactedPatientId(otherPatient, p.id)],
      [viewerOf(Role.PARTNER, { orgId: pharma.id }), gid(p)],
      [viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: pharma.id }), gid(p)],
      [strangerStaff, redactedPatientId(strangerStaff, p.id)],
    ] as const) {
      const log = dataOf(await app.run<{ stakeholder: { accessLog: LogPage } | null }>(ACCESS_LOG_OF, { id }, viewer)).stakeholder?.accessLog;
      expect(log).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
      expect(await auditReadsOfLastRequest()).toEqual([]);
    }
  });

  it('is FORBIDDEN to ANALYST, like every patient field', async () => {
    const { p } = await readWorld();
    expect(errorCodes(await app.run(ACCESS_LOG_OF, { id: gid(p) }, viewerOf(Role.ANALYST)))).toContain('FORBIDDEN');
  });
});
