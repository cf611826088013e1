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

/** What `dropIndexesForLoad` dropped, to build back. */
export interface DroppedIndexes {
  /**
   * Recreates the dropped indexes of `tables` (default: all that are left), then every dropped
   * foreign key whose table and referenced table are both back (or were never loaded into).
   */
  restore(tables?: readonly string[]): Promise<void>;
}

/**
 * Drops the foreign keys of `tables` and their indexes that back no constraint (primary keys and
 * unique constraints stay), for a bulk load into them. `restore` recreates each under its own
 * name from its own definition (`pg_get_indexdef`, `pg_get_constraintdef`), so the schema ends up
 * exactly as the migrations left it. Building an index once over the loaded rows, and checking a
 * foreign key with one join, cost a fraction of maintaining them row by row (scale 10: ~0.35 s
 * instead of ~1.5 s). Run all of it in the loading transaction: the tables stay locked meanwhile,
 * and a failure (a duplicate in a unique index, a dangling reference) rolls the whole load back,
 * as the constraints would have.
 */
export async function dropIndexesForLoad(db: Queryable, tables: readonly string[]): Promise<DroppedIndexes> {
  const foreignKeys = (await db.query(
    `SELECT r.relname AS "table", f.relname AS "references", format('%I', r.relname) AS quoted_table,
            format('%I', c.conname) AS name, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
      WHERE c.contype = 'f' AND r.relnamespace = current_schema()::regnamespace AND r.relname = ANY($1::text[])
      ORDER BY r.relname, c.conname`,
    [tables],
  )) as { table: string; references: string; quoted_table: string; name: string; definition: string }[];
  const indexes = (await db.query(
    `SELECT r.relname AS "table", format('%I', i.relname) AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid
      WHERE r.relnamespace = current_schema()::regnamespace AND r.relname = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY r.relname, i.relname`,
    [tables],
  )) as { table: string; name: string; definition: string }[];
  for (const fk of foreignKeys) await db.query(`ALTER TABLE ${fk.quoted_table} DROP CONSTRAINT ${fk.name}`);
  if (indexes.length > 0) await db.query(`DROP INDEX ${indexes.map((i) => i.name).join(', ')}`);

  const pending = new Set(tables);
  let indexesLeft = indexes;
  let foreignKeysLeft = foreignKeys;
  return {
    async restore(which = [...pending]) {
      for (const table of which) pending.delete(table);
      const now = indexesLeft.filter((i) => !pending.has(i.table));
      indexesLeft = indexesLeft.filter((i) => pending.has(i.table));
      for (const index of now) await db.query(index.definition);
      const ready = foreignKeysLeft.filter((fk) => !pending.has(fk.table) && !pending.has(fk.references));
      foreignKeysLeft = foreignKeysLeft.filter((fk) => !ready.includes(fk));
      for (const fk of ready) await db.query(`ALTER TABLE ${fk.quoted_table} ADD CONSTRAINT ${fk.name} ${fk.definition}`);
    },
  };
}

/** ANALYZE of `tables`: fresh statistics right after a load, whether or not autovacuum runs. */
export async function analyzeTables(db: Queryable, tables: readonly string[]): Promise<void> {
  if (tables.length > 0) await db.query(`ANALYZE ${tables.map(quote).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// COPY: the bulk generator's path (no dependency: pg runs any object with a `submit` method, the
// "submittable" that pg-cursor and pg-copy-streams build on)
// ---------------------------------------------------------------------------------------------

/** The raw pg client under a TypeORM query runner (`await queryRunner.connect()`). */
export interface PgClient {
  query(submittable: object): unknown;
}

/** The part of pg's Connection a COPY FROM STDIN uses. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIALS = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One field in COPY's text format: the text PostgreSQL would get as a parameter, escaped. */
function copyField(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return '\\N';
  if (type === 'bool') return value ? 't' : 'f';
  const text = type === 'text[]' ? arrayLiteral(value as readonly string[]) : String(value as string | number);
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : text;
}

/**
 * `rows[from…]` as COPY text-format data (a Buffer, outside the JS heap: rows can be serialised
 * as soon as they are generated and wait for the database without weighing on the GC). Values
 * are written as the text a parameter would carry, so a column gets what `bulkInsert` would give it.
 */
export function copyData<R extends object>(spec: ColumnSpec<R>, rows: readonly R[], from = 0): Buffer {
  const columns = Object.keys(spec) as (keyof R & string)[];
  const types = columns.map((c) => spec[c]);
  let text = '';
  for (let r = from; r < rows.length; r++) {
    const row = rows[r];
    let line = copyField(row[columns[0]], types[0]);
    for (let i = 1; i < columns.length; i++) line += '\t' + copyField(row[columns[i]], types[i]);
    text += line + '\n';
  }
  return Buffer.from(text, 'utf8');
}

const CHUNK = 64 * 1024;

/**
 * `COPY table (columns of spec) FROM STDIN` with `data` from `copyData`, on `client`, queued
 * behind what the client already runs (same connection, same transaction). Row triggers and
 * constraints apply as for INSERT; the server parses no statement per row and inserts in batches,
 * which makes it the fastest way in.
 */
export function copyInto<R extends object>(client: PgClient, table: string, spec: ColumnSpec<R>, data: Buffer): Promise<void> {
  const sql = `COPY ${quote(table)} (${Object.keys(spec).map(quote).join(', ')}) FROM STDIN`;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve();
    };
    client.query({
      submit: (connection: CopyConnection) => connection.query(sql),
      handleCopyInResponse: (connection: CopyConnection) => {
        for (let at = 0; at < data.length; at += CHUNK) connection.sendCopyFromChunk(data.subarray(at, at + CHUNK));
        connection.endCopyFrom();
      },
      // An error response (pg then forgets the query: no ready-for-query follows) or a lost connection.
      handleError: (error: Error) => settle(error),
      handleReadyForQuery: () => settle(),
      handleCommandComplete: () => undefined,
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handlePortalSuspended: () => undefined,
      handleCopyData: () => undefined,
    });
  });
}
