import { AuditBatcher } from '../src/access/audit';
import { verifyAuditChain } from '../src/access/audit-verify';
import { redactedPatientId } from '../src/access/patient-ids';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role, type Viewer } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { sqlObserver } from '../src/database/data-source';
import { AUDIT_WITHHELD_MESSAGE } from '../src/graphql/audit-plugin';
import { fromGlobalId } from '../src/graphql/global-id';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { MemberRole } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { ctid, makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { iid, makeInteraction } from './support/interaction.factories';
import { makePartnership, pid } from './support/partnership.factories';
import { tableSnapshot } from './support/snapshot';

/**
 * What the audit trail records (DESIGN §3, issue 10): one row per record whose sensitive fields a
 * request actually returned, naming those fields; one row per write in the write's own
 * transaction; denied and failed actions; and the response withheld when the trail cannot be
 * written. The derived check over every viewer and path of the permission table is in
 * test/permissions.test.ts.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

interface AuditRow {
  request_id: string;
  subject: string;
  role: string;
  organisation_id: string | null;
  viewer_patient_id: string | null;
  purpose: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  patient_id: string | null;
  fields: string[];
  outcome: string;
}

const COLUMNS = `request_id, subject, role, organisation_id, viewer_patient_id, purpose, action, target_type, target_id, patient_id, fields, outcome`;

/** The audit rows of one request (the last `app.run` unless told), fields sorted. */
async function auditOf(requestId: string = app.lastRequestId): Promise<AuditRow[]> {
  const rows = (await app.db.query(`SELECT ${COLUMNS} FROM audit_event WHERE request_id = $1 ORDER BY id`, [requestId])) as AuditRow[];
  return rows.map((row) => ({ ...row, fields: [...row.fields].sort() }));
}

/** Every column of every audit row, as text: values must never be found in it. */
async function allAuditText(): Promise<string> {
  return JSON.stringify(await app.db.query(`SELECT ${COLUMNS} FROM audit_event`));
}

/** The viewer columns of a row, as `viewer` should fill them. */
const viewerColumns = (viewer: Viewer) => ({
  subject: viewer.userId,
  role: viewer.role,
  organisation_id: viewer.orgId,
  viewer_patient_id: viewer.patientId,
  purpose: viewer.purpose,
});

const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
/** A patient with a pseudonym, display name, email and condition; no phone and no birth year (empty). */
const patient = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.PATIENT, fields);
const dbId = (globalId: string): string => {
  const decoded = fromGlobalId(globalId);
  if (!decoded) throw new Error(`not a global id: ${globalId}`);
  return decoded.id;
};

/** An organisation holding `patient`'s IDENTITY + CONTACT consent for coordination, and its PARTNER. */
async function consentedOrg(...patients: Stakeholder[]): Promise<{ org: Stakeholder; partner: Viewer; manager: Viewer }> {
  const org = await company();
  for (const p of patients) {
    await makeConsent(app.db, p, {
      granteeId: org.id,
      scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT],
      purposes: [ConsentPurpose.PARTNERSHIP_COORDINATION],
    });
  }
  return { org, partner: viewerOf(Role.PARTNER, { orgId: org.id }), manager: viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id }) };
}

const PATIENT_FIELDS = `query ($id: ID!) {
  stakeholder(id: $id) { id name ... on Patient { pseudonym displayName birthYear email phone conditions redactedFields } }
}`;

describe('reads of sensitive fields', () => {
  it('a PARTNER with IDENTITY+CONTACT consent: one row naming exactly the fields returned', async () => {
    const p = await patient();
    const { org, partner } = await consentedOrg(p);
    const data = dataOf<{ stakeholder: Record<string, unknown> }>(await app.run(PATIENT_FIELDS, { id: gid(p) }, partner));
    // Shown: identity and contact; hidden: conditions; empty (null though allowed): birthYear, phone.
    expect(data.stakeholder).toMatchObject({ name: p.pseudonym, pseudonym: p.pseudonym, displayName: p.displayName, email: p.email });
    expect(data.stakeholder).toMatchObject({ birthYear: null, phone: null, conditions: null, redactedFields: ['conditions'] });
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(partner),
        organisation_id: org.id,
        purpose: 'PARTNERSHIP_COORDINATION',
        action: 'read',
        target_type: 'Stakeholder',
        target_id: p.id,
        patient_id: p.id,
        fields: ['displayName', 'email', 'name', 'pseudonym'],
        outcome: 'allowed',
      },
    ]);
  });

  it('the same patient reached twice in one response (two aliases) is one row with the union of the fields', async () => {
    const p = await patient();
    const { partner } = await consentedOrg(p);
    const query = `query ($id: ID!) {
      a: stakeholder(id: $id) { ... on Patient { pseudonym } }
      b: stakeholder(id: $id) { ... on Patient { email } }
    }`;
    dataOf(await app.run(query, { id: gid(p) }, partner));
    const rows = await auditOf();
    expect(rows.map((r) => [r.target_id, r.fields])).toEqual([[p.id, ['email', 'pseudonym']]]);
  });

  it('the same patient on a path as stakeholder and as step is one row with the union of the fields', async () => {
    const p = await patient();
    const { org, partner } = await consentedOrg(p);
    await makePartnership(app.db, [{ stakeholder: org }, { stakeholder: p, role: MemberRole.PATIENT_PARTNER }]);
    const query = `query ($from: ID!, $to: ID!) {
      shortestPath(from: $from, to: $to) {
        length
        stakeholders { id ... on Patient { displayName } }
        steps { to { id ... on Patient { email } } }
      }
    }`;
    const data = dataOf<{ shortestPath: { length: number; stakeholders: { id: string; displayName?: string }[]; steps: { to: { email?: string } }[] } }>(
      await app.run(query, { from: gid(org), to: gid(p) }, partner),
    );
    expect(data.shortestPath.length).toBe(1);
    expect(data.shortestPath.stakeholders[1].displayName).toBe(p.displayName);
    expect(data.shortestPath.steps[0].to.email).toBe(p.email);
    const rows = await auditOf();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'read', target_type: 'Stakeholder', target_id: p.id, patient_id: p.id, fields: ['displayName', 'email'] });
  });

  it('selecting only redactedFields records nothing (a decision is no read)', async () => {
    const p = await patient();
    const { partner } = await consentedOrg(p);
    const data = dataOf<{ stakeholder: { redactedFields: string[] } }>(
      await app.run(`query ($id: ID!) { stakeholder(id: $id) { id ... on Patient { redactedFields } } }`, { id: gid(p) }, partner),
    );
    expect(data.stakeholder.redactedFields).toEqual(['conditions']);
    expect(await auditOf()).toEqual([]);
  });

  it('a viewer without consent records nothing for the patient (masked name, null fields)', async () => {
    const p = await patient();
    const other = viewerOf(Role.PARTNER, { orgId: (await company()).id });
    const redactedId = redactedPatientId(other, p.id);
    const data = dataOf<{ stakeholder: Record<string, unknown> }>(await app.run(PATIENT_FIELDS, { id: redactedId }, other));
    expect(data.stakeholder).toMatchObject({ id: redactedId, name: 'Patient partner', pseudonym: null, email: null });
    expect(await auditOf()).toEqual([]);
  });

  it("interaction notes read by the recording organisation: one row about the Interaction", async () => {
    const org = await company();
    const otherOrg = await company();
    const i = await makeInteraction(app.db, [org, otherOrg], { recordedByOrgId: org.id, notes: 'audit notes', recordedByUser: 'user-9' });
    const manager = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
    const data = dataOf<{ interaction: { notes: string; recordedByUser: string } }>(
      await app.run(`query ($id: ID!) { interaction(id: $id) { id summary notes recordedByUser } }`, { id: iid(i) }, manager),
    );
    expect(data.interaction).toMatchObject({ notes: 'audit notes', recordedByUser: 'user-9' });
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(manager),
        action: 'read',
        target_type: 'Interaction',
        target_id: i.id,
        patient_id: null,
        fields: ['notes', 'recordedByUser'],
        outcome: 'allowed',
      },
    ]);
    // The other participant does not read the notes: nothing recorded.
    const outsider = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: otherOrg.id });
    const hidden = dataOf<{ interaction: { notes: string | null } }>(await app.run(`query ($id: ID!) { interaction(id: $id) { id notes } }`, { id: iid(i) }, outsider));
    expect(hidden.interaction.notes).toBeNull();
    expect(await auditOf()).toEqual([]);
  });

  it("a contract's value read by an engagement manager of a party: one row about the Contract", async () => {
    const sponsor = await company();
    const recipient = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const k = await makeContract(app.db, [{ stakeholder: sponsor }, { stakeholder: recipient }], { valueAmount: 125_000, valueCurrency: 'EUR' });
    const manager = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: sponsor.id });
    const data = dataOf<{ contract: { value: unknown } }>(
      await app.run(`query ($id: ID!) { contract(id: $id) { id title value { amount currency } } }`, { id: ctid(k) }, manager),
    );
    expect(data.contract.value).toEqual({ amount: 125_000, currency: 'EUR' });
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(manager),
        action: 'read',
        target_type: 'Contract',
        target_id: k.id,
        patient_id: null,
        fields: ['value'],
        outcome: 'allowed',
      },
    ]);
    // A PARTNER of the same party does not see the terms: nothing recorded.
    const partner = viewerOf(Role.PARTNER, { orgId: sponsor.id });
    const hidden = dataOf<{ contract: { value: unknown } }>(await app.run(`query ($id: ID!) { contract(id: $id) { id value { amount } } }`, { id: ctid(k) }, partner));
    expect(hidden.contract.value).toBeNull();
    expect(await auditOf()).toEqual([]);
  });

  it('a page of many patients: one audit statement, one row per patient, the data statements unchanged from auditing off', async () => {
    const patients = [];
    for (let n = 0; n < 8; n += 1) patients.push(await patient());
    const { org, partner } = await consentedOrg(...patients);
    const { partnership } = await makePartnership(app.db, [
      { stakeholder: org },
      ...patients.map((p) => ({ stakeholder: p, role: MemberRole.PATIENT_PARTNER })),
    ]);
    const query = `query ($id: ID!) { partnership(id: $id) { members { role stakeholder { id name ... on Patient { pseudonym email } } } } }`;
    const on = await app.runCounted<{ partnership: { members: unknown[] } }>(query, { id: pid(partnership) }, partner);
    expect(dataOf(on.result).partnership.members).toHaveLength(9);
    expect(on.audit).toHaveLength(1);
    const rows = await auditOf();
    expect(rows.map((r) => r.target_id).sort()).toEqual(patients.map((p) => p.id).sort());
    for (const row of rows) expect(row).toMatchObject({ action: 'read', outcome: 'allowed', fields: ['email', 'name', 'pseudonym'] });

    const off = await app.runCounted(query, { id: pid(partnership) }, partner, { audit: false });
    expect(off.result).toEqual(on.result);
    expect(off.audit).toEqual([]);
    expect(await auditOf()).toEqual([]);
    expect(on.statements).toEqual(off.statements);
  });
});

describe('writes', () => {
  /** The transaction id that wrote a row: a write and its audit row share it. */
  const writerOf = async (sql: string, params: unknown[]): Promise<string> => {
    const [row] = (await app.db.query(sql, params)) as { xid: string }[];
    return row.xid;
  };

  it('recordInteraction: one allowed row in its own transaction, naming the interaction and the input fields', async () => {
    const org = await company();
    const other = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const manager = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
    const input = {
      kind: 'CALL',
      occurredAt: '2026-01-05T10:00:00.000Z',
      summary: 'Audit call',
      notes: 'confidential-notes-value',
      participantIds: [gid(org), gid(other)],
      followUps: [{ title: 'Send minutes', committerId: gid(org) }],
    };
    const data = dataOf<{ recordInteraction: { interaction: { id: string }; userErrors: unknown[] } }>(
      await app.run(
        `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { interaction { id } userErrors { code } } }`,
        { input },
        manager,
      ),
    );
    expect(data.recordInteraction.userErrors).toEqual([]);
    const id = dbId(data.recordInteraction.interaction.id);
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(manager),
        action: 'interaction:record',
        target_type: 'Interaction',
        target_id: id,
        patient_id: null,
        fields: ['followUps', 'kind', 'notes', 'occurredAt', 'participantIds', 'summary'],
        outcome: 'allowed',
      },
    ]);
    const written = await writerOf(`SELECT xmin::text AS xid FROM interaction WHERE id = $1`, [id]);
    expect(await writerOf(`SELECT xmin::text AS xid FROM audit_event WHERE request_id = $1`, [app.lastRequestId])).toBe(written);
    expect(await allAuditText()).not.toContain('confidential-notes-value');
  });

  it("updateStakeholder of a patient's email by ADMIN: names the field, never the value", async () => {
    const p = await patient();
    const viewer = viewerOf(Role.ADMIN);
    const email = `changed-${p.id.slice(0, 8)}@example.org`;
    const data = dataOf<{ updateStakeholder: { stakeholder: { version: number }; userErrors: unknown[] } }>(
      await app.run(
        `mutation ($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { id version } userErrors { code } } }`,
        { input: { id: gid(p), version: p.version, email } },
        viewer,
      ),
    );
    expect(data.updateStakeholder).toEqual({ stakeholder: { id: gid(p), version: p.version + 1 }, userErrors: [] });
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(viewer),
        action: 'stakeholder:update',
        target_type: 'Stakeholder',
        target_id: p.id,
        patient_id: p.id,
        fields: ['email'],
        outcome: 'allowed',
      },
    ]);
    const written = await writerOf(`SELECT xmin::text AS xid FROM stakeholder WHERE id = $1`, [p.id]);
    expect(await writerOf(`SELECT xmin::text AS xid FROM audit_event WHERE request_id = $1`, [app.lastRequestId])).toBe(written);
    expect(await allAuditText()).not.toContain(email);
  });

  it('grantConsent by the patient: one allowed row about the consent and the patient', async () => {
    const p = await patient();
    const org = await company();
    const viewer = viewerOf(Role.PATIENT, { patientId: p.id });
    const data = dataOf<{ grantConsent: { consent: { id: string }; userErrors: unknown[] } }>(
      await app.run(
        `mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } userErrors { code } } }`,
        { input: { patientId: gid(p), granteeId: gid(org), scopes: ['CONTACT'], purposes: ['PARTNERSHIP_COORDINATION'] } },
        viewer,
      ),
    );
    expect(data.grantConsent.userErrors).toEqual([]);
    const consentId = dbId(data.grantConsent.consent.id);
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(viewer),
        viewer_patient_id: p.id,
        action: 'consent:grant',
        target_type: 'Consent',
        target_id: consentId,
        patient_id: p.id,
        fields: ['granteeId', 'patientId', 'purposes', 'scopes'],
        outcome: 'allowed',
      },
    ]);
    const written = await writerOf(`SELECT xmin::text AS xid FROM consent WHERE id = $1`, [consentId]);
    expect(await writerOf(`SELECT xmin::text AS xid FROM audit_event WHERE request_id = $1`, [app.lastRequestId])).toBe(written);
  });

  it('a mutation ending in userErrors (stale version): one failed row, no allowed row, nothing changed', async () => {
    const p = await patient();
    const before = await tableSnapshot(app.db);
    const data = dataOf<{ updateStakeholder: { stakeholder: unknown; userErrors: { code: string }[] } }>(
      await app.run(
        `mutation ($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { id } userErrors { code } } }`,
        { input: { id: gid(p), version: p.version + 5, email: 'stale@example.org' } },
        admin(),
      ),
    );
    expect(data.updateStakeholder).toEqual({ stakeholder: null, userErrors: [{ code: 'CONFLICT' }] });
    const rows = await auditOf();
    expect(rows.map((r) => [r.action, r.outcome, r.fields])).toEqual([['stakeholder:update', 'failed', ['email']]]);
    expect(await tableSnapshot(app.db)).toEqual(before);
    expect(await allAuditText()).not.toContain('stale@example.org');
  });

  it('FORBIDDEN by the record check (authorize): one denied row naming the record, nothing changed', async () => {
    const target = await company();
    const outsider = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: (await company()).id });
    const before = await tableSnapshot(app.db);
    const result = await app.run(
      `mutation ($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { id } userErrors { code } } }`,
      { input: { id: gid(target), version: target.version, name: 'Taken over' } },
      outsider,
    );
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(outsider),
        action: 'stakeholder:update',
        target_type: 'Stakeholder',
        target_id: target.id,
        patient_id: null,
        fields: [],
        outcome: 'denied',
      },
    ]);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it('refused by the shield (a PARTNER drafting a contract): one denied row, nothing changed', async () => {
    const org = await company();
    const recipient = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const partner = viewerOf(Role.PARTNER, { orgId: org.id });
    const before = await tableSnapshot(app.db);
    const result = await app.run(
      `mutation ($input: DraftContractInput!) { draftContract(input: $input) { contract { id } userErrors { code } } }`,
      {
        input: {
          title: 'Not mine to draft',
          kind: 'CONSULTANCY',
          parties: [
            { stakeholderId: gid(org), role: 'SPONSOR' },
            { stakeholderId: gid(recipient), role: 'RECIPIENT' },
          ],
        },
      },
      partner,
    );
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(partner),
        action: 'contract:draft',
        target_type: null,
        target_id: null,
        patient_id: null,
        fields: [],
        outcome: 'denied',
      },
    ]);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it('an idempotent replay: an allowed row with no fields', async () => {
    const org = await company();
    const manager = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
    const input = { kind: 'COMPANY', name: `Replayed ${org.id.slice(0, 8)}`, companyType: 'PHARMA', idempotencyKey: `key-${org.id}` };
    const CREATE = `mutation ($input: CreateStakeholderInput!) { createStakeholder(input: $input) { stakeholder { id } userErrors { code } } }`;
    const first = dataOf<{ createStakeholder: { stakeholder: { id: string } } }>(await app.run(CREATE, { input }, manager));
    const id = dbId(first.createStakeholder.stakeholder.id);
    expect((await auditOf()).map((r) => [r.action, r.outcome, r.target_id, r.fields])).toEqual([
      ['stakeholder:create', 'allowed', id, ['companyType', 'kind', 'name']],
    ]);
    const replay = dataOf<{ createStakeholder: { stakeholder: { id: string } } }>(await app.run(CREATE, { input }, manager));
    expect(replay.createStakeholder.stakeholder.id).toBe(first.createStakeholder.stakeholder.id);
    expect(await auditOf()).toEqual([
      {
        request_id: app.lastRequestId,
        ...viewerColumns(manager),
        action: 'stakeholder:create',
        target_type: 'Stakeholder',
        target_id: id,
        patient_id: null,
        fields: [],
        outcome: 'allowed',
      },
    ]);
  });
});

describe('a forced failure of the audit append, over HTTP: fail closed', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'a'.repeat(40) });
  let http: HttpServer;
  beforeAll(async () => {
    http = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  });
  afterAll(() => http.stop());

  interface Reply {
    status: number;
    requestId: string;
    text: string;
    json: { data?: Record<string, unknown> | null; errors?: { message: string }[] };
  }
  async function post(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Reply> {
    const response = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, requestId: response.headers.get('x-request-id') ?? '', text, json: JSON.parse(text) as Reply['json'] };
  }
  async function failures(): Promise<number> {
    const text = await (await fetch(`${http.origin}/metrics`)).text();
    const match = /^audit_write_failures_total (\d+)$/m.exec(text);
    if (!match) throw new Error('audit_write_failures_total is not in /metrics');
    return Number(match[1]);
  }
  /** Breaks audit_append for the duration of `body` (as the test's superuser), then restores it. */
  async function withAuditBroken(body: () => Promise<void>): Promise<void> {
    await app.db.query(`ALTER FUNCTION audit_append(jsonb) RENAME TO audit_append_off`);
    try {
      await body();
    } finally {
      await app.db.query(`ALTER FUNCTION audit_append_off(jsonb) RENAME TO audit_append`);
    }
  }

  const READ = `query ($id: ID!) { stakeholder(id: $id) { id name ... on Patient { pseudonym displayName email } } }`;
  const UPDATE = `mutation ($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { id version } userErrors { code } } }`;

  it('withholds a sensitive read (503) and a write (rolled back), counts them, then works again once restored', async () => {
    const p = await patient();
    const sub = `auditor-${p.id.slice(0, 8)}`;
    const token = await mintDevToken({ role: Role.ADMIN, sub }, config);
    const newEmail = `rolled-back-${p.id.slice(0, 8)}@example.org`;
    const counted = await failures();

    await withAuditBroken(async () => {
      const read = await post(token, READ, { id: gid(p) });
      expect(read.status).toBe(503);
      expect(read.json.data ?? null).toBeNull();
      expect(read.json.errors?.map((e) => e.message)).toEqual([AUDIT_WITHHELD_MESSAGE]);
      for (const value of [p.pseudonym, p.displayName, p.email]) expect(read.text).not.toContain(value);
      expect(await failures()).toBe(counted + 1);

      // Nothing sensitive read: nothing to record, answered as usual.
      const plain = await post(token, '{ viewer { role } }');
      expect(plain.status).toBe(200);
      expect(plain.json).toEqual({ data: { viewer: { role: 'ADMIN' } } });

      const write = await post(token, UPDATE, { input: { id: gid(p), version: p.version, email: newEmail } });
      expect(write.status).toBe(503);
      expect(write.text).not.toContain(newEmail);
      expect(await failures()).toBe(counted + 2);
      // The write and its audit row are one transaction: neither committed.
      const [row] = (await app.db.query(`SELECT email, version FROM stakeholder WHERE id = $1`, [p.id])) as { email: string; version: number }[];
      expect(row).toEqual({ email: p.email, version: p.version });
      expect(await app.db.query(`SELECT 1 FROM audit_event WHERE subject = $1`, [sub])).toEqual([]);
    });

    const read = await post(token, READ, { id: gid(p) });
    expect(read.status).toBe(200);
    expect(read.json.data).toEqual({ stakeholder: { id: gid(p), name: p.pseudonym, pseudonym: p.pseudonym, displayName: p.displayName, email: p.email } });
    expect((await auditOf(read.requestId)).map((r) => [r.subject, r.action, r.outcome, r.target_id, r.fields])).toEqual([
      [sub, 'read', 'allowed', p.id, ['displayName', 'email', 'name', 'pseudonym']],
    ]);

    const write = await post(token, UPDATE, { input: { id: gid(p), version: p.version, email: newEmail } });
    expect(write.status).toBe(200);
    expect(write.json.data).toEqual({ updateStakeholder: { stakeholder: { id: gid(p), version: p.version + 1 }, userErrors: [] } });
    const [row] = (await app.db.query(`SELECT email FROM stakeholder WHERE id = $1`, [p.id])) as { email: string }[];
    expect(row.email).toBe(newEmail);
    expect((await auditOf(write.requestId)).map((r) => [r.subject, r.action, r.outcome, r.target_id, r.fields])).toEqual([
      [sub, 'stakeholder:update', 'allowed', p.id, ['email']],
    ]);
    expect(await failures()).toBe(counted + 2);
  });
});

describe('group commit of read audits', () => {
  it('appends the flushes that wait while one append is on its way together: one statement for them, each resolved once committed', async () => {
    const batcher = new AuditBatcher(app.db.manager);
    const row = (requestId: string) => [{ requestId, subject: 'u', role: 'ADMIN', action: 'read', outcome: 'allowed', fields: ['email'] }];
    const tag = `batch-${Date.now()}`;
    const { statements } = await sqlObserver(app.db).record(async () => {
      // The first goes out at once; the next two arrive while it is on its way and wait for it.
      const first = batcher.append(row(`${tag}-1`));
      const waiting = [batcher.append(row(`${tag}-2`)), batcher.append(row(`${tag}-3`))];
      await first;
      const [committedAfterFirst] = (await app.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE request_id LIKE $1`, [`${tag}-%`])) as { n: number }[];
      expect(committedAfterFirst.n).toBeGreaterThanOrEqual(1);
      await Promise.all(waiting);
    });
    expect(statements.filter((sql) => sql.includes('audit_append('))).toHaveLength(2);
    const rows = (await app.db.query(`SELECT request_id FROM audit_event WHERE request_id LIKE $1 ORDER BY id`, [`${tag}-%`])) as { request_id: string }[];
    expect(rows.map((r) => r.request_id)).toEqual([`${tag}-1`, `${tag}-2`, `${tag}-3`]);
    expect((await verifyAuditChain(app.db)).ok).toBe(true);
  });

  it('fails every flush of a batch whose append fails, and the next batch works again', async () => {
    const batcher = new AuditBatcher(app.db.manager);
    const bad = [{ requestId: 'bad', subject: 'u', role: 'ADMIN', action: 'read', outcome: 'not-an-outcome' }];
    const good = [{ requestId: `after-${Date.now()}`, subject: 'u', role: 'ADMIN', action: 'read', outcome: 'allowed' }];
    const first = batcher.append(bad);
    // These two wait together for the next append: the bad row fails the good one with it.
    const second = batcher.append(bad);
    const sameBatch = batcher.append(good);
    await expect(first).rejects.toThrow();
    await expect(second).rejects.toThrow();
    await expect(sameBatch).rejects.toThrow();
    await expect(batcher.append(good)).resolves.toBeUndefined();
  });
});

describe('reports that name a patient', () => {
  it("ADMIN's ranking naming a patient is a read of the patient's name; ANALYST's names none and records none", async () => {
    const p = await patient();
    const orgs = await Promise.all(Array.from({ length: 3 }, () => company()));
    // The patient is linked to every organisation: the best-linked stakeholder of the graph.
    for (const org of orgs) await makePartnership(app.db, [{ stakeholder: org }, { stakeholder: p, role: MemberRole.PATIENT_PARTNER }]);
    const TOP = `{ metrics { network { topByDegree(first: 100) { value stakeholder { id name kind } } } } }`;
    type Top = { metrics: { network: { topByDegree: { stakeholder: { id: string; name: string; kind: string } }[] } } };

    const asAdmin = dataOf(await app.run<Top>(TOP, {}, admin()));
    expect(asAdmin.metrics.network.topByDegree.map((r) => r.stakeholder.id)).toContain(gid(p));
    const aboutP = (await auditOf()).filter((row) => row.patient_id === p.id);
    expect(aboutP).toEqual([
      expect.objectContaining({ action: 'read', outcome: 'allowed', target_type: 'Stakeholder', target_id: p.id, fields: ['name'] }),
    ]);

    const analyst = viewerOf(Role.ANALYST);
    const asAnalyst = dataOf(await app.run<Top>(TOP, {}, analyst));
    expect(asAnalyst.metrics.network.topByDegree.map((r) => r.stakeholder.kind)).not.toContain('PATIENT');
    expect((await auditOf()).filter((row) => row.patient_id === p.id)).toEqual([]);
  });
});
