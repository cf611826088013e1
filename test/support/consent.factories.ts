import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import { Consent, ConsentPurpose, ConsentScope } from '../../src/modules/consent/consent.entity';
import type { Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

/** A consent of `patient` straight through the repository (IDENTITY for PARTNERSHIP_COORDINATION unless told). */
export async function makeConsent(db: DataSource, patient: Stakeholder, fields: Partial<Consent> = {}): Promise<Consent> {
  const inserted = await db.getRepository(Consent).insert({
    patientId: patient.id,
    scopes: [ConsentScope.IDENTITY],
    purposes: [ConsentPurpose.PARTNERSHIP_COORDINATION],
    ...fields,
  });
  return db.getRepository(Consent).findOneByOrFail({ id: (inserted.identifiers[0] as { id: string }).id });
}

export const consentId = (c: { id: string }): string => toGlobalId('Consent', c.id);
