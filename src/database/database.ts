import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type EmbeddedCluster } from './embedded';

export interface Database {
  dataSource: DataSource;
  /** Where it runs, for the startup banner (no password). */
  description: string;
  close(): Promise<void>;
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
    const applied = await dataSource.runMigrations({ transaction: 'each' });
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
