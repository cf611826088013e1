import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Role, DEFAULT_PURPOSE, type Viewer } from '../access/viewer';
import { createDataSource } from '../database/data-source';
import { gdprService } from '../modules/gdpr/gdpr.service';
import { contextFor } from './context';

const USAGE = `Prints everything the alliance holds about a patient as one JSON document (GDPR Art. 15 and 20),
exactly as the exportMyData query gives it to ADMIN, and records the export in the audit trail.

  DATABASE_URL=postgres://… npm run --silent gdpr:export -- --patient ID [--by USER] > export.json

  --patient  the patient's stakeholder id (global ID)
  --by       who runs the export, as the audit trail's subject (default: the OS user, as gdpr-cli:<name>)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { patient: { type: 'string' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.patient) throw new Error(`--patient is required\n\n${USAGE}`);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL (the database to export from).');
  const admin: Viewer = {
    userId: values.by ?? `gdpr-cli:${process.env.USER ?? 'unknown'}`,
    role: Role.ADMIN,
    orgId: null,
    patientId: null,
    purpose: DEFAULT_PURPOSE.ADMIN,
  };
  const db = createDataSource({ url, poolSize: 2, applicationName: 'alliance-graph gdpr:export' });
  await db.initialize();
  try {
    const ctx = contextFor(db, admin);
    const document = await gdprService.exportData(ctx, values.patient);
    // Fail closed, as the API does: no export leaves without its audit record.
    await ctx.scope.flushAudit();
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
