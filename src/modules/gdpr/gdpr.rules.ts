import { isAuthenticated, patientOrAdmin } from '../../access/rules';

// erasePatient's rule comes from its action, 'patient:erase' (access/actions.ts).
export const gdprRules = {
  Query: { exportMyData: patientOrAdmin },
  ErasePatientPayload: isAuthenticated,
};
