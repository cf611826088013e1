import { ArrayMaxSize, Length } from 'class-validator';
import { GraphQLCountryCode } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { ContractKind, ContractStatus } from '../contract/contract.entity';
import { InteractionKind } from '../interaction/interaction.entity';
import { DevelopmentStage, PartnershipStatus, PartnershipType } from '../partnership/partnership.entity';
import { StakeholderKind } from '../stakeholder/stakeholder.entity';
import type { Issued } from './perturbation';

/** Narrows every metric to records of these countries, areas, kinds and types (each list: any of). */
@InputType({ description: 'Narrows every metric to records of these countries, areas, kinds and types; within each list, any value matches.' })
export class MetricsFilter {
  @Field(() => [GraphQLCountryCode], { nullable: true, description: 'ISO 3166-1 alpha-2 codes of the stakeholders involved.' })
  @ArrayMaxSize(250)
  countries?: string[];

  @Field(() => [String], { nullable: true, description: 'Therapeutic areas of partnerships (exact match).' })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  therapeuticAreas?: string[];

  @Field(() => [StakeholderKind], {
    nullable: true,
    description: 'Only ADMIN may include PATIENT (anyone else is refused with FORBIDDEN: every count would concern patients).',
  })
  stakeholderKinds?: StakeholderKind[];

  @Field(() => [PartnershipType], {
    nullable: true,
    description: 'Partnerships of these types, the records that belong to one, and the stakeholders that are members of one.',
  })
  partnershipTypes?: PartnershipType[];
}

/**
 * The `metrics` root: holds the period and filter it was asked with; each metric is a field
 * resolver on it (one per domain file), so a client pays only for the figures it selects.
 */
@ObjectType('Metrics', {
  description: 'Relationship metrics over the records the viewer may see, within the period and filter given to `metrics`.',
})
export class Metrics {
  @Field(() => Date, {
    nullable: true,
    description: 'Start of the period the figures cover (inclusive): as asked for ADMIN; for everyone else the first of its UTC month.',
  })
  from: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'End of the period the figures cover (exclusive): as asked for ADMIN; for everyone else the first of the next UTC month, unless it is one.',
  })
  to: Date | null;

  /** Not a field: an input type cannot be echoed as output. */
  filter: MetricsFilter | null;
}

/**
 * A count that may concern few patients. Only perturbation.ts holds the `Issued` token its
 * constructor takes, so a patient-related count reaches the API through the disclosure rule
 * (exact for ADMIN; otherwise suppressed at 1–4, perturbed from 5), never as a literal.
 */
@ObjectType('SuppressedCount', {
  description:
    'A count that may concern few patients: for everyone but ADMIN, a count of 1 to 4, and a figure that would reveal one, is withheld, ' +
    'and a count of 5 or more is perturbed (cell-key method, at most ±2; the same cell always gets the same value).',
})
export class SuppressedCount {
  @Field(() => Int, { nullable: true, description: 'Null when suppressed; for everyone but ADMIN a patient count is perturbed.' })
  value: number | null;

  @Field(() => Boolean, { description: 'True when the count is withheld.' })
  suppressed: boolean;

  /** Makes the type nominal: an object literal is not a SuppressedCount. */
  declare private readonly issued: Issued;

  constructor(issued: Issued, value: number | null, suppressed: boolean) {
    void issued;
    this.value = value;
    this.suppressed = suppressed;
  }
}

@ObjectType('KindCount', { description: 'Stakeholders of one kind (and country) created within the period.' })
export class KindCount {
  @Field(() => StakeholderKind, { description: 'The kind of stakeholder.' })
  kind: StakeholderKind;

  @Field(() => String, { nullable: true, description: 'Null for stakeholders without a country.' })
  country: string | null;

  @Field(() => SuppressedCount, { description: 'How many; suppressed only for patients.' })
  count: SuppressedCount;
}

@ObjectType('PartnershipCount', { description: 'Partnerships of one type, status and development stage created within the period.' })
export class PartnershipCount {
  @Field(() => PartnershipType, { description: 'The type of partnership.' })
  type: PartnershipType;

  @Field(() => PartnershipStatus, { description: 'Their status now.' })
  status: PartnershipStatus;

  @Field(() => DevelopmentStage, { nullable: true, description: 'Their development stage; null for partnerships without one.' })
  stage: DevelopmentStage | null;

  @Field(() => Int, { description: 'How many partnerships.' })
  count: number;
}

@ObjectType('ContractCount', { description: 'Contracts of one kind and status created within the period.' })
export class ContractCount {
  @Field(() => ContractKind, { description: 'The kind of contract.' })
  kind: ContractKind;

  @Field(() => ContractStatus, { description: 'Their status now.' })
  status: ContractStatus;

  @Field(() => Int, { description: 'How many contracts.' })
  count: number;
}

@ObjectType('MonthlyInteractionCount', {
  description: 'Interactions of one kind that occurred in one calendar month (UTC), with or without a patient participant.',
})
export class MonthlyInteractionCount {
  @Field(() => String, { description: 'The month, as YYYY-MM.' })
  month: string;

  @Field(() => InteractionKind, { description: 'The kind of interaction.' })
  kind: InteractionKind;

  @Field(() => Boolean, { description: 'True: the interactions with at least one patient participant (a patient count); false: those without.' })
  withPatients: boolean;

  @Field(() => SuppressedCount, { description: 'How many interactions; suppressed and perturbed (for everyone but ADMIN) only where withPatients is true.' })
  count: SuppressedCount;
}

@ObjectType('PatientCommitmentFulfilment', {
  description:
    'How commitments made by or to a patient were kept: patient counts, suppressed below 5 and perturbed for everyone but ADMIN.',
})
export class PatientCommitmentFulfilment {
  @Field(() => SuppressedCount, { description: 'Commitments counted (not withdrawn).' })
  total: SuppressedCount;

  @Field(() => SuppressedCount, { description: 'Fulfilled ones.' })
  fulfilled: SuppressedCount;

  @Field(() => SuppressedCount, { description: 'Fulfilled on or before their due date.' })
  onTime: SuppressedCount;

  @Field(() => Float, {
    nullable: true,
    description: 'onTime / commitments that are due (as published, at most 1); null when either is withheld or none are due.',
  })
  onTimeRate: number | null;

  @Field(() => SuppressedCount, { description: 'Open or in progress, and past their due date.' })
  overdueCount: SuppressedCount;
}

@ObjectType('CommitmentFulfilment', {
  description:
    'How commitments due within the period were kept (WITHDRAWN ones left out): the figures are over commitments between organisations; ' +
    'those made by or to a patient are in withPatients.',
})
export class CommitmentFulfilment {
  @Field(() => Int, { description: 'Commitments counted (not withdrawn, no patient committer or beneficiary).' })
  total: number;

  @Field(() => Int, { description: 'Fulfilled ones.' })
  fulfilled: number;

  @Field(() => Int, { description: 'Fulfilled on or before their due date.' })
  onTime: number;

  @Field(() => Float, { nullable: true, description: 'onTime / commitments with a due date that are fulfilled, missed or past due; null when none are.' })
  onTimeRate: number | null;

  @Field(() => Int, { description: 'Open or in progress, and past their due date.' })
  overdueCount: number;

  @Field(() => Float, { nullable: true, description: 'Median of days from creation to fulfilment over fulfilled ones; null when none are.' })
  medianDaysToFulfil: number | null;

  @Field(() => PatientCommitmentFulfilment, { description: 'The same counts over the commitments made by or to a patient (no median).' })
  withPatients: PatientCommitmentFulfilment;
}

@ObjectType('OrganisationFulfilment', { description: 'Commitment fulfilment of one committing organisation.' })
export class OrganisationFulfilment {
  organisationId: string;

  @Field(() => CommitmentFulfilment, { description: 'How its commitments due within the period were kept.' })
  fulfilment: CommitmentFulfilment;
}

@ObjectType('PartnershipFulfilment', { description: 'Commitment fulfilment within one partnership.' })
export class PartnershipFulfilment {
  partnershipId: string;

  @Field(() => CommitmentFulfilment, { description: 'How the commitments of this partnership due within the period were kept.' })
  fulfilment: CommitmentFulfilment;
}

@ObjectType('Involvement', { description: 'Partnerships and how many of them involve patients.' })
export class Involvement {
  @Field(() => Int, { description: 'Partnerships counted.' })
  partnerships: number;

  @Field(() => SuppressedCount, { description: 'Partnerships with a current patient partner, patient or patient organisation member.' })
  withPatients: SuppressedCount;

  @Field(() => Float, { nullable: true, description: 'withPatients / partnerships; null when there are none or withPatients is suppressed.' })
  share: number | null;
}

@ObjectType('StageInvolvement', { description: 'Patient involvement in the partnerships at one development stage.' })
export class StageInvolvement extends Involvement {
  @Field(() => DevelopmentStage, { description: 'The development stage.' })
  stage: DevelopmentStage;
}

@ObjectType('AreaInvolvement', { description: 'Patient involvement in the partnerships of one therapeutic area.' })
export class AreaInvolvement extends Involvement {
  @Field(() => String, { description: 'The therapeutic area, as the partnerships record it.' })
  therapeuticArea: string;
}

@ObjectType('QuarterInvolvement', { description: 'Patient involvement in the partnerships created in one quarter.' })
export class QuarterInvolvement extends Involvement {
  @Field(() => String, { description: 'The UTC quarter the partnerships were created in, as YYYY-Qn.' })
  quarter: string;
}

@ObjectType('PatientInvolvement', { description: 'The patient involvement index.' })
export class PatientInvolvement {
  /** The question asked, for the breakdowns resolved on demand. */
  metrics: Metrics;

  @Field(() => [StageInvolvement], { description: 'Every development stage, in the order of development.' })
  byStage: StageInvolvement[];

  @Field(() => Involvement, { description: 'Partnerships before TRIAL_CONDUCT (DISCOVERY and PROTOCOL_DESIGN) together.' })
  early: Involvement;

  @Field(() => Float, { nullable: true, description: 'early.share: the early involvement index.' })
  earlyShare: number | null;
}
