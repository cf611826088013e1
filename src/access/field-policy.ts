import type { Context } from '../graphql/context';
import type { Contract } from '../modules/contract/contract.entity';
import type { Interaction } from '../modules/interaction/interaction.entity';
import type { Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import { CLASSES, CONSENT_HOLDER_ROLES, FIELDS, Sensitivity, type SensitiveType } from './policy';
import { Role } from './viewer';

/**
 * Enforces the field classes of `policy.ts`. Resolvers never read a sensitive field straight
 * from an entity: they call `readSensitive`, and `decide` is the one place where a sensitive
 * read is allowed or refused.
 */
interface Records {
  Patient: Stakeholder;
  Interaction: Interaction;
  Contract: Contract;
}

/** May the viewer read fields of `sensitivity` on this record? Consents come from a per-request loader. */
export async function decide<T extends SensitiveType>(ctx: Context, type: T, sensitivity: Sensitivity, record: Records[T]): Promise<boolean> {
  const viewer = ctx.viewer;
  if (!viewer) return false;
  const rule = CLASSES[sensitivity];
  if (rule.roles.includes(viewer.role)) return true;
  if (type === 'Patient') {
    const patientId = (record as Stakeholder).id;
    if (rule.patientThemself && viewer.role === Role.PATIENT && viewer.patientId === patientId) return true;
    if (rule.consentScope && viewer.orgId && CONSENT_HOLDER_ROLES.includes(viewer.role)) {
      return (await ctx.loaders.viewerConsentScopes.load(patientId)).has(rule.consentScope);
    }
    return false;
  }
  if (type === 'Contract' && rule.partyRoles?.includes(viewer.role)) {
    const parties = await ctx.loaders.partiesByContract.load((record as Contract).id);
    return parties.some((p) => p.stakeholderId === viewer.orgId || p.stakeholderId === viewer.patientId);
  }
  if (type === 'Interaction' && rule.recordingOrganisation) {
    return viewer.orgId !== null && viewer.orgId === (record as Interaction).recordedByOrgId;
  }
  return false;
}

function classOf(type: SensitiveType, field: string): Sensitivity {
  const sensitivity = (FIELDS[type] as Record<string, Sensitivity>)[field];
  if (!sensitivity) throw new Error(`${type}.${field} is not classified in policy.ts`);
  return sensitivity;
}

/** The value of a sensitive field if the viewer may read it, else null (no error: DESIGN §3). */
export async function readSensitive<T extends SensitiveType, V>(
  ctx: Context,
  type: T,
  field: string,
  record: Records[T],
  value: (record: Records[T]) => V,
): Promise<V | null> {
  return (await decide(ctx, type, classOf(type, field), record)) ? value(record) : null;
}

/** Names of the object's sensitive fields this viewer may not read. */
export async function redactedFields<T extends SensitiveType>(ctx: Context, type: T, record: Records[T]): Promise<string[]> {
  const fields = Object.entries(FIELDS[type]) as [string, Sensitivity][];
  const allowed = await Promise.all(fields.map(([, sensitivity]) => decide(ctx, type, sensitivity, record)));
  return fields.filter((_, i) => !allowed[i]).map(([field]) => field);
}
