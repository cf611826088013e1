import type { Scope } from '../access/scope';
import { createAffiliationLoaders } from '../modules/affiliation/affiliation.loaders';
import { createCommitmentLoaders } from '../modules/commitment/commitment.loaders';
import { createConsentLoaders } from '../modules/consent/consent.loaders';
import { createContractLoaders } from '../modules/contract/contract.loaders';
import { createGraphLoaders } from '../modules/graph/graph.loaders';
import { createInteractionLoaders } from '../modules/interaction/interaction.loaders';
import { createPartnershipLoaders } from '../modules/partnership/partnership.loaders';
import { createQualityLoaders } from '../modules/quality/quality.loaders';
import type { Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import { createStakeholderLoaders } from '../modules/stakeholder/stakeholder.loaders';

/** Every DataLoader of a request, reading through the request's scope; built fresh per request so nothing is cached across viewers. */
export function createLoaders(scope: Scope) {
  const stakeholders = createStakeholderLoaders(scope);
  const prime = (stakeholder: Stakeholder): void => void stakeholders.stakeholder.prime(stakeholder.id, stakeholder);
  return {
    ...stakeholders,
    ...createAffiliationLoaders(scope, prime),
    ...createPartnershipLoaders(scope, prime),
    ...createQualityLoaders(scope),
    ...createCommitmentLoaders(scope),
    ...createContractLoaders(scope),
    ...createInteractionLoaders(scope),
    ...createConsentLoaders(scope),
    ...createGraphLoaders(scope),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
