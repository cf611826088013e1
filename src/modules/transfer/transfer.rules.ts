import { isAuthenticated, readsRecords } from '../../access/rules';

// importRecords' rule comes from its action, 'transfer:import' (access/actions.ts).
export const transferRules = {
  Query: { exportGraph: readsRecords },
  ImportRecordsPayload: isAuthenticated,
  ImportReport: isAuthenticated,
  ImportRejection: isAuthenticated,
  ExportLink: readsRecords,
};
