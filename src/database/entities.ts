import { Affiliation } from '../modules/affiliation/affiliation.entity';
import { AuditEvent } from '../modules/audit/audit.entity';
import { Commitment } from '../modules/commitment/commitment.entity';
import { Consent } from '../modules/consent/consent.entity';
import { Contract, ContractParty } from '../modules/contract/contract.entity';
import { Interaction, InteractionParticipant } from '../modules/interaction/interaction.entity';
import { Partnership, PartnershipMember } from '../modules/partnership/partnership.entity';
import { PartnershipAssessment, PartnershipAssessmentScore } from '../modules/quality/quality.entity';
import { STAKEHOLDER_CLASSES, Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import { IdempotencyKey } from '../shared/idempotency.entity';
import { Webhook, WebhookDelivery } from '../modules/webhook/webhook.entity';

export const ENTITIES = [
  Stakeholder,
  ...STAKEHOLDER_CLASSES,
  Affiliation,
  Partnership,
  PartnershipMember,
  PartnershipAssessment,
  PartnershipAssessmentScore,
  Commitment,
  Contract,
  ContractParty,
  Interaction,
  InteractionParticipant,
  Consent,
  IdempotencyKey,
  AuditEvent,
  Webhook,
  WebhookDelivery,
];
