import type { Context } from '../../graphql/context';
import { DevelopmentStage } from '../partnership/partnership.entity';
import { QualityCriterion } from '../quality/quality.entity';
import { and, Where } from './metrics.service';
import type { Metrics } from './metrics.types';
import { cellKey, publishCells } from './perturbation';
import {
  QualityBand,
  type AreaQuality,
  type AssessmentCoverage,
  type CriterionFigure,
  type GroupQuality,
  type PartnershipQualityRow,
  type QualityBandFulfilment,
  type QualityMetrics,
  type StageQuality,
} from './quality.types';

const CRITERIA = Object.values(QualityCriterion);
const TODAY = `(now() AT TIME ZONE 'UTC')::date`;

/**
 * The CTEs every quality figure starts from (docs/metrics.md, "Quality"):
 * - `p`: the partnerships in scope (the filter and who is asking, as every metric; not the period);
 * - `l`: each assessor's latest assessment of one of them made within the period;
 * - `s`: their scores;
 * - `po`: each partnership's overall score over its member organisations' latest assessments (the
 *   mean of its criterion means, each criterion weighing the same), as Partnership.quality gives it
 *   with perspective ORGANISATION.
 */
function assessed(ctx: Context, m: Metrics): { sql: string; params: Record<string, unknown> } {
  // The period applies to the assessments, not to when the partnerships were created.
  const where = new Where(ctx, { ...m, from: null, to: null });
  const period = [m.from ? 'a.created_at >= :qFrom' : null, m.to ? 'a.created_at < :qTo' : null].filter((c) => c !== null);
  const sql = `WITH p AS MATERIALIZED (
      SELECT p.id, p.status, p.development_stage AS stage, p.therapeutic_area AS area FROM partnership p WHERE ${and(where.partnership('p'))}),
    l AS (SELECT DISTINCT ON (a.partnership_id, a.assessor_id) a.id, a.partnership_id, a.perspective, a.record_key
      FROM partnership_assessment a JOIN p ON p.id = a.partnership_id WHERE ${and(period)}
      ORDER BY a.partnership_id, a.assessor_id, a.created_at DESC, a.id DESC),
    s AS (SELECT l.partnership_id, l.perspective, l.record_key, sc.criterion, sc.score FROM l JOIN partnership_assessment_score sc ON sc.assessment_id = l.id),
    po AS (SELECT c.partnership_id, avg(c.mean) AS overall FROM (
      SELECT s.partnership_id, avg(s.score) AS mean FROM s WHERE s.perspective = 'ORGANISATION' GROUP BY s.partnership_id, s.criterion) c
      GROUP BY c.partnership_id)`;
  return { sql, params: { ...where.params, qFrom: m.from, qTo: m.to } };
}

interface GroupRow {
  g: string;
  partnerships: number;
  assessed: number;
  overall: number | null;
}
interface CellRow {
  g: string;
  criterion: QualityCriterion;
  o_n: number;
  o_mean: number | null;
  p_n: number;
  p_mean: number | null;
  p_key: number;
}

/**
 * The figures of each group `groupBy` (an SQL expression over `p`) makes, for `keys` in order
 * (missing groups are empty). Patients' counts of one criterion across the groups are one
 * breakdown (rules 1–3, sum known: it is the alliance-wide cell of that criterion whenever every
 * partnership has a group), perturbed and keyed by the assessments.
 */
async function groups(ctx: Context, m: Metrics, groupBy: string, keys: readonly string[] | null): Promise<(GroupQuality & { g: string })[]> {
  const { sql, params } = assessed(ctx, m);
  const [found, cells] = await Promise.all([
    ctx.scope.sql<GroupRow>(
      `${sql} SELECT ${groupBy} AS g, count(*)::int AS partnerships, count(po.overall)::int AS assessed, avg(po.overall)::float8 AS overall
       FROM p LEFT JOIN po ON po.partnership_id = p.id WHERE ${groupBy} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      params,
    ),
    ctx.scope.sql<CellRow>(
      `${sql} SELECT ${groupBy} AS g, s.criterion,
         count(*) FILTER (WHERE s.perspective = 'ORGANISATION')::int AS o_n, avg(s.score) FILTER (WHERE s.perspective = 'ORGANISATION')::float8 AS o_mean,
         count(*) FILTER (WHERE s.perspective = 'PATIENT')::int AS p_n, avg(s.score) FILTER (WHERE s.perspective = 'PATIENT')::float8 AS p_mean,
         ${cellKey('s.record_key', `s.perspective = 'PATIENT'`)} AS p_key
       FROM s JOIN p ON p.id = s.partnership_id WHERE ${groupBy} IS NOT NULL GROUP BY 1, 2`,
      params,
    ),
  ]);
  const order = keys ?? found.map((r) => r.g);
  const cell = (g: string, criterion: QualityCriterion): CellRow =>
    cells.find((c) => c.g === g && c.criterion === criterion) ?? { g, criterion, o_n: 0, o_mean: null, p_n: 0, p_mean: null, p_key: 0 };
  const figures = new Map<string, CriterionFigure[]>(order.map((g) => [g, []]));
  for (const criterion of CRITERIA) {
    const row = order.map((g) => cell(g, criterion));
    const published = publishCells(
      ctx.scope.reporting,
      row.map((c) => ({ value: c.p_n, key: c.p_key })),
      order.length > 1,
    );
    row.forEach((c, i) => {
      const patients = published[i];
      figures.get(c.g)?.push({
        criterion,
        assessments: c.o_n,
        score: c.o_mean,
        patientAssessments: patients,
        patientScore: patients.suppressed || c.p_mean === null ? null : ctx.scope.reporting.exact ? c.p_mean : Math.round(c.p_mean * 10) / 10,
      });
    });
  }
  return order.map((g) => {
    const r = found.find((f) => f.g === g);
    return { g, partnerships: r?.partnerships ?? 0, assessed: r?.assessed ?? 0, overall: r?.overall ?? null, byCriterion: figures.get(g) ?? [] };
  });
}

/** Each partnership in scope: its overall quality (organisations' view) and its commitments' fulfilment counts. */
function partnershipRows(ctx: Context, q: QualityMetrics): Promise<PartnershipQualityRow[]> {
  const m = q.metrics;
  const { sql, params } = assessed(ctx, m);
  const due = [
    m.from ? `k.due_date >= (CAST(:qFrom AS timestamptz) AT TIME ZONE 'UTC')::date` : null,
    m.to ? `k.due_date < (CAST(:qTo AS timestamptz) AT TIME ZONE 'UTC')::date` : null,
  ].filter((c) => c !== null);
  // The commitments between organisations of commitmentFulfilment (no patient committer or
  // beneficiary: those are patient records), of the partnership, due within the period.
  q.fulfilment ??= ctx.scope.sql<PartnershipQualityRow>(
    `${sql} SELECT po.overall::float8 AS overall, count(k.id)::int AS total,
       count(k.id) FILTER (WHERE k.due_date IS NOT NULL AND (k.status IN ('FULFILLED', 'MISSED') OR k.due_date < ${TODAY}))::int AS due,
       count(k.id) FILTER (WHERE k.status = 'FULFILLED' AND (k.fulfilled_at AT TIME ZONE 'UTC')::date <= k.due_date)::int AS on_time
     FROM p LEFT JOIN po ON po.partnership_id = p.id
       LEFT JOIN commitment k ON k.partnership_id = p.id AND k.status <> 'WITHDRAWN' AND ${and(due)}
         AND NOT EXISTS (SELECT 1 FROM stakeholder kps WHERE kps.id IN (k.committer_id, k.beneficiary_id) AND kps.kind = 'PATIENT')
     GROUP BY p.id, po.overall`,
    params,
  );
  return q.fulfilment;
}

/** The band of an overall score. */
export function bandOf(overall: number | null): QualityBand {
  if (overall === null) return QualityBand.NOT_ASSESSED;
  return overall >= 3 ? QualityBand.HIGH : overall >= 2 ? QualityBand.MEDIUM : QualityBand.LOW;
}

/** Pearson's correlation coefficient of paired values; null for fewer than 3 pairs or a constant side. */
export function pearson(pairs: readonly (readonly [number, number])[]): number | null {
  if (pairs.length < 3) return null;
  const mx = pairs.reduce((s, [x]) => s + x, 0) / pairs.length;
  const my = pairs.reduce((s, [, y]) => s + y, 0) / pairs.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

export const qualityMetricsService = {
  quality(m: Metrics): QualityMetrics {
    return { metrics: m };
  },

  /** Every criterion across the partnerships in scope. */
  async byCriterion(ctx: Context, q: QualityMetrics): Promise<CriterionFigure[]> {
    const [all] = await groups(ctx, q.metrics, `'all'`, ['all']);
    return all.byCriterion;
  },

  /** Every development stage, in development order (partnerships without a stage left out). */
  async byStage(ctx: Context, q: QualityMetrics): Promise<StageQuality[]> {
    const stages = Object.values(DevelopmentStage);
    return (await groups(ctx, q.metrics, 'p.stage', stages)).map(({ g, ...figure }) => ({ stage: g as DevelopmentStage, ...figure }));
  },

  /** Every therapeutic area present, by area (partnerships without one left out). */
  async byTherapeuticArea(ctx: Context, q: QualityMetrics): Promise<AreaQuality[]> {
    return (await groups(ctx, q.metrics, 'p.area', null)).map(({ g, ...figure }) => ({ therapeuticArea: g, ...figure }));
  },

  /** ACTIVE partnerships in scope, and those a member organisation assessed in the last 12 months (a snapshot: the period does not apply). */
  async recentlyAssessed(ctx: Context, q: QualityMetrics): Promise<AssessmentCoverage> {
    const where = new Where(ctx, { ...q.metrics, from: null, to: null });
    const [r] = await ctx.scope.sql<{ partnerships: number; assessed: number }>(
      `SELECT count(*)::int AS partnerships, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM partnership_assessment a
          WHERE a.partnership_id = p.id AND a.perspective = 'ORGANISATION' AND a.created_at > now() - interval '12 months'))::int AS assessed
       FROM partnership p WHERE p.status = 'ACTIVE' AND ${and(where.partnership('p'))}`,
      where.params,
    );
    return { ...r, share: r.partnerships ? r.assessed / r.partnerships : null };
  },

  /** Commitment fulfilment of the partnerships in each quality band. */
  async fulfilmentByQuality(ctx: Context, q: QualityMetrics): Promise<QualityBandFulfilment[]> {
    const found = await partnershipRows(ctx, q);
    return Object.values(QualityBand).map((band) => {
      const inBand = found.filter((r) => bandOf(r.overall) === band);
      const sum = (f: (r: PartnershipQualityRow) => number): number => inBand.reduce((s, r) => s + f(r), 0);
      const due = sum((r) => r.due);
      const onTime = sum((r) => r.on_time);
      return { band, partnerships: inBand.length, commitments: sum((r) => r.total), onTime, onTimeRate: due ? onTime / due : null };
    });
  },

  /** Pearson's r between an assessed partnership's overall score and its on-time rate, over those with commitments due. */
  async fulfilmentCorrelation(ctx: Context, q: QualityMetrics): Promise<number | null> {
    const found = await partnershipRows(ctx, q);
    return pearson(found.flatMap((r) => (r.overall !== null && r.due > 0 ? [[r.overall, r.on_time / r.due] as const] : [])));
  },
};
