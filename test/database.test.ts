import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/database/data-source';
import { openDatabase } from '../src/database/database';

/**
 * Session settings of the application's connections, and the statistics the migration runner
 * leaves behind. Runs against PostgreSQL 15 (JIT compiled in) and the embedded 18 (none) alike.
 */

function serverUrl(database?: string): string {
  const url = process.env.AG_TEST_SERVER_URL;
  if (!url) throw new Error('run the tests through jest (global setup provides the database)');
  if (!database) return url;
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe("the application's connections", () => {
  it('run with JIT off and in UTC, on every connection of the pool', async () => {
    const db = createDataSource({ url: serverUrl(), poolSize: 2 });
    await db.initialize();
    try {
      // Two connections at once: each pooled connection gets the settings, not just the first.
      const runners = [db.createQueryRunner(), db.createQueryRunner()];
      const settings = await Promise.all(
        runners.map(async (runner) => {
          await runner.connect();
          const [{ jit }] = (await runner.query('SHOW jit')) as { jit: string }[];
          const [{ zone, pid }] = (await runner.query(`SELECT current_setting('TimeZone') AS zone, pg_backend_pid() AS pid`)) as { zone: string; pid: number }[];
          return { jit, zone, pid };
        }),
      );
      await Promise.all(runners.map((runner) => runner.release()));
      expect(new Set(settings.map((s) => s.pid)).size).toBe(2);
      for (const s of settings) expect({ jit: s.jit, zone: s.zone }).toEqual({ jit: 'off', zone: 'UTC' });
    } finally {
      await db.destroy();
    }
  });
});

describe('openDatabase', () => {
  const name = `ag_test_${process.env.AG_TEST_RUN}_migrate_${randomBytes(4).toString('hex')}`;
  beforeAll(() => admin((c) => c.query(`CREATE DATABASE ${name}`)));
  afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));

  /** Times each ordinary table of the schema was analyzed (ANALYZE, not autovacuum). */
  async function analyzeCounts(): Promise<Record<string, number>> {
    const client = new Client({ connectionString: serverUrl(name) });
    await client.connect();
    try {
      const { rows } = await client.query<{ table: string; analyzed: number }>(
        `SELECT s.relname AS table, s.analyze_count::int AS analyzed
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE s.schemaname = current_schema() AND c.relkind = 'r' ORDER BY 1`,
      );
      return Object.fromEntries(rows.map((r) => [r.table, r.analyzed]));
    } finally {
      await client.end();
    }
  }

  it('analyzes the schema after applying migrations, and not when none was pending', async () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: serverUrl(name) });
    const lines: string[] = [];
    const first = await openDatabase(config, (line) => lines.push(line));
    await first.close();
    expect(lines.join('\n')).toMatch(/applied \d+ migration/);
    const counts = await analyzeCounts();
    expect(Object.keys(counts)).toEqual(expect.arrayContaining(['stakeholder', 'affiliation', 'interaction_participant', 'typeorm_migrations']));
    for (const [table, analyzed] of Object.entries(counts)) expect({ table, analyzed }).toEqual({ table, analyzed: 1 });

    const again: string[] = [];
    const second = await openDatabase(config, (line) => again.push(line));
    await second.close();
    expect(again).toEqual([]);
    expect(await analyzeCounts()).toEqual(counts);
  });
});

describe('named statements (the webhook worker’s pool)', () => {
  it('names parameterised reads per connection, up to the limit, and leaves everything else unnamed', async () => {
    // One connection: every statement below runs on the session whose prepared statements are read.
    const db = createDataSource({ url: serverUrl(), poolSize: 1, namedStatements: 3 });
    await db.initialize();
    try {
      const prepared = async () =>
        ((await db.query(`SELECT statement FROM pg_prepared_statements ORDER BY statement`)) as { statement: string }[]).map((r) => r.statement);
      expect(await prepared()).toEqual([]);
      for (let i = 0; i < 3; i++) expect(await db.query(`SELECT $1::int + 1 AS n`, [i])).toEqual([{ n: i + 1 }]);
      expect(await db.query(`WITH t AS (SELECT $1::text AS s) SELECT s FROM t`, ['x'])).toEqual([{ s: 'x' }]);
      // A named statement that fails when run: the error comes back, and the session goes on.
      await expect(db.query(`SELECT $1::int / 0 AS n`, [1])).rejects.toThrow(/division by zero/);
      expect(await db.query(`SELECT $1::int + 1 AS n`, [41])).toEqual([{ n: 42 }]);
      // A fourth distinct read: past the limit, unnamed; so are writes, and statements without parameters.
      expect(await db.query(`SELECT $1::text || 'y' AS s`, ['x'])).toEqual([{ s: 'xy' }]);
      await db.query(`CREATE TEMP TABLE named_probe (n int)`);
      await db.query(`INSERT INTO named_probe VALUES ($1)`, [1]);
      expect(await prepared()).toEqual(['SELECT $1::int + 1 AS n', 'SELECT $1::int / 0 AS n', 'WITH t AS (SELECT $1::text AS s) SELECT s FROM t']);
    } finally {
      await db.destroy();
    }
  });

  it('are off by default', async () => {
    const db = createDataSource({ url: serverUrl(), poolSize: 1 });
    await db.initialize();
    try {
      expect(await db.query(`SELECT $1::int AS n`, [1])).toEqual([{ n: 1 }]);
      expect(await db.query(`SELECT count(*)::int AS n FROM pg_prepared_statements`)).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});
