import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Consent } from './consent.entity';

/** Consents are the patient's own and ADMIN's: the loaders fetch no other. */
export function createConsentLoaders(scope: Scope) {
  return {
    consent: byIdLoader((ids) => scope.rows(Consent, 'c', { where: 'c.id = ANY(:ids)', params: { ids } })),
    /** Every visible consent of each patient, withdrawn and expired ones included, oldest first. */
    consentsByPatient: groupLoader(
      (ids) => scope.rows(Consent, 'c', { where: 'c.patient_id = ANY(:ids)', orderBy: 'c.created_at, c.id', params: { ids } }),
      (c) => c.patientId,
    ),
  };
}
