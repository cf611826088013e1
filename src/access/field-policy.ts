import type { Context } from '../graphql/context';
import type { Contract } from '../modules/contract/contract.entity';
import type { Interaction } from '../modules/interaction/interaction.entity';
import type { Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import { Role } from './viewer';

/**
 * Field-level policy as data (DESIGN §3): which sensitivity class each sensitive field belongs
 * to. Resolvers never read these fields straight from an entity; they go through `readSensitive`,
 * the one place where an allowed sensitive read is decided.
 *
 * This is the foundation's skeleton: the patient themself, ADMIN, the recording organisation and
 * contract parties. Consent- and purpose-driven access is the permissions issue.
 */
export enum Sensitivity {
  PATIENT_IDENTITY = 'PATIENT_IDENTITY',
  PATIENT_CONTACT = 'PATIENT_CONTACT',
  PATIENT_HEALTH = 'PATIENT_HEALTH',
  INTERACTION_NOTES = 'INTERACTION_NOTES',
  CONTRACT_TERMS = 'CONTRACT_TERMS',
}

interface Records {
  Patient: Stakeholder;
  Interaction: Interaction;
  Contract: Contract;
}

export const FIELD_POLICY: { [T in keyof Records]: Record<string, Sensitivity> } = {
  Patient: {
    displayName: Sensitivity.PATIENT_IDENTITY,
    birthYear: Sensitivity.PATIENT_IDENTITY,
    email: Sensitivity.PATIENT_CONTACT,
    phone: Sensitivity.PATIENT_CONTACT,
    conditions: Sensitivity.PATIENT_HEALTH,
  },
  Interaction: { notes: Sensitivity.INTERACTION_NOTES },
  Contract: { value: Sensitivity.CONTRACT_TERMS },
};

async function mayRead<T extends keyof Records>(ctx: Context, type: T, sensitivity: Sensitivity, record: Records[T]): Promise<boolean> {
  const viewer = ctx.viewer;
  if (!viewer) return false;
  if (viewer.role === Role.ADMIN) return true;
  switch (sensitivity) {
    case Sensitivity.PATIENT_IDENTITY:
    case Sensitivity.PATIENT_CONTACT:
    case Sensitivity.PATIENT_HEALTH:
      return viewer.patientId === (record as Stakeholder).id;
    case Sensitivity.INTERACTION_NOTES:
      return viewer.orgId !== null && viewer.orgId === (record as Interaction).recordedByOrgId;
    case Sensitivity.CONTRACT_TERMS: {
      const parties = await ctx.loaders.partiesByContract.load((record as Contract).id);
      const isParty = parties.some((p: { stakeholderId: string }) => p.stakeholderId === viewer.orgId || p.stakeholderId === viewer.patientId);
      return isParty && (viewer.role === Role.ENGAGEMENT_MANAGER || viewer.role === Role.PATIENT);
    }
  }
  void type;
  return false;
}

/** The value of a sensitive field if the viewer may read it, else null (no error: DESIGN §3). */
export async function readSensitive<T extends keyof Records, V>(
  ctx: Context,
  type: T,
  field: string,
  record: Records[T],
  value: (record: Records[T]) => V,
): Promise<V | null> {
  const sensitivity = FIELD_POLICY[type][field];
  if (!sensitivity) throw new Error(`${type}.${field} is not classified in FIELD_POLICY`);
  return (await mayRead(ctx, type, sensitivity, record)) ? value(record) : null;
}

/** Names of the object's sensitive fields this viewer may not read. */
export async function redactedFields<T extends keyof Records>(ctx: Context, type: T, record: Records[T]): Promise<string[]> {
  const fields = Object.entries(FIELD_POLICY[type]);
  const allowed = await Promise.all(fields.map(([, sensitivity]) => mayRead(ctx, type, sensitivity, record)));
  return fields.filter((_, i) => !allowed[i]).map(([field]) => field);
}
