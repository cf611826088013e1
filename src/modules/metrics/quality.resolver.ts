import { Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Metrics } from './metrics.types';
import { qualityMetricsService } from './quality.service';
import { AreaQuality, AssessmentCoverage, CriterionFigure, QualityBandFulfilment, QualityMetrics, StageQuality } from './quality.types';

/** Quality of engagement (PFMD criteria); each breakdown is computed when selected. */
@Resolver(() => Metrics)
export class MetricsQualityResolver {
  @FieldResolver(() => QualityMetrics, {
    description: 'Quality of engagement against the PFMD criteria, from the latest assessment of each assessing member made within the period.',
  })
  quality(@Root() m: Metrics): QualityMetrics {
    return qualityMetricsService.quality(m);
  }
}

@Resolver(() => QualityMetrics)
export class QualityMetricsResolver {
  @FieldResolver(() => [CriterionFigure], { description: 'Every criterion across the partnerships in scope, in the order of the guidance.' })
  byCriterion(@Root() q: QualityMetrics, @Ctx() ctx: Context): Promise<CriterionFigure[]> {
    return qualityMetricsService.byCriterion(ctx, q);
  }

  @FieldResolver(() => [StageQuality], { description: 'By development stage, every stage in development order (partnerships without a stage left out).' })
  byStage(@Root() q: QualityMetrics, @Ctx() ctx: Context): Promise<StageQuality[]> {
    return qualityMetricsService.byStage(ctx, q);
  }

  @FieldResolver(() => [AreaQuality], { description: 'By therapeutic area, the areas present in order (partnerships without one left out).' })
  byTherapeuticArea(@Root() q: QualityMetrics, @Ctx() ctx: Context): Promise<AreaQuality[]> {
    return qualityMetricsService.byTherapeuticArea(ctx, q);
  }

  @FieldResolver(() => AssessmentCoverage, {
    description: 'The share of ACTIVE partnerships a member organisation assessed in the last 12 months (now; the period does not apply).',
  })
  recentlyAssessed(@Root() q: QualityMetrics, @Ctx() ctx: Context): Promise<AssessmentCoverage> {
    return qualityMetricsService.recentlyAssessed(ctx, q);
  }

  @FieldResolver(() => [QualityBandFulfilment], {
    description: 'Commitment fulfilment of the partnerships in each band of overall quality: HIGH, MEDIUM, LOW, NOT_ASSESSED.',
  })
  fulfilmentByQuality(@Root() q: QualityMetrics, @Ctx() ctx: Context): Promise<QualityBandFulfilment[]> {
    return qualityMetricsService.fulfilmentByQuality(ctx, q);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "Pearson's correlation between assessed partnerships' overall score and their on-time rate (those with commitments due); null for fewer than 3.",
  })
  fulfilmentCorrelation(@Root() q: QualityMetrics, @Ctx() ctx: Context): Promise<number | null> {
    return qualityMetricsService.fulfilmentCorrelation(ctx, q);
  }
}
