import { registerEnumType } from 'type-graphql';
import { ConsentPurpose } from '../modules/consent/consent.entity';

export enum Role {
  ADMIN = 'ADMIN',
  ENGAGEMENT_MANAGER = 'ENGAGEMENT_MANAGER',
  PARTNER = 'PARTNER',
  ANALYST = 'ANALYST',
  PATIENT = 'PATIENT',
}
registerEnumType(Role, {
  name: 'Role',
  description: "A user's role, from the bearer token's `role` claim: it decides what they may read and do.",
  valuesConfig: {
    ADMIN: { description: 'The alliance secretariat.' },
    ENGAGEMENT_MANAGER: { description: 'Staff of a member organisation who record and manage its engagement.' },
    PARTNER: { description: 'Portal users of a member organisation (read).' },
    ANALYST: { description: 'Reporting tools (aggregates only).' },
    PATIENT: { description: 'A patient, for their own record and consents.' },
  },
});

/** Purpose of use assumed when a token carries none. */
export const DEFAULT_PURPOSE: Record<Role, ConsentPurpose> = {
  ADMIN: ConsentPurpose.PARTNERSHIP_COORDINATION,
  ENGAGEMENT_MANAGER: ConsentPurpose.PARTNERSHIP_COORDINATION,
  PARTNER: ConsentPurpose.PARTNERSHIP_COORDINATION,
  ANALYST: ConsentPurpose.REPORTING,
  PATIENT: ConsentPurpose.PARTNERSHIP_COORDINATION,
};

/**
 * Who reads a webhook's deliveries: the organisation's engagement managers as a body (the
 * subject names the webhook in the audit trail), under the purpose of the token that created it.
 */
export function webhookViewer(webhookId: string, orgId: string, purpose: ConsentPurpose): Viewer {
  return { userId: `webhook:${webhookId}`, role: Role.ENGAGEMENT_MANAGER, orgId, patientId: null, purpose };
}

/** Who is asking: the verified claims of the request's bearer token (database ids, not global ids). */
export interface Viewer {
  userId: string;
  role: Role;
  /** Stakeholder id of the user's organisation. */
  orgId: string | null;
  /** Stakeholder id of the patient, for a patient's own login. */
  patientId: string | null;
  purpose: ConsentPurpose;
}
