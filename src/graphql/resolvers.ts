import type { NonEmptyArray } from 'type-graphql';
import { STAKEHOLDER_CLASSES } from '../modules/stakeholder/stakeholder.entity';
import { StakeholderResolver } from '../modules/stakeholder/stakeholder.resolver';
import { stakeholderRules } from '../modules/stakeholder/stakeholder.rules';
import { ViewerResolver } from '../modules/viewer/viewer.resolver';
import { viewerRules } from '../modules/viewer/viewer.rules';
import {
  CommitmentResolver,
  PartnershipCommitmentsResolver,
  StakeholderCommitmentsResolver,
} from '../modules/commitment/commitment.resolver';
import { commitmentRules } from '../modules/commitment/commitment.rules';
import {
  PartnershipMemberResolver,
  PartnershipResolver,
  StakeholderPartnershipsResolver,
} from '../modules/partnership/partnership.resolver';
import { partnershipRules } from '../modules/partnership/partnership.rules';
import { PartnershipAssessmentResolver, PartnershipQualityResolver } from '../modules/quality/quality.resolver';
import { qualityRules } from '../modules/quality/quality.rules';
import { AffiliationResolver, StakeholderAffiliationsResolver } from '../modules/affiliation/affiliation.resolver';
import { affiliationRules } from '../modules/affiliation/affiliation.rules';
import { ConsentResolver, PatientConsentsResolver } from '../modules/consent/consent.resolver';
import { consentRules } from '../modules/consent/consent.rules';
import { GraphResolver, StakeholderNeighboursResolver } from '../modules/graph/graph.resolver';
import { graphRules } from '../modules/graph/graph.rules';
import { NodeResolver } from '../modules/node/node.resolver';
import { nodeRules } from '../modules/node/node.rules';
import { ContractPartyResolver, ContractResolver, StakeholderContractsResolver } from '../modules/contract/contract.resolver';
import { contractRules } from '../modules/contract/contract.rules';
import { InteractionResolver, StakeholderInteractionsResolver } from '../modules/interaction/interaction.resolver';
import { interactionRules } from '../modules/interaction/interaction.rules';
import {
  MetricsResolver,
  OrganisationFulfilmentResolver,
  PartnershipFulfilmentResolver,
  PatientInvolvementResolver,
} from '../modules/metrics/metrics.resolver';
import { metricsRules } from '../modules/metrics/metrics.rules';
import { MetricsNetworkResolver, NetworkMetricsResolver } from '../modules/metrics/network.resolver';
import { networkRules } from '../modules/metrics/network.rules';
import { MetricsRelationshipsResolver } from '../modules/metrics/relationships.resolver';
import { relationshipsRules } from '../modules/metrics/relationships.rules';
import { MetricsDisclosureResolver } from '../modules/metrics/disclosure.resolver';
import { MetricsQualityResolver, QualityMetricsResolver } from '../modules/metrics/quality.resolver';
import { qualityMetricsRules } from '../modules/metrics/quality.rules';
import { disclosureRules } from '../modules/metrics/disclosure.rules';
import { AccessLogEntryResolver, AuditEventResolver, PatientAccessLogResolver } from '../modules/audit/audit.resolver';
import { auditRules } from '../modules/audit/audit.rules';
import { GdprResolver } from '../modules/gdpr/gdpr.resolver';
import { gdprRules } from '../modules/gdpr/gdpr.rules';
import { ChangeResolver } from '../modules/notification/notification.resolver';
import { notificationRules } from '../modules/notification/notification.rules';
import { WebhookResolver } from '../modules/webhook/webhook.resolver';
import { webhookRules } from '../modules/webhook/webhook.rules';
import { TransferResolver } from '../modules/transfer/transfer.resolver';
import { transferRules } from '../modules/transfer/transfer.rules';
import { HealthResolver } from './health.resolver';

/** Every resolver class of the API, by domain. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  HealthResolver,
  ViewerResolver,
  StakeholderResolver,
  PartnershipResolver,
  PartnershipMemberResolver,
  StakeholderPartnershipsResolver,
  PartnershipQualityResolver,
  PartnershipAssessmentResolver,
  CommitmentResolver,
  PartnershipCommitmentsResolver,
  StakeholderCommitmentsResolver,
  AffiliationResolver,
  StakeholderAffiliationsResolver,
  ConsentResolver,
  WebhookResolver,
  ChangeResolver,
  PatientConsentsResolver,
  GraphResolver,
  StakeholderNeighboursResolver,
  NodeResolver,
  ContractResolver,
  ContractPartyResolver,
  StakeholderContractsResolver,
  InteractionResolver,
  StakeholderInteractionsResolver,
  MetricsResolver,
  PatientInvolvementResolver,
  OrganisationFulfilmentResolver,
  PartnershipFulfilmentResolver,
  MetricsNetworkResolver,
  NetworkMetricsResolver,
  MetricsDisclosureResolver,
  MetricsRelationshipsResolver,
  MetricsQualityResolver,
  QualityMetricsResolver,
  AuditEventResolver,
  AccessLogEntryResolver,
  PatientAccessLogResolver,
  GdprResolver,
  TransferResolver,
];

/** Object types reached only through an interface. */
export const ORPHANED_TYPES = [...STAKEHOLDER_CLASSES];

/** Each domain's shield rules (`<domain>.rules.ts`), merged by access/permissions.ts. */
export const RULE_TREES: Record<string, unknown>[] = [viewerRules, stakeholderRules, partnershipRules, qualityRules, commitmentRules, affiliationRules, consentRules, graphRules, nodeRules, contractRules, interactionRules, metricsRules, networkRules, disclosureRules, relationshipsRules, qualityMetricsRules, auditRules, gdprRules, webhookRules, notificationRules, transferRules];
