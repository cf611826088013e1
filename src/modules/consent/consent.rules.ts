import { isAuthenticated, managesConsents, readsRecords } from '../../access/rules';

export const consentRules = {
  Query: {
    consents: managesConsents,
  },
  Consent: readsRecords,
  ConsentConnection: readsRecords,
  ConsentEdge: readsRecords,
  ConsentPayload: isAuthenticated,
};
