import DataLoader from 'dataloader';

/** Loader of records by id: one `= ANY($1)` query per batch, results in key order, null for a missing key. */
export function byIdLoader<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await fetch(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Loader of the rows that belong to each key (one-to-many): one query per batch, [] for a key with none. */
export function groupLoader<T>(fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await fetch(keys);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
