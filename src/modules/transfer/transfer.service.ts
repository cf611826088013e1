import type { Readable } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import { authorize } from '../../access/actions';
import type { AuditEvent } from '../../access/audit';
import type { Context } from '../../graphql/context';
import { userError, UserErrorCode } from '../../shared/mutation';
import { violatedConstraint } from '../../shared/pg-errors';
import { affiliationImport } from './affiliation.import';
import { commitmentImport } from './commitment.import';
import { consentImport } from './consent.import';
import { interactionImport } from './interaction.import';
import { partnershipImport } from './partnership.import';
import { stakeholderImport } from './stakeholder.import';
import { readRows } from './transfer.formats';
import { ImportFormat, ImportType, type ImportRecordsInput } from './transfer.inputs';
import { reject, type Batch, type ImportHandler, type ImportRun, type Plan, type Rejection } from './transfer.rows';
import type { ImportRecordsPayload, ImportReport } from './transfer.types';

/** Rows checked and written together: one statement per kind of write, whatever the batch holds. */
export const BATCH_SIZE = 1000;
/** Rejections listed in a report (all are counted). */
export const MAX_LISTED_REJECTIONS = 1000;
/** Audit records appended at once when the import commits. */
const AUDIT_CHUNK = 2000;

type AnyHandler = ImportHandler<unknown, unknown>;
const HANDLERS: Record<ImportType, AnyHandler> = {
  STAKEHOLDERS: stakeholderImport as AnyHandler,
  AFFILIATIONS: affiliationImport as AnyHandler,
  PARTNERSHIPS: partnershipImport as AnyHandler,
  COMMITMENTS: commitmentImport as AnyHandler,
  INTERACTIONS: interactionImport as AnyHandler,
  CONSENTS: consentImport as AnyHandler,
};

/** A JSONL line's own `recordType`: the record type in the singular, as `npm run export` writes it. */
const LINE_TYPES: Record<string, ImportType> = {
  stakeholder: ImportType.STAKEHOLDERS,
  affiliation: ImportType.AFFILIATIONS,
  partnership: ImportType.PARTNERSHIPS,
  commitment: ImportType.COMMITMENTS,
  interaction: ImportType.INTERACTIONS,
  consent: ImportType.CONSENTS,
};

export interface ImportOptions {
  type: ImportType | null;
  format: ImportFormat;
  dryRun: boolean;
  partial: boolean;
  /** Called after each batch (the CLI's progress line). */
  onProgress?: (report: ImportReport) => void;
}

/** Thrown to roll the import's transaction back once the report is complete. */
class Discard extends Error {
  constructor() {
    super('import discarded');
  }
}

/**
 * Imports a file as the request's viewer, in one transaction: all or nothing unless `partial`.
 * Rows are read as a stream and handled in batches of BATCH_SIZE, so memory does not grow with
 * the file; every write of a batch is one statement per table, and while it runs the next batch
 * is read and given its checks that need no database. A batch a database rule refuses (a
 * pseudonym taken, say) is tried again row by row, each under a savepoint, to find the rows.
 *
 * The audit records of the rows written are staged in a temporary table and appended to the
 * trail just before the commit: `audit_append` holds the trail's chain lock until the end of its
 * transaction, so appending batch by batch would stall every other request's audit for the whole
 * import; a dry run or a discarded file appends nothing, as it writes nothing.
 */
async function importRecords(ctx: Context, schema: GraphQLSchema, source: Readable | string, options: ImportOptions): Promise<ImportReport> {
  // The role (ADMIN, ENGAGEMENT_MANAGER); each row then asks the action of the mutation it stands for.
  const viewer = await authorize(ctx.scope, 'transfer:import', {});
  const report: ImportReport = { rows: 0, created: 0, updated: 0, unchanged: 0, rejectedCount: 0, rejected: [], committed: false };
  const rejected = (r: Rejection): void => {
    report.rejectedCount += 1;
    if (report.rejected.length < MAX_LISTED_REJECTIONS) report.rejected.push({ ...r });
  };
  try {
    await ctx.scope.transaction(async (tx) => {
      const run: ImportRun = { ctx, tx, schema, owner: viewer.orgId };
      await tx.query(`CREATE TEMPORARY TABLE import_audit (n bigint GENERATED ALWAYS AS IDENTITY, event jsonb NOT NULL) ON COMMIT DROP`);
      // The batch being written (its statements in flight) while the next one is prepared.
      let writing: Promise<void> = Promise.resolve();
      let pending: { type: ImportType; rows: Batch } | null = null;
      const flush = async (): Promise<void> => {
        if (!pending || pending.rows.length === 0) return;
        const { type, rows } = pending;
        pending = null;
        const handler = HANDLERS[type];
        const prepared = await handler.prepare(run, rows);
        prepared.rejections.forEach(rejected);
        await writing;
        const checked = await handler.resolve(run, prepared.prepared);
        checked.rejections.forEach(rejected);
        writing = writeBatch(run, handler, checked.plans, report, rejected).then(() => options.onProgress?.(report));
        // Settled later (awaited before the next batch's reads, and at the end): no unhandled rejection meanwhile.
        writing.catch(() => undefined);
      };
      const readAll = async (): Promise<void> => {
        for await (const sourceRow of readRows(source, options.format)) {
          report.rows += 1;
          if ('unreadable' in sourceRow) {
            rejected(reject(sourceRow.row, UserErrorCode.BAD_USER_INPUT, sourceRow.unreadable));
            continue;
          }
          const type = typeOf(sourceRow.values, options);
          if ('rejection' in type) {
            rejected(reject(sourceRow.row, UserErrorCode.BAD_USER_INPUT, type.rejection, 'recordType'));
            continue;
          }
          const values = options.format === ImportFormat.CSV ? HANDLERS[type.type].fromCsv(sourceRow.values) : sourceRow.values;
          if (pending && pending.type !== type.type) await flush();
          pending ??= { type: type.type, rows: [] };
          pending.rows.push({ row: sourceRow.row, values });
          if (pending.rows.length >= BATCH_SIZE) await flush();
        }
        await flush();
      };
      try {
        await readAll();
      } finally {
        // Whatever stopped the reading, no statement of the last batch may still be on its way when the transaction ends.
        await writing.catch(() => undefined);
      }
      await writing;
      if (options.dryRun || (report.rejectedCount > 0 && !options.partial)) throw new Discard();
      await appendAudit(run);
    });
    report.committed = true;
  } catch (error) {
    if (!(error instanceof Discard)) {
      ctx.scope.audit.record({ action: 'transfer:import', outcome: 'failed' });
      throw error;
    }
  }
  report.rejected.sort((a, b) => a.row - b.row);
  return report;
}

function typeOf(values: Record<string, unknown>, options: ImportOptions): { type: ImportType } | { rejection: string } {
  const own = values.recordType;
  if (options.format === ImportFormat.CSV || own === undefined) {
    return options.type ? { type: options.type } : { rejection: 'This line names no recordType, and the import gave no type.' };
  }
  const named = typeof own === 'string' ? LINE_TYPES[own] : undefined;
  if (!named) return { rejection: `recordType must be one of ${Object.keys(LINE_TYPES).join(', ')}.` };
  if (options.type && options.type !== named) return { rejection: `This line is a ${String(own)}; the import is of ${options.type}.` };
  return { type: named };
}

/** Writes a batch's plans (a savepoint each attempt), counts them, and stages their audit records. */
async function writeBatch(run: ImportRun, handler: AnyHandler, plans: Plan<unknown>[], report: ImportReport, rejected: (r: Rejection) => void): Promise<void> {
  const writes = plans.filter((p) => p.op !== 'unchanged');
  report.unchanged += plans.length - writes.length;
  if (writes.length === 0) return;
  const count = (done: Plan<unknown>[], refused: Rejection[]): void => {
    const refusedRows = new Set(refused.map((r) => r.row));
    for (const p of done) {
      if (refusedRows.has(p.row)) continue;
      if (p.op === 'create') report.created += 1;
      else report.updated += 1;
    }
  };
  const attempt = async (some: Plan<unknown>[]): Promise<{ rejections: Rejection[]; audit: AuditEvent[] }> => {
    await run.tx.query('SAVEPOINT import_batch');
    try {
      const written = await handler.write(run, some);
      await run.tx.query('RELEASE SAVEPOINT import_batch');
      return written;
    } catch (error) {
      await run.tx.query('ROLLBACK TO SAVEPOINT import_batch');
      throw error;
    }
  };
  let outcome: { rejections: Rejection[]; audit: AuditEvent[] };
  try {
    outcome = await attempt(writes);
    count(writes, outcome.rejections);
  } catch (error) {
    if (!violatedConstraint(error)) throw error;
    // Which rows? One at a time, each under its own savepoint.
    outcome = { rejections: [], audit: [] };
    for (const plan of writes) {
      try {
        const one = await attempt([plan]);
        outcome.rejections.push(...one.rejections);
        outcome.audit.push(...one.audit);
        count([plan], one.rejections);
      } catch (rowError) {
        const violated = violatedConstraint(rowError);
        if (!violated) throw rowError;
        const known = handler.constraint?.(rowError);
        outcome.rejections.push(
          known
            ? reject(plan.row, known.code, known.reason, known.column)
            : reject(plan.row, UserErrorCode.BAD_USER_INPUT, `The row breaks the rule ${violated.constraint} of the database.`),
        );
      }
    }
  }
  outcome.rejections.forEach(rejected);
  if (outcome.audit.length > 0) {
    await run.tx.query(`INSERT INTO import_audit (event) SELECT value FROM jsonb_array_elements($1::jsonb)`, [JSON.stringify(outcome.audit)]);
  }
}

/** Every record written is in the audit trail, in the import's own transaction: nothing commits unaudited. */
async function appendAudit(run: ImportRun): Promise<void> {
  for (let after = 0; ; ) {
    const rows = (await run.tx.query(`SELECT n, event FROM import_audit WHERE n > $1 ORDER BY n LIMIT ${AUDIT_CHUNK}`, [after])) as {
      n: string;
      event: AuditEvent;
    }[];
    if (rows.length === 0) return;
    await run.ctx.scope.audit.append(run.tx, rows.map((r) => r.event));
    after = Number(rows[rows.length - 1].n);
  }
}

export const transferService = {
  importRecords,

  /** The mutation: a small file sent inline (larger ones stream through the CLI). */
  async importInline(ctx: Context, schema: GraphQLSchema, input: ImportRecordsInput): Promise<ImportRecordsPayload> {
    if (input.format === ImportFormat.CSV && !input.type) {
      return { report: null, userErrors: [userError(UserErrorCode.BAD_USER_INPUT, 'A CSV file needs its type: its rows cannot name one.', 'input.type')] };
    }
    const report = await importRecords(ctx, schema, input.data, { type: input.type ?? null, format: input.format, dryRun: input.dryRun, partial: input.partial });
    return { report, userErrors: [] };
  },
};
