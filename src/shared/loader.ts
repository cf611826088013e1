import DataLoader from 'dataloader';
import { fromGlobalId, type GlobalIdType } from '../graphql/global-id';

/** `rows` in the order of `ids`, null for an id without a row. */
export function inIdOrder<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The key a row belongs to, or its keys when it belongs to several; null: none. */
type RowKeys = string | null | readonly (string | null)[];

/** `rows` grouped under each key they belong to, in the order of `keys` ([] for a key with none; a null key is skipped). */
function inKeyGroups<T>(keys: readonly string[], rows: readonly T[], keysOf: (row: T) => RowKeys): T[][] {
  const groups = new Map<string, T[]>();
  const add = (key: string | null, row: T): void => {
    if (key === null) return;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  };
  for (const row of rows) {
    const keysOfRow = keysOf(row);
    if (typeof keysOfRow === 'string' || keysOfRow === null) add(keysOfRow, row);
    else for (const key of keysOfRow) add(key, row);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** Loader of records by id: one `= ANY($1)` query per batch, results in key order, null for a missing key. */
export function byIdLoader<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => inIdOrder(ids, await fetch(ids)));
}

/** The record a global ID names, through `loader`; null when there is none, and for an id that does not decode or is of another type. */
export async function loadByGlobalId<T>(loader: DataLoader<string, T | null>, type: GlobalIdType, globalId: string): Promise<T | null> {
  const decoded = fromGlobalId(globalId, type);
  return decoded ? loader.load(decoded.id) : null;
}

/**
 * Loader of the rows that belong to each key (one-to-many): one query per batch, [] for a key with none.
 * `keyOf` gives a row's key, or its keys when a row belongs to several (e.g. both ends of a link).
 */
export function groupLoader<T>(
  fetch: (keys: readonly string[]) => Promise<T[]>,
  keyOf: (row: T) => RowKeys,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => inKeyGroups(keys, await fetch(keys), keyOf));
}

/**
 * The records of a `Scope.select` with a `key` grouped per key in `keys` order ([] for a key
 * without rows). For many-to-many lists: a record that answers several keys comes once per key.
 */
export function rowsByKey<T>(keys: readonly string[], selected: readonly { row: T; key?: string }[]): T[][] {
  return inKeyGroups(keys, selected, (s) => s.key ?? null).map((group) => group.map((s) => s.row));
}
