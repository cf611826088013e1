import type { Context } from '../../graphql/context';
import { forbidden } from '../../graphql/errors';
import { DevelopmentStage } from '../partnership/partnership.entity';
import { StakeholderKind } from '../stakeholder/stakeholder.entity';
import type {
  AreaInvolvement,
  CommitmentFulfilment,
  ContractCount,
  Involvement,
  KindCount,
  Metrics,
  MonthlyInteractionCount,
  OrganisationFulfilment,
  PartnershipCount,
  PartnershipFulfilment,
  PatientCommitmentFulfilment,
  PatientInvolvement,
  QuarterInvolvement,
  StageInvolvement,
  SuppressedCount,
} from './metrics.types';
import { cellKey, coarsePeriod, notAboutPatients, publishCells, publishSum } from './perturbation';

/** Stages before TRIAL_CONDUCT: involvement there is "early". */
const EARLY_STAGES = [DevelopmentStage.DISCOVERY, DevelopmentStage.PROTOCOL_DESIGN];

/**
 * The WHERE of one metric's query: the period, the filter and who is asking, as SQL over one
 * record type. ADMIN and ANALYST count the whole alliance (figures only, suppressed below); an
 * ENGAGEMENT_MANAGER counts the records they may see that their own organisation takes part in.
 * Exported for the other figures of `Metrics` (quality.service.ts).
 */
export class Where {
  readonly params: Record<string, unknown>;
  readonly whole: boolean;

  constructor(
    private readonly ctx: Context,
    private readonly m: Metrics,
  ) {
    const f = m.filter;
    this.whole = ctx.scope.reporting.whole;
    this.params = {
      from: m.from,
      to: m.to,
      fCountries: f?.countries ?? null,
      fKinds: f?.stakeholderKinds ?? null,
      fAreas: f?.therapeuticAreas ?? null,
      fTypes: f?.partnershipTypes ?? null,
    };
  }

  /** `column` (a timestamp) within [from, to). */
  period(column: string): string[] {
    return [this.m.from ? `${column} >= :from` : null, this.m.to ? `${column} < :to` : null].filter((c) => c !== null);
  }

  /** `column` (a date) on the UTC days from `from` up to, not including, the day of `to`. */
  datePeriod(column: string): string[] {
    return [
      this.m.from ? `${column} >= (CAST(:from AS timestamptz) AT TIME ZONE 'UTC')::date` : null,
      this.m.to ? `${column} < (CAST(:to AS timestamptz) AT TIME ZONE 'UTC')::date` : null,
    ].filter((c) => c !== null);
  }

  /** The filter's stakeholder part (countries, kinds) on stakeholder row `s`; null when it has none. */
  stakeholderMatch(s: string): string | null {
    const f = this.m.filter;
    const parts = [
      f?.countries?.length ? `${s}.country::text = ANY(:fCountries)` : null,
      f?.stakeholderKinds?.length ? `${s}.kind = ANY(:fKinds)` : null,
    ].filter((c) => c !== null);
    return parts.length ? parts.join(' AND ') : null;
  }

  /** The filter's partnership part (areas, types) on partnership row `p`; null when it has none. */
  partnershipMatch(p: string): string | null {
    const f = this.m.filter;
    const parts = [
      f?.therapeuticAreas?.length ? `${p}.therapeutic_area = ANY(:fAreas)` : null,
      f?.partnershipTypes?.length ? `${p}.type = ANY(:fTypes)` : null,
    ].filter((c) => c !== null);
    return parts.length ? parts.join(' AND ') : null;
  }

  /** Records tied to a partnership (by `expr`) that matches the partnership filter. */
  private viaPartnership(expr: string): string[] {
    const match = this.partnershipMatch('f_p');
    return match ? [`EXISTS (SELECT 1 FROM partnership f_p WHERE f_p.id = ${expr} AND ${match})`] : [];
  }

  stakeholder(s: string): string[] {
    const scope = this.ctx.scope;
    const match = this.stakeholderMatch(s);
    const inPartnership = this.partnershipMatch('f_p');
    const where = [`${s}.archived_at IS NULL`, ...this.period(`${s}.created_at`), ...(match ? [match] : [])];
    if (inPartnership) {
      where.push(`EXISTS (SELECT 1 FROM partnership_member f_m JOIN partnership f_p ON f_p.id = f_m.partnership_id
        WHERE f_m.stakeholder_id = ${s}.id AND ${inPartnership}${this.whole ? '' : ` AND ${scope.rule('Partnership', 'f_p')}`})`);
    }
    // Own organisation and the stakeholders it shares a visible partnership with.
    if (!this.whole) {
      where.push(`(${s}.id = :vOrg OR EXISTS (SELECT 1 FROM partnership_member o_a
        JOIN partnership_member o_b ON o_b.partnership_id = o_a.partnership_id JOIN partnership o_p ON o_p.id = o_a.partnership_id
        WHERE o_a.stakeholder_id = :vOrg AND o_b.stakeholder_id = ${s}.id AND ${scope.rule('Partnership', 'o_p')}))`);
    }
    return where;
  }

  partnership(p: string): string[] {
    const match = this.stakeholderMatch('f_s');
    const own = this.partnershipMatch(p);
    const where = [...this.period(`${p}.created_at`), ...(own ? [own] : [])];
    if (match) {
      where.push(`EXISTS (SELECT 1 FROM partnership_member f_m JOIN stakeholder f_s ON f_s.id = f_m.stakeholder_id
        WHERE f_m.partnership_id = ${p}.id AND ${match})`);
    }
    if (!this.whole) {
      where.push(this.ctx.scope.rule('Partnership', p));
      where.push(`EXISTS (SELECT 1 FROM partnership_member o_m WHERE o_m.partnership_id = ${p}.id AND o_m.stakeholder_id = :vOrg)`);
    }
    return where;
  }

  contract(c: string): string[] {
    const match = this.stakeholderMatch('f_s');
    const where = [...this.period(`${c}.created_at`), ...this.viaPartnership(`${c}.partnership_id`)];
    if (match) {
      where.push(`EXISTS (SELECT 1 FROM contract_party f_cp JOIN stakeholder f_s ON f_s.id = f_cp.stakeholder_id
        WHERE f_cp.contract_id = ${c}.id AND ${match})`);
    }
    if (!this.whole) {
      where.push(this.ctx.scope.rule('Contract', c));
      where.push(`EXISTS (SELECT 1 FROM contract_party o_cp WHERE o_cp.contract_id = ${c}.id AND o_cp.stakeholder_id = :vOrg)`);
    }
    return where;
  }

  interaction(i: string): string[] {
    const match = this.stakeholderMatch('f_s');
    const where = [...this.period(`${i}.occurred_at`), ...this.viaPartnership(`${i}.partnership_id`)];
    if (match) {
      where.push(`EXISTS (SELECT 1 FROM interaction_participant f_ip JOIN stakeholder f_s ON f_s.id = f_ip.stakeholder_id
        WHERE f_ip.interaction_id = ${i}.id AND ${match})`);
    }
    if (!this.whole) {
      where.push(this.ctx.scope.rule('Interaction', i));
      where.push(`(${i}.recorded_by_org_id = :vOrg OR EXISTS (SELECT 1 FROM interaction_participant o_ip
        WHERE o_ip.interaction_id = ${i}.id AND o_ip.stakeholder_id = :vOrg))`);
    }
    return where;
  }

  commitment(k: string): string[] {
    const match = this.stakeholderMatch('f_s');
    const where = [`${k}.status <> 'WITHDRAWN'`, ...this.datePeriod(`${k}.due_date`), ...this.viaPartnership(`${k}.partnership_id`)];
    if (match) {
      where.push(`EXISTS (SELECT 1 FROM stakeholder f_s WHERE f_s.id IN (${k}.committer_id, ${k}.beneficiary_id) AND ${match})`);
    }
    if (!this.whole) {
      where.push(this.ctx.scope.rule('Commitment', k));
      where.push(`(${k}.committer_id = :vOrg OR ${k}.beneficiary_id = :vOrg)`);
    }
    return where;
  }
}

export const and = (conditions: string[]): string => (conditions.length ? conditions.join(' AND ') : 'TRUE');

async function rows<T>(ctx: Context, where: Where, sql: string, extra: Record<string, unknown> = {}): Promise<T[]> {
  return ctx.scope.sql<T>(sql, { ...where.params, ...extra });
}

/**
 * The involvement rows of one breakdown, published. Its sum is taken as known: every breakdown
 * (stage, area, quarter) covers the same partnerships as another whenever all of them have a
 * stage or an area (partnershipsBy tells), and then their sums are equal.
 */
function involvements(ctx: Context, found: readonly InvolvementRow[]): Involvement[] {
  const published = publishCells(
    ctx.scope.reporting,
    found.map((r) => ({ value: r.involved, of: r.partnerships, key: r.key })),
    true,
  );
  return found.map((r, i) => involvement(r.partnerships, published[i]));
}

export const metricsService = {
  /**
   * The question, checked: for everyone but ADMIN a filter on patients is refused (FORBIDDEN),
   * since every count under it would be a patient count, and the period is widened to whole UTC
   * months (perturbation.ts `coarsePeriod`), which `from` and `to` then echo.
   */
  ask(ctx: Context, m: Metrics): Metrics {
    if (!ctx.scope.reporting.mayBreakDownPatients && m.filter?.stakeholderKinds?.includes(StakeholderKind.PATIENT)) {
      throw forbidden('Only ADMIN may filter metrics on patients; patients are counted in stakeholdersByKind.');
    }
    return { ...m, ...coarsePeriod(ctx.scope.reporting, m.from, m.to) };
  },

  /** Stakeholders (not archived) created within the period, by kind and country. */
  async stakeholdersByKind(ctx: Context, m: Metrics): Promise<KindCount[]> {
    const where = new Where(ctx, m);
    const found = await rows<{ kind: StakeholderKind; country: string | null; n: number; key: number }>(
      ctx,
      where,
      `SELECT s.kind, s.country::text AS country, count(*)::int AS n, ${cellKey('s.record_key')} AS key
       FROM stakeholder s WHERE ${and(where.stakeholder('s'))}
       GROUP BY s.kind, s.country ORDER BY s.kind, s.country NULLS LAST`,
    );
    // No published figure sums patients across countries (a filter on patients is refused, and
    // the network counts stakeholders of every kind), so only the primary rule applies here.
    const patients = found.filter((r) => r.kind === StakeholderKind.PATIENT);
    const published = publishCells(
      ctx.scope.reporting,
      patients.map((r) => ({ value: r.n, key: r.key })),
      false,
    );
    return found.map((r) => ({
      kind: r.kind,
      country: r.country,
      count: r.kind === StakeholderKind.PATIENT ? published[patients.indexOf(r)] : notAboutPatients(r.n),
    }));
  },

  /** Partnerships created within the period, by type, status and development stage. */
  partnershipsBy(ctx: Context, m: Metrics): Promise<PartnershipCount[]> {
    const where = new Where(ctx, m);
    return rows<PartnershipCount>(
      ctx,
      where,
      `SELECT p.type, p.status, p.development_stage AS stage, count(*)::int AS count FROM partnership p
       WHERE ${and(where.partnership('p'))} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 NULLS LAST`,
    );
  },

  /** Contracts created within the period, by kind and status. */
  contractsBy(ctx: Context, m: Metrics): Promise<ContractCount[]> {
    const where = new Where(ctx, m);
    return rows<ContractCount>(
      ctx,
      where,
      `SELECT c.kind, c.status, count(*)::int AS count FROM contract c WHERE ${and(where.contract('c'))} GROUP BY 1, 2 ORDER BY 1, 2`,
    );
  },

  /**
   * Interactions that occurred within the period, by UTC calendar month, kind and whether a
   * patient took part: the counts of interactions with a patient participant are patient cells.
   */
  async interactionsPerMonth(ctx: Context, m: Metrics): Promise<MonthlyInteractionCount[]> {
    const where = new Where(ctx, m);
    const found = await rows<{ month: string; kind: MonthlyInteractionCount['kind']; with_patients: boolean; n: number; key: number }>(
      ctx,
      where,
      `SELECT to_char(date_trunc('month', i.occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, i.kind, ip.with_patients,
         count(*)::int AS n, ${cellKey('i.record_key')} AS key
       FROM interaction i CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM interaction_participant pp JOIN stakeholder ps ON ps.id = pp.stakeholder_id
         WHERE pp.interaction_id = i.id AND ps.kind = 'PATIENT') AS with_patients) ip
       WHERE ${and(where.interaction('i'))} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    // No published figure sums patient interactions over months or kinds: the primary rule only.
    const patients = found.filter((r) => r.with_patients);
    const published = publishCells(
      ctx.scope.reporting,
      patients.map((r) => ({ value: r.n, key: r.key })),
      false,
    );
    return found.map((r) => ({
      month: r.month,
      kind: r.kind,
      withPatients: r.with_patients,
      count: r.with_patients ? published[patients.indexOf(r)] : notAboutPatients(r.n),
    }));
  },

  /** On-time rate, overdue count and median days to fulfil of the commitments due within the period. */
  async commitmentFulfilment(ctx: Context, m: Metrics): Promise<CommitmentFulfilment> {
    const where = new Where(ctx, m);
    const [r] = await rows<FulfilmentRow>(ctx, where, `SELECT ${FULFILMENT} FROM commitment k ${PATIENT_PARTY} WHERE ${and(where.commitment('k'))}`);
    return fulfilment(ctx, r);
  },

  /** The same per committing organisation (patients, who are not organisations, left out), by name. */
  async fulfilmentByOrganisation(ctx: Context, m: Metrics): Promise<OrganisationFulfilment[]> {
    const where = new Where(ctx, m);
    const found = await rows<FulfilmentRow & { key: string }>(
      ctx,
      where,
      `SELECT k.committer_id AS key, ${FULFILMENT} FROM commitment k JOIN stakeholder o ON o.id = k.committer_id ${PATIENT_PARTY}
       WHERE o.kind <> 'PATIENT' AND ${and(where.commitment('k'))} GROUP BY k.committer_id, o.name ORDER BY o.name, k.committer_id`,
    );
    return found.map((r) => ({ organisationId: r.key, fulfilment: fulfilment(ctx, r) }));
  },

  /**
   * The same per partnership, by title. A breakdown that names a partnership lists only those
   * the viewer may see, whatever their role.
   */
  async fulfilmentByPartnership(ctx: Context, m: Metrics): Promise<PartnershipFulfilment[]> {
    const where = new Where(ctx, m);
    const found = await rows<FulfilmentRow & { key: string }>(
      ctx,
      where,
      `SELECT kp.id AS key, ${FULFILMENT} FROM commitment k JOIN partnership kp ON kp.id = k.partnership_id ${PATIENT_PARTY}
       WHERE ${ctx.scope.rule('Partnership', 'kp')} AND ${and(where.commitment('k'))} GROUP BY kp.id, kp.title ORDER BY kp.title, kp.id`,
    );
    return found.map((r) => ({ partnershipId: r.key, fulfilment: fulfilment(ctx, r) }));
  },

  /**
   * Share of partnerships (created within the period, with a development stage) that involve
   * patients, by stage, and before TRIAL_CONDUCT.
   */
  async patientInvolvement(ctx: Context, m: Metrics): Promise<PatientInvolvement> {
    const where = new Where(ctx, m);
    const found = await rows<InvolvementRow & { stage: DevelopmentStage }>(
      ctx,
      where,
      `${involvedPartnerships(where)}
       SELECT st.stage, count(p.stage)::int AS partnerships, count(p.stage) FILTER (WHERE p.involved)::int AS involved,
         ${cellKey('p.record_key', 'p.involved')} AS key
       FROM unnest(CAST(:stages AS text[])) WITH ORDINALITY AS st(stage, ord) LEFT JOIN p ON p.stage = st.stage
       GROUP BY st.stage, st.ord ORDER BY st.ord`,
      { stages: Object.values(DevelopmentStage) },
    );
    const byStage: StageInvolvement[] = involvements(ctx, found).map((figure, i) => ({ stage: found[i].stage, ...figure }));
    const early = found.filter((r) => EARLY_STAGES.includes(r.stage));
    const partnerships = early.reduce((sum, r) => sum + r.partnerships, 0);
    const involved = early.reduce((sum, r) => sum + r.involved, 0);
    // The sum of the parts as published; withheld whenever a part is (rule 4).
    const parts = byStage.filter((s) => EARLY_STAGES.includes(s.stage)).map((s) => s.withPatients);
    const earlyFigure = involvement(partnerships, publishSum(ctx.scope.reporting, parts, { value: involved, of: partnerships }));
    return { metrics: m, byStage, early: earlyFigure, earlyShare: earlyFigure.share };
  },

  /** The involvement index of the partnerships (with or without a stage) of each therapeutic area. */
  async involvementByArea(ctx: Context, m: Metrics): Promise<AreaInvolvement[]> {
    const where = new Where(ctx, m);
    const found = await rows<InvolvementRow & { area: string }>(
      ctx,
      where,
      `${involvedPartnerships(where)}
       SELECT p.area, count(*)::int AS partnerships, count(*) FILTER (WHERE p.involved)::int AS involved,
         ${cellKey('p.record_key', 'p.involved')} AS key
       FROM p WHERE p.area IS NOT NULL GROUP BY p.area ORDER BY p.area`,
    );
    return involvements(ctx, found).map((figure, i) => ({ therapeuticArea: found[i].area, ...figure }));
  },

  /** The involvement index of the partnerships (with or without a stage) created in each UTC quarter. */
  async involvementByQuarter(ctx: Context, m: Metrics): Promise<QuarterInvolvement[]> {
    const where = new Where(ctx, m);
    const found = await rows<InvolvementRow & { quarter: string }>(
      ctx,
      where,
      `${involvedPartnerships(where)}
       SELECT to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-"Q"Q') AS quarter, count(*)::int AS partnerships,
         count(*) FILTER (WHERE p.involved)::int AS involved, ${cellKey('p.record_key', 'p.involved')} AS key
       FROM p GROUP BY 1 ORDER BY 1`,
    );
    return involvements(ctx, found).map((figure, i) => ({ quarter: found[i].quarter, ...figure }));
  },
};

const TODAY = `(now() AT TIME ZONE 'UTC')::date`;

/**
 * A lateral join over commitments `k`: `kpat.patient` tells a commitment made by or to a patient
 * (a patient record: its counts are patient cells) from one between organisations.
 */
const PATIENT_PARTY = `CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM stakeholder kps
  WHERE kps.id IN (k.committer_id, k.beneficiary_id) AND kps.kind = 'PATIENT') AS patient) kpat`;

/** The counts of fulfilment, each a condition on commitments `k`. */
const COUNTS = {
  total: 'TRUE',
  fulfilled: `k.status = 'FULFILLED'`,
  on_time: `k.status = 'FULFILLED' AND (k.fulfilled_at AT TIME ZONE 'UTC')::date <= k.due_date`,
  due: `k.due_date IS NOT NULL AND (k.status IN ('FULFILLED', 'MISSED') OR k.due_date < ${TODAY})`,
  overdue: `k.status IN ('OPEN', 'IN_PROGRESS') AND k.due_date < ${TODAY}`,
} as const;
type CountName = keyof typeof COUNTS;

/**
 * The aggregates of commitment fulfilment over commitments `k` (joined with PATIENT_PARTY): the
 * counts between organisations (`o_…`) and their median days to fulfil; the counts of patient
 * commitments (`p_…`), each with its cell key (`p_…_key`).
 */
const FULFILMENT = [
  ...Object.entries(COUNTS).map(([name, when]) => `count(*) FILTER (WHERE NOT kpat.patient AND ${when})::int AS o_${name}`),
  `percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM k.fulfilled_at - k.created_at) / 86400)::float8)
    FILTER (WHERE NOT kpat.patient AND k.status = 'FULFILLED') AS o_median`,
  ...Object.entries(COUNTS).flatMap(([name, when]) => [
    `count(*) FILTER (WHERE kpat.patient AND ${when})::int AS p_${name}`,
    `${cellKey('k.record_key', `kpat.patient AND ${when}`)} AS p_${name}_key`,
  ]),
].join(',\n  ');

type FulfilmentRow = Record<`o_${CountName}` | `p_${CountName}` | `p_${CountName}_key`, number> & { o_median: number | null };

function fulfilment(ctx: Context, r: FulfilmentRow): CommitmentFulfilment {
  const [total, fulfilled, onTime, due, overdue] = publishCells(
    ctx.scope.reporting,
    (['total', 'fulfilled', 'on_time', 'due', 'overdue'] as const).map((name) => ({ value: r[`p_${name}`], key: r[`p_${name}_key`] })),
    false,
  );
  const withPatients: PatientCommitmentFulfilment = {
    total,
    fulfilled,
    onTime,
    overdueCount: overdue,
    // Derived from the published counts (`due` itself is not published); a perturbed onTime may pass a perturbed due.
    onTimeRate: onTime.value !== null && due.value ? Math.min(1, onTime.value / due.value) : null,
  };
  return {
    total: r.o_total,
    fulfilled: r.o_fulfilled,
    onTime: r.o_on_time,
    onTimeRate: r.o_due ? r.o_on_time / r.o_due : null,
    overdueCount: r.o_overdue,
    medianDaysToFulfil: r.o_median,
    withPatients,
  };
}

interface InvolvementRow {
  partnerships: number;
  involved: number;
  /** The cell key of the involved partnerships. */
  key: number;
}

/**
 * CTE `p`: the partnerships in scope, each with whether it involves patients (a current
 * PATIENT_PARTNER member, or a current patient or patient-organisation member).
 */
function involvedPartnerships(where: Where): string {
  return `WITH p AS (
    SELECT p.development_stage AS stage, p.therapeutic_area AS area, p.created_at, p.record_key,
      EXISTS (SELECT 1 FROM partnership_member x JOIN stakeholder xs ON xs.id = x.stakeholder_id
        WHERE x.partnership_id = p.id AND x.left_at IS NULL
          AND (x.role = 'PATIENT_PARTNER' OR xs.kind IN ('PATIENT', 'PATIENT_ORGANISATION'))) AS involved
    FROM partnership p WHERE ${and(where.partnership('p'))})`;
}

function involvement(partnerships: number, withPatients: SuppressedCount): Involvement {
  const share = partnerships && withPatients.value !== null ? withPatients.value / partnerships : null;
  return { partnerships, withPatients, share };
}
