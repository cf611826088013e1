import { isAdmin, readsRecords } from '../../access/rules';

// The whole trail is ADMIN's. A patient's access log is asked by readers of records; the record
// rule 'AuditEvent' gives the patient their own rows, ADMIN all, and everyone else none.
export const auditRules = {
  Query: { auditEvents: isAdmin },
  AuditEvent: isAdmin,
  AuditEventConnection: isAdmin,
  AuditEventEdge: isAdmin,
  Patient: { accessLog: readsRecords },
  AccessLogEntry: readsRecords,
  AccessLogConnection: readsRecords,
  AccessLogEdge: readsRecords,
};
