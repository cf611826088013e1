import type { DataSource } from 'typeorm';
import { bulkInsert, copyData, copyInto, type ColumnSpec, type PgClient } from '../seeds/bulk-insert';
import { generateDemo, SEED_COLUMNS, SEED_TABLES, seedDemo } from '../seeds/demo';
import { createTestApp, type TestApp } from './support/app';

/**
 * The bulk loader: COPY writes exactly what parameters would (the demo is the same rows however
 * it is loaded), the indexes and foreign keys dropped for the load come back as they were, and
 * the loaded tables are analyzed (plans must not wait for autovacuum).
 */

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** Every index and constraint of the schema, by name, with its definition. */
async function schemaObjects(db: DataSource): Promise<string[]> {
  const rows = (await db.query(
    `SELECT 'index ' || i.relname || ': ' || pg_get_indexdef(i.oid) AS object
       FROM pg_class i WHERE i.relkind IN ('i', 'I') AND i.relnamespace = current_schema()::regnamespace
     UNION ALL
     SELECT 'constraint ' || c.conrelid::regclass || '.' || c.conname || ': ' || pg_get_constraintdef(c.oid) || CASE WHEN c.convalidated THEN '' ELSE ' (not validated)' END
       FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace
     ORDER BY 1`,
  )) as { object: string }[];
  return rows.map((r) => r.object);
}

const quoted = (names: string[]): string => names.map((n) => `"${n}"`).join(', ');

describe('seedDemo', () => {
  it('loads the generated rows exactly (as parameters would), rebuilds every index and constraint, and analyzes', async () => {
    const before = await schemaObjects(app.db);
    expect(before.length).toBeGreaterThan(50);
    const report = await seedDemo(app.db, { scale: 1 });

    expect(await schemaObjects(app.db)).toEqual(before);

    const generated = generateDemo(1);
    expect(report.counts).toEqual(Object.fromEntries(SEED_TABLES.map((t) => [t, generated[t].length])));
    // The same rows through the parameter path (unnest) into a copy of each table: no difference
    // in any seeded column, either way.
    const qr = app.db.createQueryRunner();
    try {
      await qr.startTransaction();
      for (const table of SEED_TABLES) {
        const columns = quoted(Object.keys(SEED_COLUMNS[table]));
        await qr.query(`CREATE TEMP TABLE "expected_${table}" (LIKE "${table}" INCLUDING DEFAULTS) ON COMMIT DROP`);
        await bulkInsert(qr, `expected_${table}`, SEED_COLUMNS[table] as ColumnSpec<object>, generated[table] as object[]);
        const [{ missing, extra }] = (await qr.query(
          `SELECT (SELECT count(*) FROM (SELECT ${columns} FROM "expected_${table}" EXCEPT ALL SELECT ${columns} FROM "${table}") m)::int AS missing,
                  (SELECT count(*) FROM (SELECT ${columns} FROM "${table}" EXCEPT ALL SELECT ${columns} FROM "expected_${table}") e)::int AS extra`,
        )) as { missing: number; extra: number }[];
        expect({ table, missing, extra }).toEqual({ table, missing: 0, extra: 0 });
      }
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }

    // Statistics for every seeded table (pg_stats: readable without superuser rights).
    const analyzed = (await app.db.query(
      `SELECT DISTINCT tablename::text AS t FROM pg_stats WHERE schemaname = current_schema() AND tablename = ANY($1::text[]) ORDER BY 1`,
      [SEED_TABLES],
    )) as { t: string }[];
    expect(analyzed.map((r) => r.t)).toEqual([...SEED_TABLES].sort());
  });
});

describe('copyInto', () => {
  interface Row {
    id: number;
    label: string | null;
    tags: string[];
    flag: boolean | null;
    at: string | null;
  }
  const SPEC: ColumnSpec<Row> = { id: 'int', label: 'text', tags: 'text[]', flag: 'bool', at: 'timestamptz' };
  const ROWS: Row[] = [
    { id: 1, label: 'tab\there, newline\nthere, return\r, backslash \\ and \\N', tags: ['a,b', 'c"d', 'e\\f', '{g}', 'tab\tnl\n', ''], flag: true, at: '2026-11-01T09:30:00.000Z' },
    { id: 2, label: '', tags: [], flag: false, at: null },
    { id: 3, label: null, tags: ['NULL', ' spaced ', 'Ünïcødé ✓ 🧬'], flag: null, at: '2024-02-29T23:59:59.999Z' },
    { id: 4, label: '\\.', tags: ['\\.'], flag: true, at: '2026-03-29T01:30:00.000Z' },
  ];

  it('writes what parameters write, special characters included, and fails like the statement on bad data', async () => {
    const qr = app.db.createQueryRunner();
    const client = (await qr.connect()) as PgClient;
    try {
      await qr.startTransaction();
      await qr.query(`CREATE TEMP TABLE copied (id int PRIMARY KEY, label text, tags text[] NOT NULL, flag bool, at timestamptz) ON COMMIT DROP`);
      await qr.query(`CREATE TEMP TABLE inserted (LIKE copied) ON COMMIT DROP`);
      await copyInto(client, 'copied', SPEC, copyData(SPEC, ROWS));
      await bulkInsert(qr, 'inserted', SPEC, ROWS);
      const rows = (await qr.query(`SELECT * FROM copied ORDER BY id`)) as unknown[];
      expect(rows).toEqual(await qr.query(`SELECT * FROM inserted ORDER BY id`));
      expect(rows).toHaveLength(ROWS.length);
      expect((rows[0] as { label: string; tags: string[] }).label).toBe(ROWS[0].label);
      expect((rows[0] as { tags: string[] }).tags).toEqual(ROWS[0].tags);
      // copyData from an offset sends only the rows after it.
      await copyInto(client, 'copied', SPEC, copyData(SPEC, [...ROWS, { ...ROWS[1], id: 5 }], ROWS.length));
      expect(await qr.query(`SELECT count(*)::int AS n FROM copied`)).toEqual([{ n: 5 }]);

      await qr.query('SAVEPOINT duplicate');
      await expect(copyInto(client, 'copied', SPEC, copyData(SPEC, [ROWS[0]]))).rejects.toThrow(/duplicate key/);
      await qr.query('ROLLBACK TO SAVEPOINT duplicate');
      // The connection is usable after a failed COPY.
      expect(await qr.query(`SELECT count(*)::int AS n FROM copied`)).toEqual([{ n: 5 }]);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});
