import { Role } from '../src/access/viewer';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { ContractKind, ContractStatus } from '../src/modules/contract/contract.entity';
import { InteractionKind } from '../src/modules/interaction/interaction.entity';
import {
  DevelopmentStage,
  MemberRole,
  type Partnership,
  PartnershipStatus,
  PartnershipType,
  PartnershipVisibility,
} from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { type PatientCell, perturbation, suppressedCells } from '../src/modules/metrics/perturbation';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { makeInteraction } from './support/interaction.factories';
import { makePartnership, pid } from './support/partnership.factories';

let app: TestApp;
const analyst = () => viewerOf(Role.ANALYST);
const manager = (org: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
const YEAR_2025 = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };

/** Sets a row's creation time (the column defaults to now()). */
async function created(table: string, row: { id: string }, at: string): Promise<void> {
  await app.db.query(`UPDATE ${table} SET created_at = $2 WHERE id = $1`, [row.id, at]);
}

/**
 * The hand-built world every test reads (one database per test file):
 * - stakeholders: acme (COMPANY DE), beta (COMPANY FR), po (PATIENT_ORGANISATION DE), research
 *   (RESEARCH_ORGANISATION NL), all created in 2025; an archived company; patients: 3 DE and 6 FR
 *   created in 2025, 1 DE created in 2024.
 * - partnerships (2025): P1 acme+po RESEARCH_COLLABORATION ACTIVE DISCOVERY respiratory;
 *   P2 acme+beta RESEARCH_COLLABORATION ACTIVE DISCOVERY oncology; P3 beta + a patient partner
 *   ADVISORY_BOARD ACTIVE PROTOCOL_DESIGN oncology; P4 beta+research (+ a patient who left)
 *   CONSORTIUM CONCLUDED TRIAL_CONDUCT respiratory; P6 beta+po, MEMBERS only, PATIENT_PANEL ACTIVE
 *   POST_LAUNCH respiratory. P5 research ALLIANCE PROPOSED (no stage) in 2024. P7 beta (+ research,
 *   who left) MEMBERS only, SPONSORSHIP CONCLUDED (no stage) in 2022. In 2023, six
 *   dermatology partnerships of po (PROPOSED ALLIANCE): five DISCOVERY, one PROTOCOL_DESIGN.
 */
let acme: Stakeholder;
let beta: Stakeholder;
let po: Stakeholder;
let research: Stakeholder;
let patientsDe: Stakeholder[];
let patientsFr: Stakeholder[];
let p1: Partnership;
let p6: Partnership;

beforeAll(async () => {
  app = await createTestApp();
  const make = async (kind: StakeholderKind, country: string, at: string, fields: Partial<Stakeholder> = {}) => {
    const s = await makeStakeholder(app.db, kind, { country, ...fields });
    await created('stakeholder', s, at);
    return s;
  };
  acme = await make(StakeholderKind.COMPANY, 'DE', '2025-01-10T00:00:00Z');
  beta = await make(StakeholderKind.COMPANY, 'FR', '2025-01-10T00:00:00Z');
  po = await make(StakeholderKind.PATIENT_ORGANISATION, 'DE', '2025-02-01T00:00:00Z');
  research = await make(StakeholderKind.RESEARCH_ORGANISATION, 'NL', '2025-04-01T00:00:00Z');
  await make(StakeholderKind.COMPANY, 'DE', '2025-01-10T00:00:00Z', { archivedAt: new Date('2025-06-01T00:00:00Z') });
  patientsDe = [];
  for (let i = 0; i < 3; i++) patientsDe.push(await make(StakeholderKind.PATIENT, 'DE', '2025-03-01T00:00:00Z'));
  patientsFr = [];
  for (let i = 0; i < 6; i++) patientsFr.push(await make(StakeholderKind.PATIENT, 'FR', '2025-03-01T00:00:00Z'));
  await make(StakeholderKind.PATIENT, 'DE', '2024-06-01T00:00:00Z');

  const partnership = async (members: Parameters<typeof makePartnership>[1], fields: Parameters<typeof makePartnership>[2], at: string) => {
    const { partnership: p } = await makePartnership(app.db, members, fields);
    await created('partnership', p, at);
    return p;
  };
  const active = PartnershipStatus.ACTIVE;
  p1 = await partnership(
    [{ stakeholder: acme }, { stakeholder: po }],
    { type: PartnershipType.RESEARCH_COLLABORATION, status: active, developmentStage: DevelopmentStage.DISCOVERY, therapeuticArea: 'respiratory' },
    '2025-02-01T00:00:00Z',
  );
  await partnership(
    [{ stakeholder: acme }, { stakeholder: beta }],
    { type: PartnershipType.RESEARCH_COLLABORATION, status: active, developmentStage: DevelopmentStage.DISCOVERY, therapeuticArea: 'oncology' },
    '2025-02-15T00:00:00Z',
  );
  await partnership(
    [{ stakeholder: beta }, { stakeholder: patientsDe[0], role: MemberRole.PATIENT_PARTNER }],
    { type: PartnershipType.ADVISORY_BOARD, status: active, developmentStage: DevelopmentStage.PROTOCOL_DESIGN, therapeuticArea: 'oncology' },
    '2025-03-10T00:00:00Z',
  );
  const p4 = await partnership(
    [
      { stakeholder: beta },
      { stakeholder: research },
      { stakeholder: patientsFr[0], role: MemberRole.PATIENT_PARTNER, joinedAt: '2025-05-01', leftAt: '2025-05-02' },
    ],
    {
      type: PartnershipType.CONSORTIUM,
      status: PartnershipStatus.CONCLUDED,
      developmentStage: DevelopmentStage.TRIAL_CONDUCT,
      therapeuticArea: 'respiratory',
    },
    '2025-05-01T00:00:00Z',
  );
  await partnership([{ stakeholder: research }], { type: PartnershipType.ALLIANCE }, '2024-11-01T00:00:00Z');
  p6 = await partnership(
    [{ stakeholder: beta }, { stakeholder: po }],
    {
      type: PartnershipType.PATIENT_PANEL,
      status: active,
      visibility: PartnershipVisibility.MEMBERS,
      developmentStage: DevelopmentStage.POST_LAUNCH,
      therapeuticArea: 'respiratory',
    },
    '2025-06-01T00:00:00Z',
  );
  await partnership(
    [{ stakeholder: beta }, { stakeholder: research, joinedAt: '2022-01-01', leftAt: '2022-06-01' }],
    { type: PartnershipType.SPONSORSHIP, status: PartnershipStatus.CONCLUDED, visibility: PartnershipVisibility.MEMBERS },
    '2022-01-01T00:00:00Z',
  );
  for (const stage of [...Array<DevelopmentStage>(5).fill(DevelopmentStage.DISCOVERY), DevelopmentStage.PROTOCOL_DESIGN]) {
    await partnership([{ stakeholder: po }], { developmentStage: stage, therapeuticArea: 'dermatology' }, '2023-05-01T00:00:00Z');
  }

  const contract = async (parties: Stakeholder[], kind: ContractKind, status: ContractStatus, partnershipId: string | null, at: string) => {
    const c = await makeContract(app.db, parties.map((stakeholder) => ({ stakeholder })), { kind, status, partnershipId });
    await created('contract', c, at);
  };
  await contract([acme, po], ContractKind.SPONSORSHIP, ContractStatus.ACTIVE, p1.id, '2025-02-01T00:00:00Z');
  await contract([acme, beta], ContractKind.CONSULTANCY, ContractStatus.DRAFT, null, '2025-03-01T00:00:00Z');
  await contract([beta, research], ContractKind.CONSULTANCY, ContractStatus.ACTIVE, p4.id, '2024-12-01T00:00:00Z');
  await contract([beta, po], ContractKind.GRANT, ContractStatus.ACTIVE, p6.id, '2025-06-05T00:00:00Z');

  const interaction = (participants: Stakeholder[], kind: InteractionKind, occurredAt: string, partnershipId: string | null = null) =>
    makeInteraction(app.db, participants, { kind, occurredAt: new Date(occurredAt), partnershipId, recordedByOrgId: participants[0].id });
  await interaction([acme, po], InteractionKind.MEETING, '2025-01-15T10:00:00Z', p1.id);
  await interaction([acme, beta], InteractionKind.MEETING, '2025-01-20T10:00:00Z');
  await interaction([acme, patientsDe[0]], InteractionKind.CALL, '2025-01-31T23:30:00Z');
  await interaction([beta, research], InteractionKind.WORKSHOP, '2025-02-01T00:00:00Z', p4.id);
  await interaction([beta, po], InteractionKind.MEETING, '2024-12-31T10:00:00Z', p6.id);

  const commitment = async (committer: Stakeholder, fields: Parameters<typeof makeCommitment>[2], at: string) => {
    const k = await makeCommitment(app.db, committer, fields);
    await created('commitment', k, at);
  };
  const fulfilled = (at: string) => ({ status: CommitmentStatus.FULFILLED, fulfilledAt: new Date(at) });
  // Days from creation to fulfilment: 10 (on time), 34 (late), 30 (on time, on the due day), 20 (on time, 2024).
  await commitment(acme, { beneficiaryId: po.id, partnershipId: p1.id, dueDate: '2025-03-31', ...fulfilled('2025-03-20T10:00:00Z') }, '2025-03-10T10:00:00Z');
  await commitment(acme, { dueDate: '2025-04-30', ...fulfilled('2025-05-05T12:00:00Z') }, '2025-04-01T12:00:00Z');
  await commitment(beta, { beneficiaryId: acme.id, dueDate: '2025-05-31', ...fulfilled('2025-05-31T23:00:00Z') }, '2025-05-01T23:00:00Z');
  await commitment(beta, { dueDate: '2025-06-30', status: CommitmentStatus.OPEN }, '2025-06-01T00:00:00Z');
  await commitment(beta, { dueDate: '2025-07-15', status: CommitmentStatus.MISSED }, '2025-06-01T00:00:00Z');
  await commitment(beta, { dueDate: '2025-08-01', status: CommitmentStatus.WITHDRAWN }, '2025-06-01T00:00:00Z');
  await commitment(research, { status: CommitmentStatus.IN_PROGRESS }, '2025-06-01T00:00:00Z');
  await commitment(beta, { partnershipId: p6.id, dueDate: '2025-09-30', status: CommitmentStatus.OPEN }, '2025-06-01T00:00:00Z');
  await commitment(research, { dueDate: '2024-10-01', ...fulfilled('2024-09-21T00:00:00Z') }, '2024-09-01T00:00:00Z');
});
afterAll(() => app.close());

const shown = (value: number) => ({ value, suppressed: false });
const SUPPRESSED = { value: null, suppressed: true };

/**
 * What the cell-key method (perturbation.ts) publishes for the records `ids` of `table`: their
 * count plus the table's entry at their cell key (the fractional part of the sum of their record
 * keys), at most `of`. The keys are random per database, so a test reads them rather than fixing them.
 */
async function perturbed(table: string, ids: string[], of?: number): Promise<number> {
  const [{ key }] = (await app.db.query(`SELECT (COALESCE(sum(record_key::numeric), 0) % 1)::float8 AS key FROM ${table} WHERE id = ANY($1)`, [
    ids,
  ])) as { key: number }[];
  const value = ids.length + perturbation(ids.length, key);
  return of === undefined ? value : Math.min(value, of);
}

async function metrics<T>(selection: string, viewer = admin(), variables: Record<string, unknown> = {}): Promise<T> {
  const result = await app.run<{ metrics: T }>(
    `query ($from: DateTimeISO, $to: DateTimeISO, $filter: MetricsFilter) { metrics(from: $from, to: $to, filter: $filter) { ${selection} } }`,
    variables,
    viewer,
  );
  return dataOf(result).metrics;
}

describe('metrics: who may call', () => {
  it.each([Role.ADMIN, Role.ANALYST, Role.ENGAGEMENT_MANAGER])('answers %s', async (role) => {
    const result = await app.run('{ metrics { from to } }', {}, viewerOf(role, { orgId: acme.id }));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ metrics: { from: null, to: null } });
  });

  it.each([Role.PARTNER, Role.PATIENT])('refuses %s with FORBIDDEN', async (role) => {
    const result = await app.run('{ metrics { contractsBy { count } } }', {}, viewerOf(role, { orgId: acme.id, patientId: patientsDe[0].id }));
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
  });

  it('refuses an anonymous caller', async () => {
    expect(errorCodes(await app.run('{ metrics { contractsBy { count } } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([Role.ANALYST, Role.ENGAGEMENT_MANAGER])('refuses %s a filter on patients with FORBIDDEN', async (role) => {
    const result = await app.run(
      'query ($filter: MetricsFilter) { metrics(filter: $filter) { interactionsPerMonth { count { value } } } }',
      { filter: { stakeholderKinds: ['COMPANY', 'PATIENT'] } },
      viewerOf(role, { orgId: acme.id }),
    );
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
  });

  it('echoes the period', async () => {
    expect(await metrics('from to', admin(), YEAR_2025)).toEqual({ from: YEAR_2025.from, to: YEAR_2025.to });
  });
});

describe('metrics.stakeholdersByKind', () => {
  const SELECTION = 'stakeholdersByKind { kind country count { value suppressed } }';
  const row = (kind: StakeholderKind, country: string, count: { value: number | null; suppressed: boolean }) => ({ kind, country, count });

  it('counts every stakeholder but archived ones by kind and country for ADMIN, patients unsuppressed', async () => {
    expect((await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION)).stakeholdersByKind).toEqual([
      row(StakeholderKind.COMPANY, 'DE', shown(1)),
      row(StakeholderKind.COMPANY, 'FR', shown(1)),
      row(StakeholderKind.PATIENT, 'DE', shown(4)),
      row(StakeholderKind.PATIENT, 'FR', shown(6)),
      row(StakeholderKind.PATIENT_ORGANISATION, 'DE', shown(1)),
      row(StakeholderKind.RESEARCH_ORGANISATION, 'NL', shown(1)),
    ]);
  });

  it('counts those created within the period: 3 DE patients shown to ADMIN', async () => {
    const { stakeholdersByKind } = await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, admin(), YEAR_2025);
    expect(stakeholdersByKind).toContainEqual(row(StakeholderKind.PATIENT, 'DE', shown(3)));
    expect(stakeholdersByKind).toHaveLength(6);
  });

  // Was `shown(6)` for the FR patients: a patient count of 5 or more is now perturbed for everyone but ADMIN.
  it('suppresses the count of 3 DE patients for ANALYST, perturbs the 6 FR patients, keeps organisations exact', async () => {
    const fr = await perturbed('stakeholder', patientsFr.map((p) => p.id));
    expect(fr).toBeGreaterThanOrEqual(5);
    expect(fr).toBeLessThanOrEqual(8);
    expect((await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, analyst(), YEAR_2025)).stakeholdersByKind).toEqual([
      row(StakeholderKind.COMPANY, 'DE', shown(1)),
      row(StakeholderKind.COMPANY, 'FR', shown(1)),
      row(StakeholderKind.PATIENT, 'DE', SUPPRESSED),
      row(StakeholderKind.PATIENT, 'FR', shown(fr)),
      row(StakeholderKind.PATIENT_ORGANISATION, 'DE', shown(1)),
      row(StakeholderKind.RESEARCH_ORGANISATION, 'NL', shown(1)),
    ]);
  });

  it('filters by country and kind', async () => {
    const de = await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, admin(), { filter: { countries: ['DE'] } });
    expect(de.stakeholdersByKind).toEqual([
      row(StakeholderKind.COMPANY, 'DE', shown(1)),
      row(StakeholderKind.PATIENT, 'DE', shown(4)),
      row(StakeholderKind.PATIENT_ORGANISATION, 'DE', shown(1)),
    ]);
    const patients = await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, admin(), { filter: { stakeholderKinds: ['PATIENT'] } });
    expect(patients.stakeholdersByKind).toEqual([row(StakeholderKind.PATIENT, 'DE', shown(4)), row(StakeholderKind.PATIENT, 'FR', shown(6))]);
  });

  it('filters by partnership type (members of such partnerships), suppressing the single patient for ANALYST', async () => {
    const filter = { partnershipTypes: ['ADVISORY_BOARD'] };
    expect((await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, admin(), { filter })).stakeholdersByKind).toEqual([
      row(StakeholderKind.COMPANY, 'FR', shown(1)),
      row(StakeholderKind.PATIENT, 'DE', shown(1)),
    ]);
    expect((await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, analyst(), { filter })).stakeholdersByKind).toEqual([
      row(StakeholderKind.COMPANY, 'FR', shown(1)),
      row(StakeholderKind.PATIENT, 'DE', SUPPRESSED),
    ]);
  });

  it('counts for an ENGAGEMENT_MANAGER their organisation and its partners only', async () => {
    expect((await metrics<{ stakeholdersByKind: unknown[] }>(SELECTION, manager(acme))).stakeholdersByKind).toEqual([
      row(StakeholderKind.COMPANY, 'DE', shown(1)),
      row(StakeholderKind.COMPANY, 'FR', shown(1)),
      row(StakeholderKind.PATIENT_ORGANISATION, 'DE', shown(1)),
    ]);
  });
});

describe('metrics.partnershipsBy', () => {
  const SELECTION = 'partnershipsBy { type status stage count }';

  it('counts partnerships created within the period by type, status and stage', async () => {
    expect((await metrics<{ partnershipsBy: unknown[] }>(SELECTION, analyst(), YEAR_2025)).partnershipsBy).toEqual([
      { type: 'ADVISORY_BOARD', status: 'ACTIVE', stage: 'PROTOCOL_DESIGN', count: 1 },
      { type: 'CONSORTIUM', status: 'CONCLUDED', stage: 'TRIAL_CONDUCT', count: 1 },
      { type: 'PATIENT_PANEL', status: 'ACTIVE', stage: 'POST_LAUNCH', count: 1 },
      { type: 'RESEARCH_COLLABORATION', status: 'ACTIVE', stage: 'DISCOVERY', count: 2 },
    ]);
  });

  it('counts every partnership without a period', async () => {
    expect((await metrics<{ partnershipsBy: unknown[] }>(SELECTION)).partnershipsBy).toEqual([
      { type: 'ADVISORY_BOARD', status: 'ACTIVE', stage: 'PROTOCOL_DESIGN', count: 1 },
      { type: 'ALLIANCE', status: 'PROPOSED', stage: 'DISCOVERY', count: 5 },
      { type: 'ALLIANCE', status: 'PROPOSED', stage: 'PROTOCOL_DESIGN', count: 1 },
      { type: 'ALLIANCE', status: 'PROPOSED', stage: null, count: 1 },
      { type: 'CONSORTIUM', status: 'CONCLUDED', stage: 'TRIAL_CONDUCT', count: 1 },
      { type: 'PATIENT_PANEL', status: 'ACTIVE', stage: 'POST_LAUNCH', count: 1 },
      { type: 'RESEARCH_COLLABORATION', status: 'ACTIVE', stage: 'DISCOVERY', count: 2 },
      { type: 'SPONSORSHIP', status: 'CONCLUDED', stage: null, count: 1 },
    ]);
  });

  it('filters by therapeutic area and by members’ country', async () => {
    const respiratory = await metrics<{ partnershipsBy: unknown[] }>(SELECTION, admin(), { filter: { therapeuticAreas: ['respiratory'] } });
    expect(respiratory.partnershipsBy).toEqual([
      { type: 'CONSORTIUM', status: 'CONCLUDED', stage: 'TRIAL_CONDUCT', count: 1 },
      { type: 'PATIENT_PANEL', status: 'ACTIVE', stage: 'POST_LAUNCH', count: 1 },
      { type: 'RESEARCH_COLLABORATION', status: 'ACTIVE', stage: 'DISCOVERY', count: 1 },
    ]);
    const nl = await metrics<{ partnershipsBy: unknown[] }>(SELECTION, admin(), { filter: { countries: ['NL'] } });
    expect(nl.partnershipsBy).toEqual([
      { type: 'ALLIANCE', status: 'PROPOSED', stage: null, count: 1 },
      { type: 'CONSORTIUM', status: 'CONCLUDED', stage: 'TRIAL_CONDUCT', count: 1 },
      { type: 'SPONSORSHIP', status: 'CONCLUDED', stage: null, count: 1 },
    ]);
  });

  it('counts for an ENGAGEMENT_MANAGER the partnerships their organisation is a member of', async () => {
    expect((await metrics<{ partnershipsBy: unknown[] }>(SELECTION, manager(acme))).partnershipsBy).toEqual([
      { type: 'RESEARCH_COLLABORATION', status: 'ACTIVE', stage: 'DISCOVERY', count: 2 },
    ]);
    expect((await metrics<{ partnershipsBy: unknown[] }>(SELECTION, manager(po), YEAR_2025)).partnershipsBy).toEqual([
      { type: 'PATIENT_PANEL', status: 'ACTIVE', stage: 'POST_LAUNCH', count: 1 },
      { type: 'RESEARCH_COLLABORATION', status: 'ACTIVE', stage: 'DISCOVERY', count: 1 },
    ]);
  });

  it('leaves out for an ENGAGEMENT_MANAGER a members-only partnership their organisation has left', async () => {
    expect((await metrics<{ partnershipsBy: unknown[] }>(SELECTION, manager(research))).partnershipsBy).toEqual([
      { type: 'ALLIANCE', status: 'PROPOSED', stage: null, count: 1 },
      { type: 'CONSORTIUM', status: 'CONCLUDED', stage: 'TRIAL_CONDUCT', count: 1 },
    ]);
    expect((await metrics<{ partnershipsBy: unknown[] }>(SELECTION, manager(beta), { to: YEAR_2025.from })).partnershipsBy).toEqual([
      { type: 'SPONSORSHIP', status: 'CONCLUDED', stage: null, count: 1 },
    ]);
  });
});

describe('metrics.contractsBy', () => {
  const SELECTION = 'contractsBy { kind status count }';

  it('counts contracts created within the period by kind and status', async () => {
    expect((await metrics<{ contractsBy: unknown[] }>(SELECTION, analyst(), YEAR_2025)).contractsBy).toEqual([
      { kind: 'CONSULTANCY', status: 'DRAFT', count: 1 },
      { kind: 'GRANT', status: 'ACTIVE', count: 1 },
      { kind: 'SPONSORSHIP', status: 'ACTIVE', count: 1 },
    ]);
    expect((await metrics<{ contractsBy: unknown[] }>(SELECTION)).contractsBy).toEqual([
      { kind: 'CONSULTANCY', status: 'ACTIVE', count: 1 },
      { kind: 'CONSULTANCY', status: 'DRAFT', count: 1 },
      { kind: 'GRANT', status: 'ACTIVE', count: 1 },
      { kind: 'SPONSORSHIP', status: 'ACTIVE', count: 1 },
    ]);
  });

  it("filters by their partnership's area and by a party's kind", async () => {
    expect((await metrics<{ contractsBy: unknown[] }>(SELECTION, admin(), { filter: { therapeuticAreas: ['respiratory'] } })).contractsBy).toEqual([
      { kind: 'CONSULTANCY', status: 'ACTIVE', count: 1 },
      { kind: 'GRANT', status: 'ACTIVE', count: 1 },
      { kind: 'SPONSORSHIP', status: 'ACTIVE', count: 1 },
    ]);
    const withPo = await metrics<{ contractsBy: unknown[] }>(SELECTION, admin(), { filter: { stakeholderKinds: ['PATIENT_ORGANISATION'] } });
    expect(withPo.contractsBy).toEqual([
      { kind: 'GRANT', status: 'ACTIVE', count: 1 },
      { kind: 'SPONSORSHIP', status: 'ACTIVE', count: 1 },
    ]);
  });

  it('counts for an ENGAGEMENT_MANAGER the contracts their organisation is a party to', async () => {
    expect((await metrics<{ contractsBy: unknown[] }>(SELECTION, manager(acme))).contractsBy).toEqual([
      { kind: 'CONSULTANCY', status: 'DRAFT', count: 1 },
      { kind: 'SPONSORSHIP', status: 'ACTIVE', count: 1 },
    ]);
  });
});

describe('metrics.interactionsPerMonth', () => {
  const SELECTION = 'interactionsPerMonth { month kind withPatients count { value suppressed } }';
  const row = (month: string, kind: string, withPatients: boolean, count: unknown) => ({ month, kind, withPatients, count });

  // The count was an Int over all interactions; interactions with a patient participant are now a
  // row of their own whose count is a patient count (suppressed, perturbed).
  it('counts interactions by UTC month, kind and patient participation within the period', async () => {
    expect((await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION, analyst(), YEAR_2025)).interactionsPerMonth).toEqual([
      row('2025-01', 'CALL', true, SUPPRESSED),
      row('2025-01', 'MEETING', false, shown(2)),
      row('2025-02', 'WORKSHOP', false, shown(1)),
    ]);
    const january = { from: '2024-12-31T12:00:00.000Z', to: '2025-02-01T00:00:00.000Z' };
    expect((await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION, admin(), january)).interactionsPerMonth).toEqual([
      row('2025-01', 'CALL', true, shown(1)),
      row('2025-01', 'MEETING', false, shown(2)),
    ]);
  });

  it('widens the period to whole months for everyone but ADMIN', async () => {
    const january = { from: '2024-12-31T12:00:00.000Z', to: '2025-01-31T00:00:00.000Z' };
    const forAnalyst = await metrics<{ from: string; to: string; interactionsPerMonth: unknown[] }>(`from to ${SELECTION}`, analyst(), january);
    expect(forAnalyst).toEqual({
      from: '2024-12-01T00:00:00.000Z',
      to: '2025-02-01T00:00:00.000Z',
      interactionsPerMonth: [
        row('2024-12', 'MEETING', false, shown(1)),
        row('2025-01', 'CALL', true, SUPPRESSED),
        row('2025-01', 'MEETING', false, shown(2)),
      ],
    });
  });

  it("filters by a participant's country and kind", async () => {
    expect((await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION, admin(), { filter: { countries: ['NL'] } })).interactionsPerMonth).toEqual([
      row('2025-02', 'WORKSHOP', false, shown(1)),
    ]);
    const withPatients = await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION, admin(), { filter: { stakeholderKinds: ['PATIENT'] } });
    expect(withPatients.interactionsPerMonth).toEqual([row('2025-01', 'CALL', true, shown(1))]);
  });

  it('counts for an ENGAGEMENT_MANAGER the interactions their organisation took part in', async () => {
    expect((await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION, manager(beta))).interactionsPerMonth).toEqual([
      row('2024-12', 'MEETING', false, shown(1)),
      row('2025-01', 'MEETING', false, shown(1)),
      row('2025-02', 'WORKSHOP', false, shown(1)),
    ]);
  });
});

describe('metrics.commitmentFulfilment', () => {
  const SELECTION = 'commitmentFulfilment { total fulfilled onTime onTimeRate overdueCount medianDaysToFulfil }';

  it('measures every commitment but withdrawn ones', async () => {
    expect((await metrics<{ commitmentFulfilment: unknown }>(SELECTION)).commitmentFulfilment).toEqual({
      total: 8,
      fulfilled: 4,
      onTime: 3,
      onTimeRate: 3 / 7,
      overdueCount: 2,
      medianDaysToFulfil: 25,
    });
  });

  it('measures the commitments due within the period', async () => {
    expect((await metrics<{ commitmentFulfilment: unknown }>(SELECTION, analyst(), YEAR_2025)).commitmentFulfilment).toEqual({
      total: 6,
      fulfilled: 3,
      onTime: 2,
      onTimeRate: 1 / 3,
      overdueCount: 2,
      medianDaysToFulfil: 30,
    });
  });

  it("filters by their partnership's area", async () => {
    expect((await metrics<{ commitmentFulfilment: unknown }>(SELECTION, admin(), { filter: { therapeuticAreas: ['respiratory'] } })).commitmentFulfilment).toEqual({
      total: 2,
      fulfilled: 1,
      onTime: 1,
      onTimeRate: 0.5,
      overdueCount: 1,
      medianDaysToFulfil: 10,
    });
  });

  it('measures for an ENGAGEMENT_MANAGER the commitments their organisation made or receives', async () => {
    expect((await metrics<{ commitmentFulfilment: unknown }>(SELECTION, manager(acme))).commitmentFulfilment).toEqual({
      total: 3,
      fulfilled: 3,
      onTime: 2,
      onTimeRate: 2 / 3,
      overdueCount: 0,
      medianDaysToFulfil: 30,
    });
  });

  const FIGURES = 'fulfilment { total fulfilled onTime onTimeRate overdueCount medianDaysToFulfil }';
  const figures = (total: number, fulfilled: number, onTime: number, onTimeRate: number | null, overdueCount: number, median: number | null) => ({
    total,
    fulfilled,
    onTime,
    onTimeRate,
    overdueCount,
    medianDaysToFulfil: median,
  });

  it('measures per committing organisation', async () => {
    const { commitmentFulfilmentByOrganisation } = await metrics<{ commitmentFulfilmentByOrganisation: unknown[] }>(
      `commitmentFulfilmentByOrganisation { organisation { id } ${FIGURES} }`,
      analyst(),
    );
    expect(commitmentFulfilmentByOrganisation).toEqual([
      { organisation: { id: gid(acme) }, fulfilment: figures(2, 2, 1, 0.5, 0, 22) },
      { organisation: { id: gid(beta) }, fulfilment: figures(4, 1, 1, 0.25, 2, 30) },
      { organisation: { id: gid(research) }, fulfilment: figures(2, 1, 1, 1, 0, 20) },
    ]);
  });

  it('measures per partnership, listing only partnerships the viewer may see', async () => {
    const SELECTION_P = `commitmentFulfilmentByPartnership { partnership { id } ${FIGURES} }`;
    const onP1 = { partnership: { id: pid(p1) }, fulfilment: figures(1, 1, 1, 1, 0, 10) };
    const onP6 = { partnership: { id: pid(p6) }, fulfilment: figures(1, 0, 0, 0, 1, null) };
    expect((await metrics<{ commitmentFulfilmentByPartnership: unknown[] }>(SELECTION_P)).commitmentFulfilmentByPartnership).toEqual([onP1, onP6]);
    // P6 is for its members only.
    expect((await metrics<{ commitmentFulfilmentByPartnership: unknown[] }>(SELECTION_P, analyst())).commitmentFulfilmentByPartnership).toEqual([onP1]);
    expect((await metrics<{ commitmentFulfilmentByPartnership: unknown[] }>(SELECTION_P, manager(beta))).commitmentFulfilmentByPartnership).toEqual([onP6]);
  });

  it('costs the same number of statements for 2 or 3 organisations and partnerships', async () => {
    const query = `query ($filter: MetricsFilter) { metrics(filter: $filter) {
      commitmentFulfilmentByOrganisation { organisation { id name } }
      commitmentFulfilmentByPartnership { partnership { id title } }
    } }`;
    const cost = async (filter: Record<string, unknown> | null, organisations: number) => {
      const { result, statements } = await app.runCounted<{ metrics: { commitmentFulfilmentByOrganisation: unknown[] } }>(query, { filter }, admin());
      expect(dataOf(result).metrics.commitmentFulfilmentByOrganisation).toHaveLength(organisations);
      return statements.length;
    };
    expect(await cost({ therapeuticAreas: ['respiratory'] }, 2)).toBe(await cost(null, 3));
  });

  it('has no rates when nothing is due', async () => {
    const none = { from: '2030-01-01T00:00:00.000Z' };
    expect((await metrics<{ commitmentFulfilment: unknown }>(SELECTION, admin(), none)).commitmentFulfilment).toEqual({
      total: 0,
      fulfilled: 0,
      onTime: 0,
      onTimeRate: null,
      overdueCount: 0,
      medianDaysToFulfil: null,
    });
  });
});

describe('metrics.patientInvolvement', () => {
  const SELECTION = `patientInvolvement {
    byStage { stage partnerships withPatients { value suppressed } share }
    early { partnerships withPatients { value suppressed } share }
    earlyShare
  }`;
  const stage = (s: DevelopmentStage, partnerships: number, withPatients: unknown, share: number | null) => ({ stage: s, partnerships, withPatients, share });

  it('gives ADMIN the share of partnerships with current patient members by stage, and the early share', async () => {
    expect((await metrics<{ patientInvolvement: unknown }>(SELECTION, admin(), YEAR_2025)).patientInvolvement).toEqual({
      byStage: [
        stage(DevelopmentStage.DISCOVERY, 2, shown(1), 0.5),
        stage(DevelopmentStage.PROTOCOL_DESIGN, 1, shown(1), 1),
        // Its patient partner left: not involved.
        stage(DevelopmentStage.TRIAL_CONDUCT, 1, shown(0), 0),
        stage(DevelopmentStage.REGULATORY_SUBMISSION, 0, shown(0), null),
        stage(DevelopmentStage.HTA_APPRAISAL, 0, shown(0), null),
        stage(DevelopmentStage.POST_LAUNCH, 1, shown(1), 1),
      ],
      early: { partnerships: 3, withPatients: shown(2), share: 2 / 3 },
      earlyShare: 2 / 3,
    });
  });

  it('suppresses counts of 1–4, any count out of 1–4 partnerships (here 0 of 1), and their shares for ANALYST', async () => {
    expect((await metrics<{ patientInvolvement: unknown }>(SELECTION, analyst(), YEAR_2025)).patientInvolvement).toEqual({
      byStage: [
        stage(DevelopmentStage.DISCOVERY, 2, SUPPRESSED, null),
        stage(DevelopmentStage.PROTOCOL_DESIGN, 1, SUPPRESSED, null),
        stage(DevelopmentStage.TRIAL_CONDUCT, 1, SUPPRESSED, null),
        stage(DevelopmentStage.REGULATORY_SUBMISSION, 0, shown(0), null),
        stage(DevelopmentStage.HTA_APPRAISAL, 0, shown(0), null),
        stage(DevelopmentStage.POST_LAUNCH, 1, SUPPRESSED, null),
      ],
      early: { partnerships: 3, withPatients: SUPPRESSED, share: null },
      earlyShare: null,
    });
  });

  it('suppresses the early sum (6) for ANALYST when it would reveal its suppressed parts (1, and 5 by the secondary rule)', async () => {
    const filter = { therapeuticAreas: ['dermatology'] };
    const forAnalyst = await metrics<{ patientInvolvement: { byStage: unknown[]; early: unknown } }>(SELECTION, analyst(), { filter });
    expect(forAnalyst.patientInvolvement.byStage.slice(0, 2)).toEqual([
      stage(DevelopmentStage.DISCOVERY, 5, SUPPRESSED, null),
      stage(DevelopmentStage.PROTOCOL_DESIGN, 1, SUPPRESSED, null),
    ]);
    expect(forAnalyst.patientInvolvement.early).toEqual({ partnerships: 6, withPatients: SUPPRESSED, share: null });
    const forAdmin = await metrics<{ patientInvolvement: { early: unknown } }>(SELECTION, admin(), { filter });
    expect(forAdmin.patientInvolvement.early).toEqual({ partnerships: 6, withPatients: shown(6), share: 1 });
  });

  it('breaks the index down by therapeutic area, suppressing small counts for ANALYST', async () => {
    const SELECTION_AREA = 'patientInvolvement { byTherapeuticArea { therapeuticArea partnerships withPatients { value suppressed } share } }';
    const area = (therapeuticArea: string, partnerships: number, withPatients: unknown, share: number | null) => ({
      therapeuticArea,
      partnerships,
      withPatients,
      share,
    });
    expect((await metrics<{ patientInvolvement: unknown }>(SELECTION_AREA)).patientInvolvement).toEqual({
      byTherapeuticArea: [area('dermatology', 6, shown(6), 1), area('oncology', 2, shown(1), 0.5), area('respiratory', 3, shown(2), 2 / 3)],
    });
    // Was `shown(6)` for dermatology: 6 of 6 is now perturbed (never above its 6 partnerships), and the share derived from it.
    const dermatology = (await app.db.query(`SELECT id FROM partnership WHERE therapeutic_area = 'dermatology'`)) as { id: string }[];
    const six = await perturbed(
      'partnership',
      dermatology.map((p) => p.id),
      6,
    );
    expect([5, 6]).toContain(six);
    expect((await metrics<{ patientInvolvement: unknown }>(SELECTION_AREA, analyst())).patientInvolvement).toEqual({
      byTherapeuticArea: [area('dermatology', 6, shown(six), six / 6), area('oncology', 2, SUPPRESSED, null), area('respiratory', 3, SUPPRESSED, null)],
    });
  });

  it('gives the trend per quarter of creation, within the period', async () => {
    const SELECTION_QUARTER = 'patientInvolvement { byQuarter { quarter partnerships withPatients { value suppressed } share } }';
    const quarter = (q: string, partnerships: number, withPatients: unknown, share: number | null) => ({ quarter: q, partnerships, withPatients, share });
    expect((await metrics<{ patientInvolvement: unknown }>(SELECTION_QUARTER)).patientInvolvement).toEqual({
      byQuarter: [
        quarter('2022-Q1', 1, shown(0), 0),
        quarter('2023-Q2', 6, shown(6), 1),
        quarter('2024-Q4', 1, shown(0), 0),
        quarter('2025-Q1', 3, shown(2), 2 / 3),
        quarter('2025-Q2', 2, shown(1), 0.5),
      ],
    });
    expect((await metrics<{ patientInvolvement: unknown }>(SELECTION_QUARTER, analyst(), YEAR_2025)).patientInvolvement).toEqual({
      byQuarter: [quarter('2025-Q1', 3, SUPPRESSED, null), quarter('2025-Q2', 2, SUPPRESSED, null)],
    });
  });

  it("counts for an ENGAGEMENT_MANAGER their organisation's partnerships only", async () => {
    const { patientInvolvement } = await metrics<{ patientInvolvement: { byStage: unknown[]; early: unknown } }>(SELECTION, manager(acme));
    expect(patientInvolvement.byStage[0]).toEqual(stage(DevelopmentStage.DISCOVERY, 2, SUPPRESSED, null));
    expect(patientInvolvement.early).toEqual({ partnerships: 2, withPatients: SUPPRESSED, share: null });
  });
});

describe('suppressedCells: the suppression rule', () => {
  const cells = (...values: [number, number?][]): PatientCell[] => values.map(([value, of]) => (of === undefined ? { value } : { value, of }));
  const hidden = (c: PatientCell[], sumKnown: boolean) => [...suppressedCells(c, sumKnown)].sort((a, b) => a - b);

  it('withholds values of 1–4 (primary), not 0 or 5 and more', () => {
    expect(hidden(cells([0], [1], [4], [5], [12]), false)).toEqual([1, 2]);
  });

  it('withholds any value, 0 included, whose published total is 1–4, but not a zero of a zero total', () => {
    expect(hidden(cells([0, 1], [1, 1], [0, 4], [0, 5], [5, 5], [0, 0]), false)).toEqual([0, 1, 2]);
  });

  it('adds nothing when the sum is not known, or when two or more cells are withheld already', () => {
    expect(hidden(cells([3], [6]), false)).toEqual([0]);
    expect(hidden(cells([1], [2], [7]), true)).toEqual([0, 1]);
    expect(hidden([], true)).toEqual([]);
  });

  it('withholds, with a known sum, the smallest other non-zero cell (the first of equals) next to a lone withheld one', () => {
    expect(hidden(cells([3], [6]), true)).toEqual([0, 1]);
    expect(hidden(cells([0, 9], [2, 9], [7, 9], [6, 9]), true)).toEqual([1, 3]);
    expect(hidden(cells([8, 9], [1, 1], [6, 9], [6, 9]), true)).toEqual([1, 2]);
  });

  it('falls back to a zero cell, never to one that is zero by construction (total 0)', () => {
    expect(hidden(cells([3, 9], [0, 0], [0, 9]), true)).toEqual([0, 2]);
    expect(hidden(cells([3, 9], [0, 0], [0, 0]), true)).toEqual([0]);
  });
});

describe('metrics.patientInvolvement: no suppressed value can be recomputed', () => {
  const SELECTION = `patientInvolvement {
    byStage { stage partnerships withPatients { value suppressed } share }
    early { partnerships withPatients { value suppressed } share }
    byTherapeuticArea { therapeuticArea partnerships withPatients { value suppressed } share }
    byQuarter { quarter partnerships withPatients { value suppressed } share }
  }`;
  interface Row {
    partnerships: number;
    withPatients: { value: number | null; suppressed: boolean };
    share: number | null;
  }
  interface Index {
    byStage: Row[];
    early: Row;
    byTherapeuticArea: Row[];
    byQuarter: Row[];
  }
  const cell = (partnerships: number, withPatients: unknown, share: number | null) => ({ partnerships, withPatients, share });
  /** The figures of an index, without the stage, area and quarter labels. */
  const stripped = (index: Index) => {
    const strip = (r: Row) => cell(r.partnerships, r.withPatients, r.share);
    return { byStage: index.byStage.map(strip), early: index.early, byTherapeuticArea: index.byTherapeuticArea.map(strip), byQuarter: index.byQuarter.map(strip) };
  };

  /**
   * What subtraction gives away: breakdowns over the same partnerships (equal partnership sums)
   * have equal sums, known from one fully shown; a breakdown with one withheld cell then gives it
   * away, as does the early sum shown next to one withheld part.
   */
  function recomputable(index: Index): number[] {
    const breakdowns = [index.byStage, index.byTherapeuticArea, index.byQuarter];
    const total = (rows: Row[]) => rows.reduce((sum, r) => sum + r.partnerships, 0);
    const found: number[] = [];
    for (const rows of breakdowns) {
      const withheld = rows.filter((r) => r.withPatients.suppressed);
      const known = breakdowns.find((other) => total(other) === total(rows) && other.every((r) => !r.withPatients.suppressed));
      if (withheld.length === 1 && known) {
        const sum = (xs: Row[]) => xs.reduce((acc, r) => acc + (r.withPatients.value ?? 0), 0);
        found.push(sum(known) - sum(rows));
      }
    }
    const parts = index.byStage.slice(0, 2);
    const hiddenParts = parts.filter((r) => r.withPatients.suppressed);
    if (!index.early.withPatients.suppressed && hiddenParts.length === 1) {
      found.push((index.early.withPatients.value ?? 0) - parts.reduce((acc, r) => acc + (r.withPatients.value ?? 0), 0));
    }
    return found;
  }
  /** A count shown next to a total of 1–4 partnerships bounds the others: never shown. */
  const shownOfSmall = (index: Index) =>
    [...index.byStage, index.early, ...index.byTherapeuticArea, ...index.byQuarter].filter(
      (r) => r.partnerships > 0 && r.partnerships < 5 && !r.withPatients.suppressed,
    );

  it('finds the value a primary rule alone would give away (the check itself works)', async () => {
    const full = await metrics<{ patientInvolvement: Index }>(SELECTION, admin(), { filter: { therapeuticAreas: ['dermatology'] } });
    const primaryOnly = (r: Row): Row => {
      const v = r.withPatients.value ?? 0;
      return { ...r, withPatients: v > 0 && v < 5 ? { value: null, suppressed: true } : r.withPatients };
    };
    const index = full.patientInvolvement;
    const naive = { ...index, byStage: index.byStage.map(primaryOnly), byTherapeuticArea: index.byTherapeuticArea.map(primaryOnly), byQuarter: index.byQuarter.map(primaryOnly) };
    // 6 dermatology partnerships with patients (area, quarter) minus 5 at DISCOVERY: 1 at PROTOCOL_DESIGN.
    expect(recomputable({ ...naive, early: { ...index.early, withPatients: { value: null, suppressed: true } } })).toEqual([1]);
  });

  it('withholds, for ANALYST, the next cell of every breakdown with one withheld cell; ADMIN sees every cell', async () => {
    const filter = { therapeuticAreas: ['dermatology', 'oncology'] };
    const forAnalyst = (await metrics<{ patientInvolvement: Index }>(SELECTION, analyst(), { filter })).patientInvolvement;
    const zero = cell(0, shown(0), null);
    expect(stripped(forAnalyst)).toEqual({
      // PROTOCOL_DESIGN 2 of 2 withheld; DISCOVERY 5 of 6 with it (8 partnerships, all with a stage and an area).
      byStage: [cell(6, SUPPRESSED, null), cell(2, SUPPRESSED, null), zero, zero, zero, zero],
      early: cell(8, SUPPRESSED, null),
      // oncology 1 of 2 withheld; dermatology 6 of 6 with it.
      byTherapeuticArea: [cell(6, SUPPRESSED, null), cell(2, SUPPRESSED, null)],
      // 2025-Q1 1 of 2 withheld; 2023-Q2 6 of 6 with it.
      byQuarter: [cell(6, SUPPRESSED, null), cell(2, SUPPRESSED, null)],
    });
    expect(recomputable(forAnalyst)).toEqual([]);
    expect(shownOfSmall(forAnalyst)).toEqual([]);

    const forAdmin = (await metrics<{ patientInvolvement: Index }>(SELECTION, admin(), { filter })).patientInvolvement;
    expect(stripped(forAdmin)).toEqual({
      byStage: [cell(6, shown(5), 5 / 6), cell(2, shown(2), 1), zero, zero, zero, zero],
      early: cell(8, shown(7), 7 / 8),
      byTherapeuticArea: [cell(6, shown(6), 1), cell(2, shown(1), 0.5)],
      byQuarter: [cell(6, shown(6), 1), cell(2, shown(1), 0.5)],
    });
  });

  it.each([
    ['no filter', {}],
    ['2025', YEAR_2025],
    ['dermatology', { filter: { therapeuticAreas: ['dermatology'] } }],
    ['respiratory', { filter: { therapeuticAreas: ['respiratory'] } }],
    ['research collaborations', { filter: { partnershipTypes: ['RESEARCH_COLLABORATION'] } }],
  ])('leaves nothing to recompute for ANALYST (%s)', async (_name, variables) => {
    const index = (await metrics<{ patientInvolvement: Index }>(SELECTION, analyst(), variables)).patientInvolvement;
    expect(recomputable(index)).toEqual([]);
    expect(shownOfSmall(index)).toEqual([]);
  });
});
