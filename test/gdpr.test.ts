import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { redactedPatientId } from '../src/access/patient-ids';
import { Role, type Viewer } from '../src/access/viewer';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { ContractPartyRole } from '../src/modules/contract/contract.entity';
import { tombstoneLabel } from '../src/modules/gdpr/gdpr.service';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { DevelopmentStage, MemberRole } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { makeAffiliation } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type GqlResult, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { makeAssessment } from './support/quality.factories';
import { makeConsent } from './support/consent.factories';
import { ctid, makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { iid, makeInteraction } from './support/interaction.factories';
import { makePartnership, pid } from './support/partnership.factories';
import { tableSnapshot } from './support/snapshot';

/**
 * The data-subject rights (GDPR Art. 15, 17, 20): `exportMyData` gives a patient (or ADMIN for
 * them) everything held about them as one JSON document, and `erasePatient` turns the patient
 * into an anonymous tombstone whose relationships are still counted, after which no response to
 * any role and no row outside the audit trail holds any value planted in the patient's record.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const EXPORT = `query Export($patientId: ID) { exportMyData(patientId: $patientId) }`;
const ERASE = `mutation Erase($input: ErasePatientInput!) {
  erasePatient(input: $input) { patient { id name pseudonym displayName email erasedAt archivedAt version } userErrors { field code message } }
}`;

interface ExportDoc {
  format: string;
  patientId: string;
  exportedAt: string;
  profile: Record<string, unknown>;
  consents: Record<string, unknown>[];
  memberships: Record<string, unknown>[];
  contracts: Record<string, unknown>[];
  interactions: Record<string, unknown>[];
  commitments: Record<string, unknown>[];
  affiliations: Record<string, unknown>[];
  accessLog: Record<string, unknown>[];
  qualityAssessments: Record<string, unknown>[];
}

const exportAs = async (viewer: Viewer, patientId?: string): Promise<GqlResult<{ exportMyData: ExportDoc }>> =>
  app.run<{ exportMyData: ExportDoc }>(EXPORT, patientId ? { patientId } : {}, viewer);

interface ExportWorld {
  patient: Stakeholder;
  other: Stakeholder;
  helix: Stakeholder;
  north: Stakeholder;
  asPatient: Viewer;
  helixPartner: Viewer;
}

/** A patient with something in every section, and two organisations whose interaction notes the export must leave out. */
async function exportWorld(): Promise<ExportWorld> {
  const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
  const north = await makeStakeholder(app.db, StakeholderKind.COMPANY);
  const cfnet = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
  const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, {
    displayName: 'Export Person',
    email: 'export.person@example.org',
    phone: '+32 2 555 0199',
    birthYear: 1971,
    conditions: ['sarcoidosis'],
    languages: ['nl'],
  });
  const other = await makeStakeholder(app.db, StakeholderKind.PATIENT, { displayName: 'Other Person' });
  await makeConsent(app.db, patient, { granteeId: helix.id, scopes: [ConsentScope.IDENTITY, ConsentScope.HEALTH] });
  await makeConsent(app.db, patient, { granteeId: north.id, withdrawnAt: new Date() });
  await makeConsent(app.db, patient, { grantedAt: new Date('2024-01-01T00:00:00Z'), expiresAt: new Date('2024-06-01T00:00:00Z') });
  const { partnership } = await makePartnership(
    app.db,
    [{ stakeholder: helix }, { stakeholder: patient, role: MemberRole.PATIENT_PARTNER }],
    { title: 'Export panel' },
  );
  await makePartnership(app.db, [{ stakeholder: north }, { stakeholder: patient, joinedAt: '2024-01-10', leftAt: '2024-05-01' }], { title: 'Former panel' });
  await makeContract(
    app.db,
    [{ stakeholder: helix }, { stakeholder: patient, role: ContractPartyRole.RECIPIENT, signedAt: new Date('2025-02-01T00:00:00Z') }],
    { title: 'Export advisory', valueAmount: 250_000, valueCurrency: 'EUR' },
  );
  await makeInteraction(app.db, [helix, patient], {
    partnershipId: partnership.id,
    recordedByOrgId: helix.id,
    recordedByUser: 'helix-staff-7',
    summary: 'Visit schedule review',
    notes: 'HELIX-ONLY-NOTE',
  });
  await makeInteraction(app.db, [north, patient], {
    occurredAt: new Date('2025-04-01T10:00:00Z'),
    recordedByOrgId: north.id, recordedByUser: 'north-staff-9', summary: 'Call', notes: 'NORTH-ONLY-NOTE' });
  await makeCommitment(app.db, helix, { beneficiaryId: patient.id, title: 'Send travel refund', partnershipId: partnership.id });
  await makeAffiliation(app.db, patient, cfnet);
  await makeAffiliation(app.db, patient, other, { kind: AffiliationKind.ADVISES });
  // The patient's own quality assessment of the panel, in their words; Helix's is not theirs to export.
  const mine = await makeAssessment(app.db, partnership, patient, { SHARED_PURPOSE: 3, RESPECT_AND_ACCESSIBILITY: 2 }, 3);
  await app.db.query(`UPDATE partnership_assessment_score SET evidence = 'Clear goals from the first meeting' WHERE assessment_id = $1 AND criterion = 'SHARED_PURPOSE'`, [mine.id]);
  await makeAssessment(app.db, partnership, helix, { SHARED_PURPOSE: 4 }, 2);
  const helixPartner = viewerOf(Role.PARTNER, { orgId: helix.id });
  // An access by another organisation, for the access log; the patient's own reads are not in it.
  dataOf(await app.run(`query($id: ID!) { stakeholder(id: $id) { ... on Patient { displayName conditions } } }`, { id: gid(patient) }, helixPartner));
  const asPatient = viewerOf(Role.PATIENT, { patientId: patient.id });
  dataOf(await app.run(`{ viewer { patient { displayName email } } }`, {}, asPatient));
  return { patient, other, helix, north, asPatient, helixPartner };
}

describe('exportMyData (Art. 15, 20)', () => {
  let w: ExportWorld;
  beforeAll(async () => {
    w = await exportWorld();
  });

  it('gives the patient every section with their data, and no notes, staff subject or other patient', async () => {
    const doc = dataOf(await exportAs(w.asPatient)).exportMyData;
    expect(doc).toMatchObject({ format: 'alliance-graph/patient-data-export', patientId: gid(w.patient) });
    expect(doc.profile).toMatchObject({
      id: gid(w.patient),
      pseudonym: w.patient.pseudonym,
      name: w.patient.pseudonym,
      displayName: 'Export Person',
      email: 'export.person@example.org',
      phone: '+32 2 555 0199',
      birthYear: 1971,
      conditions: ['sarcoidosis'],
      languages: ['nl'],
      erasedAt: null,
    });
    expect(doc.consents.map((c) => c.status).sort()).toEqual(['ACTIVE', 'EXPIRED', 'WITHDRAWN']);
    expect(doc.consents.find((c) => c.status === 'ACTIVE')).toMatchObject({
      grantee: { id: gid(w.helix), name: w.helix.name },
      scopes: ['IDENTITY', 'HEALTH'],
      toWholeAlliance: false,
    });
    expect(doc.consents.find((c) => c.status === 'EXPIRED')).toMatchObject({ grantee: null, toWholeAlliance: true, expiresAt: '2024-06-01T00:00:00.000Z' });
    expect(doc.memberships).toEqual([
      expect.objectContaining({ partnership: expect.objectContaining({ title: 'Former panel' }), role: 'MEMBER', joinedAt: '2024-01-10', leftAt: '2024-05-01' }),
      expect.objectContaining({ partnership: expect.objectContaining({ title: 'Export panel', type: 'ALLIANCE', status: 'PROPOSED' }), role: 'PATIENT_PARTNER', leftAt: null }),
    ]);
    expect(doc.contracts).toEqual([
      expect.objectContaining({
        title: 'Export advisory',
        kind: 'CONSULTANCY',
        status: 'DRAFT',
        role: 'RECIPIENT',
        signedAt: '2025-02-01T00:00:00.000Z',
        value: { amount: 250_000, currency: 'EUR' },
      }),
    ]);
    expect(doc.interactions).toEqual([
      expect.objectContaining({ kind: 'MEETING', summary: 'Visit schedule review', partnership: 'Export panel', recordedBy: expect.objectContaining({ name: w.helix.name }) }),
      expect.objectContaining({ summary: 'Call', partnership: null, recordedBy: expect.objectContaining({ name: w.north.name }) }),
    ]);
    expect(doc.commitments).toEqual([
      expect.objectContaining({ title: 'Send travel refund', role: 'BENEFICIARY', partnership: 'Export panel', counterpart: expect.objectContaining({ name: w.helix.name }) }),
    ]);
    expect(doc.qualityAssessments).toEqual([
      {
        partnership: 'Export panel',
        assessedAt: expect.any(String),
        scores: [
          { criterion: 'RESPECT_AND_ACCESSIBILITY', score: 2, evidence: null },
          { criterion: 'SHARED_PURPOSE', score: 3, evidence: 'Clear goals from the first meeting' },
        ],
      },
    ]);
    expect(doc.affiliations).toHaveLength(2);
    // Another patient is there by no name and no id.
    expect(doc.affiliations).toContainEqual(expect.objectContaining({ kind: 'ADVISES', direction: 'FROM', other: { kind: 'PATIENT', name: 'Patient partner' } }));
    expect(doc.accessLog).toContainEqual(
      expect.objectContaining({ organisation: w.helix.name, role: 'PARTNER', purpose: 'PARTNERSHIP_COORDINATION', action: 'read', outcome: 'allowed', fields: expect.arrayContaining(['displayName', 'conditions']) }),
    );
    expect(doc.accessLog.every((e) => e.role !== 'PATIENT')).toBe(true);
    const text = JSON.stringify(doc);
    for (const hidden of ['HELIX-ONLY-NOTE', 'NORTH-ONLY-NOTE', 'helix-staff-7', 'north-staff-9', w.helixPartner.userId, w.other.pseudonym as string, 'Other Person', w.other.id]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('gives ADMIN the same document for the named patient, and is recorded as gdpr:export', async () => {
    const mine = dataOf(await exportAs(w.asPatient)).exportMyData;
    const theirs = dataOf(await exportAs(admin(), gid(w.patient))).exportMyData;
    expect({ ...theirs, exportedAt: null }).toEqual({ ...mine, exportedAt: null });
    const rows = await app.db.query(
      `SELECT role, action, outcome, target_type, target_id, patient_id, fields FROM audit_event WHERE request_id = $1`,
      [app.lastRequestId],
    );
    expect(rows).toEqual([
      {
        role: 'ADMIN',
        action: 'gdpr:export',
        outcome: 'allowed',
        target_type: 'Stakeholder',
        target_id: w.patient.id,
        patient_id: w.patient.id,
        fields: ['profile', 'consents', 'memberships', 'contracts', 'interactions', 'commitments', 'affiliations', 'accessLog', 'qualityAssessments'],
      },
    ]);
  });

  it('needs the patient named by ADMIN (BAD_USER_INPUT), and a patient, not an organisation (NOT_FOUND)', async () => {
    expect(errorCodes(await exportAs(admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await exportAs(admin(), gid(w.helix)))).toEqual(['NOT_FOUND']);
  });

  it.each([
    ['ENGAGEMENT_MANAGER', () => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: w.helix.id })],
    ['PARTNER', () => viewerOf(Role.PARTNER, { orgId: w.helix.id })],
    ['ANALYST', () => viewerOf(Role.ANALYST)],
  ])('refuses %s (FORBIDDEN), even for a patient whose consent their organisation holds', async (_role, viewer) => {
    const result = await exportAs(viewer(), gid(w.patient));
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.data ?? null).toBeNull();
  });

  it('refuses another patient: the real id opens nothing (NOT_FOUND), their own sealed id of the patient is FORBIDDEN', async () => {
    const asOther = viewerOf(Role.PATIENT, { patientId: w.other.id });
    expect(errorCodes(await exportAs(asOther, gid(w.patient)))).toEqual(['NOT_FOUND']);
    const refused = await exportAs(asOther, redactedPatientId(asOther, w.patient.id));
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(refused)).not.toContain('Export Person');
    const denied = await app.db.query(`SELECT action, outcome, patient_id FROM audit_event WHERE request_id = $1`, [app.lastRequestId]);
    expect(denied).toEqual([{ action: 'gdpr:export', outcome: 'denied', patient_id: w.patient.id }]);
    // Their own export is theirs alone.
    expect(dataOf(await exportAs(asOther)).exportMyData.profile).toMatchObject({ id: gid(w.other), displayName: 'Other Person' });
  });

  it('npm run gdpr:export prints the same document as ADMIN, and records it', async () => {
    const root = path.join(__dirname, '..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/graphql/gdpr-export.cli.ts', '--patient', gid(w.patient), '--by', 'secretariat-cli-test'],
      { cwd: root, env: { ...process.env, DATABASE_URL: app.url }, timeout: 60_000 },
    );
    const doc = JSON.parse(stdout) as ExportDoc;
    const viaApi = dataOf(await exportAs(admin(), gid(w.patient))).exportMyData;
    // The API's export (made after the CLI's) has the CLI's export in its access log.
    expect(viaApi.accessLog).toContainEqual(expect.objectContaining({ role: 'ADMIN', action: 'gdpr:export', organisation: null }));
    expect({ ...doc, exportedAt: null, accessLog: null }).toEqual({ ...viaApi, exportedAt: null, accessLog: null });
    const rows = await app.db.query(`SELECT role, action, patient_id FROM audit_event WHERE subject = 'secretariat-cli-test'`);
    expect(rows).toEqual([{ role: 'ADMIN', action: 'gdpr:export', patient_id: w.patient.id }]);
  }, 90_000);
});

/** Distinctive values in every personal field of the patient to erase; none may survive anywhere but the audit trail. */
const PLANTED = {
  pseudonym: 'Quokka-Zanzibar-58',
  displayName: 'Wilhelmina Quarterfield',
  email: 'wilhelmina.quarterfield@plant.example',
  phone: '+44 7700 900461',
  birthYear: 1937,
  conditions: ['Plantcondition fibrodysplasia'],
  description: 'Plantdesc retired lighthouse keeper of Tobermory',
  website: 'https://plant-website.example/wq',
  tags: ['planttag-lighthouse'],
  languages: ['plantlang-gd'],
  expertise: ['plantexpertise-eupati-2019'],
};
const PLANTED_TEXT = Object.values(PLANTED).flatMap((v) => (typeof v === 'number' ? [] : Array.isArray(v) ? v : [v]));
const REASON = 'Art 17 request REASON-TICKET-ZX81';

/** The planted values found in `text` (a JSON response, or rows as text); the birth year as a number only. */
function plantedIn(text: string, year: RegExp): string[] {
  const found = PLANTED_TEXT.filter((v) => text.toLowerCase().includes(v.toLowerCase()));
  return year.test(text) ? [...found, String(PLANTED.birthYear)] : found;
}
const YEAR_IN_JSON = new RegExp(`[:\\[,]${PLANTED.birthYear}[,\\]}]`);
const YEAR_IN_ROW = new RegExp(`[,(]${PLANTED.birthYear}[,)]`);

/** Every row of every table but the audit trail's, as text. */
async function dumpTables(): Promise<string> {
  const tables = (
    (await app.db.query(
      `SELECT table_name AS t FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND left(table_name, 11) <> 'audit_event' ORDER BY 1`,
    )) as { t: string }[]
  ).map((r) => r.t);
  expect(tables).toEqual(expect.arrayContaining(['stakeholder', 'consent', 'partnership_member', 'contract_party', 'interaction_participant', 'idempotency_key']));
  const rows = (await app.db.query(tables.map((t) => `SELECT '${t}' AS t, x::text AS row FROM "${t}" x`).join(' UNION ALL '))) as { t: string; row: string }[];
  return rows.map((r) => `${r.t} ${r.row}`).join('\n');
}

const PROBE = `query Probe($p: ID!, $sealed: ID!, $pa: ID!, $k: ID!, $i: ID!, $search: String!) {
  stakeholder(id: $p) { ...P }
  sealed: stakeholder(id: $sealed) { ...P }
  node(id: $p) { id ... on Stakeholder { ...P } }
  partnership(id: $pa) { members(current: null) { stakeholder { ...P } } }
  contract(id: $k) { parties { stakeholder { ...P } } }
  interaction(id: $i) { participants { ...P } }
  bySearch: stakeholders(filter: { search: $search, includeArchived: true }, first: 50) { nodes { ...P } }
  patients: stakeholders(filter: { kinds: [PATIENT], includeArchived: true }, first: 100) { nodes { ...P } }
  viewer { patient { ...P } }
}
fragment P on Stakeholder {
  id name country description website tags
  ... on Patient { pseudonym displayName email phone birthYear conditions languages expertise erasedAt redactedFields }
}`;

const METRICS = `{ metrics {
  stakeholdersByKind { kind country count { value suppressed } }
  partnershipsBy { type status stage count }
  contractsBy { kind status count }
  interactionsPerMonth { month kind withPatients count { value suppressed } }
  patientInvolvement { byStage { stage partnerships withPatients { value suppressed } } }
  network { nodes edges topByDegree(first: 100) { value stakeholder { id name } } }
} }`;

/** The figures that count relationships (the tombstone, archived, leaves stakeholdersByKind and the network, as any archived stakeholder does). */
const relationshipFigures = (m: Record<string, unknown>) => {
  const { partnershipsBy, contractsBy, interactionsPerMonth, patientInvolvement } = m as Record<string, unknown>;
  return { partnershipsBy, contractsBy, interactionsPerMonth, patientInvolvement };
};

describe('erasePatient (Art. 17)', () => {
  let patient: Stakeholder;
  let other: Stakeholder;
  let viewers: Record<string, Viewer>;
  let probeVars: (viewer: Viewer) => Record<string, string>;
  let rowsBefore: { members: number; parties: number; participants: number };
  let metricsBefore: Record<string, unknown>;
  let probedBefore: Record<string, string>;
  let dumpBefore: string;
  let erased: { patient: Record<string, unknown> | null; userErrors: unknown[] };
  let assessment: { id: string };
  const EVIDENCE = 'Plantevidence: my nurse at the Tobermory clinic';

  const relationshipRows = async (id: string) => {
    const [row] = (await app.db.query(
      `SELECT (SELECT count(*) FROM partnership_member WHERE stakeholder_id = $1)::int AS members,
              (SELECT count(*) FROM contract_party WHERE stakeholder_id = $1)::int AS parties,
              (SELECT count(*) FROM interaction_participant WHERE stakeholder_id = $1)::int AS participants`,
      [id],
    )) as { members: number; parties: number; participants: number }[];
    return row;
  };
  const probeAll = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const [name, viewer] of Object.entries(viewers)) {
      out[name] = JSON.stringify(await app.run(PROBE, probeVars(viewer), viewer));
      if (viewer.role === Role.ANALYST || viewer.role === Role.ADMIN) out[`${name} metrics`] = JSON.stringify(await app.run(METRICS, {}, viewer));
    }
    return out;
  };

  beforeAll(async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { ...PLANTED, country: 'GB' });
    other = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    // Helix holds every scope of the patient's consent: before erasure its staff read everything.
    await makeConsent(app.db, patient, {
      granteeId: helix.id,
      scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT, ConsentScope.HEALTH],
      purposes: [ConsentPurpose.PARTNERSHIP_COORDINATION, ConsentPurpose.REPORTING],
    });
    await makeConsent(app.db, patient, { scopes: [ConsentScope.IDENTITY] });
    const { partnership } = await makePartnership(
      app.db,
      [{ stakeholder: helix }, { stakeholder: patient, role: MemberRole.PATIENT_PARTNER }, { stakeholder: other }],
      { developmentStage: DevelopmentStage.DISCOVERY },
    );
    const contract = await makeContract(app.db, [{ stakeholder: helix }, { stakeholder: patient }], { valueAmount: 500_000, valueCurrency: 'EUR' });
    const interaction = await makeInteraction(app.db, [helix, patient, other], { recordedByOrgId: helix.id, partnershipId: partnership.id });
    // The patient's quality assessment, their words in its evidence.
    assessment = await makeAssessment(app.db, partnership, patient, { SHARED_PURPOSE: 3, CONTINUITY_AND_SUSTAINABILITY: 1 }, 1);
    await app.db.query(`UPDATE partnership_assessment_score SET evidence = $2 WHERE assessment_id = $1`, [assessment.id, EVIDENCE]);
    viewers = {
      ADMIN: admin(),
      'Helix EM': viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: helix.id }),
      'Helix PARTNER': viewerOf(Role.PARTNER, { orgId: helix.id }),
      ANALYST: viewerOf(Role.ANALYST),
      'the patient': viewerOf(Role.PATIENT, { patientId: patient.id }),
      'another patient': viewerOf(Role.PATIENT, { patientId: other.id }),
    };
    probeVars = (viewer) => ({
      p: gid(patient),
      sealed: redactedPatientId(viewer, patient.id),
      pa: pid(partnership),
      k: ctid(contract),
      i: iid(interaction),
      search: 'Quokka',
    });
    // Through the API, as the patient: a consent with an idempotency key (it names the login's subject).
    dataOf(
      await app.run(
        `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } userErrors { code } } }`,
        { input: { patientId: gid(patient), granteeId: gid(helix), scopes: ['CONTACT'], purposes: ['RESEARCH_DESIGN'], idempotencyKey: 'erase-test-consent' } },
        viewers['the patient'],
      ),
    );

    probedBefore = await probeAll();
    dumpBefore = await dumpTables();
    rowsBefore = await relationshipRows(patient.id);
    metricsBefore = dataOf(await app.run<{ metrics: Record<string, unknown> }>(METRICS, {}, admin())).metrics;

    erased = dataOf(await app.run<{ erasePatient: typeof erased }>(ERASE, { input: { id: gid(patient), reason: REASON } }, admin())).erasePatient;
  });

  it('the probes see the planted values before erasure (so their silence after it means something)', () => {
    for (const name of ['ADMIN', 'Helix EM', 'Helix PARTNER', 'the patient']) {
      expect(plantedIn(probedBefore[name], YEAR_IN_JSON).sort()).toEqual([...PLANTED_TEXT, String(PLANTED.birthYear)].sort());
    }
    expect(plantedIn(dumpBefore, YEAR_IN_ROW).sort()).toEqual([...PLANTED_TEXT, String(PLANTED.birthYear)].sort());
  });

  it('returns the tombstone: pseudonym and name a label, personal fields empty, archived and erased', async () => {
    expect(erased.userErrors).toEqual([]);
    expect(erased.patient).toMatchObject({
      id: gid(patient),
      name: tombstoneLabel(patient.id),
      pseudonym: tombstoneLabel(patient.id),
      displayName: null,
      email: null,
      erasedAt: expect.any(String),
      archivedAt: expect.any(String),
    });
    const [row] = await app.db.query(
      `SELECT country, description, website, tags, languages, expertise, conditions, phone, birth_year FROM stakeholder WHERE id = $1`,
      [patient.id],
    );
    expect(row).toEqual({ country: 'GB', description: null, website: null, tags: [], languages: [], expertise: [], conditions: [], phone: null, birth_year: null });
    const consents = await app.db.query(`SELECT withdrawn_at FROM consent WHERE patient_id = $1`, [patient.id]);
    expect(consents).toHaveLength(3);
    expect(consents.every((c: { withdrawn_at: Date | null }) => c.withdrawn_at !== null)).toBe(true);
  });

  it('(a) no response to any role holds a planted value', async () => {
    const after = await probeAll();
    expect(Object.keys(after)).toEqual(expect.arrayContaining(['ANALYST metrics', 'another patient', 'Helix EM']));
    for (const [name, response] of Object.entries(after)) expect({ name, planted: plantedIn(response, YEAR_IN_JSON) }).toEqual({ name, planted: [] });
    // The export of the erased patient holds none either, and still lists the relationships.
    const doc = dataOf(await exportAs(admin(), gid(patient))).exportMyData;
    expect(plantedIn(JSON.stringify(doc), YEAR_IN_JSON)).toEqual([]);
    expect(doc.profile).toMatchObject({ pseudonym: tombstoneLabel(patient.id), erasedAt: expect.any(String) });
    expect([doc.memberships.length, doc.contracts.length, doc.interactions.length]).toEqual([1, 1, 1]);
    expect(doc.consents.map((c) => c.status)).toEqual(['WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN']);
  });

  it('(b) no row of any table but the audit trail holds a planted value, or the reason', async () => {
    const dump = await dumpTables();
    expect(plantedIn(dump, YEAR_IN_ROW)).toEqual([]);
    expect(dump).not.toContain('REASON-TICKET-ZX81');
    // The patient login's idempotency keys are gone with the subject they name.
    expect(dumpBefore).toContain('erase-test-consent');
    expect(dump).not.toContain('erase-test-consent');
  });

  it("(b') the patient's words in their quality assessments go, their scores stay", async () => {
    expect(dumpBefore).toContain('Plantevidence');
    expect(await dumpTables()).not.toContain('Plantevidence');
    const scores = (await app.db.query(`SELECT criterion, score, evidence FROM partnership_assessment_score WHERE assessment_id = $1 ORDER BY criterion`, [assessment.id])) as unknown[];
    expect(scores).toEqual([
      { criterion: 'CONTINUITY_AND_SUSTAINABILITY', score: 1, evidence: null },
      { criterion: 'SHARED_PURPOSE', score: 3, evidence: null },
    ]);
  });

  it('(c) the relationships stay, and the figures that count them do not move', async () => {
    expect(await relationshipRows(patient.id)).toEqual(rowsBefore);
    expect(rowsBefore).toEqual({ members: 1, parties: 1, participants: 1 });
    const metricsAfter = dataOf(await app.run<{ metrics: Record<string, unknown> }>(METRICS, {}, admin())).metrics;
    expect(relationshipFigures(metricsAfter)).toEqual(relationshipFigures(metricsBefore));
  });

  it('(d) the erasure is audited in ids and field names only', async () => {
    const rows = (await app.db.query(
      `SELECT e.*, e::text AS text FROM audit_event e WHERE e.action = 'patient:erase' AND e.patient_id = $1 ORDER BY e.id`,
      [patient.id],
    )) as { target_type: string; target_id: string; patient_id: string; fields: string[]; outcome: string; role: string; text: string }[];
    expect(rows.map((r) => [r.target_type, r.outcome, r.role, r.patient_id])).toEqual([
      ['Consent', 'allowed', 'ADMIN', patient.id],
      ['Consent', 'allowed', 'ADMIN', patient.id],
      ['Consent', 'allowed', 'ADMIN', patient.id],
      ['Stakeholder', 'allowed', 'ADMIN', patient.id],
    ]);
    expect(rows[3]).toMatchObject({ target_id: patient.id });
    expect(rows[3].fields).toEqual(
      ['archivedAt', 'birthYear', 'conditions', 'description', 'displayName', 'email', 'erasedAt', 'expertise', 'languages', 'name', 'phone', 'pseudonym', 'tags', 'website'],
    );
    expect(rows.slice(0, 3).map((r) => r.fields)).toEqual([['withdrawnAt'], ['withdrawnAt'], ['withdrawnAt']]);
    const trail = ((await app.db.query(`SELECT string_agg(e::text, E'\\n') AS t FROM audit_event e`)) as { t: string }[])[0].t;
    expect(plantedIn(rows.map((r) => r.text).join('\n'), YEAR_IN_ROW)).toEqual([]);
    expect(trail).not.toContain('REASON-TICKET-ZX81');
  });

  it('(e) erasing again changes nothing and returns the record; an erased patient cannot be refilled', async () => {
    const before = await tableSnapshot(app.db);
    const again = dataOf(await app.run<{ erasePatient: typeof erased }>(ERASE, { input: { id: gid(patient), reason: 'again' } }, admin())).erasePatient;
    expect(again).toEqual(erased);
    expect(await tableSnapshot(app.db)).toEqual(before);
    const [row] = await app.db.query(`SELECT fields, outcome FROM audit_event WHERE request_id = $1 AND target_type = 'Stakeholder'`, [app.lastRequestId]);
    expect(row).toEqual({ fields: [], outcome: 'allowed' });
    const refill = await app.run(
      `mutation($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { id } userErrors { code } } }`,
      { input: { id: gid(patient), version: erased.patient?.version, displayName: PLANTED.displayName } },
      admin(),
    );
    expect(errorCodes(refill)).toEqual(['FORBIDDEN']);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });
});

describe('who may erase', () => {
  let patient: Stakeholder;
  let other: Stakeholder;
  let helix: Stakeholder;
  beforeAll(async () => {
    helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { displayName: 'Kept Person' });
    other = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    await makeConsent(app.db, patient, { granteeId: helix.id, scopes: [ConsentScope.IDENTITY] });
    await makePartnership(app.db, [{ stakeholder: helix }, { stakeholder: patient }, { stakeholder: other }]);
  });

  it.each([
    ['ENGAGEMENT_MANAGER', () => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: helix.id })],
    ['PARTNER', () => viewerOf(Role.PARTNER, { orgId: helix.id })],
    ['ANALYST', () => viewerOf(Role.ANALYST)],
  ])('(f) %s may not (FORBIDDEN), and nothing changes', async (_role, viewer) => {
    const before = await tableSnapshot(app.db);
    const result = await app.run(ERASE, { input: { id: gid(patient), reason: 'not mine to ask' } }, viewer());
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it('another patient may not: their sealed id of the patient is FORBIDDEN, the real id NOT_FOUND; nothing changes', async () => {
    const asOther = viewerOf(Role.PATIENT, { patientId: other.id });
    const before = await tableSnapshot(app.db);
    expect(errorCodes(await app.run(ERASE, { input: { id: redactedPatientId(asOther, patient.id), reason: 'x' } }, asOther))).toEqual(['FORBIDDEN']);
    const real = dataOf(await app.run<{ erasePatient: unknown }>(ERASE, { input: { id: gid(patient), reason: 'x' } }, asOther));
    expect(real).toEqual({ erasePatient: { patient: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND', message: 'No such patient.' }] } });
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it.each([
    ['blank', '   '],
    ['too long', 'x'.repeat(501)],
  ])('a %s reason is BAD_USER_INPUT, and nothing changes', async (_case, reason) => {
    const before = await tableSnapshot(app.db);
    expect(errorCodes(await app.run(ERASE, { input: { id: gid(patient), reason } }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it('the patient may erase themself', async () => {
    const self = await makeStakeholder(app.db, StakeholderKind.PATIENT, { displayName: 'Self Eraser' });
    const result = dataOf(
      await app.run<{ erasePatient: { patient: Record<string, unknown>; userErrors: unknown[] } }>(
        ERASE,
        { input: { id: gid(self), reason: 'my own request' } },
        viewerOf(Role.PATIENT, { patientId: self.id }),
      ),
    ).erasePatient;
    expect(result).toMatchObject({ userErrors: [], patient: { id: gid(self), pseudonym: tombstoneLabel(self.id), displayName: null, erasedAt: expect.any(String) } });
  });
});
