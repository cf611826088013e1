import type { DataSource } from 'typeorm';
import type { RecordVisibility } from '../access/record-visibility';
import type { Viewer } from '../access/viewer';
import { createAffiliationLoaders } from '../modules/affiliation/affiliation.loaders';
import { createCommitmentLoaders } from '../modules/commitment/commitment.loaders';
import { createConsentLoaders } from '../modules/consent/consent.loaders';
import { createContractLoaders } from '../modules/contract/contract.loaders';
import { createGraphLoaders } from '../modules/graph/graph.loaders';
import { createInteractionLoaders } from '../modules/interaction/interaction.loaders';
import { createPartnershipLoaders } from '../modules/partnership/partnership.loaders';
import { createStakeholderLoaders } from '../modules/stakeholder/stakeholder.loaders';

/** What a request's loaders need to fetch only what the viewer may see. */
export interface LoaderScope {
  viewer: Viewer | null;
  visibility: RecordVisibility;
}

/** Every DataLoader of a request; built fresh per request so nothing is cached across viewers. */
export function createLoaders(db: DataSource, scope: LoaderScope) {
  return {
    ...createStakeholderLoaders(db, scope),
    ...createAffiliationLoaders(db, scope),
    ...createPartnershipLoaders(db, scope),
    ...createCommitmentLoaders(db, scope),
    ...createContractLoaders(db, scope),
    ...createInteractionLoaders(db, scope),
    ...createConsentLoaders(db, scope),
    ...createGraphLoaders(db, scope),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
