/** Anything that can run a parameterised statement: a DataSource, an EntityManager, a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** PostgreSQL type of each column as sent: one array parameter per column. */
export type ColumnType = 'uuid' | 'text' | 'int' | 'bigint' | 'bool' | 'date' | 'timestamptz' | 'text[]';

/** Every key of the row type is a column, with its type; the compiler checks none is forgotten. */
export type ColumnSpec<R> = { readonly [K in keyof R & string]: ColumnType };

const PARAM_TYPE: Record<ColumnType, string> = {
  uuid: 'uuid[]',
  text: 'text[]',
  int: 'int4[]',
  bigint: 'int8[]',
  bool: 'bool[]',
  date: 'date[]',
  timestamptz: 'timestamptz[]',
  // unnest() flattens multi-dimensional arrays, so each row's array travels as one array literal.
  'text[]': 'text[]',
};

/** `{"a","b"}`: a text[] literal, cast back to text[] inside the statement. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * Inserts `rows` with `INSERT … SELECT FROM unnest($1::uuid[], $2::text[], …)`: one parameter per
 * column whatever the batch size, so a statement carries thousands of rows (row-by-row inserts
 * through the ORM manage a few hundred rows per second; this manages tens of thousands).
 */
export async function bulkInsert<R extends object>(
  db: Queryable,
  table: string,
  spec: ColumnSpec<R>,
  rows: readonly R[],
  batchSize = 5000,
): Promise<number> {
  const columns = Object.keys(spec) as (keyof R & string)[];
  const types = columns.map((c) => spec[c]);
  const sql =
    `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) ` +
    `SELECT ${columns.map((c, i) => (types[i] === 'text[]' ? `u.${quote(c)}::text[]` : `u.${quote(c)}`)).join(', ')} ` +
    `FROM unnest(${types.map((t, i) => `$${i + 1}::${PARAM_TYPE[t]}`).join(', ')}) AS u(${columns.map(quote).join(', ')})`;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const parameters = columns.map((column, i) =>
      batch.map((row) => {
        const value = row[column] as unknown;
        if (types[i] === 'text[]') return arrayLiteral(value as readonly string[]);
        return value ?? null;
      }),
    );
    await db.query(sql, parameters);
  }
  return rows.length;
}
