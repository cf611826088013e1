import type { DataSource } from 'typeorm';
import { createAffiliationLoaders } from '../modules/affiliation/affiliation.loaders';
import { createCommitmentLoaders } from '../modules/commitment/commitment.loaders';
import { createConsentLoaders } from '../modules/consent/consent.loaders';
import { createContractLoaders } from '../modules/contract/contract.loaders';
import { createGraphLoaders } from '../modules/graph/graph.loaders';
import { createInteractionLoaders } from '../modules/interaction/interaction.loaders';
import { createPartnershipLoaders } from '../modules/partnership/partnership.loaders';
import { createStakeholderLoaders } from '../modules/stakeholder/stakeholder.loaders';

/** Every DataLoader of a request; built fresh per request so nothing is cached across viewers. */
export function createLoaders(db: DataSource) {
  return {
    ...createStakeholderLoaders(db),
    ...createAffiliationLoaders(db),
    ...createPartnershipLoaders(db),
    ...createCommitmentLoaders(db),
    ...createContractLoaders(db),
    ...createInteractionLoaders(db),
    ...createConsentLoaders(db),
    ...createGraphLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
