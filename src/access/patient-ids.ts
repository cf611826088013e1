import type { Context } from '../graphql/context';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import { StakeholderKind, type Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import { sealDeterministic, unseal } from '../shared/sealing';
import { decide } from './field-policy';
import { Sensitivity } from './policy';
import type { Viewer } from './viewer';

/**
 * A patient whose identity the viewer may not read is not linkable across organisations: it is
 * shown under an id sealed for the viewer's organisation (AES-GCM with the organisation as
 * authenticated data). The same patient has another id for every other organisation, the id
 * opens (in `node(id)`, filters, mutations) only for that organisation, and the real id never
 * leaves the server.
 */
const REDACTED_PREFIX = 'rp_';

/** Whose eyes an id is sealed for: the organisation, else the patient login, else the user. */
function audienceOf(viewer: Viewer | null): string {
  if (!viewer) return 'anonymous';
  if (viewer.orgId) return `org:${viewer.orgId}`;
  if (viewer.patientId) return `patient:${viewer.patientId}`;
  return `user:${viewer.userId}`;
}

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export function redactedPatientId(viewer: Viewer | null, patientId: string): string {
  return REDACTED_PREFIX + sealDeterministic('redacted-patient', uuidBytes(patientId), audienceOf(viewer));
}

/** The id under which this viewer sees a stakeholder. */
export function presentedStakeholderId(ctx: Context, stakeholder: Stakeholder): string | Promise<string> {
  // Synchronous for everyone but patients: a promise per id costs on large responses.
  if (stakeholder.kind !== StakeholderKind.PATIENT) return toGlobalId('Stakeholder', stakeholder.id);
  return decide(ctx, 'Patient', Sensitivity.PATIENT_IDENTITY, stakeholder).then((identified) =>
    identified ? toGlobalId('Stakeholder', stakeholder.id) : redactedPatientId(ctx.viewer, stakeholder.id),
  );
}

/** The database id a global id or a redacted id sealed for this viewer names, before the patient rule of `openStakeholderId`. */
function decodeStakeholderId(ctx: Pick<Context, 'viewer'>, id: string | null | undefined): string | null {
  if (id == null) return null;
  if (id.startsWith(REDACTED_PREFIX)) {
    const opened = unseal('redacted-patient', id.slice(REDACTED_PREFIX.length), audienceOf(ctx.viewer));
    return opened && opened.length === 16 ? uuidOf(opened) : null;
  }
  return fromGlobalId(id, 'Stakeholder')?.id ?? null;
}

export const isRedactedPatientId = (id: string): boolean => id.startsWith(REDACTED_PREFIX);

/**
 * The database id behind a stakeholder id sent by this viewer: a global id, or a redacted patient
 * id sealed for this viewer's organisation. Null for anything else, exactly like an unknown id:
 * an id sealed for another organisation, and a patient's real id when the viewer may not read
 * the patient's identity (it would link the public id to the sealed one; only the viewer's own
 * `rp_` id opens such a patient). An unknown id comes back as it is (its lookup finds nothing).
 */
export async function openStakeholderId(ctx: Pick<Context, 'viewer' | 'loaders' | 'scope'>, id: string | null | undefined): Promise<string | null> {
  const dbId = decodeStakeholderId(ctx, id);
  if (dbId === null || isRedactedPatientId(id as string) || ctx.scope.seesEverything) return dbId;
  const stakeholder = await ctx.loaders.stakeholder.load(dbId);
  if (stakeholder?.kind !== StakeholderKind.PATIENT) return dbId;
  return (await decide(ctx as Context, 'Patient', Sensitivity.PATIENT_IDENTITY, stakeholder)) ? dbId : null;
}

/** `openStakeholderId` for several ids at once (one batched lookup). */
export function openStakeholderIds(
  ctx: Pick<Context, 'viewer' | 'loaders' | 'scope'>,
  ids: readonly (string | null | undefined)[],
): Promise<(string | null)[]> {
  return Promise.all(ids.map((id) => openStakeholderId(ctx, id)));
}

/**
 * A stakeholder id named in a reporting question (`metrics`). Reports name or count an individual
 * patient for ADMIN only (`scope.reporting.showsPatients`; their SQL leaves patient subjects out
 * for everyone else), so a patient's real id opens nothing there and needs no lookup; a redacted
 * id opens as anywhere else.
 */
export function reportSubjectId(ctx: Pick<Context, 'viewer'>, id: string | null | undefined): string | null {
  return decodeStakeholderId(ctx, id);
}
