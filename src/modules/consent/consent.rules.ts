import { hasRole, isAuthenticated } from '../../access/rules';
import { Role } from '../../access/viewer';

/** Consents are the patient's own business: the patient themself (checked per record) and the secretariat. */
const patientOrAdmin = hasRole(Role.ADMIN, Role.PATIENT);

export const consentRules = {
  Query: {
    consents: patientOrAdmin,
  },
  Mutation: {
    grantConsent: patientOrAdmin,
    withdrawConsent: patientOrAdmin,
  },
  Consent: isAuthenticated,
  ConsentConnection: isAuthenticated,
  ConsentEdge: isAuthenticated,
  ConsentPayload: isAuthenticated,
};
