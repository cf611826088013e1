import { isAuthenticated, patientOrAdmin, readsRecords } from '../../access/rules';

export const consentRules = {
  Query: {
    consents: patientOrAdmin,
  },
  Consent: readsRecords,
  ConsentConnection: readsRecords,
  ConsentEdge: readsRecords,
  ConsentPayload: isAuthenticated,
};
