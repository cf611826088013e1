import type { DataSource } from 'typeorm';

const tablesOf = new WeakMap<DataSource, Promise<string[]>>();

/**
 * Every table of the database as `rows:md5 of its rows`, in one statement: two equal snapshots
 * mean that nothing was inserted, updated or deleted anywhere in between (a version bump included).
 * The audit trail is left out: it records every attempt, refused and failed ones included, so it
 * is the one table a request that changes nothing still appends to (test/audit.test.ts checks
 * what it appends).
 */
export async function tableSnapshot(db: DataSource): Promise<Record<string, string>> {
  let tables = tablesOf.get(db);
  if (!tables) {
    tables = db
      .query(
        `SELECT table_name AS t FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND left(table_name, 11) <> 'audit_event' ORDER BY 1`,
      )
      .then((rows: { t: string }[]) => rows.map((row) => row.t));
    tablesOf.set(db, tables);
  }
  const sql = (await tables)
    .map((t) => `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS h FROM "${t}" x`)
    .join(' UNION ALL ');
  const rows = (await db.query(sql)) as { t: string; n: number; h: string }[];
  return Object.fromEntries(rows.map((row) => [row.t, `${row.n}:${row.h}`]));
}

/** Row counts of `tables`, by name. */
export async function rowCounts(db: DataSource, tables: readonly string[]): Promise<Record<string, number>> {
  const sql = tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}"`).join(' UNION ALL ');
  const rows = (await db.query(sql)) as { t: string; n: number }[];
  return Object.fromEntries(rows.map((row) => [row.t, row.n]));
}
