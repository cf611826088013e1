import { randomUUID } from 'node:crypto';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { Role, type Viewer } from '../access/viewer';
import { contextFor } from '../graphql/context';
import { wantedColumns } from '../graphql/deferred-columns';
import { createFormatError } from '../graphql/server';
import type { ChangeEvent } from '../shared/outbox';
import { nodeService } from '../modules/node/node.service';

/** How errors leave the server (graphql/server.ts `createFormatError`): stable codes, nothing internal. */
export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** A `subscription { changes { … } }` operation, ready to run for each event. */
export interface ChangeOperation {
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

export interface ChangeReader {
  db: DataSource;
  schema: GraphQLSchema;
  formatError: FormatError;
  /** Write the audit trail (AUDIT_ENABLED), as for requests. */
  audit: boolean;
}

/** What executes events: the app schema, and errors formatted as the HTTP API formats them. */
export function changeReader(db: DataSource, schema: GraphQLSchema, audit: boolean): ChangeReader {
  return { db, schema, audit, formatError: createFormatError(new Set(Object.keys(schema.getMutationType()?.getFields() ?? {}))) };
}

/**
 * Whether `viewer` may hear of `event` at all, before the record rule: an event about a patient's
 * own record or consent names the organisations it concerns (shared/outbox.ts); the patient
 * themself and ADMIN hear of it too.
 */
export function inAudience(event: ChangeEvent, viewer: Viewer): boolean {
  if (!event.audience || viewer.role === Role.ADMIN) return true;
  if (viewer.patientId !== null && viewer.patientId === event.recordId) return true;
  return viewer.orgId !== null && event.audience.includes(viewer.orgId);
}

/**
 * Runs `operation` on `event` as `viewer` sees the graph now: a fresh context (fresh loaders, so
 * a consent withdrawn since the last event applies), the record loaded through its rule first, so
 * a record the viewer may not see yields null and nothing is sent, and the reads of patient
 * fields audited like any request (a failed audit throws: nothing may be sent unaudited).
 * The one execution path of webhook deliveries and live subscriptions.
 */
export async function executeChange(reader: ChangeReader, viewer: Viewer, operation: ChangeOperation, event: ChangeEvent): Promise<ExecutionResult | null> {
  const [result] = await executeChanges(reader, viewer, operation, [event]);
  return result;
}

/**
 * `executeChange` for several events at once, read together in one context at one moment (a
 * webhook's batch of due deliveries): their records and relations load in shared batches, and
 * their audit is written once.
 */
export async function executeChanges(
  reader: ChangeReader,
  viewer: Viewer,
  operation: ChangeOperation,
  events: readonly ChangeEvent[],
): Promise<(ExecutionResult | null)[]> {
  const ctx = contextFor(reader.db, viewer, randomUUID(), { audit: reader.audit });
  ctx.report.operation = operation.operationName ?? '(change)';
  ctx.scope.wantColumns(wantedColumns(reader.schema, operation.document));
  const heard = events.map((event) => inAudience(event, viewer));
  const records = await Promise.all(events.map((event, i) => (heard[i] ? nodeService.load(ctx, event.recordType, [event.recordId]) : Promise.resolve([null]))));
  const results = await Promise.all(
    events.map(async (event, i): Promise<ExecutionResult | null> => {
      if (!records[i][0]) return null;
      const result = await execute({
        schema: reader.schema,
        document: operation.document,
        rootValue: event,
        contextValue: ctx,
        variableValues: operation.variableValues ?? undefined,
        operationName: operation.operationName ?? undefined,
      });
      if (!result.errors?.length) return { data: result.data };
      return { data: result.data, errors: result.errors.map((e: GraphQLError) => reader.formatError(e.toJSON(), e)) as never };
    }),
  );
  await ctx.scope.flushAudit();
  return results;
}
