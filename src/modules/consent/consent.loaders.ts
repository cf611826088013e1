import type { Scope } from '../../access/scope';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Consent } from './consent.entity';

/** Consents are the patient's own and ADMIN's: the loaders fetch no other. */
export function createConsentLoaders(scope: Scope) {
  const visible = () => scope.query(Consent, 'c');
  return {
    consent: byIdLoader((ids) => visible().andWhere('c.id = ANY(:ids)', { ids }).getMany()),
    /** Every visible consent of each patient, withdrawn and expired ones included, oldest first. */
    consentsByPatient: groupLoader(
      (ids) =>
        visible()
          .andWhere('c.patient_id = ANY(:ids)', { ids })
          .orderBy('c.created_at')
          .addOrderBy('c.id')
          .getMany(),
      (c) => c.patientId,
    ),
  };
}
