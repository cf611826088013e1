import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Consent } from './consent.entity';

export function createConsentLoaders(db: DataSource) {
  return {
    consent: byIdLoader((ids) => db.getRepository(Consent).createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany()),
    /** Every consent of each patient, withdrawn and expired ones included, oldest first. */
    consentsByPatient: groupLoader(
      (ids) =>
        db
          .getRepository(Consent)
          .createQueryBuilder('c')
          .where('c.patient_id = ANY(:ids)', { ids })
          .orderBy('c.created_at')
          .addOrderBy('c.id')
          .getMany(),
      (c) => c.patientId,
    ),
  };
}
