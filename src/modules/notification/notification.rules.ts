import { readsRecords } from '../../access/rules';

export const notificationRules = {
  // Those who read records (not ANALYST: aggregates only). Which event each subscriber hears of is
  // decided per event by the record rules (src/notifications/change-execution.ts).
  Subscription: { changes: readsRecords },
  ChangeEvent: readsRecords,
};
