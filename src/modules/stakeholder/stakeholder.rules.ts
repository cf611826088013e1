import { hasRole, isAuthenticated, readsRecords, recordsEngagement } from '../../access/rules';
import { Role } from '../../access/viewer';

export const stakeholderRules = {
  Query: {
    stakeholder: readsRecords,
    stakeholders: readsRecords,
  },
  Mutation: {
    createStakeholder: recordsEngagement,
    updateStakeholder: hasRole(Role.ADMIN, Role.ENGAGEMENT_MANAGER, Role.PATIENT),
    archiveStakeholder: hasRole(Role.ADMIN),
  },
  Patient: isAuthenticated,
  PatientOrganisation: isAuthenticated,
  Company: isAuthenticated,
  HtaBody: isAuthenticated,
  Regulator: isAuthenticated,
  ResearchOrganisation: isAuthenticated,
  StakeholderConnection: isAuthenticated,
  StakeholderEdge: isAuthenticated,
  StakeholderPayload: isAuthenticated,
};
