import { ConsentScope } from '../modules/consent/consent.entity';
import { Role } from './viewer';

/**
 * Who sees which fields (DESIGN §3), as data. `field-policy.ts` wraps every field named here when
 * the schema is built (a hidden field resolves to null and is named in `redactedFields`), so no
 * module can expose one unguarded; the record rules are `record-rules.ts`; the shield rules of
 * the classified fields are derived from `FIELDS` (see `policyRules`). Tests check that every
 * field of a sensitive type is classified here, and plant a value in each to prove it never
 * reaches a viewer without the class.
 */
export enum Sensitivity {
  PATIENT_IDENTITY = 'PATIENT_IDENTITY',
  PATIENT_CONTACT = 'PATIENT_CONTACT',
  PATIENT_HEALTH = 'PATIENT_HEALTH',
  CONTRACT_TERMS = 'CONTRACT_TERMS',
  INTERACTION_NOTES = 'INTERACTION_NOTES',
}

export interface SensitivityClass {
  description: string;
  /** Roles that always read it. */
  roles: Role[];
  /** The patient the field is about reads it. */
  patientThemself?: boolean;
  /** Viewers of an organisation holding the patient's active consent with this scope, for the request's purpose. */
  consentScope?: ConsentScope;
  /** Roles that read it when their organisation (or the patient themself) is a party of the contract. */
  partyRoles?: Role[];
  /** Viewers of the organisation that recorded the interaction. */
  recordingOrganisation?: boolean;
}

/** Roles that act for an organisation, and so may hold a patient's consent through it. */
export const CONSENT_HOLDER_ROLES: Role[] = [Role.ENGAGEMENT_MANAGER, Role.PARTNER];

export const CLASSES: Record<Sensitivity, SensitivityClass> = {
  PATIENT_IDENTITY: {
    description: "A patient's identity: who the pseudonym is.",
    roles: [Role.ADMIN],
    patientThemself: true,
    consentScope: ConsentScope.IDENTITY,
  },
  PATIENT_CONTACT: {
    description: 'How to reach a patient.',
    roles: [Role.ADMIN],
    patientThemself: true,
    consentScope: ConsentScope.CONTACT,
  },
  PATIENT_HEALTH: {
    description: "A patient's health: conditions, and affiliations to patient organisations (they reveal a condition).",
    roles: [Role.ADMIN],
    patientThemself: true,
    consentScope: ConsentScope.HEALTH,
  },
  CONTRACT_TERMS: {
    description: "A contract's value and documents.",
    roles: [Role.ADMIN],
    partyRoles: [Role.ENGAGEMENT_MANAGER, Role.PATIENT],
  },
  INTERACTION_NOTES: {
    description: "An interaction's notes, and which staff member recorded it.",
    roles: [Role.ADMIN],
    recordingOrganisation: true,
  },
};

/** The sensitive fields of each type, by class. */
export const FIELDS = {
  Patient: {
    // The pseudonym is identity too: one public pseudonym would let two organisations join the
    // patients each sees redacted (their ids differ per organisation, the pseudonym would not).
    pseudonym: Sensitivity.PATIENT_IDENTITY,
    displayName: Sensitivity.PATIENT_IDENTITY,
    birthYear: Sensitivity.PATIENT_IDENTITY,
    email: Sensitivity.PATIENT_CONTACT,
    phone: Sensitivity.PATIENT_CONTACT,
    conditions: Sensitivity.PATIENT_HEALTH,
  },
  Interaction: { notes: Sensitivity.INTERACTION_NOTES, recordedByUser: Sensitivity.INTERACTION_NOTES },
  Contract: { value: Sensitivity.CONTRACT_TERMS },
} as const satisfies Record<string, Record<string, Sensitivity>>;

export type SensitiveType = keyof typeof FIELDS;

/**
 * Fields that cannot be null and so are not redacted but masked: a viewer without the class gets
 * the neutral value instead (a patient's `name` is their pseudonym, identity).
 */
export const MASKED_FIELDS = {
  Patient: { name: { sensitivity: Sensitivity.PATIENT_IDENTITY, masked: 'Patient partner' } },
} as const satisfies Partial<Record<SensitiveType, Record<string, { sensitivity: Sensitivity; masked: unknown }>>>;

/**
 * Every other field of a sensitive type, declared public on purpose. A field added to one of
 * these types without being listed here or in FIELDS fails `test/policy.test.ts`.
 */
export const PUBLIC_FIELDS: Record<SensitiveType, string[]> = {
  Patient: [
    'id', 'kind', 'name', 'country', 'description', 'website', 'tags', 'languages', 'expertise',
    'createdAt', 'updatedAt', 'archivedAt', 'erasedAt', 'version', 'redactedFields',
    // Relations: each lists only what the viewer may see (records below).
    'affiliations', 'partnerships', 'memberships', 'commitments', 'contracts', 'interactions', 'neighbours', 'consents',
    // Only the patient's own access log (and ADMIN's): the record rule 'AuditEvent'.
    'accessLog',
  ],
  Interaction: [
    'id', 'kind', 'occurredAt', 'durationMinutes', 'summary', 'createdAt', 'updatedAt', 'version',
    'redactedFields', 'participants', 'partnership', 'recordedByOrg', 'followUps',
  ],
  Contract: [
    'id', 'title', 'kind', 'status', 'effectiveFrom', 'effectiveTo', 'fairMarketValueAssessed', 'conflictOfInterestDeclared',
    'disclosable', 'terminatedAt', 'terminationReason', 'createdAt', 'updatedAt', 'version', 'redactedFields', 'parties',
    'partnership',
  ],
};
