import type { DataSource } from 'typeorm';

/** Months of audit partitions created ahead of the current one. */
export const AUDIT_MONTHS_AHEAD = 3;

/**
 * Creates the audit partitions of the coming months and drops those older than the retention
 * (`audit_maintain` in the audit migration). Returns what it did, e.g. `created audit_event_2027m03`.
 */
export async function maintainAuditPartitions(db: DataSource, retentionMonths: number | null): Promise<string[]> {
  const [row] = (await db.query('SELECT audit_maintain($1, $2) AS done', [AUDIT_MONTHS_AHEAD, retentionMonths])) as { done: string[] }[];
  return row.done;
}

/** Runs the maintenance now and then every hour (a month's partition exists long before it is needed). Returns a stop function. */
export function scheduleAuditMaintenance(db: DataSource, retentionMonths: number, log: (done: string[]) => void, fail: (error: unknown) => void): () => void {
  const run = (): void => {
    maintainAuditPartitions(db, retentionMonths).then((done) => done.length && log(done), fail);
  };
  run();
  const timer = setInterval(run, 60 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
