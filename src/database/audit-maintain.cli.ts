import 'reflect-metadata';
import { loadConfig } from '../config';
import { maintainAuditPartitions } from './audit-partitions';
import { createDataSource } from './data-source';

/**
 * `npm run audit:maintain`: what the server does hourly, once, against DATABASE_URL: creates the
 * coming months' audit partitions and drops those older than AUDIT_RETENTION_MONTHS.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('Set DATABASE_URL to the database whose audit partitions to maintain.');
  const db = createDataSource({ url: config.databaseUrl, poolSize: 1, applicationName: 'alliance-graph audit:maintain' });
  await db.initialize();
  try {
    const done = await maintainAuditPartitions(db, config.audit.retentionMonths);
    console.log(done.length ? done.join('\n') : 'audit partitions: nothing to do');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
