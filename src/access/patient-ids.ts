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
export async function presentedStakeholderId(ctx: Context, stakeholder: Stakeholder): Promise<string> {
  if (stakeholder.kind !== StakeholderKind.PATIENT) return toGlobalId('Stakeholder', stakeholder.id);
  const identified = await decide(ctx, 'Patient', Sensitivity.PATIENT_IDENTITY, stakeholder);
  return identified ? toGlobalId('Stakeholder', stakeholder.id) : redactedPatientId(ctx.viewer, stakeholder.id);
}

/**
 * The database id behind a stakeholder id sent by this viewer: a global id, or a redacted
 * patient id sealed for this viewer's organisation. Null for anything else (an id sealed for
 * another organisation included), exactly like an unknown id.
 */
export function stakeholderIdOf(ctx: Pick<Context, 'viewer'>, id: string | null | undefined): string | null {
  if (id == null) return null;
  if (id.startsWith(REDACTED_PREFIX)) {
    const opened = unseal('redacted-patient', id.slice(REDACTED_PREFIX.length), audienceOf(ctx.viewer));
    return opened && opened.length === 16 ? uuidOf(opened) : null;
  }
  return fromGlobalId(id, 'Stakeholder')?.id ?? null;
}

export const isRedactedPatientId = (id: string): boolean => id.startsWith(REDACTED_PREFIX);
