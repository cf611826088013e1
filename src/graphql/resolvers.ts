import type { NonEmptyArray } from 'type-graphql';
import { STAKEHOLDER_CLASSES } from '../modules/stakeholder/stakeholder.entity';
import { PatientResolver, StakeholderResolver } from '../modules/stakeholder/stakeholder.resolver';
import { stakeholderRules } from '../modules/stakeholder/stakeholder.rules';
import { ViewerResolver } from '../modules/viewer/viewer.resolver';
import { viewerRules } from '../modules/viewer/viewer.rules';
import { HealthResolver } from './health.resolver';

/** Every resolver class of the API, by domain. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [HealthResolver, ViewerResolver, StakeholderResolver, PatientResolver];

/** Object types reached only through an interface. */
export const ORPHANED_TYPES = [...STAKEHOLDER_CLASSES];

/** Each domain's shield rules (`<domain>.rules.ts`), merged by access/permissions.ts. */
export const RULE_TREES: Record<string, unknown>[] = [viewerRules, stakeholderRules];
