import type { Scope } from '../access/scope';
import { createAffiliationLoaders } from '../modules/affiliation/affiliation.loaders';
import { createCommitmentLoaders } from '../modules/commitment/commitment.loaders';
import { createConsentLoaders } from '../modules/consent/consent.loaders';
import { createContractLoaders } from '../modules/contract/contract.loaders';
import { createGraphLoaders } from '../modules/graph/graph.loaders';
import { createInteractionLoaders } from '../modules/interaction/interaction.loaders';
import { createPartnershipLoaders } from '../modules/partnership/partnership.loaders';
import { createStakeholderLoaders } from '../modules/stakeholder/stakeholder.loaders';

/** Every DataLoader of a request, reading through the request's scope; built fresh per request so nothing is cached across viewers. */
export function createLoaders(scope: Scope) {
  return {
    ...createStakeholderLoaders(scope),
    ...createAffiliationLoaders(scope),
    ...createPartnershipLoaders(scope),
    ...createCommitmentLoaders(scope),
    ...createContractLoaders(scope),
    ...createInteractionLoaders(scope),
    ...createConsentLoaders(scope),
    ...createGraphLoaders(scope),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
