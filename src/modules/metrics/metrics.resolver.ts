import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Partnership } from '../partnership/partnership.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { ReportedPartnership, ReportedStakeholder, reportedPartnership, reportedStakeholder } from './reporting.types';
import { metricsService } from './metrics.service';
import {
  AreaInvolvement,
  CommitmentFulfilment,
  ContractCount,
  KindCount,
  Metrics,
  MetricsFilter,
  MonthlyInteractionCount,
  OrganisationFulfilment,
  PartnershipCount,
  PartnershipFulfilment,
  PatientInvolvement,
  QuarterInvolvement,
} from './metrics.types';

@Resolver(() => Metrics)
export class MetricsResolver {
  @Query(() => Metrics, { description: 'Relationship metrics for reporting (ADMIN, ANALYST; ENGAGEMENT_MANAGER: their own organisation).' })
  metrics(
    @Arg('from', () => Date, {
      nullable: true,
      description: 'Start of the period (inclusive); omit for no lower bound. Widened to whole UTC months for everyone but ADMIN.',
    })
    from: Date | null,
    @Arg('to', () => Date, {
      nullable: true,
      description: 'End of the period (exclusive); omit for no upper bound. Widened to whole UTC months for everyone but ADMIN.',
    })
    to: Date | null,
    @Arg('filter', () => MetricsFilter, { nullable: true, description: 'Omit to count every record within your reach.' }) filter: MetricsFilter | null,
    @Ctx() ctx: Context,
  ): Metrics {
    return metricsService.ask(ctx, { from: from ?? null, to: to ?? null, filter: filter ?? null });
  }

  @FieldResolver(() => [KindCount], { description: 'Stakeholders by kind and country; patient counts below 5 suppressed.' })
  stakeholdersByKind(@Root() m: Metrics, @Ctx() ctx: Context): Promise<KindCount[]> {
    return metricsService.stakeholdersByKind(ctx, m);
  }

  @FieldResolver(() => [PartnershipCount], { description: 'Partnerships created within the period, by type, status and development stage.' })
  partnershipsBy(@Root() m: Metrics, @Ctx() ctx: Context): Promise<PartnershipCount[]> {
    return metricsService.partnershipsBy(ctx, m);
  }

  @FieldResolver(() => [ContractCount], { description: 'Contracts created within the period, by kind and status.' })
  contractsBy(@Root() m: Metrics, @Ctx() ctx: Context): Promise<ContractCount[]> {
    return metricsService.contractsBy(ctx, m);
  }

  @FieldResolver(() => [MonthlyInteractionCount], { description: 'Interactions that occurred within the period, by UTC calendar month and kind.' })
  interactionsPerMonth(@Root() m: Metrics, @Ctx() ctx: Context): Promise<MonthlyInteractionCount[]> {
    return metricsService.interactionsPerMonth(ctx, m);
  }

  @FieldResolver(() => CommitmentFulfilment, { description: 'How the commitments due within the period were kept.' })
  commitmentFulfilment(@Root() m: Metrics, @Ctx() ctx: Context): Promise<CommitmentFulfilment> {
    return metricsService.commitmentFulfilment(ctx, m);
  }

  @FieldResolver(() => [OrganisationFulfilment], {
    description: 'Commitment fulfilment per committing organisation (patients left out), by name; only organisations with commitments counted.',
  })
  commitmentFulfilmentByOrganisation(@Root() m: Metrics, @Ctx() ctx: Context): Promise<OrganisationFulfilment[]> {
    return metricsService.fulfilmentByOrganisation(ctx, m);
  }

  @FieldResolver(() => [PartnershipFulfilment], {
    description: 'Commitment fulfilment per partnership the viewer may see, by title; only partnerships with commitments counted.',
  })
  commitmentFulfilmentByPartnership(@Root() m: Metrics, @Ctx() ctx: Context): Promise<PartnershipFulfilment[]> {
    return metricsService.fulfilmentByPartnership(ctx, m);
  }

  @FieldResolver(() => PatientInvolvement, {
    description: 'The share of partnerships created within the period that involve patients, by development stage and before trial conduct.',
  })
  patientInvolvement(@Root() m: Metrics, @Ctx() ctx: Context): Promise<PatientInvolvement> {
    return metricsService.patientInvolvement(ctx, m);
  }
}

/** The breakdowns of the involvement index beyond the stage, each one query when selected. */
@Resolver(() => PatientInvolvement)
export class PatientInvolvementResolver {
  @FieldResolver(() => [AreaInvolvement], {
    description: 'By therapeutic area, over the partnerships (with or without a stage) that have one; ordered by area.',
  })
  byTherapeuticArea(@Root() p: PatientInvolvement, @Ctx() ctx: Context): Promise<AreaInvolvement[]> {
    return metricsService.involvementByArea(ctx, p.metrics);
  }

  @FieldResolver(() => [QuarterInvolvement], {
    description: 'Trend: by the quarter partnerships (with or without a stage) were created in; quarters without any left out.',
  })
  byQuarter(@Root() p: PatientInvolvement, @Ctx() ctx: Context): Promise<QuarterInvolvement[]> {
    return metricsService.involvementByQuarter(ctx, p.metrics);
  }
}

@Resolver(() => OrganisationFulfilment)
export class OrganisationFulfilmentResolver {
  @FieldResolver(() => ReportedStakeholder, { description: 'The committing organisation, by name.' })
  async organisation(@Root() f: OrganisationFulfilment, @Ctx() ctx: Context): Promise<ReportedStakeholder> {
    return reportedStakeholder(ctx, (await ctx.loaders.stakeholder.load(f.organisationId)) as Stakeholder);
  }
}

@Resolver(() => PartnershipFulfilment)
export class PartnershipFulfilmentResolver {
  /** Listed only when visible (the same predicate as the loader's), so never null. */
  @FieldResolver(() => ReportedPartnership, { description: 'The partnership, by title.' })
  async partnership(@Root() f: PartnershipFulfilment, @Ctx() ctx: Context): Promise<ReportedPartnership> {
    return reportedPartnership((await ctx.loaders.partnership.load(f.partnershipId)) as Partnership);
  }
}
