import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Role } from '../src/access/viewer';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { InteractionKind } from '../src/modules/interaction/interaction.entity';
import { DevelopmentStage, MemberRole } from '../src/modules/partnership/partnership.entity';
import { MAX_PERTURBATION, PERTURBATION_TABLE, perturbation } from '../src/modules/metrics/perturbation';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, viewerOf, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { makeStakeholder } from './support/factories';
import { makeInteraction } from './support/interaction.factories';
import { makePartnership } from './support/partnership.factories';

/**
 * The three differencing attacks of issue 13, replayed on a hand-built world: what ANALYST (and
 * an ENGAGEMENT_MANAGER) can work out by combining answers, checked against ADMIN's exact figures.
 *
 * An attacker knows the perturbation table (it is documented) but not the record keys. From a
 * published count they know only the set of true counts that could have given it (`candidates`);
 * from a suppressed one, that it is 1–4. A hidden count is recomputed exactly when the candidates
 * of the difference that gives it come down to one value.
 *
 * The world (every record in 2026):
 * - acme (COMPANY, CH); 10 DE patients created 1 March, one more DE patient created 10 May 12:00:00;
 *   3 AT patients created 1 March.
 * - October 2026: 5 meetings of acme with a DE patient each; 2 meetings of acme with the same AT patient.
 * - DISCOVERY partnerships created 1 February: oncology, 5 with a patient partner and 3 without;
 *   neurology, 2 with a patient partner and 4 without.
 * - Commitments due in 2026: 2 by a DE patient (one fulfilled), 6 by acme to DE patients.
 */
let app: TestApp;
let acme: Stakeholder;
let patientsDe: Stakeholder[];
let patientsAt: Stakeholder[];
const analyst = () => viewerOf(Role.ANALYST);
const CREATED_LATE = '2026-05-10T12:00:00.000Z';

async function created(table: string, id: string, at: string): Promise<void> {
  await app.db.query(`UPDATE ${table} SET created_at = $2 WHERE id = $1`, [id, at]);
}

beforeAll(async () => {
  app = await createTestApp();
  acme = await makeStakeholder(app.db, StakeholderKind.COMPANY, { country: 'CH' });
  await created('stakeholder', acme.id, '2026-01-01T00:00:00Z');
  const patient = async (country: string, at: string) => {
    const p = await makeStakeholder(app.db, StakeholderKind.PATIENT, { country });
    await created('stakeholder', p.id, at);
    return p;
  };
  patientsDe = [];
  for (let i = 0; i < 10; i++) patientsDe.push(await patient('DE', '2026-03-01T00:00:00Z'));
  await patient('DE', CREATED_LATE);
  patientsAt = [];
  for (let i = 0; i < 3; i++) patientsAt.push(await patient('AT', '2026-03-01T00:00:00Z'));

  for (let i = 0; i < 5; i++) {
    await makeInteraction(app.db, [acme, patientsDe[i]], { kind: InteractionKind.MEETING, occurredAt: new Date(`2026-10-0${i + 1}T10:00:00Z`), recordedByOrgId: acme.id });
  }
  for (const day of ['12', '19']) {
    await makeInteraction(app.db, [acme, patientsAt[0]], { kind: InteractionKind.MEETING, occurredAt: new Date(`2026-10-${day}T10:00:00Z`), recordedByOrgId: acme.id });
  }

  const partnership = async (area: string, withPatient: Stakeholder | null) => {
    const members = [{ stakeholder: acme }, ...(withPatient ? [{ stakeholder: withPatient, role: MemberRole.PATIENT_PARTNER }] : [])];
    const { partnership: p } = await makePartnership(app.db, members, { developmentStage: DevelopmentStage.DISCOVERY, therapeuticArea: area });
    await created('partnership', p.id, '2026-02-01T00:00:00Z');
  };
  for (let i = 0; i < 5; i++) await partnership('oncology', patientsDe[i]);
  for (let i = 0; i < 3; i++) await partnership('oncology', null);
  for (let i = 0; i < 2; i++) await partnership('neurology', patientsDe[5 + i]);
  for (let i = 0; i < 4; i++) await partnership('neurology', null);

  await makeCommitment(app.db, patientsDe[0], { dueDate: '2026-06-30', status: CommitmentStatus.FULFILLED, fulfilledAt: new Date('2026-06-01T00:00:00Z') });
  await makeCommitment(app.db, patientsDe[0], { dueDate: '2026-07-31', status: CommitmentStatus.OPEN });
  for (let i = 0; i < 6; i++) await makeCommitment(app.db, acme, { beneficiaryId: patientsDe[i].id, dueDate: '2026-08-31', status: CommitmentStatus.OPEN });
});
afterAll(() => app.close());

interface Count {
  value: number | null;
  suppressed: boolean;
}

async function metrics<T>(selection: string, viewer: ReturnType<typeof admin>, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await app.run<{ metrics: T }>(
    `query ($from: DateTimeISO, $to: DateTimeISO, $filter: MetricsFilter) { metrics(from: $from, to: $to, filter: $filter) { ${selection} } }`,
    variables,
    viewer,
  );
  return dataOf(result).metrics;
}

const SMALL = [1, 2, 3, 4];

/**
 * The true counts an attacker who knows the table could take a published count for: 0 for 0;
 * 1–4 for a suppressed one; otherwise every count of 5 or more whose row of the table can reach
 * the value (capped at the published total `of`, where there is one).
 */
function candidates(count: Count, of?: number): number[] {
  if (count.suppressed) return SMALL;
  const v = count.value as number;
  if (v === 0) return [0];
  const found: number[] = [];
  for (let t = 5; t <= v + MAX_PERTURBATION && (of === undefined || t <= of); t++) {
    const row = PERTURBATION_TABLE.findLast((r) => r.count <= t) ?? PERTURBATION_TABLE[0];
    if (row.perturbations.some((p) => (of === undefined ? t + p : Math.min(t + p, of)) === v)) found.push(t);
  }
  return found;
}
/** What an attacker who reads exact figures (as ADMIN does) knows: the value itself. */
const exactly = (count: Count): number[] => (count.suppressed ? SMALL : [count.value as number]);

/** The values `whole - part` can take for a hidden part (1–4, since it is suppressed where asked directly). */
function hiddenPart(whole: number[], part: number[]): number[] {
  const found = new Set<number>();
  for (const w of whole) for (const p of part) if (SMALL.includes(w - p)) found.add(w - p);
  return [...found].sort((a, b) => a - b);
}

describe('differencing: narrowing by country', () => {
  const SELECTION = 'stakeholdersByKind { kind country count { value suppressed } } interactionsPerMonth { month kind withPatients count { value suppressed } }';
  interface Answer {
    stakeholdersByKind: { kind: string; country: string; count: Count }[];
    interactionsPerMonth: { month: string; kind: string; withPatients: boolean; count: Count }[];
  }
  const meetings = (a: Answer) => a.interactionsPerMonth.find((r) => r.month === '2026-10' && r.kind === 'MEETING' && r.withPatients)?.count;

  it("withholds the AT patient's two meetings where the AT patients are withheld; ADMIN sees 3 and 2", async () => {
    const filter = { countries: ['AT'] };
    const forAdmin = await metrics<Answer>(SELECTION, admin(), { filter });
    expect(forAdmin.stakeholdersByKind).toEqual([{ kind: 'PATIENT', country: 'AT', count: { value: 3, suppressed: false } }]);
    expect(meetings(forAdmin)).toEqual({ value: 2, suppressed: false });
    for (const viewer of [analyst(), viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: acme.id })]) {
      const answer = await metrics<Answer>(SELECTION, viewer, { filter });
      expect(meetings(answer)).toEqual({ value: null, suppressed: true });
      // The manager counts acme and its partners: the AT patients are in no partnership with acme.
      expect(answer.stakeholdersByKind.filter((r) => r.kind === 'PATIENT').every((r) => r.count.suppressed)).toBe(true);
    }
  });

  it('shows no patient-level cell whose exact count is 1–4, for any country', async () => {
    for (const countries of [['AT'], ['DE'], ['AT', 'DE'], ['CH']]) {
      const exact = await metrics<Answer>(SELECTION, admin(), { filter: { countries } });
      const shown = await metrics<Answer>(SELECTION, analyst(), { filter: { countries } });
      const cells = [
        ...exact.stakeholdersByKind.filter((r) => r.kind === 'PATIENT').map((r, i) => [r.count, shown.stakeholdersByKind.filter((s) => s.kind === 'PATIENT')[i].count]),
        ...exact.interactionsPerMonth.filter((r) => r.withPatients).map((r, i) => [r.count, shown.interactionsPerMonth.filter((s) => s.withPatients)[i].count]),
      ];
      expect(cells.length).toBeGreaterThan(0);
      for (const [truth, published] of cells) {
        if (SMALL.includes(truth.value as number)) expect(published).toEqual({ value: null, suppressed: true });
        else expect(candidates(published)).toContain(truth.value);
      }
    }
  });

  it("cannot recompute the AT patient's meetings as all meetings minus the DE ones", async () => {
    const all = await metrics<Answer>(SELECTION, analyst());
    const de = await metrics<Answer>(SELECTION, analyst(), { filter: { countries: ['DE'] } });
    const truth = meetings(await metrics<Answer>(SELECTION, admin(), { filter: { countries: ['AT'] } }))?.value;
    const hidden = hiddenPart(candidates(meetings(all) as Count), candidates(meetings(de) as Count));
    expect(hidden).toContain(truth);
    expect(hidden.length).toBeGreaterThan(1);
    // The check works: on exact figures the same subtraction gives the value away.
    const exactAll = await metrics<Answer>(SELECTION, admin());
    const exactDe = await metrics<Answer>(SELECTION, admin(), { filter: { countries: ['DE'] } });
    expect(hiddenPart(exactly(meetings(exactAll) as Count), exactly(meetings(exactDe) as Count))).toEqual([2]);
  });
});

describe('differencing: complements across filters', () => {
  const SELECTION = `patientInvolvement { byStage { stage partnerships withPatients { value suppressed } }
    byTherapeuticArea { therapeuticArea partnerships withPatients { value suppressed } } }`;
  interface Row {
    partnerships: number;
    withPatients: Count;
  }
  interface Answer {
    patientInvolvement: { byStage: (Row & { stage: string })[]; byTherapeuticArea: (Row & { therapeuticArea: string })[] };
  }
  const discovery = (a: Answer) => a.patientInvolvement.byStage[0];

  it('cannot recompute the suppressed neurology cell as unfiltered minus oncology', async () => {
    const neurology = await metrics<Answer>(SELECTION, analyst(), { filter: { therapeuticAreas: ['neurology'] } });
    expect(discovery(neurology)).toEqual({ stage: 'DISCOVERY', partnerships: 6, withPatients: { value: null, suppressed: true } });
    const all = discovery(await metrics<Answer>(SELECTION, analyst()));
    const oncology = discovery(await metrics<Answer>(SELECTION, analyst(), { filter: { therapeuticAreas: ['oncology'] } }));
    const hidden = hiddenPart(candidates(all.withPatients, all.partnerships), candidates(oncology.withPatients, oncology.partnerships));
    const truth = discovery(await metrics<Answer>(SELECTION, admin(), { filter: { therapeuticAreas: ['neurology'] } })).withPatients.value;
    expect(truth).toBe(2);
    expect(hidden).toContain(truth);
    expect(hidden.length).toBeGreaterThan(1);

    const exactAll = discovery(await metrics<Answer>(SELECTION, admin()));
    const exactOncology = discovery(await metrics<Answer>(SELECTION, admin(), { filter: { therapeuticAreas: ['oncology'] } }));
    expect(hiddenPart(exactly(exactAll.withPatients), exactly(exactOncology.withPatients))).toEqual([2]);
  });

  it('keeps a share at most 1, derived from the published count', async () => {
    const answer = await metrics<Answer>(SELECTION, analyst());
    for (const row of [discovery(answer), ...answer.patientInvolvement.byTherapeuticArea]) {
      if (row.withPatients.value !== null) expect(row.withPatients.value).toBeLessThanOrEqual(row.partnerships);
    }
  });
});

describe('differencing: periods', () => {
  const SELECTION = 'from to stakeholdersByKind { kind country count { value suppressed } }';
  interface Answer {
    from: string | null;
    to: string | null;
    stakeholdersByKind: { kind: string; country: string; count: Count }[];
  }
  const de = (a: Answer) => a.stakeholdersByKind.find((r) => r.kind === 'PATIENT' && r.country === 'DE')?.count as Count;
  const second = (iso: string, seconds: number) => new Date(new Date(iso).getTime() + seconds * 1000).toISOString();

  it("gives the same answer for two `to` a second apart around one patient's creation; ADMIN sees 10 and 11", async () => {
    const before = { to: CREATED_LATE };
    const after = { to: second(CREATED_LATE, 1) };
    expect(de(await metrics<Answer>(SELECTION, admin(), before))).toEqual({ value: 10, suppressed: false });
    expect(de(await metrics<Answer>(SELECTION, admin(), after))).toEqual({ value: 11, suppressed: false });
    const a = await metrics<Answer>(SELECTION, analyst(), before);
    const b = await metrics<Answer>(SELECTION, analyst(), after);
    expect(a).toEqual(b);
    expect(a.to).toBe('2026-06-01T00:00:00.000Z');
    // The window itself: the month it lies in, 1 patient, withheld.
    const window = await metrics<Answer>(SELECTION, analyst(), { from: CREATED_LATE, to: second(CREATED_LATE, 1) });
    expect(window.from).toBe('2026-05-01T00:00:00.000Z');
    expect(de(window)).toEqual({ value: null, suppressed: true });
  });

  it('cannot recompute the one patient of May from the months around it', async () => {
    const untilMay = de(await metrics<Answer>(SELECTION, analyst(), { to: '2026-05-01T00:00:00.000Z' }));
    const untilJune = de(await metrics<Answer>(SELECTION, analyst(), { to: '2026-06-01T00:00:00.000Z' }));
    const hidden = hiddenPart(candidates(untilJune), candidates(untilMay));
    expect(hidden).toContain(1);
    expect(hidden.length).toBeGreaterThan(1);
  });
});

describe('perturbation: consistency and exactness', () => {
  const SELECTION = `stakeholdersByKind { kind country count { value suppressed } }
    interactionsPerMonth { month kind withPatients count { value suppressed } }
    patientInvolvement { byStage { partnerships withPatients { value suppressed } share } early { withPatients { value suppressed } } }
    commitmentFulfilment { total withPatients { total { value suppressed } fulfilled { value suppressed } onTime { value suppressed } onTimeRate overdueCount { value suppressed } } }`;

  it('gives the same answer to the same question, and to a question that selects the same records', async () => {
    const first = await metrics<Record<string, unknown>>(SELECTION, analyst(), { from: '2026-01-01T00:00:00.000Z' });
    expect(await metrics<Record<string, unknown>>(SELECTION, analyst(), { from: '2026-01-01T00:00:00.000Z' })).toEqual(first);
    expect(await metrics<Record<string, unknown>>(SELECTION, analyst(), { from: '2026-01-20T08:00:00.000Z' })).toEqual(first);
  });

  it('shows ADMIN exact figures over the exact period, commitments with patients included', async () => {
    const forAdmin = await metrics<{
      from: string;
      stakeholdersByKind: { kind: string; country: string; count: Count }[];
      commitmentFulfilment: { total: number; withPatients: { total: Count; fulfilled: Count; onTime: Count; onTimeRate: number | null } };
    }>(`from ${SELECTION}`, admin(), { from: '2026-01-20T08:00:00.000Z' });
    expect(forAdmin.from).toBe('2026-01-20T08:00:00.000Z');
    expect(forAdmin.stakeholdersByKind.filter((r) => r.kind === 'PATIENT')).toEqual([
      { kind: 'PATIENT', country: 'AT', count: { value: 3, suppressed: false } },
      { kind: 'PATIENT', country: 'DE', count: { value: 11, suppressed: false } },
    ]);
    // Commitments between organisations: none; by or to a patient: 8, 1 fulfilled (on time).
    expect(forAdmin.commitmentFulfilment.total).toBe(0);
    expect(forAdmin.commitmentFulfilment.withPatients).toMatchObject({
      total: { value: 8, suppressed: false },
      fulfilled: { value: 1, suppressed: false },
      onTime: { value: 1, suppressed: false },
    });
    const forAnalyst = await metrics<{ commitmentFulfilment: { withPatients: { total: Count; fulfilled: Count; onTimeRate: number | null } } }>(
      SELECTION,
      analyst(),
    );
    expect(candidates(forAnalyst.commitmentFulfilment.withPatients.total)).toContain(8);
    expect(forAnalyst.commitmentFulfilment.withPatients.fulfilled).toEqual({ value: null, suppressed: true });
    expect(forAnalyst.commitmentFulfilment.withPatients.onTimeRate).toBeNull();
  });

  it("publishes the table's entry at the cell key: the DE meetings at key 0.99 read 7 (5 + 2), 5 for ADMIN", async () => {
    const SELECTION_M = 'interactionsPerMonth { month kind withPatients count { value suppressed } }';
    const meetingIds = (await app.db.query(
      `SELECT DISTINCT i.id FROM interaction i JOIN interaction_participant ip ON ip.interaction_id = i.id
        WHERE ip.stakeholder_id = ANY($1)`,
      [patientsDe.map((p) => p.id)],
    )) as { id: string }[];
    expect(meetingIds).toHaveLength(5);
    await app.db.query(`UPDATE interaction SET record_key = CASE WHEN id = $2 THEN 0.99 ELSE 0 END WHERE id = ANY($1)`, [
      meetingIds.map((m) => m.id),
      meetingIds[0].id,
    ]);
    expect(perturbation(5, 0.99)).toBe(2);
    const filter = { countries: ['DE'] };
    const row = { month: '2026-10', kind: 'MEETING', withPatients: true };
    expect((await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION_M, analyst(), { filter })).interactionsPerMonth).toEqual([
      { ...row, count: { value: 7, suppressed: false } },
    ]);
    expect((await metrics<{ interactionsPerMonth: unknown[] }>(SELECTION_M, admin(), { filter })).interactionsPerMonth).toEqual([
      { ...row, count: { value: 5, suppressed: false } },
    ]);
  });
});

describe('record keys', () => {
  it('are never part of the schema', () => {
    const sdl = readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(sdl).not.toMatch(/recordKey|record_key/i);
  });

  it('are not read by the read path of records', async () => {
    const { result, statements } = await app.runCounted(
      '{ stakeholders(first: 5) { edges { node { id name } } } interactions(first: 5) { edges { node { id kind } } } }',
      {},
      admin(),
    );
    expect(result.errors).toBeUndefined();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => s.includes('record_key'))).toEqual([]);
  });

  it('lie in [0, 1) for every record, old and new', async () => {
    const [row] = (await app.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE record_key >= 0 AND record_key < 1)::int AS ok,
        count(DISTINCT record_key)::int AS distinct FROM stakeholder`,
    )) as { n: number; ok: number; distinct: number }[];
    expect(row.ok).toBe(row.n);
    expect(row.distinct).toBe(row.n);
  });
});
