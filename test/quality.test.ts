import { Role, type Viewer } from '../src/access/viewer';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { perturbation } from '../src/modules/metrics/perturbation';
import {
  DevelopmentStage,
  MemberRole,
  type Partnership,
  PartnershipStatus,
  PartnershipVisibility,
} from '../src/modules/partnership/partnership.entity';
import { QualityCriterion as C } from '../src/modules/quality/quality.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, pid } from './support/partnership.factories';
import { makeAssessment } from './support/quality.factories';
import { tableSnapshot } from './support/snapshot';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const company = () => makeStakeholder(app.db, StakeholderKind.COMPANY);
const em = (org: Stakeholder): Viewer => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
const patientViewer = (p: Stakeholder): Viewer => viewerOf(Role.PATIENT, { patientId: p.id });
const close = (value: number | null | undefined, expected: number): void => expect(value).toBeCloseTo(expected, 9);

const ASSESS = `mutation Assess($input: AssessPartnershipQualityInput!) {
  assessPartnershipQuality(input: $input) {
    partnership { id version quality { overall assessors byCriterion { criterion score assessments } } }
    userErrors { field code message }
  }
}`;

const QUALITY = `query Quality($id: ID!) {
  partnership(id: $id) {
    version
    quality { overall assessors lastAssessedAt byCriterion { criterion score assessments } }
    organisations: quality(perspective: ORGANISATION) { overall assessors byCriterion { criterion score assessments } }
    patients: quality(perspective: PATIENT) { overall assessors byCriterion { criterion score assessments } }
    assessments { perspective assessedAt assessor { id name } scores { criterion score evidence } }
    history: assessments(history: true) { perspective assessor { id } scores { criterion score } }
  }
}`;

interface QualityOut {
  overall: number | null;
  assessors: number;
  lastAssessedAt?: string | null;
  byCriterion: { criterion: C; score: number | null; assessments: number }[];
}
interface AssessOut {
  assessPartnershipQuality: {
    partnership: { id: string; version: number; quality: QualityOut } | null;
    userErrors: { field: string | null; code: string; message: string }[];
  };
}
interface PartnershipOut {
  partnership: {
    version: number;
    quality: QualityOut;
    organisations: QualityOut;
    patients: QualityOut;
    assessments: { perspective: string; assessedAt: string; assessor: { id: string; name: string }; scores: { criterion: C; score: number; evidence: string | null }[] }[];
    history: { perspective: string; assessor: { id: string }; scores: { criterion: C; score: number }[] }[];
  } | null;
}

const criterion = (q: QualityOut, c: C) => q.byCriterion.find((x) => x.criterion === c);

/** A partnership of two companies and a patient partner (no area: the metrics below filter on theirs). */
async function world() {
  const [lead, member, outsider] = [await company(), await company(), await company()];
  const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
  const { partnership } = await makePartnership(app.db, [
    { stakeholder: lead },
    { stakeholder: member },
    { stakeholder: patient, role: MemberRole.PATIENT_PARTNER },
  ]);
  return { lead, member, outsider, patient, partnership };
}

const assess = (p: Partnership, version: number, scores: { criterion: C; score: number; evidence?: string | null }[]) => ({
  input: { partnershipId: pid(p), version, scores },
});

describe('assessPartnershipQuality', () => {
  it("records an engagement manager's assessment for their member organisation, moves the version and publishes the change", async () => {
    const { lead, partnership } = await world();
    const result = dataOf<AssessOut>(
      await app.run(
        ASSESS,
        assess(partnership, partnership.version, [
          { criterion: C.SHARED_PURPOSE, score: 4, evidence: '  Charter signed by all partners.  ' },
          { criterion: C.TRANSPARENCY, score: 2 },
        ]),
        em(lead),
      ),
    ).assessPartnershipQuality;
    expect(result.userErrors).toEqual([]);
    expect(result.partnership?.version).toBe(partnership.version + 1);
    expect(result.partnership?.quality.overall).toBe(3);
    expect(criterion(result.partnership!.quality, C.SHARED_PURPOSE)).toEqual({ criterion: C.SHARED_PURPOSE, score: 4, assessments: 1 });
    expect(criterion(result.partnership!.quality, C.RESPECT_AND_ACCESSIBILITY)).toEqual({ criterion: C.RESPECT_AND_ACCESSIBILITY, score: null, assessments: 0 });

    const [stored] = (await app.db.query(
      `SELECT a.assessor_id, a.perspective, array_agg(s.criterion || ':' || s.score || ':' || coalesce(s.evidence, '-') ORDER BY s.criterion) AS scores
         FROM partnership_assessment a JOIN partnership_assessment_score s ON s.assessment_id = a.id WHERE a.partnership_id = $1 GROUP BY a.id`,
      [partnership.id],
    )) as { assessor_id: string; perspective: string; scores: string[] }[];
    expect(stored).toEqual({
      assessor_id: lead.id,
      perspective: 'ORGANISATION',
      scores: ['SHARED_PURPOSE:4:Charter signed by all partners.', 'TRANSPARENCY:2:-'],
    });
    const events = (await app.db.query(`SELECT event, record_type, version FROM outbox WHERE record_id = $1`, [partnership.id])) as unknown[];
    expect(events).toEqual([{ event: 'PARTNERSHIP_QUALITY_ASSESSED', record_type: 'Partnership', version: partnership.version + 1 }]);
  });

  it.each([
    ['an engagement manager of a non-member', async (w: Awaited<ReturnType<typeof world>>) => em(w.outsider)],
    ['ADMIN (the secretariat is no member)', async () => admin()],
    ['a partner of a member', async (w: Awaited<ReturnType<typeof world>>) => viewerOf(Role.PARTNER, { orgId: w.lead.id })],
    ['an analyst', async () => viewerOf(Role.ANALYST)],
    ['a patient who is not a member', async () => patientViewer(await makeStakeholder(app.db, StakeholderKind.PATIENT))],
  ])('refuses %s with FORBIDDEN and writes nothing', async (_who, viewer) => {
    const w = await world();
    const who = await viewer(w);
    const before = await tableSnapshot(app.db);
    const result = await app.run(ASSESS, assess(w.partnership, w.partnership.version, [{ criterion: C.SHARED_PURPOSE, score: 3 }]), who);
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it('refuses an engagement manager of a former member', async () => {
    const [lead, member, gone] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [
      { stakeholder: lead },
      { stakeholder: member },
      { stakeholder: gone, joinedAt: '2024-01-01', leftAt: '2024-06-01' },
    ]);
    const result = await app.run(ASSESS, assess(partnership, partnership.version, [{ criterion: C.SHARED_PURPOSE, score: 3 }]), em(gone));
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
  });

  it('answers NOT_FOUND for a members-only partnership the viewer may not see, as for an unknown id', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { visibility: PartnershipVisibility.MEMBERS });
    const result = dataOf<AssessOut>(await app.run(ASSESS, assess(partnership, 1, [{ criterion: C.SHARED_PURPOSE, score: 3 }]), em(outsider)));
    expect(result.assessPartnershipQuality.userErrors.map((e) => [e.code, e.field])).toEqual([['NOT_FOUND', 'input.partnershipId']]);
  });

  it('answers CONFLICT for a stale version and writes nothing', async () => {
    const { lead, partnership } = await world();
    const before = await tableSnapshot(app.db);
    const result = dataOf<AssessOut>(await app.run(ASSESS, assess(partnership, partnership.version + 1, [{ criterion: C.SHARED_PURPOSE, score: 3 }]), em(lead)));
    expect(result.assessPartnershipQuality.partnership).toBeNull();
    expect(result.assessPartnershipQuality.userErrors.map((e) => [e.code, e.field])).toEqual([['CONFLICT', 'input.version']]);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });

  it('lets two assessors of one version race: one wins, the other hears CONFLICT', async () => {
    const { lead, member, partnership } = await world();
    const input = assess(partnership, partnership.version, [{ criterion: C.SHARED_PURPOSE, score: 3 }]);
    const results = await Promise.all([app.run<AssessOut>(ASSESS, input, em(lead)), app.run<AssessOut>(ASSESS, input, em(member))]);
    const codes = results.map((r) => dataOf(r).assessPartnershipQuality.userErrors.map((e) => e.code).join()).sort();
    expect(codes).toEqual(['', 'CONFLICT']);
    const [{ n }] = (await app.db.query(`SELECT count(*)::int AS n FROM partnership_assessment WHERE partnership_id = $1`, [partnership.id])) as { n: number }[];
    expect(n).toBe(1);
  });

  it.each([
    ['no score at all', [], [['BAD_USER_INPUT', 'input.scores']]],
    [
      'a criterion twice',
      [
        { criterion: C.SHARED_PURPOSE, score: 3 },
        { criterion: C.SHARED_PURPOSE, score: 2 },
      ],
      [['BAD_USER_INPUT', 'input.scores.1.criterion']],
    ],
    ['a score above 4', [{ criterion: C.TRANSPARENCY, score: 5 }], [['BAD_USER_INPUT', 'input.scores.0.score']]],
    ['a negative score', [{ criterion: C.TRANSPARENCY, score: -1 }], [['BAD_USER_INPUT', 'input.scores.0.score']]],
    [
      'evidence over 2,000 characters',
      [
        { criterion: C.TRANSPARENCY, score: 2, evidence: 'x'.repeat(2000) },
        { criterion: C.SHARED_PURPOSE, score: 2, evidence: '𠜎'.repeat(2001) },
      ],
      [['BAD_USER_INPUT', 'input.scores.1.evidence']],
    ],
  ] as const)('refuses %s with userErrors and writes nothing', async (_what, scores, expected) => {
    const { lead, partnership } = await world();
    const before = await tableSnapshot(app.db);
    const result = dataOf<AssessOut>(await app.run(ASSESS, assess(partnership, partnership.version, [...scores]), em(lead)));
    expect(result.assessPartnershipQuality.partnership).toBeNull();
    expect(result.assessPartnershipQuality.userErrors.map((e) => [e.code, e.field])).toEqual(expected);
    expect(await tableSnapshot(app.db)).toEqual(before);
  });
});

describe('history, the latest per assessor, and the patient member’s own view', () => {
  it('keeps every assessment, shows the latest of each member, and aggregates those', async () => {
    const { lead, member, patient, partnership } = await world();
    const run = async (viewer: Viewer, scores: { criterion: C; score: number }[]) => {
      const { version } = dataOf<PartnershipOut>(await app.run(QUALITY, { id: pid(partnership) }, admin())).partnership!;
      const out = dataOf<AssessOut>(await app.run(ASSESS, assess(partnership, version, scores), viewer)).assessPartnershipQuality;
      expect(out.userErrors).toEqual([]);
    };
    await run(em(lead), [{ criterion: C.SHARED_PURPOSE, score: 1 }]);
    await run(em(lead), [
      { criterion: C.SHARED_PURPOSE, score: 4 },
      { criterion: C.TRANSPARENCY, score: 2 },
    ]);
    await run(em(member), [
      { criterion: C.SHARED_PURPOSE, score: 3 },
      { criterion: C.RESPECT_AND_ACCESSIBILITY, score: 3 },
    ]);
    // The patient member gives their own view: kept apart as a patient's.
    await run(patientViewer(patient), [{ criterion: C.SHARED_PURPOSE, score: 0 }]);

    const p = dataOf<PartnershipOut>(await app.run(QUALITY, { id: pid(partnership) }, admin())).partnership!;
    expect(p.version).toBe(partnership.version + 4);
    expect(p.history).toHaveLength(4);
    expect(p.assessments.map((a) => a.perspective)).toEqual(['PATIENT', 'ORGANISATION', 'ORGANISATION']);
    expect(p.assessments.map((a) => a.assessor.id)).toEqual([patient, member, lead].map(gid));
    // Organisations: shared purpose (4 + 3) / 2, respect 3, transparency 2; overall their mean.
    close(criterion(p.organisations, C.SHARED_PURPOSE)?.score, 3.5);
    close(p.organisations.overall, (3.5 + 3 + 2) / 3);
    expect(p.organisations.assessors).toBe(2);
    // The patient's view alone.
    expect(p.patients).toMatchObject({ overall: 0, assessors: 1 });
    // Everyone: shared purpose (4 + 3 + 0) / 3, the superseded 1 not counted.
    expect(criterion(p.quality, C.SHARED_PURPOSE)).toEqual({ criterion: C.SHARED_PURPOSE, score: 7 / 3, assessments: 3 });
    close(p.quality.overall, (7 / 3 + 3 + 2) / 3);
    expect(p.quality.assessors).toBe(3);
    expect(p.quality.lastAssessedAt).toBe(p.assessments[0].assessedAt);
  });

  it("shows a patient assessor as any patient member is shown: to an organisation without the patient's consent, as an anonymous patient partner", async () => {
    const { lead, patient, partnership } = await world();
    await makeAssessment(app.db, partnership, patient, { [C.SHARED_PURPOSE]: 2 }, 1);
    const seen = dataOf<PartnershipOut>(await app.run(QUALITY, { id: pid(partnership) }, em(lead))).partnership!;
    expect(seen.assessments).toHaveLength(1);
    expect(seen.assessments[0].perspective).toBe('PATIENT');
    expect(seen.assessments[0].assessor.name).toBe('Patient partner');
    expect(seen.assessments[0].assessor.id).toMatch(/^rp_/);
    // The patient sees their own assessment, as themself.
    const own = dataOf<PartnershipOut>(await app.run(QUALITY, { id: pid(partnership) }, patientViewer(patient))).partnership!;
    expect(own.assessments[0].assessor.name).toBe(patient.pseudonym);
  });

  it('is visible with its partnership only', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { visibility: PartnershipVisibility.MEMBERS });
    await makeAssessment(app.db, partnership, a, { [C.SHARED_PURPOSE]: 2 }, 1);
    expect(dataOf<PartnershipOut>(await app.run(QUALITY, { id: pid(partnership) }, em(outsider))).partnership).toBeNull();
    expect(dataOf<PartnershipOut>(await app.run(QUALITY, { id: pid(partnership) }, viewerOf(Role.PARTNER, { orgId: b.id }))).partnership?.assessments).toHaveLength(1);
  });
});

describe('reading quality over a list', () => {
  it('costs the same statements for 2 partnerships as for 10 (assessments and scores each one batch)', async () => {
    const area = `stmt-${Math.random().toString(36).slice(2, 8)}`;
    const LIST = `query QualityList($area: String!) { partnerships(first: 20, filter: { therapeuticAreas: [$area] }) { edges { node {
      quality { overall byCriterion { criterion score } } assessments { perspective assessor { name } scores { criterion score } } } } } }`;
    const counted = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const [a, b] = [await company(), await company()];
        const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }], { therapeuticArea: `${area}-${n}` });
        await makeAssessment(app.db, partnership, a, { [C.SHARED_PURPOSE]: 3, [C.TRANSPARENCY]: 1 }, 3);
        await makeAssessment(app.db, partnership, b, { [C.SHARED_PURPOSE]: 2 }, 2);
      }
      const { result, statements } = await app.runCounted<{ partnerships: { edges: unknown[] } }>(LIST, { area: `${area}-${n}` }, admin());
      expect(dataOf(result).partnerships.edges).toHaveLength(n);
      return statements.length;
    };
    const two = await counted(2);
    expect(await counted(10)).toBe(two);
  });
});

describe('metrics.quality on a hand-built world', () => {
  const X = 'qa-respiratory';
  const Y = 'qa-oncology';
  const FILTER = { filter: { therapeuticAreas: [X, Y] } };
  const METRICS = `query QualityMetrics($filter: MetricsFilter) { metrics(filter: $filter) { quality {
    byCriterion { criterion assessments score patientAssessments { value suppressed } patientScore }
    byStage { stage partnerships assessed overall byCriterion { criterion assessments score patientAssessments { value suppressed } patientScore } }
    byTherapeuticArea { therapeuticArea partnerships assessed overall byCriterion { criterion patientAssessments { value suppressed } } }
    recentlyAssessed { partnerships assessed share }
    fulfilmentByQuality { band partnerships commitments onTime onTimeRate }
    fulfilmentCorrelation
  } } }`;
  interface Figure {
    criterion: C;
    assessments?: number;
    score?: number | null;
    patientAssessments: { value: number | null; suppressed: boolean };
    patientScore?: number | null;
  }
  interface Group {
    partnerships: number;
    assessed: number;
    overall: number | null;
    byCriterion: Figure[];
  }
  interface MetricsOut {
    metrics: {
      quality: {
        byCriterion: Figure[];
        byStage: (Group & { stage: DevelopmentStage })[];
        byTherapeuticArea: (Group & { therapeuticArea: string })[];
        recentlyAssessed: { partnerships: number; assessed: number; share: number | null };
        fulfilmentByQuality: { band: string; partnerships: number; commitments: number; onTime: number; onTimeRate: number | null }[];
        fulfilmentCorrelation: number | null;
      };
    };
  }
  const ask = async (viewer: Viewer) => dataOf<MetricsOut>(await app.run(METRICS, FILTER, viewer)).metrics.quality;
  const fig = (figures: Figure[], c: C) => figures.find((f) => f.criterion === c) as Figure;

  /**
   * A, B, C companies, PO a patient organisation, patients p1–p7. Partnerships (ACTIVE unless told):
   * Q1 DISCOVERY X: A, B, p1–p6; Q2 DISCOVERY Y: A, C; Q3 PROTOCOL_DESIGN X: B, C, p7;
   * Q4 TRIAL_CONDUCT Y: A, PO (never assessed); Q5 CONCLUDED POST_LAUNCH X: A, B.
   * Latest assessments: Q1 A (SP 4, TR 2; an older one of SP 1 superseded), B (SP 3, RA 3),
   * p1–p6 (SP 4 4 3 3 2 2); Q2 A (SP 1, TR 1); Q3 C (SP 2, RR 4), p7 (SP 0); Q5 B 800 days ago (SP 4).
   * Organisations' overall: Q1 (3.5 + 3 + 2) / 3, Q2 1, Q3 3, Q5 4.
   */
  let patientKeys: number[];
  let c: Stakeholder;
  beforeAll(async () => {
    const [a, b] = [await company(), await company()];
    c = await company();
    const po = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const patients: Stakeholder[] = [];
    for (let i = 0; i < 7; i++) patients.push(await makeStakeholder(app.db, StakeholderKind.PATIENT));
    const active = PartnershipStatus.ACTIVE;
    const make = async (members: Stakeholder[], fields: Partial<Partnership>) =>
      (
        await makePartnership(
          app.db,
          members.map((s, i) => ({ stakeholder: s, role: i === 0 ? MemberRole.LEAD : s.kind === StakeholderKind.PATIENT ? MemberRole.PATIENT_PARTNER : MemberRole.MEMBER })),
          { status: active, ...fields },
        )
      ).partnership;
    const q1 = await make([a, b, ...patients.slice(0, 6)], { developmentStage: DevelopmentStage.DISCOVERY, therapeuticArea: X });
    const q2 = await make([a, c], { developmentStage: DevelopmentStage.DISCOVERY, therapeuticArea: Y });
    const q3 = await make([b, c, patients[6]], { developmentStage: DevelopmentStage.PROTOCOL_DESIGN, therapeuticArea: X });
    const q4 = await make([a, po], { developmentStage: DevelopmentStage.TRIAL_CONDUCT, therapeuticArea: Y });
    const q5 = await make([a, b], { status: PartnershipStatus.CONCLUDED, developmentStage: DevelopmentStage.POST_LAUNCH, therapeuticArea: X });

    await makeAssessment(app.db, q1, a, { [C.SHARED_PURPOSE]: 1 }, 400);
    await makeAssessment(app.db, q1, a, { [C.SHARED_PURPOSE]: 4, [C.TRANSPARENCY]: 2 }, 30);
    await makeAssessment(app.db, q1, b, { [C.SHARED_PURPOSE]: 3, [C.RESPECT_AND_ACCESSIBILITY]: 3 }, 20);
    patientKeys = [];
    for (const [i, score] of [4, 4, 3, 3, 2, 2].entries()) {
      patientKeys.push((await makeAssessment(app.db, q1, patients[i], { [C.SHARED_PURPOSE]: score }, 10)).recordKey);
    }
    await makeAssessment(app.db, q2, a, { [C.SHARED_PURPOSE]: 1, [C.TRANSPARENCY]: 1 }, 60);
    await makeAssessment(app.db, q3, c, { [C.SHARED_PURPOSE]: 2, [C.ROLES_AND_RESPONSIBILITIES]: 4 }, 100);
    patientKeys.push((await makeAssessment(app.db, q3, patients[6], { [C.SHARED_PURPOSE]: 0 }, 5)).recordKey);
    await makeAssessment(app.db, q5, b, { [C.SHARED_PURPOSE]: 4 }, 800);

    // Commitments between organisations (and one of a patient, left out): due in the past unless told.
    const due = '2026-01-15';
    const onTime = { status: CommitmentStatus.FULFILLED, dueDate: due, fulfilledAt: new Date('2026-01-10T12:00:00Z') };
    await makeCommitment(app.db, a, { partnershipId: q1.id, ...onTime });
    await makeCommitment(app.db, b, { partnershipId: q1.id, status: CommitmentStatus.MISSED, dueDate: due });
    await makeCommitment(app.db, a, { partnershipId: q2.id, status: CommitmentStatus.MISSED, dueDate: due });
    await makeCommitment(app.db, a, { partnershipId: q2.id, status: CommitmentStatus.OPEN, dueDate: '2099-01-01' });
    await makeCommitment(app.db, c, { partnershipId: q3.id, ...onTime });
    await makeCommitment(app.db, patients[6], { partnershipId: q3.id, status: CommitmentStatus.MISSED, dueDate: due });
    await makeCommitment(app.db, a, { partnershipId: q4.id, ...onTime });
    await makeCommitment(app.db, a, { partnershipId: q4.id, status: CommitmentStatus.WITHDRAWN, dueDate: due });
  });

  const q1Overall = (3.5 + 3 + 2) / 3;

  it('gives ADMIN exact figures: by criterion, stage and area, coverage, and the relation with fulfilment', async () => {
    const q = await ask(admin());
    expect(fig(q.byCriterion, C.SHARED_PURPOSE)).toEqual({
      criterion: C.SHARED_PURPOSE,
      assessments: 5,
      score: (4 + 3 + 1 + 2 + 4) / 5,
      patientAssessments: { value: 7, suppressed: false },
      patientScore: 18 / 7,
    });
    expect(fig(q.byCriterion, C.TRANSPARENCY)).toMatchObject({ assessments: 2, score: 1.5, patientAssessments: { value: 0, suppressed: false }, patientScore: null });
    expect(fig(q.byCriterion, C.REPRESENTATIVENESS)).toMatchObject({ assessments: 0, score: null });
    expect(q.byCriterion.map((f) => f.criterion)).toEqual(Object.values(C));

    expect(q.byStage.map((s) => [s.stage, s.partnerships, s.assessed])).toEqual([
      ['DISCOVERY', 2, 2],
      ['PROTOCOL_DESIGN', 1, 1],
      ['TRIAL_CONDUCT', 1, 0],
      ['REGULATORY_SUBMISSION', 0, 0],
      ['HTA_APPRAISAL', 0, 0],
      ['POST_LAUNCH', 1, 1],
    ]);
    close(q.byStage[0].overall, (q1Overall + 1) / 2);
    expect(q.byStage.map((s) => s.overall).slice(1)).toEqual([3, null, null, null, 4]);
    expect(fig(q.byStage[0].byCriterion, C.SHARED_PURPOSE)).toMatchObject({ assessments: 3, patientAssessments: { value: 6, suppressed: false }, patientScore: 3 });
    expect(fig(q.byStage[1].byCriterion, C.SHARED_PURPOSE)).toMatchObject({ assessments: 1, patientAssessments: { value: 1, suppressed: false }, patientScore: 0 });

    expect(q.byTherapeuticArea.map((g) => [g.therapeuticArea, g.partnerships, g.assessed])).toEqual([
      [Y, 2, 1],
      [X, 3, 3],
    ]);
    close(q.byTherapeuticArea[1].overall, (q1Overall + 3 + 4) / 3);
    expect(q.byTherapeuticArea[0].overall).toBe(1);

    // ACTIVE: Q1–Q4; assessed by an organisation in the last 12 months: Q1, Q2, Q3.
    expect(q.recentlyAssessed).toEqual({ partnerships: 4, assessed: 3, share: 0.75 });

    expect(q.fulfilmentByQuality).toEqual([
      { band: 'HIGH', partnerships: 2, commitments: 1, onTime: 1, onTimeRate: 1 },
      { band: 'MEDIUM', partnerships: 1, commitments: 2, onTime: 1, onTimeRate: 0.5 },
      { band: 'LOW', partnerships: 1, commitments: 2, onTime: 0, onTimeRate: 0 },
      { band: 'NOT_ASSESSED', partnerships: 1, commitments: 1, onTime: 1, onTimeRate: 1 },
    ]);
    // Pearson's r over Q1 (2.83, 0.5), Q2 (1, 0), Q3 (3, 1).
    const xs = [q1Overall, 1, 3];
    const ys = [0.5, 0, 1];
    const mx = xs.reduce((s, x) => s + x, 0) / 3;
    const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - 0.5), 0);
    const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    close(q.fulfilmentCorrelation, sxy / Math.sqrt(sxx * 0.5));
  });

  it("suppresses and perturbs patients' assessments for everyone but ADMIN; organisations' figures stay exact", async () => {
    const q = await ask(viewerOf(Role.ANALYST));
    // Seven patients' assessments of shared purpose: perturbed, keyed by those assessments.
    const key = patientKeys.reduce((s, k) => s + k, 0) % 1;
    const seven = 7 + perturbation(7, key);
    expect(fig(q.byCriterion, C.SHARED_PURPOSE)).toEqual({
      criterion: C.SHARED_PURPOSE,
      assessments: 5,
      score: 2.8,
      patientAssessments: { value: seven, suppressed: false },
      patientScore: 2.6,
    });
    expect(fig(q.byCriterion, C.TRANSPARENCY).patientAssessments).toEqual({ value: 0, suppressed: false });
    // By stage: PROTOCOL_DESIGN holds one patient's assessment (withheld), and DISCOVERY's six go with it (the sum is known).
    expect(fig(q.byStage[1].byCriterion, C.SHARED_PURPOSE)).toMatchObject({ patientAssessments: { value: null, suppressed: true }, patientScore: null });
    expect(fig(q.byStage[0].byCriterion, C.SHARED_PURPOSE)).toMatchObject({ patientAssessments: { value: null, suppressed: true }, patientScore: null });
    expect(fig(q.byStage[0].byCriterion, C.SHARED_PURPOSE).assessments).toBe(3);
    // By area: X holds the same seven as the whole (the same cell), Y none.
    expect(q.byTherapeuticArea.map((g) => fig(g.byCriterion, C.SHARED_PURPOSE).patientAssessments)).toEqual([
      { value: 0, suppressed: false },
      { value: seven, suppressed: false },
    ]);
    expect(q.recentlyAssessed).toEqual({ partnerships: 4, assessed: 3, share: 0.75 });
    expect(q.fulfilmentByQuality.map((b) => b.partnerships)).toEqual([2, 1, 1, 1]);
  });

  it('counts for an engagement manager only the partnerships their organisation takes part in', async () => {
    const q = await ask(em(c));
    // Q2 (A's 1) and Q3 (C's 2); p7's one assessment is withheld.
    expect(fig(q.byCriterion, C.SHARED_PURPOSE)).toEqual({
      criterion: C.SHARED_PURPOSE,
      assessments: 2,
      score: 1.5,
      patientAssessments: { value: null, suppressed: true },
      patientScore: null,
    });
    expect(q.recentlyAssessed).toEqual({ partnerships: 2, assessed: 2, share: 1 });
  });

  it('is refused to partners and patients, as every metric', async () => {
    expect(errorCodes(await app.run(METRICS, FILTER, viewerOf(Role.PARTNER, { orgId: c.id })))).toEqual(['FORBIDDEN']);
  });
});
