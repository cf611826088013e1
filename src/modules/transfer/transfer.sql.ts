import type { EntityManager } from 'typeorm';

/** A column an import writes: the property it comes from, the column, and its SQL type. */
export interface ColumnSpec {
  prop: string;
  column: string;
  type: string;
}

/** The column list of `jsonb_to_recordset(…) AS r(…)`. */
const recordType = (columns: readonly ColumnSpec[]): string => columns.map((c) => `${c.column} ${c.type}`).join(', ');

/** One row of the record set: the properties under their column names (undefined → null). */
const toRecord = (columns: readonly ColumnSpec[], values: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(columns.map((c) => [c.column, values[c.prop] ?? null]));

/**
 * Inserts many rows in one statement (one jsonb parameter, whatever the count), owned by `owner`
 * under their `externalId`. A row whose external id was taken meanwhile (another import at the
 * same time) is skipped: it is missing from the result, and the caller rejects it.
 * Table and column names come from the handlers' constants, never from input.
 */
export async function insertRows(
  tx: EntityManager,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly (Record<string, unknown> & { externalId: string })[],
  owner: string | null,
): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const all = [...columns, { prop: 'externalId', column: 'external_id', type: 'text' }];
  const names = all.map((c) => c.column).join(', ');
  const inserted = (await tx.query(
    `INSERT INTO ${table} (${names}, external_owner_id)
     SELECT ${all.map((c) => `r.${c.column}`).join(', ')}, $2::uuid FROM jsonb_to_recordset($1::jsonb) AS r(${recordType(all)})
     ON CONFLICT (external_owner_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
     RETURNING id, external_id`,
    [JSON.stringify(rows.map((row) => toRecord(all, row))), owner],
  )) as { id: string; external_id: string }[];
  return new Map(inserted.map((r) => [r.external_id, r.id]));
}

/** Updates many rows by id in one statement, each to its new values, with its version moved on. */
export async function updateRows(
  tx: EntityManager,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly (Record<string, unknown> & { id: string })[],
): Promise<void> {
  if (rows.length === 0 || columns.length === 0) return;
  const all = [{ prop: 'id', column: 'id', type: 'uuid' }, ...columns];
  await tx.query(
    `UPDATE ${table} t SET ${columns.map((c) => `${c.column} = r.${c.column}`).join(', ')}, version = t.version + 1, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(${recordType(all)}) WHERE t.id = r.id`,
    [JSON.stringify(rows.map((row) => toRecord(all, row)))],
  );
}

/** Same value as stored? Dates and arrays compared by value; null and undefined alike. */
export function sameValue(stored: unknown, wanted: unknown): boolean {
  if (stored === undefined || stored === null) return wanted === undefined || wanted === null;
  if (wanted === undefined || wanted === null) return false;
  if (stored instanceof Date) return wanted instanceof Date ? stored.getTime() === wanted.getTime() : stored.toISOString() === wanted;
  if (Array.isArray(stored)) return Array.isArray(wanted) && stored.length === wanted.length && stored.every((v, i) => v === wanted[i]);
  return stored === wanted;
}

/** The properties whose wanted value differs from the stored row (columns by their SQL names). */
export function changedProps(columns: readonly ColumnSpec[], stored: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  return columns.filter((c) => !sameValue(stored[c.column], wanted[c.prop])).map((c) => c.prop);
}
