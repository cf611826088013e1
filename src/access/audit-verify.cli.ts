import 'reflect-metadata';
import { createDataSource } from '../database/data-source';
import { describeChainReport, verifyAuditChain } from './audit-verify';

/**
 * `npm run audit:verify`: checks the hash chain of every audit partition against DATABASE_URL and
 * names the first broken row. Exit code 0: the chain holds; 1: it is broken; 2: it could not be checked.
 */
async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to the database whose audit trail to verify.');
  const db = createDataSource({ url, poolSize: 1, applicationName: 'alliance-graph audit:verify' });
  await db.initialize();
  try {
    const report = await verifyAuditChain(db);
    for (const line of describeChainReport(report)) console.log(line);
    return report.ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
