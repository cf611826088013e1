import type { DataSource, Migration } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type EmbeddedCluster } from './embedded';

export interface Database {
  dataSource: DataSource;
  /** Where it runs, for the startup banner (no password). */
  description: string;
  close(): Promise<void>;
}

/**
 * Applies pending migrations, then, when at least one ran, ANALYZEs every table of the current
 * schema: a migration may add or rewrite rows (a backfill), and plans must not wait for
 * autovacuum, which may be off (CI's PostgreSQL 15). Nothing pending, nothing analyzed, so a
 * restart costs nothing. Returns the migrations applied.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) await analyzeSchema(dataSource);
  return applied;
}

/** ANALYZE of every table of the current schema (a partitioned one with its partitions). */
export async function analyzeSchema(db: Pick<DataSource, 'query'>): Promise<void> {
  const rows = (await db.query(
    `SELECT format('%I', c.relname) AS name FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  )) as { name: string }[];
  if (rows.length > 0) await db.query(`ANALYZE ${rows.map((r) => r.name).join(', ')}`);
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR, and applies pending migrations. */
export async function openDatabase(config: Config, log: (line: string) => void = console.log): Promise<Database> {
  let embedded: EmbeddedCluster | undefined;
  let url = config.databaseUrl;
  let description: string;
  if (url) {
    const parsed = new URL(url);
    description = `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: `${config.dataDir}/pg`, port: config.embeddedPgPort });
    url = embedded.url('postgres');
    description = `embedded PostgreSQL ${embedded.url().replace(/\/\/.*@/, '//')}, data in ${embedded.dataDir}`;
  }
  const dataSource = createDataSource({
    url,
    poolSize: config.dbPoolSize,
    logSql: config.logSql,
    connectTimeoutMs: config.db.connectTimeoutMs,
    statementTimeoutMs: config.db.statementTimeoutMs,
    idleInTransactionTimeoutMs: config.db.idleInTransactionTimeoutMs,
  });
  try {
    await dataSource.initialize();
    const applied = await runPendingMigrations(dataSource);
    if (applied.length > 0) log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    description,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
