import { validate, type ValidationError } from 'class-validator';
import { coerceInputValue, GraphQLError, isInputType, type GraphQLSchema } from 'graphql';
import type { EntityManager } from 'typeorm';
import type { AuditEvent } from '../../access/audit';
import { UserErrorCode } from '../../shared/mutation';
import type { Context } from '../../graphql/context';
import type { SourceRow } from './transfer.formats';

/**
 * The engine every record type of an import shares: a row is checked the way the API checks a
 * mutation's input (the GraphQL input type of that mutation coerces it, with the same scalars and
 * enums, then class-validator runs the same decorators), and the type's handler adds the
 * service's business rules and `authorize` of the mutation's action.
 */

/** Why a row was not written. */
export interface Rejection {
  row: number;
  column: string | null;
  code: UserErrorCode;
  reason: string;
}

export const reject = (row: number, code: UserErrorCode, reason: string, column: string | null = null): Rejection => ({ row, column, code, reason });

/** A row that passed every check: what to write, or that nothing changed. */
export interface Plan<W> {
  row: number;
  op: 'create' | 'update' | 'unchanged';
  write: W;
}

/** What one batch of rows of one type comes to. */
export interface BatchOutcome<W> {
  plans: Plan<W>[];
  rejections: Rejection[];
}

/** Everything a handler needs, for one import. */
export interface ImportRun {
  ctx: Context;
  tx: EntityManager;
  schema: GraphQLSchema;
  /** The organisation whose external ids these are (null: the secretariat, which has none). */
  owner: string | null;
}

/**
 * One record type of the import. A batch is checked in two steps: `prepare`, the checks that need
 * no database (coercion, validators, the service's rules on the row itself), which run while the
 * previous batch is being written; then `resolve`, which reads (references, the records the
 * external ids name, the actions' checks) and decides what each row writes.
 */
export interface ImportHandler<P, W> {
  /** The record type named in audit records. */
  recordType: string;
  /** A CSV record (all text) in the shape of a JSONL line. */
  fromCsv(values: Record<string, unknown>): Record<string, unknown>;
  /** The checks of a batch (in file order) that need no database; the external ids repeated within the batch are rejected here. */
  prepare(run: ImportRun, rows: Batch): Promise<{ prepared: P[]; rejections: Rejection[] }>;
  /** The rest: what each prepared row writes, or why it may not. */
  resolve(run: ImportRun, prepared: P[]): Promise<BatchOutcome<W>>;
  /** A database rule a row broke, as the mutation would report it; null for any other (reported by the constraint's name). */
  constraint?: (error: unknown) => { column: string | null; code: UserErrorCode; reason: string } | null;
  /** Writes the plans (creates and updates); the audit records of what was written. Throws on a database rule. */
  write(run: ImportRun, plans: Plan<W>[]): Promise<{ rejections: Rejection[]; audit: AuditEvent[] }>;
}

const FIELD_NAME = /^Field "([^"]+)"/;

/** The row coerced by the mutation's GraphQL input type `typeName`, exactly as the API coerces variables; or why not. */
export function coerceAs<T>(schema: GraphQLSchema, typeName: string, row: number, value: Record<string, unknown>): { value: T } | { rejection: Rejection } {
  const type = schema.getType(typeName);
  if (!type || !isInputType(type)) throw new Error(`transfer: ${typeName} is no input type of the schema`);
  let first: Rejection | null = null;
  const coerced = coerceInputValue(value, type, (path, _invalid, error: GraphQLError) => {
    if (first) return;
    const column = path.length > 0 ? path.join('.') : (FIELD_NAME.exec(error.message)?.[1] ?? null);
    first = reject(row, UserErrorCode.BAD_USER_INPUT, error.message, column);
  });
  return first ? { rejection: first } : { value: coerced as T };
}

function firstViolation(errors: readonly ValidationError[], prefix = ''): { column: string; reason: string } | null {
  for (const error of errors) {
    const column = `${prefix}${error.property}`;
    const message = error.constraints ? Object.values(error.constraints)[0] : undefined;
    if (message) return { column, reason: message };
    const nested = firstViolation(error.children ?? [], `${column}.`);
    if (nested) return nested;
  }
  return null;
}

/** class-validator on `instance`, with the options type-graphql runs it with on a mutation's input (resolvers/validate-arg.js). */
export async function validateAs(instance: object, row: number): Promise<Rejection | null> {
  const violation = firstViolation(await validate(instance, { forbidUnknownValues: false, skipMissingProperties: true }));
  return violation ? reject(row, UserErrorCode.BAD_USER_INPUT, violation.reason, violation.column) : null;
}

/** `authorize` of a mutation's action, as a rejection of the row (FORBIDDEN with the action's reason) instead of an error. */
export async function allowed(row: number, check: () => Promise<unknown>): Promise<Rejection | null> {
  try {
    await check();
    return null;
  } catch (error) {
    if (error instanceof GraphQLError && (error.extensions.code === 'FORBIDDEN' || error.extensions.code === 'UNAUTHENTICATED')) {
      return reject(row, UserErrorCode.FORBIDDEN, error.message);
    }
    throw error;
  }
}

/** The rows of a batch whose external id came earlier in the same batch are rejected: one record, one row. */
export function firstOccurrences<R extends { row: number; externalId: string }>(rows: R[], rejections: Rejection[]): R[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    const before = seen.get(r.externalId);
    if (before !== undefined) {
      rejections.push(reject(r.row, UserErrorCode.CONFLICT, `externalId ${JSON.stringify(r.externalId)} is already used by row ${before}.`, 'externalId'));
      return false;
    }
    seen.set(r.externalId, r.row);
    return true;
  });
}

/** The external id of a row: required, 1 to 200 characters. */
export function externalIdOf(row: number, values: Record<string, unknown>): { externalId: string } | { rejection: Rejection } {
  const id = values.externalId;
  if (typeof id === 'number' && Number.isFinite(id)) return { externalId: String(id) };
  if (typeof id !== 'string' || id.trim() === '') {
    return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'Every row needs an externalId (your own id of the record).', 'externalId') };
  }
  if (id.length > 200) return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'externalId is longer than 200 characters.', 'externalId') };
  return { externalId: id };
}

/** The values of a row without the import's own columns (`recordType`, `externalId`) and without empty ones. */
export function fieldsOf(values: Record<string, unknown>, omit: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === 'recordType' || key === 'externalId' || omit.includes(key) || value === undefined || value === null) continue;
    out[key] = value;
  }
  return out;
}

/** A reference to a stakeholder in a row: the external id you imported it under, or its global id as the API gives it. */
export type StakeholderReference = { externalId: string } | { id: string };

/** `<name>ExternalId` or `<name>Id` of a row; null when neither is given, a rejection when both are. */
export function referenceOf(
  row: number,
  values: Record<string, unknown>,
  name: string,
): { ref: StakeholderReference | null } | { rejection: Rejection } {
  const external = values[`${name}ExternalId`];
  const id = values[`${name}Id`];
  const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  if (given(external) && given(id)) {
    return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, `Give ${name}ExternalId or ${name}Id, not both.`, `${name}Id`) };
  }
  if (given(external)) {
    return typeof external === 'string' || typeof external === 'number'
      ? { ref: { externalId: String(external) } }
      : { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, `${name}ExternalId must be a string.`, `${name}ExternalId`) };
  }
  if (given(id)) {
    return typeof id === 'string' ? { ref: { id } } : { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, `${name}Id must be a string.`, `${name}Id`) };
  }
  return { ref: null };
}

/** Rows of one type, in file order, checked and written together. */
export type Batch = { row: number; values: Record<string, unknown> }[];

export type { SourceRow };

/** `alias`'s record is owned by `owner` (bound as `:owner`), as the unique index can look it up (IS NOT DISTINCT FROM could not). */
export const ownedBy = (alias: string, owner: string | null): string =>
  owner === null ? `${alias}.external_owner_id IS NULL` : `${alias}.external_owner_id = CAST(:owner AS uuid)`;
