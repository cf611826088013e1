import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { contextFor } from '../graphql/context';
import { buildAppSchema } from '../graphql/schema';
import { ImportFormat, ImportType } from '../modules/transfer/transfer.inputs';
import { transferService } from '../modules/transfer/transfer.service';
import type { ImportReport } from '../modules/transfer/transfer.types';
import { openAs } from './cli-viewer';

const USAGE = `Imports a CSV or JSONL file of records, as importRecords does, streamed (any size, bounded memory).

  DATABASE_URL=postgres://… npm run --silent import -- --file stakeholders.csv --type stakeholders --token T [--dry-run] [--partial] > report.json

  --file      the file (.csv or .jsonl; --format says otherwise)
  --type      stakeholders, affiliations, partnerships, commitments, interactions or consents (JSONL lines may name their own recordType)
  --format    csv or jsonl (default: from the file's extension)
  --token     a bearer token: the import runs as its holder, with exactly the API's permissions
  --dry-run   check every row and report, write nothing
  --partial   write the valid rows even when others are rejected

A progress line goes to stderr; the report (created, updated, unchanged, rejected rows) to stdout as JSON.
Exit status: 0 when written (or a clean dry run), 2 when rows were rejected and nothing was written.`;

const TYPES: Record<string, ImportType> = {
  stakeholders: ImportType.STAKEHOLDERS,
  affiliations: ImportType.AFFILIATIONS,
  partnerships: ImportType.PARTNERSHIPS,
  commitments: ImportType.COMMITMENTS,
  interactions: ImportType.INTERACTIONS,
  consents: ImportType.CONSENTS,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      type: { type: 'string' },
      format: { type: 'string' },
      token: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      partial: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.file) throw new Error(`--file is required\n\n${USAGE}`);
  const type = values.type ? TYPES[values.type.toLowerCase()] : null;
  if (values.type && !type) throw new Error(`--type must be one of ${Object.keys(TYPES).join(', ')}`);
  const formatName = (values.format ?? (values.file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl')).toUpperCase();
  if (!(formatName in ImportFormat)) throw new Error('--format must be csv or jsonl');
  const format = formatName as ImportFormat;
  if (!type && format === ImportFormat.CSV) throw new Error('--type is required for CSV');

  const { db, viewer } = await openAs(values.token, 'alliance-graph import');
  try {
    const schema = await buildAppSchema();
    const ctx = contextFor(db, viewer);
    const started = Date.now();
    const progress = (report: ImportReport, end = false): void => {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      process.stderr.write(
        `\r${report.rows.toLocaleString('en')} rows · ${report.created} created · ${report.updated} updated · ${report.unchanged} unchanged · ` +
          `${report.rejectedCount} rejected · ${Math.round(report.rows / seconds).toLocaleString('en')} rows/s${end ? '\n' : ''}`,
      );
    };
    const report = await transferService.importRecords(ctx, schema, createReadStream(values.file, 'utf8'), {
      type,
      format,
      dryRun: values['dry-run'],
      partial: values.partial,
      onProgress: (r) => progress(r),
    });
    progress(report, true);
    // Denials are recorded after the work, as after a request.
    await ctx.scope.flushAudit();
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.committed && !(values['dry-run'] && report.rejectedCount === 0)) process.exitCode = 2;
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
